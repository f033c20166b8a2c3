/**
 * Zod schemas of every message of protocol revision 2025-11-25, one per `$defs` entry of the
 * official `schema.json`. A spec type `Foo` is `FooSchema` here, with `type Foo` beside it.
 *
 * Two rules hold throughout:
 *  - every object is loose (`z.looseObject`): fields a later revision or an extension adds pass
 *    through untouched, so a proxy forwards what it does not understand;
 *  - checks stay cheap and shallow: formats (`uri`, `byte`) are plain strings, tool arguments are
 *    a plain record (the tool's own schema validates them), and no field gets a transform.
 *
 * The older revisions re-export these (their messages are, for parsing, subsets); what they need
 * differently lives in `2024-11-05.ts`, `2025-03-26.ts`, `2025-06-18.ts`.
 *
 * The JSON-RPC envelope *types* (`JSONRPCRequest`, `RequestId`, …) live in `jsonrpc/messages.ts`;
 * this module exports only their schemas, so the names do not collide.
 *
 * The types here are the spec's, written out as interfaces; each schema is the zod object of
 * `./wire/2025-11-25.ts`, declared with its type.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/schema
 */
import type * as z from 'zod'
import * as w from './wire/2025-11-25.js'

// Declared, not inferred: our .d.ts then names these interfaces instead of spelling out every zod
// object type, which cost a consumer with `skipLibCheck: false` about 1M type instantiations.
// Input and output are one type, as no schema transforms. types.test.ts holds them to wire/.
type Schema<T> = z.ZodType<T, T>
// Checks what zod infers for a wire schema against its declared type, comparing only the output and
// input types: assigning the zod object to `z.ZodType` directly compared every method too, 1M type
// instantiations in our own type check.
const typed = <T>(schema: { _zod: { output: NoInfer<T>; input: NoInfer<T> } }): Schema<T> => schema as unknown as Schema<T>

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------

/** `_meta`: a free-form object that clients and servers use to attach metadata. */
export const MetaSchema: Schema<Record<string, unknown>> = typed(w.MetaSchema)

export const RequestIdSchema: Schema<string | number> = typed(w.RequestIdSchema)

export const ProgressTokenSchema: Schema<string | number> = typed(w.ProgressTokenSchema)

/** An opaque pagination position. */
export type Cursor = string
export const CursorSchema: Schema<Cursor> = typed(w.CursorSchema)

/**
 * Who speaks in a message: `'user'` or `'assistant'`. Only the schema is exported: the name
 * `Role` belongs to the session (`'client' | 'server'`); write `z.infer<typeof RoleSchema>`.
 */
export const RoleSchema: z.ZodEnum<{ user: 'user'; assistant: 'assistant' }> = w.RoleSchema

/** `_meta` of a request: may carry the `progressToken` the receiver echoes in progress notifications. */
export interface RequestMeta {
  progressToken?: string | number | undefined
  [key: string]: unknown
}
export const RequestMetaSchema: Schema<RequestMeta> = typed(w.RequestMetaSchema)

export interface RequestParams {
  _meta?: RequestMeta | undefined
  [key: string]: unknown
}
export const RequestParamsSchema: Schema<RequestParams> = typed(w.RequestParamsSchema)

export interface NotificationParams {
  _meta?: Record<string, unknown> | undefined
  [key: string]: unknown
}
export const NotificationParamsSchema: Schema<NotificationParams> = typed(w.NotificationParamsSchema)

export interface Result {
  _meta?: Record<string, unknown> | undefined
  [key: string]: unknown
}
export const ResultSchema: Schema<Result> = typed(w.ResultSchema)

/** A result that only says "done". */
export type EmptyResult = Result
export const EmptyResultSchema: Schema<EmptyResult> = typed(w.EmptyResultSchema)

/** A request in the abstract (`method` + optional `params`), as the spec's `Request` type. */
export const RequestSchema: Schema<{
  method: string
  params?: Record<string, unknown> | undefined
  [key: string]: unknown
}> = typed(w.RequestSchema)

/** A notification in the abstract, as the spec's `Notification` type. */
export const NotificationSchema: Schema<{
  method: string
  params?: Record<string, unknown> | undefined
  [key: string]: unknown
}> = typed(w.NotificationSchema)

export const JSONRPCRequestSchema: Schema<{
  jsonrpc: '2.0'
  id: string | number
  method: string
  params?: RequestParams | undefined
  [key: string]: unknown
}> = typed(w.JSONRPCRequestSchema)

export const JSONRPCNotificationSchema: Schema<{
  jsonrpc: '2.0'
  method: string
  params?: NotificationParams | undefined
  [key: string]: unknown
}> = typed(w.JSONRPCNotificationSchema)

export const JSONRPCResultResponseSchema: Schema<{ jsonrpc: '2.0'; id: string | number; result: Result; [key: string]: unknown }> = typed(w.JSONRPCResultResponseSchema)

/** The spec's `Error`: the `error` member of an error response. */
export const JSONRPCErrorObjectSchema: Schema<{ code: number; message: string; data?: unknown; [key: string]: unknown }> = typed(w.JSONRPCErrorObjectSchema)

/**
 * An error response. 2025-11-25 made `id` optional (absent when the request's id could not be
 * read); JSON-RPC 2.0 itself says `null` there, which peers do send, so both parse.
 */
export const JSONRPCErrorResponseSchema: Schema<{
  jsonrpc: '2.0'
  id?: string | number | null | undefined
  error: { code: number; message: string; data?: unknown; [key: string]: unknown }
  [key: string]: unknown
}> = typed(w.JSONRPCErrorResponseSchema)

export const JSONRPCResponseSchema: Schema<
  | {
    jsonrpc: '2.0'
    id: string | number
    result: Result
    [key: string]: unknown
  }
  | {
    jsonrpc: '2.0'
    id?: string | number | null | undefined
    error: { code: number; message: string; data?: unknown; [key: string]: unknown }
    [key: string]: unknown
  }> = typed(w.JSONRPCResponseSchema)

/** Any single message. Order matters: loose schemas would let a notification match a request. */
export const JSONRPCMessageSchema: Schema<
  | {
    jsonrpc: '2.0'
    id: string | number
    method: string
    params?: RequestParams | undefined
    [key: string]: unknown
  }
  | {
    jsonrpc: '2.0'
    method: string
    params?: NotificationParams | undefined
    [key: string]: unknown
  }
  | {
    jsonrpc: '2.0'
    id: string | number
    result: Result
    [key: string]: unknown
  }
  | {
    jsonrpc: '2.0'
    id?: string | number | null | undefined
    error: { code: number; message: string; data?: unknown; [key: string]: unknown }
    [key: string]: unknown
  }> = typed(w.JSONRPCMessageSchema)

// ---------------------------------------------------------------------------------------------
// Metadata, icons, implementation
// ---------------------------------------------------------------------------------------------

/** An icon a client may show for a server, tool, resource or prompt. */
export interface Icon {
  src: string
  mimeType?: string | undefined
  sizes?: string[] | undefined
  theme?: 'light' | 'dark' | undefined
  [key: string]: unknown
}
export const IconSchema: Schema<Icon> = typed(w.IconSchema)

export interface Icons {
  icons?: Icon[] | undefined
  [key: string]: unknown
}
export const IconsSchema: Schema<Icons> = typed(w.IconsSchema)

/** `name` (programmatic) and `title` (for display), shared by everything users see by name. */
export interface BaseMetadata {
  name: string
  title?: string | undefined
  [key: string]: unknown
}
export const BaseMetadataSchema: Schema<BaseMetadata> = typed(w.BaseMetadataSchema)

/** Names a client or server implementation (`clientInfo`, `serverInfo`). */
export interface Implementation {
  name: string
  title?: string | undefined
  version: string
  description?: string | undefined
  icons?: Icon[] | undefined
  websiteUrl?: string | undefined
  [key: string]: unknown
}
export const ImplementationSchema: Schema<Implementation> = typed(w.ImplementationSchema)

export interface ClientCapabilities {
  experimental?: Record<string, { [key: string]: unknown }> | undefined
  roots?: { listChanged?: boolean | undefined; [key: string]: unknown } | undefined
  /** `context`: the client honours `includeContext`; `tools`: it accepts `tools`/`toolChoice`. */
  sampling?: {
    context?: { [key: string]: unknown } | undefined
    tools?: { [key: string]: unknown } | undefined
    [key: string]: unknown
  } | undefined
  /** An empty `elicitation: {}` means form mode only. */
  elicitation?: {
    form?: { [key: string]: unknown } | undefined
    url?: { [key: string]: unknown } | undefined
    [key: string]: unknown
  } | undefined
  tasks?: {
    list?: { [key: string]: unknown } | undefined
    cancel?: { [key: string]: unknown } | undefined
    requests?: {
      sampling?: {
        createMessage?: { [key: string]: unknown } | undefined
        [key: string]: unknown
      } | undefined
      elicitation?: {
        create?: { [key: string]: unknown } | undefined
        [key: string]: unknown
      } | undefined
      [key: string]: unknown
    } | undefined
    [key: string]: unknown
  } | undefined
  [key: string]: unknown
}
export const ClientCapabilitiesSchema: Schema<ClientCapabilities> = typed(w.ClientCapabilitiesSchema)

export interface ServerCapabilities {
  experimental?: Record<string, { [key: string]: unknown }> | undefined
  logging?: { [key: string]: unknown } | undefined
  completions?: { [key: string]: unknown } | undefined
  prompts?: { listChanged?: boolean | undefined; [key: string]: unknown } | undefined
  resources?: {
    subscribe?: boolean | undefined
    listChanged?: boolean | undefined
    [key: string]: unknown
  } | undefined
  tools?: { listChanged?: boolean | undefined; [key: string]: unknown } | undefined
  tasks?: {
    list?: { [key: string]: unknown } | undefined
    cancel?: { [key: string]: unknown } | undefined
    requests?: {
      tools?: { call?: { [key: string]: unknown } | undefined; [key: string]: unknown } | undefined
      [key: string]: unknown
    } | undefined
    [key: string]: unknown
  } | undefined
  [key: string]: unknown
}
export const ServerCapabilitiesSchema: Schema<ServerCapabilities> = typed(w.ServerCapabilitiesSchema)

// ---------------------------------------------------------------------------------------------
// Content
// ---------------------------------------------------------------------------------------------

export interface Annotations {
  audience?: Array<'user' | 'assistant'> | undefined
  priority?: number | undefined
  /** ISO 8601 timestamp of the last modification. */
  lastModified?: string | undefined
  [key: string]: unknown
}
export const AnnotationsSchema: Schema<Annotations> = typed(w.AnnotationsSchema)

export interface TextContent {
  type: 'text'
  text: string
  annotations?: Annotations | undefined
  _meta?: Record<string, unknown> | undefined
  [key: string]: unknown
}
export const TextContentSchema: Schema<TextContent> = typed(w.TextContentSchema)

export interface ImageContent {
  type: 'image'
  /** Base64-encoded image data. */
  data: string
  mimeType: string
  annotations?: Annotations | undefined
  _meta?: Record<string, unknown> | undefined
  [key: string]: unknown
}
export const ImageContentSchema: Schema<ImageContent> = typed(w.ImageContentSchema)

export interface AudioContent {
  type: 'audio'
  /** Base64-encoded audio data. */
  data: string
  mimeType: string
  annotations?: Annotations | undefined
  _meta?: Record<string, unknown> | undefined
  [key: string]: unknown
}
export const AudioContentSchema: Schema<AudioContent> = typed(w.AudioContentSchema)

export interface ResourceContents {
  uri: string
  mimeType?: string | undefined
  _meta?: Record<string, unknown> | undefined
  [key: string]: unknown
}
export const ResourceContentsSchema: Schema<ResourceContents> = typed(w.ResourceContentsSchema)

export interface TextResourceContents {
  uri: string
  mimeType?: string | undefined
  _meta?: Record<string, unknown> | undefined
  text: string
  [key: string]: unknown
}
export const TextResourceContentsSchema: Schema<TextResourceContents> = typed(w.TextResourceContentsSchema)

export interface BlobResourceContents {
  uri: string
  mimeType?: string | undefined
  _meta?: Record<string, unknown> | undefined
  /** Base64-encoded binary data. */
  blob: string
  [key: string]: unknown
}
export const BlobResourceContentsSchema: Schema<BlobResourceContents> = typed(w.BlobResourceContentsSchema)

/** A resource a server can read (`resources/list`). */
export interface Resource {
  uri: string
  name: string
  title?: string | undefined
  description?: string | undefined
  mimeType?: string | undefined
  annotations?: Annotations | undefined
  /** Size in bytes of the raw content, if known. */
  size?: number | undefined
  icons?: Icon[] | undefined
  _meta?: Record<string, unknown> | undefined
  [key: string]: unknown
}
export const ResourceSchema: Schema<Resource> = typed(w.ResourceSchema)

/** A link to a resource in tool results or prompts; it need not appear in `resources/list`. */
export interface ResourceLink {
  uri: string
  name: string
  title?: string | undefined
  description?: string | undefined
  mimeType?: string | undefined
  annotations?: Annotations | undefined
  /** Size in bytes of the raw content, if known. */
  size?: number | undefined
  icons?: Icon[] | undefined
  _meta?: Record<string, unknown> | undefined
  type: 'resource_link'
  [key: string]: unknown
}
export const ResourceLinkSchema: Schema<ResourceLink> = typed(w.ResourceLinkSchema)

/** A resource's contents embedded in a prompt or tool result. */
export interface EmbeddedResource {
  type: 'resource'
  resource: TextResourceContents | BlobResourceContents
  annotations?: Annotations | undefined
  _meta?: Record<string, unknown> | undefined
  [key: string]: unknown
}
export const EmbeddedResourceSchema: Schema<EmbeddedResource> = typed(w.EmbeddedResourceSchema)

/** What a tool result or prompt message may contain. */
export type ContentBlock = TextContent | ImageContent | AudioContent | ResourceLink | EmbeddedResource
export const ContentBlockSchema: Schema<ContentBlock> = typed(w.ContentBlockSchema)

/** A model's request to call a tool, inside a sampling message. */
export interface ToolUseContent {
  type: 'tool_use'
  /** Matches the `toolUseId` of the corresponding `tool_result`. */
  id: string
  name: string
  input: Record<string, unknown>
  _meta?: Record<string, unknown> | undefined
  [key: string]: unknown
}
export const ToolUseContentSchema: Schema<ToolUseContent> = typed(w.ToolUseContentSchema)

/** The result of a tool use, sent back to the model in a sampling message. */
export interface ToolResultContent {
  type: 'tool_result'
  toolUseId: string
  content: ContentBlock[]
  structuredContent?: Record<string, unknown> | undefined
  isError?: boolean | undefined
  _meta?: Record<string, unknown> | undefined
  [key: string]: unknown
}
export const ToolResultContentSchema: Schema<ToolResultContent> = typed(w.ToolResultContentSchema)

export type SamplingMessageContentBlock = TextContent | ImageContent | AudioContent | ToolUseContent | ToolResultContent
export const SamplingMessageContentBlockSchema: Schema<SamplingMessageContentBlock> = typed(w.SamplingMessageContentBlockSchema)

// ---------------------------------------------------------------------------------------------
// Tasks (experimental in 2025-11-25)
// ---------------------------------------------------------------------------------------------

/** `_meta` key that ties a message to the task it belongs to (value: `RelatedTaskMetadata`). */
export const RELATED_TASK_META_KEY: 'io.modelcontextprotocol/related-task' = w.RELATED_TASK_META_KEY

/** `_meta` key of a `CreateTaskResult`: text the host may hand the model while the task runs. */
export const MODEL_IMMEDIATE_RESPONSE_META_KEY: 'io.modelcontextprotocol/model-immediate-response' = w.MODEL_IMMEDIATE_RESPONSE_META_KEY

export type TaskStatus = 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled'
export const TaskStatusSchema: z.ZodEnum<{ [V in TaskStatus]: V }> = w.TaskStatusSchema

/** Asks the receiver to run a request as a task (the `task` member of request params). */
export interface TaskMetadata {
  ttl?: number | undefined
  [key: string]: unknown
}
export const TaskMetadataSchema: Schema<TaskMetadata> = typed(w.TaskMetadataSchema)

export interface RelatedTaskMetadata {
  taskId: string
  [key: string]: unknown
}
export const RelatedTaskMetadataSchema: Schema<RelatedTaskMetadata> = typed(w.RelatedTaskMetadataSchema)

export interface Task {
  taskId: string
  status: TaskStatus
  statusMessage?: string | undefined
  /** ISO 8601. */
  createdAt: string
  lastUpdatedAt: string
  /** Milliseconds from creation before the task may be deleted; `null` is unlimited (the spec's own null). */
  ttl: number | null
  pollInterval?: number | undefined
  [key: string]: unknown
}
export const TaskSchema: Schema<Task> = typed(w.TaskSchema)

export interface TaskAugmentedRequestParams {
  _meta?: RequestMeta | undefined
  task?: TaskMetadata | undefined
  [key: string]: unknown
}
export const TaskAugmentedRequestParamsSchema: Schema<TaskAugmentedRequestParams> = typed(w.TaskAugmentedRequestParamsSchema)

/** The immediate answer to a task-augmented request; the real result comes from `tasks/result`. */
export interface CreateTaskResult {
  _meta?: Record<string, unknown> | undefined
  task: Task
  [key: string]: unknown
}
export const CreateTaskResultSchema: Schema<CreateTaskResult> = typed(w.CreateTaskResultSchema)

export interface GetTaskRequestParams {
  _meta?: RequestMeta | undefined
  taskId: string
  [key: string]: unknown
}
export const GetTaskRequestParamsSchema: Schema<GetTaskRequestParams> = typed(w.GetTaskRequestParamsSchema)

export interface GetTaskResult {
  taskId: string
  status: TaskStatus
  statusMessage?: string | undefined
  /** ISO 8601. */
  createdAt: string
  lastUpdatedAt: string
  /** Milliseconds from creation before the task may be deleted; `null` is unlimited (the spec's own null). */
  ttl: number | null
  pollInterval?: number | undefined
  _meta?: Record<string, unknown> | undefined
  [key: string]: unknown
}
export const GetTaskResultSchema: Schema<GetTaskResult> = typed(w.GetTaskResultSchema)

export type GetTaskPayloadRequestParams = GetTaskRequestParams
export const GetTaskPayloadRequestParamsSchema: Schema<GetTaskPayloadRequestParams> = typed(w.GetTaskPayloadRequestParamsSchema)

/** The original request's result (e.g. a `CallToolResult`), whatever its shape. */
export type GetTaskPayloadResult = Result
export const GetTaskPayloadResultSchema: Schema<GetTaskPayloadResult> = typed(w.GetTaskPayloadResultSchema)

export type CancelTaskRequestParams = GetTaskRequestParams
export const CancelTaskRequestParamsSchema: Schema<CancelTaskRequestParams> = typed(w.CancelTaskRequestParamsSchema)

export type CancelTaskResult = GetTaskResult
export const CancelTaskResultSchema: Schema<CancelTaskResult> = typed(w.CancelTaskResultSchema)

export interface TaskStatusNotificationParams {
  taskId: string
  status: TaskStatus
  statusMessage?: string | undefined
  /** ISO 8601. */
  createdAt: string
  lastUpdatedAt: string
  /** Milliseconds from creation before the task may be deleted; `null` is unlimited (the spec's own null). */
  ttl: number | null
  pollInterval?: number | undefined
  _meta?: Record<string, unknown> | undefined
  [key: string]: unknown
}
export const TaskStatusNotificationParamsSchema: Schema<TaskStatusNotificationParams> = typed(w.TaskStatusNotificationParamsSchema)

// ---------------------------------------------------------------------------------------------
// Pagination
// ---------------------------------------------------------------------------------------------

export interface PaginatedRequestParams {
  _meta?: RequestMeta | undefined
  cursor?: Cursor | undefined
  [key: string]: unknown
}
export const PaginatedRequestParamsSchema: Schema<PaginatedRequestParams> = typed(w.PaginatedRequestParamsSchema)

export interface PaginatedResult {
  _meta?: Record<string, unknown> | undefined
  nextCursor?: Cursor | undefined
  [key: string]: unknown
}
export const PaginatedResultSchema: Schema<PaginatedResult> = typed(w.PaginatedResultSchema)

export interface ListTasksResult {
  _meta?: Record<string, unknown> | undefined
  nextCursor?: Cursor | undefined
  tasks: Task[]
  [key: string]: unknown
}
export const ListTasksResultSchema: Schema<ListTasksResult> = typed(w.ListTasksResultSchema)

// ---------------------------------------------------------------------------------------------
// Lifecycle
// ---------------------------------------------------------------------------------------------

export interface InitializeRequestParams {
  _meta?: RequestMeta | undefined
  protocolVersion: string
  capabilities: ClientCapabilities
  clientInfo: Implementation
  [key: string]: unknown
}
export const InitializeRequestParamsSchema: Schema<InitializeRequestParams> = typed(w.InitializeRequestParamsSchema)

export interface InitializeResult {
  _meta?: Record<string, unknown> | undefined
  protocolVersion: string
  capabilities: ServerCapabilities
  serverInfo: Implementation
  instructions?: string | undefined
  [key: string]: unknown
}
export const InitializeResultSchema: Schema<InitializeResult> = typed(w.InitializeResultSchema)

// ---------------------------------------------------------------------------------------------
// Tools
// ---------------------------------------------------------------------------------------------

/** Hints about a tool's behaviour; untrusted unless the server is. */
export interface ToolAnnotations {
  title?: string | undefined
  readOnlyHint?: boolean | undefined
  destructiveHint?: boolean | undefined
  idempotentHint?: boolean | undefined
  openWorldHint?: boolean | undefined
  [key: string]: unknown
}
export const ToolAnnotationsSchema: Schema<ToolAnnotations> = typed(w.ToolAnnotationsSchema)

export interface ToolExecution {
  taskSupport?: 'forbidden' | 'optional' | 'required' | undefined
  [key: string]: unknown
}
export const ToolExecutionSchema: Schema<ToolExecution> = typed(w.ToolExecutionSchema)

export interface Tool {
  name: string
  title?: string | undefined
  description?: string | undefined
  inputSchema: {
    $schema?: string | undefined
    type: 'object'
    properties?: Record<string, unknown> | undefined
    required?: string[] | undefined
    [key: string]: unknown
  }
  outputSchema?: {
    $schema?: string | undefined
    type: 'object'
    properties?: Record<string, unknown> | undefined
    required?: string[] | undefined
    [key: string]: unknown
  } | undefined
  annotations?: ToolAnnotations | undefined
  execution?: ToolExecution | undefined
  icons?: Icon[] | undefined
  _meta?: Record<string, unknown> | undefined
  [key: string]: unknown
}
export const ToolSchema: Schema<Tool> = typed(w.ToolSchema)

export interface ListToolsResult {
  _meta?: Record<string, unknown> | undefined
  nextCursor?: Cursor | undefined
  tools: Tool[]
  [key: string]: unknown
}
export const ListToolsResultSchema: Schema<ListToolsResult> = typed(w.ListToolsResultSchema)

export interface CallToolRequestParams {
  _meta?: RequestMeta | undefined
  task?: TaskMetadata | undefined
  name: string
  arguments?: Record<string, unknown> | undefined
  [key: string]: unknown
}
export const CallToolRequestParamsSchema: Schema<CallToolRequestParams> = typed(w.CallToolRequestParamsSchema)

export interface CallToolResult {
  _meta?: Record<string, unknown> | undefined
  content: ContentBlock[]
  structuredContent?: Record<string, unknown> | undefined
  /** A failed tool run is a result with `isError: true`, not a protocol error. */
  isError?: boolean | undefined
  [key: string]: unknown
}
export const CallToolResultSchema: Schema<CallToolResult> = typed(w.CallToolResultSchema)

// ---------------------------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------------------------

export interface ResourceTemplate {
  /** An RFC 6570 URI template. */
  uriTemplate: string
  name: string
  title?: string | undefined
  description?: string | undefined
  mimeType?: string | undefined
  annotations?: Annotations | undefined
  icons?: Icon[] | undefined
  _meta?: Record<string, unknown> | undefined
  [key: string]: unknown
}
export const ResourceTemplateSchema: Schema<ResourceTemplate> = typed(w.ResourceTemplateSchema)

export interface ListResourcesResult {
  _meta?: Record<string, unknown> | undefined
  nextCursor?: Cursor | undefined
  resources: Resource[]
  [key: string]: unknown
}
export const ListResourcesResultSchema: Schema<ListResourcesResult> = typed(w.ListResourcesResultSchema)

export interface ListResourceTemplatesResult {
  _meta?: Record<string, unknown> | undefined
  nextCursor?: Cursor | undefined
  resourceTemplates: ResourceTemplate[]
  [key: string]: unknown
}
export const ListResourceTemplatesResultSchema: Schema<ListResourceTemplatesResult> = typed(w.ListResourceTemplatesResultSchema)

export interface ResourceRequestParams {
  _meta?: RequestMeta | undefined
  uri: string
  [key: string]: unknown
}
export const ResourceRequestParamsSchema: Schema<ResourceRequestParams> = typed(w.ResourceRequestParamsSchema)

export type ReadResourceRequestParams = ResourceRequestParams
export const ReadResourceRequestParamsSchema: Schema<ReadResourceRequestParams> = typed(w.ReadResourceRequestParamsSchema)

export interface ReadResourceResult {
  _meta?: Record<string, unknown> | undefined
  contents: Array<TextResourceContents | BlobResourceContents>
  [key: string]: unknown
}
export const ReadResourceResultSchema: Schema<ReadResourceResult> = typed(w.ReadResourceResultSchema)

export type SubscribeRequestParams = ResourceRequestParams
export const SubscribeRequestParamsSchema: Schema<SubscribeRequestParams> = typed(w.SubscribeRequestParamsSchema)

export type UnsubscribeRequestParams = ResourceRequestParams
export const UnsubscribeRequestParamsSchema: Schema<UnsubscribeRequestParams> = typed(w.UnsubscribeRequestParamsSchema)

export interface ResourceUpdatedNotificationParams {
  _meta?: Record<string, unknown> | undefined
  uri: string
  [key: string]: unknown
}
export const ResourceUpdatedNotificationParamsSchema: Schema<ResourceUpdatedNotificationParams> = typed(w.ResourceUpdatedNotificationParamsSchema)

// ---------------------------------------------------------------------------------------------
// Prompts
// ---------------------------------------------------------------------------------------------

export interface PromptArgument {
  name: string
  title?: string | undefined
  description?: string | undefined
  required?: boolean | undefined
  [key: string]: unknown
}
export const PromptArgumentSchema: Schema<PromptArgument> = typed(w.PromptArgumentSchema)

export interface Prompt {
  name: string
  title?: string | undefined
  description?: string | undefined
  arguments?: PromptArgument[] | undefined
  icons?: Icon[] | undefined
  _meta?: Record<string, unknown> | undefined
  [key: string]: unknown
}
export const PromptSchema: Schema<Prompt> = typed(w.PromptSchema)

export interface PromptMessage {
  role: 'user' | 'assistant'
  content: ContentBlock
  [key: string]: unknown
}
export const PromptMessageSchema: Schema<PromptMessage> = typed(w.PromptMessageSchema)

export interface ListPromptsResult {
  _meta?: Record<string, unknown> | undefined
  nextCursor?: Cursor | undefined
  prompts: Prompt[]
  [key: string]: unknown
}
export const ListPromptsResultSchema: Schema<ListPromptsResult> = typed(w.ListPromptsResultSchema)

export interface GetPromptRequestParams {
  _meta?: RequestMeta | undefined
  name: string
  arguments?: Record<string, string> | undefined
  [key: string]: unknown
}
export const GetPromptRequestParamsSchema: Schema<GetPromptRequestParams> = typed(w.GetPromptRequestParamsSchema)

export interface GetPromptResult {
  _meta?: Record<string, unknown> | undefined
  description?: string | undefined
  messages: PromptMessage[]
  [key: string]: unknown
}
export const GetPromptResultSchema: Schema<GetPromptResult> = typed(w.GetPromptResultSchema)

// ---------------------------------------------------------------------------------------------
// Completion
// ---------------------------------------------------------------------------------------------

export interface PromptReference {
  type: 'ref/prompt'
  name: string
  title?: string | undefined
  [key: string]: unknown
}
export const PromptReferenceSchema: Schema<PromptReference> = typed(w.PromptReferenceSchema)

export interface ResourceTemplateReference {
  type: 'ref/resource'
  /** The URI or URI template of the resource. */
  uri: string
  [key: string]: unknown
}
export const ResourceTemplateReferenceSchema: Schema<ResourceTemplateReference> = typed(w.ResourceTemplateReferenceSchema)

export interface CompleteRequestParams {
  _meta?: RequestMeta | undefined
  ref: PromptReference | ResourceTemplateReference
  argument: { name: string; value: string; [key: string]: unknown }
  /** Values of arguments already resolved, for completions that depend on them. */
  context?: { arguments?: Record<string, string> | undefined; [key: string]: unknown } | undefined
  [key: string]: unknown
}
export const CompleteRequestParamsSchema: Schema<CompleteRequestParams> = typed(w.CompleteRequestParamsSchema)

export interface CompleteResult {
  _meta?: Record<string, unknown> | undefined
  completion: {
    values: string[]
    total?: number | undefined
    hasMore?: boolean | undefined
    [key: string]: unknown
  }
  [key: string]: unknown
}
export const CompleteResultSchema: Schema<CompleteResult> = typed(w.CompleteResultSchema)

// ---------------------------------------------------------------------------------------------
// Logging
// ---------------------------------------------------------------------------------------------

/** RFC 5424 severities, lowest first. */
export type LoggingLevel = 'debug' | 'info' | 'notice' | 'warning' | 'error' | 'critical' | 'alert' | 'emergency'
export const LoggingLevelSchema: z.ZodEnum<{ [V in LoggingLevel]: V }> = w.LoggingLevelSchema

export interface SetLevelRequestParams {
  _meta?: RequestMeta | undefined
  level: LoggingLevel
  [key: string]: unknown
}
export const SetLevelRequestParamsSchema: Schema<SetLevelRequestParams> = typed(w.SetLevelRequestParamsSchema)

export interface LoggingMessageNotificationParams {
  _meta?: Record<string, unknown> | undefined
  level: LoggingLevel
  logger?: string | undefined
  /** Any JSON value; required (may be `null`). */
  data: unknown
  [key: string]: unknown
}
export const LoggingMessageNotificationParamsSchema: Schema<LoggingMessageNotificationParams> = typed(w.LoggingMessageNotificationParamsSchema)

// ---------------------------------------------------------------------------------------------
// Sampling
// ---------------------------------------------------------------------------------------------

export interface ModelHint {
  name?: string | undefined
  [key: string]: unknown
}
export const ModelHintSchema: Schema<ModelHint> = typed(w.ModelHintSchema)

export interface ModelPreferences {
  hints?: ModelHint[] | undefined
  costPriority?: number | undefined
  speedPriority?: number | undefined
  intelligencePriority?: number | undefined
  [key: string]: unknown
}
export const ModelPreferencesSchema: Schema<ModelPreferences> = typed(w.ModelPreferencesSchema)

export interface ToolChoice {
  mode?: 'auto' | 'required' | 'none' | undefined
  [key: string]: unknown
}
export const ToolChoiceSchema: Schema<ToolChoice> = typed(w.ToolChoiceSchema)

export interface SamplingMessage {
  role: 'user' | 'assistant'
  content: SamplingMessageContentBlock | SamplingMessageContentBlock[]
  _meta?: Record<string, unknown> | undefined
  [key: string]: unknown
}
export const SamplingMessageSchema: Schema<SamplingMessage> = typed(w.SamplingMessageSchema)

export interface CreateMessageRequestParams {
  _meta?: RequestMeta | undefined
  task?: TaskMetadata | undefined
  messages: SamplingMessage[]
  modelPreferences?: ModelPreferences | undefined
  systemPrompt?: string | undefined
  /** Values other than `none` need the client's `sampling.context` capability. */
  includeContext?: 'none' | 'thisServer' | 'allServers' | undefined
  temperature?: number | undefined
  maxTokens: number
  stopSequences?: string[] | undefined
  metadata?: { [key: string]: unknown } | undefined
  /** Needs the client's `sampling.tools` capability. */
  tools?: Tool[] | undefined
  toolChoice?: ToolChoice | undefined
  [key: string]: unknown
}
export const CreateMessageRequestParamsSchema: Schema<CreateMessageRequestParams> = typed(w.CreateMessageRequestParamsSchema)

export interface CreateMessageResult {
  _meta?: Record<string, unknown> | undefined
  role: 'user' | 'assistant'
  content: SamplingMessageContentBlock | SamplingMessageContentBlock[]
  model: string
  /** `endTurn`, `stopSequence`, `maxTokens`, `toolUse`, or a provider's own reason. */
  stopReason?: string | undefined
  [key: string]: unknown
}
export const CreateMessageResultSchema: Schema<CreateMessageResult> = typed(w.CreateMessageResultSchema)

export interface StringSchema {
  type: 'string'
  title?: string | undefined
  description?: string | undefined
  minLength?: number | undefined
  maxLength?: number | undefined
  format?: 'email' | 'uri' | 'date' | 'date-time' | undefined
  default?: string | undefined
  [key: string]: unknown
}
export const StringSchemaSchema: Schema<StringSchema> = typed(w.StringSchemaSchema)

export interface NumberSchema {
  type: 'number' | 'integer'
  title?: string | undefined
  description?: string | undefined
  minimum?: number | undefined
  maximum?: number | undefined
  default?: number | undefined
  [key: string]: unknown
}
export const NumberSchemaSchema: Schema<NumberSchema> = typed(w.NumberSchemaSchema)

export interface BooleanSchema {
  type: 'boolean'
  title?: string | undefined
  description?: string | undefined
  default?: boolean | undefined
  [key: string]: unknown
}
export const BooleanSchemaSchema: Schema<BooleanSchema> = typed(w.BooleanSchemaSchema)

/** Single choice, values only: `{ type: 'string', enum: [...] }`. */
export interface UntitledSingleSelectEnumSchema {
  type: 'string'
  title?: string | undefined
  description?: string | undefined
  enum: string[]
  default?: string | undefined
  [key: string]: unknown
}
export const UntitledSingleSelectEnumSchemaSchema: Schema<UntitledSingleSelectEnumSchema> = typed(w.UntitledSingleSelectEnumSchemaSchema)

/** Single choice with display titles: `{ type: 'string', oneOf: [{ const, title }] }`. */
export interface TitledSingleSelectEnumSchema {
  type: 'string'
  title?: string | undefined
  description?: string | undefined
  oneOf: { const: string; title: string; [key: string]: unknown }[]
  default?: string | undefined
  [key: string]: unknown
}
export const TitledSingleSelectEnumSchemaSchema: Schema<TitledSingleSelectEnumSchema> = typed(w.TitledSingleSelectEnumSchemaSchema)

/** Multiple choice, values only: `{ type: 'array', items: { type: 'string', enum } }`. */
export interface UntitledMultiSelectEnumSchema {
  type: 'array'
  title?: string | undefined
  description?: string | undefined
  minItems?: number | undefined
  maxItems?: number | undefined
  items: { type: 'string'; enum: string[]; [key: string]: unknown }
  default?: string[] | undefined
  [key: string]: unknown
}
export const UntitledMultiSelectEnumSchemaSchema: Schema<UntitledMultiSelectEnumSchema> = typed(w.UntitledMultiSelectEnumSchemaSchema)

/** Multiple choice with display titles: `{ type: 'array', items: { anyOf: [{ const, title }] } }`. */
export interface TitledMultiSelectEnumSchema {
  type: 'array'
  title?: string | undefined
  description?: string | undefined
  minItems?: number | undefined
  maxItems?: number | undefined
  items: {
    anyOf: { const: string; title: string; [key: string]: unknown }[]
    [key: string]: unknown
  }
  default?: string[] | undefined
  [key: string]: unknown
}
export const TitledMultiSelectEnumSchemaSchema: Schema<TitledMultiSelectEnumSchema> = typed(w.TitledMultiSelectEnumSchemaSchema)

/** The 2025-06-18 form, kept for compatibility: titles in the non-standard `enumNames`. */
export interface LegacyTitledEnumSchema {
  type: 'string'
  title?: string | undefined
  description?: string | undefined
  enum: string[]
  enumNames?: string[] | undefined
  default?: string | undefined
  [key: string]: unknown
}
export const LegacyTitledEnumSchemaSchema: Schema<LegacyTitledEnumSchema> = typed(w.LegacyTitledEnumSchemaSchema)

export type SingleSelectEnumSchema = UntitledSingleSelectEnumSchema | TitledSingleSelectEnumSchema
export const SingleSelectEnumSchemaSchema: Schema<SingleSelectEnumSchema> = typed(w.SingleSelectEnumSchemaSchema)

export type MultiSelectEnumSchema = UntitledMultiSelectEnumSchema | TitledMultiSelectEnumSchema
export const MultiSelectEnumSchemaSchema: Schema<MultiSelectEnumSchema> = typed(w.MultiSelectEnumSchemaSchema)

export type EnumSchema =
  | UntitledSingleSelectEnumSchema
  | TitledSingleSelectEnumSchema
  | UntitledMultiSelectEnumSchema
  | TitledMultiSelectEnumSchema
  | LegacyTitledEnumSchema
export const EnumSchemaSchema: Schema<EnumSchema> = typed(w.EnumSchemaSchema)

/**
 * One property of a form's `requestedSchema`: flat, primitive, no nesting. The enum variants come
 * first because a loose `StringSchema` would also accept them (and keep their fields anyway).
 */
export type PrimitiveSchemaDefinition =
  | TitledSingleSelectEnumSchema
  | UntitledSingleSelectEnumSchema
  | LegacyTitledEnumSchema
  | UntitledMultiSelectEnumSchema
  | TitledMultiSelectEnumSchema
  | StringSchema
  | NumberSchema
  | BooleanSchema
export const PrimitiveSchemaDefinitionSchema: Schema<PrimitiveSchemaDefinition> = typed(w.PrimitiveSchemaDefinitionSchema)

/** Form mode: the client renders `requestedSchema` and returns the user's answers. */
export interface ElicitRequestFormParams {
  _meta?: RequestMeta | undefined
  task?: TaskMetadata | undefined
  /** Optional: absent means form (the only mode before 2025-11-25). */
  mode?: 'form' | undefined
  message: string
  requestedSchema: {
    $schema?: string | undefined
    type: 'object'
    properties: Record<string, PrimitiveSchemaDefinition>
    required?: string[] | undefined
    [key: string]: unknown
  }
  [key: string]: unknown
}
export const ElicitRequestFormParamsSchema: Schema<ElicitRequestFormParams> = typed(w.ElicitRequestFormParamsSchema)

/** URL mode: the user completes the interaction out of band, at `url` (sensitive data, OAuth). */
export interface ElicitRequestURLParams {
  _meta?: RequestMeta | undefined
  task?: TaskMetadata | undefined
  mode: 'url'
  message: string
  /** Ties the later `notifications/elicitation/complete` to this request. */
  elicitationId: string
  url: string
  [key: string]: unknown
}
export const ElicitRequestURLParamsSchema: Schema<ElicitRequestURLParams> = typed(w.ElicitRequestURLParamsSchema)

export type ElicitRequestParams = ElicitRequestURLParams | ElicitRequestFormParams
export const ElicitRequestParamsSchema: Schema<ElicitRequestParams> = typed(w.ElicitRequestParamsSchema)

export interface ElicitResult {
  _meta?: Record<string, unknown> | undefined
  action: 'accept' | 'decline' | 'cancel'
  /** The submitted form, present with `accept` in form mode. */
  content?: Record<string, string | number | boolean | string[]> | undefined
  [key: string]: unknown
}
export const ElicitResultSchema: Schema<ElicitResult> = typed(w.ElicitResultSchema)

export interface ElicitationCompleteNotificationParams {
  _meta?: Record<string, unknown> | undefined
  elicitationId: string
  [key: string]: unknown
}
export const ElicitationCompleteNotificationParamsSchema: Schema<ElicitationCompleteNotificationParams> = typed(w.ElicitationCompleteNotificationParamsSchema)

/** `data` of the error `-32042`: URL elicitations the client must complete before retrying. */
export interface URLElicitationRequiredErrorData {
  elicitations: ElicitRequestURLParams[]
  [key: string]: unknown
}
export const URLElicitationRequiredErrorDataSchema: Schema<URLElicitationRequiredErrorData> = typed(w.URLElicitationRequiredErrorDataSchema)

export interface URLElicitationRequiredError {
  jsonrpc: '2.0'
  id?: string | number | null | undefined
  error: {
    code: -32042
    message: string
    data: URLElicitationRequiredErrorData
    [key: string]: unknown
  }
  [key: string]: unknown
}
export const URLElicitationRequiredErrorSchema: Schema<URLElicitationRequiredError> = typed(w.URLElicitationRequiredErrorSchema)

// ---------------------------------------------------------------------------------------------
// Roots
// ---------------------------------------------------------------------------------------------

export interface Root {
  /** A `file://` URI in this revision. */
  uri: string
  name?: string | undefined
  _meta?: Record<string, unknown> | undefined
  [key: string]: unknown
}
export const RootSchema: Schema<Root> = typed(w.RootSchema)

export interface ListRootsResult {
  _meta?: Record<string, unknown> | undefined
  roots: Root[]
  [key: string]: unknown
}
export const ListRootsResultSchema: Schema<ListRootsResult> = typed(w.ListRootsResultSchema)

// ---------------------------------------------------------------------------------------------
// Notifications
// ---------------------------------------------------------------------------------------------

export interface CancelledNotificationParams {
  _meta?: Record<string, unknown> | undefined
  /** Optional since 2025-11-25 (a task is cancelled with `tasks/cancel` instead); required before. */
  requestId?: string | number | undefined
  reason?: string | undefined
  [key: string]: unknown
}
export const CancelledNotificationParamsSchema: Schema<CancelledNotificationParams> = typed(w.CancelledNotificationParamsSchema)

export interface ProgressNotificationParams {
  _meta?: Record<string, unknown> | undefined
  progressToken: string | number
  /** Increases with every notification, even when `total` is unknown. */
  progress: number
  total?: number | undefined
  message?: string | undefined
  [key: string]: unknown
}
export const ProgressNotificationParamsSchema: Schema<ProgressNotificationParams> = typed(w.ProgressNotificationParamsSchema)

export interface InitializeRequest {
  jsonrpc: '2.0'
  id: string | number
  method: 'initialize'
  params: InitializeRequestParams
  [key: string]: unknown
}
export const InitializeRequestSchema: Schema<InitializeRequest> = typed(w.InitializeRequestSchema)

export interface PingRequest {
  jsonrpc: '2.0'
  id: string | number
  method: 'ping'
  params?: RequestParams | undefined
  [key: string]: unknown
}
export const PingRequestSchema: Schema<PingRequest> = typed(w.PingRequestSchema)

export interface ListToolsRequest {
  jsonrpc: '2.0'
  id: string | number
  method: 'tools/list'
  params?: PaginatedRequestParams | undefined
  [key: string]: unknown
}
export const ListToolsRequestSchema: Schema<ListToolsRequest> = typed(w.ListToolsRequestSchema)

export interface CallToolRequest {
  jsonrpc: '2.0'
  id: string | number
  method: 'tools/call'
  params: CallToolRequestParams
  [key: string]: unknown
}
export const CallToolRequestSchema: Schema<CallToolRequest> = typed(w.CallToolRequestSchema)

export interface ListResourcesRequest {
  jsonrpc: '2.0'
  id: string | number
  method: 'resources/list'
  params?: PaginatedRequestParams | undefined
  [key: string]: unknown
}
export const ListResourcesRequestSchema: Schema<ListResourcesRequest> = typed(w.ListResourcesRequestSchema)

export interface ListResourceTemplatesRequest {
  jsonrpc: '2.0'
  id: string | number
  method: 'resources/templates/list'
  params?: PaginatedRequestParams | undefined
  [key: string]: unknown
}
export const ListResourceTemplatesRequestSchema: Schema<ListResourceTemplatesRequest> = typed(w.ListResourceTemplatesRequestSchema)

export interface ReadResourceRequest {
  jsonrpc: '2.0'
  id: string | number
  method: 'resources/read'
  params: ResourceRequestParams
  [key: string]: unknown
}
export const ReadResourceRequestSchema: Schema<ReadResourceRequest> = typed(w.ReadResourceRequestSchema)

export interface SubscribeRequest {
  jsonrpc: '2.0'
  id: string | number
  method: 'resources/subscribe'
  params: ResourceRequestParams
  [key: string]: unknown
}
export const SubscribeRequestSchema: Schema<SubscribeRequest> = typed(w.SubscribeRequestSchema)

export interface UnsubscribeRequest {
  jsonrpc: '2.0'
  id: string | number
  method: 'resources/unsubscribe'
  params: ResourceRequestParams
  [key: string]: unknown
}
export const UnsubscribeRequestSchema: Schema<UnsubscribeRequest> = typed(w.UnsubscribeRequestSchema)

export interface ListPromptsRequest {
  jsonrpc: '2.0'
  id: string | number
  method: 'prompts/list'
  params?: PaginatedRequestParams | undefined
  [key: string]: unknown
}
export const ListPromptsRequestSchema: Schema<ListPromptsRequest> = typed(w.ListPromptsRequestSchema)

export interface GetPromptRequest {
  jsonrpc: '2.0'
  id: string | number
  method: 'prompts/get'
  params: GetPromptRequestParams
  [key: string]: unknown
}
export const GetPromptRequestSchema: Schema<GetPromptRequest> = typed(w.GetPromptRequestSchema)

export interface CompleteRequest {
  jsonrpc: '2.0'
  id: string | number
  method: 'completion/complete'
  params: CompleteRequestParams
  [key: string]: unknown
}
export const CompleteRequestSchema: Schema<CompleteRequest> = typed(w.CompleteRequestSchema)

export interface SetLevelRequest {
  jsonrpc: '2.0'
  id: string | number
  method: 'logging/setLevel'
  params: SetLevelRequestParams
  [key: string]: unknown
}
export const SetLevelRequestSchema: Schema<SetLevelRequest> = typed(w.SetLevelRequestSchema)

export interface CreateMessageRequest {
  jsonrpc: '2.0'
  id: string | number
  method: 'sampling/createMessage'
  params: CreateMessageRequestParams
  [key: string]: unknown
}
export const CreateMessageRequestSchema: Schema<CreateMessageRequest> = typed(w.CreateMessageRequestSchema)

export interface ElicitRequest {
  jsonrpc: '2.0'
  id: string | number
  method: 'elicitation/create'
  params: ElicitRequestParams
  [key: string]: unknown
}
export const ElicitRequestSchema: Schema<ElicitRequest> = typed(w.ElicitRequestSchema)

export interface ListRootsRequest {
  jsonrpc: '2.0'
  id: string | number
  method: 'roots/list'
  params?: RequestParams | undefined
  [key: string]: unknown
}
export const ListRootsRequestSchema: Schema<ListRootsRequest> = typed(w.ListRootsRequestSchema)

export interface GetTaskRequest {
  jsonrpc: '2.0'
  id: string | number
  method: 'tasks/get'
  params: GetTaskRequestParams
  [key: string]: unknown
}
export const GetTaskRequestSchema: Schema<GetTaskRequest> = typed(w.GetTaskRequestSchema)

export interface GetTaskPayloadRequest {
  jsonrpc: '2.0'
  id: string | number
  method: 'tasks/result'
  params: GetTaskRequestParams
  [key: string]: unknown
}
export const GetTaskPayloadRequestSchema: Schema<GetTaskPayloadRequest> = typed(w.GetTaskPayloadRequestSchema)

export interface ListTasksRequest {
  jsonrpc: '2.0'
  id: string | number
  method: 'tasks/list'
  params?: PaginatedRequestParams | undefined
  [key: string]: unknown
}
export const ListTasksRequestSchema: Schema<ListTasksRequest> = typed(w.ListTasksRequestSchema)

export interface CancelTaskRequest {
  jsonrpc: '2.0'
  id: string | number
  method: 'tasks/cancel'
  params: GetTaskRequestParams
  [key: string]: unknown
}
export const CancelTaskRequestSchema: Schema<CancelTaskRequest> = typed(w.CancelTaskRequestSchema)

export interface InitializedNotification {
  jsonrpc: '2.0'
  method: 'notifications/initialized'
  params?: NotificationParams | undefined
  [key: string]: unknown
}
export const InitializedNotificationSchema: Schema<InitializedNotification> = typed(w.InitializedNotificationSchema)

export interface CancelledNotification {
  jsonrpc: '2.0'
  method: 'notifications/cancelled'
  params: CancelledNotificationParams
  [key: string]: unknown
}
export const CancelledNotificationSchema: Schema<CancelledNotification> = typed(w.CancelledNotificationSchema)

export interface ProgressNotification {
  jsonrpc: '2.0'
  method: 'notifications/progress'
  params: ProgressNotificationParams
  [key: string]: unknown
}
export const ProgressNotificationSchema: Schema<ProgressNotification> = typed(w.ProgressNotificationSchema)

export interface LoggingMessageNotification {
  jsonrpc: '2.0'
  method: 'notifications/message'
  params: LoggingMessageNotificationParams
  [key: string]: unknown
}
export const LoggingMessageNotificationSchema: Schema<LoggingMessageNotification> = typed(w.LoggingMessageNotificationSchema)

export interface ResourceUpdatedNotification {
  jsonrpc: '2.0'
  method: 'notifications/resources/updated'
  params: ResourceUpdatedNotificationParams
  [key: string]: unknown
}
export const ResourceUpdatedNotificationSchema: Schema<ResourceUpdatedNotification> = typed(w.ResourceUpdatedNotificationSchema)

export interface ResourceListChangedNotification {
  jsonrpc: '2.0'
  method: 'notifications/resources/list_changed'
  params?: NotificationParams | undefined
  [key: string]: unknown
}
export const ResourceListChangedNotificationSchema: Schema<ResourceListChangedNotification> = typed(w.ResourceListChangedNotificationSchema)

export interface ToolListChangedNotification {
  jsonrpc: '2.0'
  method: 'notifications/tools/list_changed'
  params?: NotificationParams | undefined
  [key: string]: unknown
}
export const ToolListChangedNotificationSchema: Schema<ToolListChangedNotification> = typed(w.ToolListChangedNotificationSchema)

export interface PromptListChangedNotification {
  jsonrpc: '2.0'
  method: 'notifications/prompts/list_changed'
  params?: NotificationParams | undefined
  [key: string]: unknown
}
export const PromptListChangedNotificationSchema: Schema<PromptListChangedNotification> = typed(w.PromptListChangedNotificationSchema)

export interface RootsListChangedNotification {
  jsonrpc: '2.0'
  method: 'notifications/roots/list_changed'
  params?: NotificationParams | undefined
  [key: string]: unknown
}
export const RootsListChangedNotificationSchema: Schema<RootsListChangedNotification> = typed(w.RootsListChangedNotificationSchema)

export interface ElicitationCompleteNotification {
  jsonrpc: '2.0'
  method: 'notifications/elicitation/complete'
  params: ElicitationCompleteNotificationParams
  [key: string]: unknown
}
export const ElicitationCompleteNotificationSchema: Schema<ElicitationCompleteNotification> = typed(w.ElicitationCompleteNotificationSchema)

export interface TaskStatusNotification {
  jsonrpc: '2.0'
  method: 'notifications/tasks/status'
  params: TaskStatusNotificationParams
  [key: string]: unknown
}
export const TaskStatusNotificationSchema: Schema<TaskStatusNotification> = typed(w.TaskStatusNotificationSchema)

export type ClientRequest =
  | InitializeRequest
  | PingRequest
  | ListResourcesRequest
  | ListResourceTemplatesRequest
  | ReadResourceRequest
  | SubscribeRequest
  | UnsubscribeRequest
  | ListPromptsRequest
  | GetPromptRequest
  | ListToolsRequest
  | CallToolRequest
  | GetTaskRequest
  | GetTaskPayloadRequest
  | CancelTaskRequest
  | ListTasksRequest
  | SetLevelRequest
  | CompleteRequest
export const ClientRequestSchema: Schema<ClientRequest> = typed(w.ClientRequestSchema)

export type ServerRequest =
  | PingRequest
  | GetTaskRequest
  | GetTaskPayloadRequest
  | CancelTaskRequest
  | ListTasksRequest
  | CreateMessageRequest
  | ListRootsRequest
  | ElicitRequest
export const ServerRequestSchema: Schema<ServerRequest> = typed(w.ServerRequestSchema)

export type ClientNotification =
  | CancelledNotification
  | InitializedNotification
  | ProgressNotification
  | TaskStatusNotification
  | RootsListChangedNotification
export const ClientNotificationSchema: Schema<ClientNotification> = typed(w.ClientNotificationSchema)

export type ServerNotification =
  | CancelledNotification
  | ProgressNotification
  | ResourceListChangedNotification
  | ResourceUpdatedNotification
  | PromptListChangedNotification
  | ToolListChangedNotification
  | TaskStatusNotification
  | LoggingMessageNotification
  | ElicitationCompleteNotification
export const ServerNotificationSchema: Schema<ServerNotification> = typed(w.ServerNotificationSchema)

/**
 * Any result a client sends. Results carry no method, so this is a plain union: the first match
 * wins and, every schema being loose, nothing is dropped. Know the method? Use its own schema.
 */
export type ClientResult =
  | CreateMessageResult
  | ListRootsResult
  | ElicitResult
  | GetTaskResult
  | ListTasksResult
  | CreateTaskResult
  | Result
export const ClientResultSchema: Schema<ClientResult> = typed(w.ClientResultSchema)

/** Any result a server sends; see {@link ClientResultSchema}. */
export type ServerResult =
  | InitializeResult
  | ListResourcesResult
  | ListResourceTemplatesResult
  | ReadResourceResult
  | ListPromptsResult
  | GetPromptResult
  | ListToolsResult
  | CallToolResult
  | CompleteResult
  | GetTaskResult
  | ListTasksResult
  | CreateTaskResult
  | Result
export const ServerResultSchema: Schema<ServerResult> = typed(w.ServerResultSchema)
