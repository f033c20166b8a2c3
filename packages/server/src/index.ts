export { McpServer } from './mcp-server.js'
export type { ToolSignature, PromptSignature, ServerTypes, ToolSignatureOf, PromptSignatureOf } from './typed.js'
export type { McpServerOptions, ServerRequestHandler, ServerNotificationHandler, CacheableMethod, CacheHint } from './options.js'
export { ServerSession } from './server-session.js'
export { clientExtension, isExtensionId, type ServerExtension, type ExtensionMethod, type ExtensionHost, type StandardSchemaLike } from './extensions.js'
export type { ServerContext, ClientLink } from './context.js'
export { tasks, startTask, memoryTaskStore, type TasksOptions, type TaskStore, type StoredTask, type Task, type TaskStatus, type InputRequest, type MemoryTaskStoreOptions } from './tasks/index.js'
export { ResourceTemplate } from './features/resources.js'
export type {
  ResourceMetadata,
  ResourceTemplateCallbacks,
  ReadResourceCallback,
  ReadResourceTemplateCallback,
  ListResourcesCallback,
  RegisteredResource,
  RegisteredResourceTemplate,
  Variables,
} from './features/resources.js'
export type { ToolConfig, ToolCallback, ToolArgs, ToolResult, ToolUpdate, RegisteredTool } from './features/tools.js'
export type { PromptConfig, PromptCallback, PromptArgs, PromptUpdate, RegisteredPrompt } from './features/prompts.js'
export { completable, type Completable, type CompleteCallback, type CompletionContext, type CompletionValues } from './features/completion.js'
export type { Registered } from './features/registry.js'
export { Logger, LOGGING_LEVELS } from './features/logging.js'
export { checkRequestedSchema, type ElicitParams } from './features/elicitation.js'
export type { CreateMessageParams } from './features/sampling.js'
export { UriTemplate } from './features/uri-template.js'
export {
  compileSchema,
  formatIssues,
  type SchemaInput,
  type SchemaShape,
  type JsonSchema,
  type StandardSchemaV1,
  type InferInput,
  type InferOutput,
  type CompiledSchema,
  type CompileSchemaOptions,
  type JsonSchemaConverter,
  type JsonSchemaConverters,
  type SchemaIssue,
  type ValidationResult,
} from './schema.js'
