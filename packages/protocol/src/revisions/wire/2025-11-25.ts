/**
 * The zod objects behind `../2025-11-25.ts`, which exports them declared with the spec's types: import
 * from there. The types zod infers here are for building the schemas (`.extend`), not for users.
 *
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
 * @see https://modelcontextprotocol.io/specification/2025-11-25/schema
 */
import * as z from 'zod'

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------

/** `_meta`: a free-form object that clients and servers use to attach metadata. */
export const MetaSchema = z.record(z.string(), z.unknown())
const meta = MetaSchema.optional()
/** An empty capability flag such as `logging: {}`: any object, its settings passed through. */
const flag = z.looseObject({}).optional()

export const RequestIdSchema = z.union([z.string(), z.number().int()])
export const ProgressTokenSchema = z.union([z.string(), z.number().int()])
/** An opaque pagination position. */
export const CursorSchema = z.string()
export type Cursor = z.infer<typeof CursorSchema>

/**
 * Who speaks in a message: `'user'` or `'assistant'`. Only the schema is exported: the name
 * `Role` belongs to the session (`'client' | 'server'`); write `z.infer<typeof RoleSchema>`.
 */
export const RoleSchema = z.enum(['user', 'assistant'])

/** `_meta` of a request: may carry the `progressToken` the receiver echoes in progress notifications. */
export const RequestMetaSchema = z.looseObject({ progressToken: ProgressTokenSchema.optional() })
export type RequestMeta = z.infer<typeof RequestMetaSchema>

export const RequestParamsSchema = z.looseObject({ _meta: RequestMetaSchema.optional() })
export type RequestParams = z.infer<typeof RequestParamsSchema>
export const NotificationParamsSchema = z.looseObject({ _meta: meta })
export type NotificationParams = z.infer<typeof NotificationParamsSchema>
export const ResultSchema = z.looseObject({ _meta: meta })
export type Result = z.infer<typeof ResultSchema>
/** A result that only says "done". */
export const EmptyResultSchema = ResultSchema
export type EmptyResult = z.infer<typeof EmptyResultSchema>

/** A request in the abstract (`method` + optional `params`), as the spec's `Request` type. */
export const RequestSchema = z.looseObject({ method: z.string(), params: z.record(z.string(), z.unknown()).optional() })
/** A notification in the abstract, as the spec's `Notification` type. */
export const NotificationSchema = z.looseObject({ method: z.string(), params: z.record(z.string(), z.unknown()).optional() })

// ---------------------------------------------------------------------------------------------
// JSON-RPC envelopes (types in jsonrpc/messages.ts)
// ---------------------------------------------------------------------------------------------

const jsonrpc = z.literal('2.0')

export const JSONRPCRequestSchema = z.looseObject({
  jsonrpc,
  id: RequestIdSchema,
  method: z.string(),
  params: RequestParamsSchema.optional(),
})
export const JSONRPCNotificationSchema = z.looseObject({
  jsonrpc,
  method: z.string(),
  params: NotificationParamsSchema.optional(),
})
export const JSONRPCResultResponseSchema = z.looseObject({ jsonrpc, id: RequestIdSchema, result: ResultSchema })
/** The spec's `Error`: the `error` member of an error response. */
export const JSONRPCErrorObjectSchema = z.looseObject({ code: z.number().int(), message: z.string(), data: z.unknown().optional() })
/**
 * An error response. 2025-11-25 made `id` optional (absent when the request's id could not be
 * read); JSON-RPC 2.0 itself says `null` there, which peers do send, so both parse.
 */
export const JSONRPCErrorResponseSchema = z.looseObject({
  jsonrpc,
  id: z.union([RequestIdSchema, z.null()]).optional(),
  error: JSONRPCErrorObjectSchema,
})
export const JSONRPCResponseSchema = z.union([JSONRPCResultResponseSchema, JSONRPCErrorResponseSchema])
/** Any single message. Order matters: loose schemas would let a notification match a request. */
export const JSONRPCMessageSchema = z.union([
  JSONRPCRequestSchema,
  JSONRPCNotificationSchema,
  JSONRPCResultResponseSchema,
  JSONRPCErrorResponseSchema,
])

// ---------------------------------------------------------------------------------------------
// Metadata, icons, implementation
// ---------------------------------------------------------------------------------------------

/** An icon a client may show for a server, tool, resource or prompt. */
export const IconSchema = z.looseObject({
  src: z.string(),
  mimeType: z.string().optional(),
  sizes: z.array(z.string()).optional(),
  theme: z.enum(['light', 'dark']).optional(),
})
export type Icon = z.infer<typeof IconSchema>
export const IconsSchema = z.looseObject({ icons: z.array(IconSchema).optional() })
export type Icons = z.infer<typeof IconsSchema>

/** `name` (programmatic) and `title` (for display), shared by everything users see by name. */
export const BaseMetadataSchema = z.looseObject({ name: z.string(), title: z.string().optional() })
export type BaseMetadata = z.infer<typeof BaseMetadataSchema>

/** Names a client or server implementation (`clientInfo`, `serverInfo`). */
export const ImplementationSchema = z.looseObject({
  name: z.string(),
  title: z.string().optional(),
  version: z.string(),
  description: z.string().optional(),
  icons: z.array(IconSchema).optional(),
  websiteUrl: z.string().optional(),
})
export type Implementation = z.infer<typeof ImplementationSchema>

// ---------------------------------------------------------------------------------------------
// Capabilities
// ---------------------------------------------------------------------------------------------

const listChanged = z.looseObject({ listChanged: z.boolean().optional() }).optional()
const experimental = z.record(z.string(), z.looseObject({})).optional()

export const ClientCapabilitiesSchema = z.looseObject({
  experimental,
  roots: listChanged,
  /** `context`: the client honours `includeContext`; `tools`: it accepts `tools`/`toolChoice`. */
  sampling: z.looseObject({ context: flag, tools: flag }).optional(),
  /** An empty `elicitation: {}` means form mode only. */
  elicitation: z.looseObject({ form: flag, url: flag }).optional(),
  tasks: z
    .looseObject({
      list: flag,
      cancel: flag,
      requests: z
        .looseObject({
          sampling: z.looseObject({ createMessage: flag }).optional(),
          elicitation: z.looseObject({ create: flag }).optional(),
        })
        .optional(),
    })
    .optional(),
})
export type ClientCapabilities = z.infer<typeof ClientCapabilitiesSchema>

export const ServerCapabilitiesSchema = z.looseObject({
  experimental,
  logging: flag,
  completions: flag,
  prompts: listChanged,
  resources: z.looseObject({ subscribe: z.boolean().optional(), listChanged: z.boolean().optional() }).optional(),
  tools: listChanged,
  tasks: z
    .looseObject({
      list: flag,
      cancel: flag,
      requests: z.looseObject({ tools: z.looseObject({ call: flag }).optional() }).optional(),
    })
    .optional(),
})
export type ServerCapabilities = z.infer<typeof ServerCapabilitiesSchema>

// ---------------------------------------------------------------------------------------------
// Content
// ---------------------------------------------------------------------------------------------

export const AnnotationsSchema = z.looseObject({
  audience: z.array(RoleSchema).optional(),
  priority: z.number().min(0).max(1).optional(),
  /** ISO 8601 timestamp of the last modification. */
  lastModified: z.string().optional(),
})
export type Annotations = z.infer<typeof AnnotationsSchema>

export const TextContentSchema = z.looseObject({
  type: z.literal('text'),
  text: z.string(),
  annotations: AnnotationsSchema.optional(),
  _meta: meta,
})
export type TextContent = z.infer<typeof TextContentSchema>

export const ImageContentSchema = z.looseObject({
  type: z.literal('image'),
  /** Base64-encoded image data. */
  data: z.string(),
  mimeType: z.string(),
  annotations: AnnotationsSchema.optional(),
  _meta: meta,
})
export type ImageContent = z.infer<typeof ImageContentSchema>

export const AudioContentSchema = z.looseObject({
  type: z.literal('audio'),
  /** Base64-encoded audio data. */
  data: z.string(),
  mimeType: z.string(),
  annotations: AnnotationsSchema.optional(),
  _meta: meta,
})
export type AudioContent = z.infer<typeof AudioContentSchema>

export const ResourceContentsSchema = z.looseObject({ uri: z.string(), mimeType: z.string().optional(), _meta: meta })
export type ResourceContents = z.infer<typeof ResourceContentsSchema>
export const TextResourceContentsSchema = ResourceContentsSchema.extend({ text: z.string() })
export type TextResourceContents = z.infer<typeof TextResourceContentsSchema>
export const BlobResourceContentsSchema = ResourceContentsSchema.extend({
  /** Base64-encoded binary data. */
  blob: z.string(),
})
export type BlobResourceContents = z.infer<typeof BlobResourceContentsSchema>
const resourceContents = z.union([TextResourceContentsSchema, BlobResourceContentsSchema])

/** A resource a server can read (`resources/list`). */
export const ResourceSchema = z.looseObject({
  uri: z.string(),
  name: z.string(),
  title: z.string().optional(),
  description: z.string().optional(),
  mimeType: z.string().optional(),
  annotations: AnnotationsSchema.optional(),
  /** Size in bytes of the raw content, if known. */
  size: z.number().optional(),
  icons: z.array(IconSchema).optional(),
  _meta: meta,
})
export type Resource = z.infer<typeof ResourceSchema>

/** A link to a resource in tool results or prompts; it need not appear in `resources/list`. */
export const ResourceLinkSchema = ResourceSchema.extend({ type: z.literal('resource_link') })
export type ResourceLink = z.infer<typeof ResourceLinkSchema>

/** A resource's contents embedded in a prompt or tool result. */
export const EmbeddedResourceSchema = z.looseObject({
  type: z.literal('resource'),
  resource: resourceContents,
  annotations: AnnotationsSchema.optional(),
  _meta: meta,
})
export type EmbeddedResource = z.infer<typeof EmbeddedResourceSchema>

/** What a tool result or prompt message may contain. */
export const ContentBlockSchema = z.discriminatedUnion('type', [
  TextContentSchema,
  ImageContentSchema,
  AudioContentSchema,
  ResourceLinkSchema,
  EmbeddedResourceSchema,
])
export type ContentBlock = z.infer<typeof ContentBlockSchema>

/** A model's request to call a tool, inside a sampling message. */
export const ToolUseContentSchema = z.looseObject({
  type: z.literal('tool_use'),
  /** Matches the `toolUseId` of the corresponding `tool_result`. */
  id: z.string(),
  name: z.string(),
  input: z.record(z.string(), z.unknown()),
  _meta: meta,
})
export type ToolUseContent = z.infer<typeof ToolUseContentSchema>

/** The result of a tool use, sent back to the model in a sampling message. */
export const ToolResultContentSchema = z.looseObject({
  type: z.literal('tool_result'),
  toolUseId: z.string(),
  content: z.array(ContentBlockSchema),
  structuredContent: z.record(z.string(), z.unknown()).optional(),
  isError: z.boolean().optional(),
  _meta: meta,
})
export type ToolResultContent = z.infer<typeof ToolResultContentSchema>

export const SamplingMessageContentBlockSchema = z.discriminatedUnion('type', [
  TextContentSchema,
  ImageContentSchema,
  AudioContentSchema,
  ToolUseContentSchema,
  ToolResultContentSchema,
])
export type SamplingMessageContentBlock = z.infer<typeof SamplingMessageContentBlockSchema>
/** One block, or several (an assistant's parallel tool uses, a user's tool results). */
const samplingContent = z.union([SamplingMessageContentBlockSchema, z.array(SamplingMessageContentBlockSchema)])

// ---------------------------------------------------------------------------------------------
// Tasks (experimental in 2025-11-25)
// ---------------------------------------------------------------------------------------------

/** `_meta` key that ties a message to the task it belongs to (value: `RelatedTaskMetadata`). */
export const RELATED_TASK_META_KEY = 'io.modelcontextprotocol/related-task' as const
/** `_meta` key of a `CreateTaskResult`: text the host may hand the model while the task runs. */
export const MODEL_IMMEDIATE_RESPONSE_META_KEY = 'io.modelcontextprotocol/model-immediate-response' as const

export const TaskStatusSchema = z.enum(['working', 'input_required', 'completed', 'failed', 'cancelled'])
export type TaskStatus = z.infer<typeof TaskStatusSchema>

/** Asks the receiver to run a request as a task (the `task` member of request params). */
export const TaskMetadataSchema = z.looseObject({ ttl: z.number().optional() })
export type TaskMetadata = z.infer<typeof TaskMetadataSchema>

export const RelatedTaskMetadataSchema = z.looseObject({ taskId: z.string() })
export type RelatedTaskMetadata = z.infer<typeof RelatedTaskMetadataSchema>

export const TaskSchema = z.looseObject({
  taskId: z.string(),
  status: TaskStatusSchema,
  statusMessage: z.string().optional(),
  /** ISO 8601. */
  createdAt: z.string(),
  lastUpdatedAt: z.string(),
  /** Milliseconds from creation before the task may be deleted; `null` is unlimited (the spec's own null). */
  ttl: z.number().nullable(),
  pollInterval: z.number().optional(),
})
export type Task = z.infer<typeof TaskSchema>

export const TaskAugmentedRequestParamsSchema = RequestParamsSchema.extend({ task: TaskMetadataSchema.optional() })
export type TaskAugmentedRequestParams = z.infer<typeof TaskAugmentedRequestParamsSchema>

/** The immediate answer to a task-augmented request; the real result comes from `tasks/result`. */
export const CreateTaskResultSchema = ResultSchema.extend({ task: TaskSchema })
export type CreateTaskResult = z.infer<typeof CreateTaskResultSchema>

const taskIdParams = RequestParamsSchema.extend({ taskId: z.string() })
export const GetTaskRequestParamsSchema = taskIdParams
export type GetTaskRequestParams = z.infer<typeof GetTaskRequestParamsSchema>
export const GetTaskResultSchema = TaskSchema.extend({ _meta: meta })
export type GetTaskResult = z.infer<typeof GetTaskResultSchema>
export const GetTaskPayloadRequestParamsSchema = taskIdParams
export type GetTaskPayloadRequestParams = z.infer<typeof GetTaskPayloadRequestParamsSchema>
/** The original request's result (e.g. a `CallToolResult`), whatever its shape. */
export const GetTaskPayloadResultSchema = ResultSchema
export type GetTaskPayloadResult = z.infer<typeof GetTaskPayloadResultSchema>
export const CancelTaskRequestParamsSchema = taskIdParams
export type CancelTaskRequestParams = z.infer<typeof CancelTaskRequestParamsSchema>
export const CancelTaskResultSchema = GetTaskResultSchema
export type CancelTaskResult = z.infer<typeof CancelTaskResultSchema>
export const TaskStatusNotificationParamsSchema = TaskSchema.extend({ _meta: meta })
export type TaskStatusNotificationParams = z.infer<typeof TaskStatusNotificationParamsSchema>

// ---------------------------------------------------------------------------------------------
// Pagination
// ---------------------------------------------------------------------------------------------

export const PaginatedRequestParamsSchema = RequestParamsSchema.extend({ cursor: CursorSchema.optional() })
export type PaginatedRequestParams = z.infer<typeof PaginatedRequestParamsSchema>
export const PaginatedResultSchema = ResultSchema.extend({ nextCursor: CursorSchema.optional() })
export type PaginatedResult = z.infer<typeof PaginatedResultSchema>

export const ListTasksResultSchema = PaginatedResultSchema.extend({ tasks: z.array(TaskSchema) })
export type ListTasksResult = z.infer<typeof ListTasksResultSchema>

// ---------------------------------------------------------------------------------------------
// Lifecycle
// ---------------------------------------------------------------------------------------------

export const InitializeRequestParamsSchema = RequestParamsSchema.extend({
  protocolVersion: z.string(),
  capabilities: ClientCapabilitiesSchema,
  clientInfo: ImplementationSchema,
})
export type InitializeRequestParams = z.infer<typeof InitializeRequestParamsSchema>

export const InitializeResultSchema = ResultSchema.extend({
  protocolVersion: z.string(),
  capabilities: ServerCapabilitiesSchema,
  serverInfo: ImplementationSchema,
  instructions: z.string().optional(),
})
export type InitializeResult = z.infer<typeof InitializeResultSchema>

// ---------------------------------------------------------------------------------------------
// Tools
// ---------------------------------------------------------------------------------------------

/** Hints about a tool's behaviour; untrusted unless the server is. */
export const ToolAnnotationsSchema = z.looseObject({
  title: z.string().optional(),
  readOnlyHint: z.boolean().optional(),
  destructiveHint: z.boolean().optional(),
  idempotentHint: z.boolean().optional(),
  openWorldHint: z.boolean().optional(),
})
export type ToolAnnotations = z.infer<typeof ToolAnnotationsSchema>

export const ToolExecutionSchema = z.looseObject({ taskSupport: z.enum(['forbidden', 'optional', 'required']).optional() })
export type ToolExecution = z.infer<typeof ToolExecutionSchema>

/** A JSON Schema whose root is an object, as a tool's `inputSchema`/`outputSchema` must be. */
const objectJsonSchema = z.looseObject({
  $schema: z.string().optional(),
  type: z.literal('object'),
  properties: z.record(z.string(), z.unknown()).optional(),
  required: z.array(z.string()).optional(),
})

export const ToolSchema = z.looseObject({
  name: z.string(),
  title: z.string().optional(),
  description: z.string().optional(),
  inputSchema: objectJsonSchema,
  outputSchema: objectJsonSchema.optional(),
  annotations: ToolAnnotationsSchema.optional(),
  execution: ToolExecutionSchema.optional(),
  icons: z.array(IconSchema).optional(),
  _meta: meta,
})
export type Tool = z.infer<typeof ToolSchema>

export const ListToolsResultSchema = PaginatedResultSchema.extend({ tools: z.array(ToolSchema) })
export type ListToolsResult = z.infer<typeof ListToolsResultSchema>

export const CallToolRequestParamsSchema = TaskAugmentedRequestParamsSchema.extend({
  name: z.string(),
  // A plain record on purpose: the tool's own (compiled) schema checks the arguments later;
  // a deep generic check here cost the official server a third of its time on big calls.
  arguments: z.record(z.string(), z.unknown()).optional(),
})
export type CallToolRequestParams = z.infer<typeof CallToolRequestParamsSchema>

export const CallToolResultSchema = ResultSchema.extend({
  content: z.array(ContentBlockSchema),
  structuredContent: z.record(z.string(), z.unknown()).optional(),
  /** A failed tool run is a result with `isError: true`, not a protocol error. */
  isError: z.boolean().optional(),
})
export type CallToolResult = z.infer<typeof CallToolResultSchema>

// ---------------------------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------------------------

export const ResourceTemplateSchema = z.looseObject({
  /** An RFC 6570 URI template. */
  uriTemplate: z.string(),
  name: z.string(),
  title: z.string().optional(),
  description: z.string().optional(),
  mimeType: z.string().optional(),
  annotations: AnnotationsSchema.optional(),
  icons: z.array(IconSchema).optional(),
  _meta: meta,
})
export type ResourceTemplate = z.infer<typeof ResourceTemplateSchema>

export const ListResourcesResultSchema = PaginatedResultSchema.extend({ resources: z.array(ResourceSchema) })
export type ListResourcesResult = z.infer<typeof ListResourcesResultSchema>
export const ListResourceTemplatesResultSchema = PaginatedResultSchema.extend({
  resourceTemplates: z.array(ResourceTemplateSchema),
})
export type ListResourceTemplatesResult = z.infer<typeof ListResourceTemplatesResultSchema>

export const ResourceRequestParamsSchema = RequestParamsSchema.extend({ uri: z.string() })
export type ResourceRequestParams = z.infer<typeof ResourceRequestParamsSchema>
export const ReadResourceRequestParamsSchema = ResourceRequestParamsSchema
export type ReadResourceRequestParams = z.infer<typeof ReadResourceRequestParamsSchema>
export const ReadResourceResultSchema = ResultSchema.extend({ contents: z.array(resourceContents) })
export type ReadResourceResult = z.infer<typeof ReadResourceResultSchema>
export const SubscribeRequestParamsSchema = ResourceRequestParamsSchema
export type SubscribeRequestParams = z.infer<typeof SubscribeRequestParamsSchema>
export const UnsubscribeRequestParamsSchema = ResourceRequestParamsSchema
export type UnsubscribeRequestParams = z.infer<typeof UnsubscribeRequestParamsSchema>
export const ResourceUpdatedNotificationParamsSchema = NotificationParamsSchema.extend({ uri: z.string() })
export type ResourceUpdatedNotificationParams = z.infer<typeof ResourceUpdatedNotificationParamsSchema>

// ---------------------------------------------------------------------------------------------
// Prompts
// ---------------------------------------------------------------------------------------------

export const PromptArgumentSchema = z.looseObject({
  name: z.string(),
  title: z.string().optional(),
  description: z.string().optional(),
  required: z.boolean().optional(),
})
export type PromptArgument = z.infer<typeof PromptArgumentSchema>

export const PromptSchema = z.looseObject({
  name: z.string(),
  title: z.string().optional(),
  description: z.string().optional(),
  arguments: z.array(PromptArgumentSchema).optional(),
  icons: z.array(IconSchema).optional(),
  _meta: meta,
})
export type Prompt = z.infer<typeof PromptSchema>

export const PromptMessageSchema = z.looseObject({ role: RoleSchema, content: ContentBlockSchema })
export type PromptMessage = z.infer<typeof PromptMessageSchema>

export const ListPromptsResultSchema = PaginatedResultSchema.extend({ prompts: z.array(PromptSchema) })
export type ListPromptsResult = z.infer<typeof ListPromptsResultSchema>

export const GetPromptRequestParamsSchema = RequestParamsSchema.extend({
  name: z.string(),
  arguments: z.record(z.string(), z.string()).optional(),
})
export type GetPromptRequestParams = z.infer<typeof GetPromptRequestParamsSchema>

export const GetPromptResultSchema = ResultSchema.extend({
  description: z.string().optional(),
  messages: z.array(PromptMessageSchema),
})
export type GetPromptResult = z.infer<typeof GetPromptResultSchema>

// ---------------------------------------------------------------------------------------------
// Completion
// ---------------------------------------------------------------------------------------------

export const PromptReferenceSchema = z.looseObject({ type: z.literal('ref/prompt'), name: z.string(), title: z.string().optional() })
export type PromptReference = z.infer<typeof PromptReferenceSchema>
export const ResourceTemplateReferenceSchema = z.looseObject({
  type: z.literal('ref/resource'),
  /** The URI or URI template of the resource. */
  uri: z.string(),
})
export type ResourceTemplateReference = z.infer<typeof ResourceTemplateReferenceSchema>

export const CompleteRequestParamsSchema = RequestParamsSchema.extend({
  ref: z.discriminatedUnion('type', [PromptReferenceSchema, ResourceTemplateReferenceSchema]),
  argument: z.looseObject({ name: z.string(), value: z.string() }),
  /** Values of arguments already resolved, for completions that depend on them. */
  context: z.looseObject({ arguments: z.record(z.string(), z.string()).optional() }).optional(),
})
export type CompleteRequestParams = z.infer<typeof CompleteRequestParamsSchema>

export const CompleteResultSchema = ResultSchema.extend({
  completion: z.looseObject({
    /** At most 100 by the spec; not enforced when parsing, so an over-long answer is still usable. */
    values: z.array(z.string()),
    total: z.number().int().optional(),
    hasMore: z.boolean().optional(),
  }),
})
export type CompleteResult = z.infer<typeof CompleteResultSchema>

// ---------------------------------------------------------------------------------------------
// Logging
// ---------------------------------------------------------------------------------------------

/** RFC 5424 severities, lowest first. */
export const LoggingLevelSchema = z.enum(['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'])
export type LoggingLevel = z.infer<typeof LoggingLevelSchema>

export const SetLevelRequestParamsSchema = RequestParamsSchema.extend({ level: LoggingLevelSchema })
export type SetLevelRequestParams = z.infer<typeof SetLevelRequestParamsSchema>

export const LoggingMessageNotificationParamsSchema = NotificationParamsSchema.extend({
  level: LoggingLevelSchema,
  logger: z.string().optional(),
  /** Any JSON value; required (may be `null`). */
  data: z.unknown(),
})
export type LoggingMessageNotificationParams = z.infer<typeof LoggingMessageNotificationParamsSchema>

// ---------------------------------------------------------------------------------------------
// Sampling
// ---------------------------------------------------------------------------------------------

export const ModelHintSchema = z.looseObject({ name: z.string().optional() })
export type ModelHint = z.infer<typeof ModelHintSchema>

const priority = z.number().min(0).max(1).optional()
export const ModelPreferencesSchema = z.looseObject({
  hints: z.array(ModelHintSchema).optional(),
  costPriority: priority,
  speedPriority: priority,
  intelligencePriority: priority,
})
export type ModelPreferences = z.infer<typeof ModelPreferencesSchema>

export const ToolChoiceSchema = z.looseObject({ mode: z.enum(['auto', 'required', 'none']).optional() })
export type ToolChoice = z.infer<typeof ToolChoiceSchema>

export const SamplingMessageSchema = z.looseObject({ role: RoleSchema, content: samplingContent, _meta: meta })
export type SamplingMessage = z.infer<typeof SamplingMessageSchema>

export const CreateMessageRequestParamsSchema = TaskAugmentedRequestParamsSchema.extend({
  messages: z.array(SamplingMessageSchema),
  modelPreferences: ModelPreferencesSchema.optional(),
  systemPrompt: z.string().optional(),
  /** Values other than `none` need the client's `sampling.context` capability. */
  includeContext: z.enum(['none', 'thisServer', 'allServers']).optional(),
  temperature: z.number().optional(),
  maxTokens: z.number().int(),
  stopSequences: z.array(z.string()).optional(),
  metadata: z.looseObject({}).optional(),
  /** Needs the client's `sampling.tools` capability. */
  tools: z.array(ToolSchema).optional(),
  toolChoice: ToolChoiceSchema.optional(),
})
export type CreateMessageRequestParams = z.infer<typeof CreateMessageRequestParamsSchema>

export const CreateMessageResultSchema = ResultSchema.extend({
  role: RoleSchema,
  content: samplingContent,
  model: z.string(),
  /** `endTurn`, `stopSequence`, `maxTokens`, `toolUse`, or a provider's own reason. */
  stopReason: z.string().optional(),
})
export type CreateMessageResult = z.infer<typeof CreateMessageResultSchema>

// ---------------------------------------------------------------------------------------------
// Elicitation
// ---------------------------------------------------------------------------------------------

const described = { title: z.string().optional(), description: z.string().optional() }

export const StringSchemaSchema = z.looseObject({
  type: z.literal('string'),
  ...described,
  minLength: z.number().int().optional(),
  maxLength: z.number().int().optional(),
  format: z.enum(['email', 'uri', 'date', 'date-time']).optional(),
  default: z.string().optional(),
})
export type StringSchema = z.infer<typeof StringSchemaSchema>

export const NumberSchemaSchema = z.looseObject({
  type: z.enum(['number', 'integer']),
  ...described,
  minimum: z.number().optional(),
  maximum: z.number().optional(),
  default: z.number().optional(),
})
export type NumberSchema = z.infer<typeof NumberSchemaSchema>

export const BooleanSchemaSchema = z.looseObject({ type: z.literal('boolean'), ...described, default: z.boolean().optional() })
export type BooleanSchema = z.infer<typeof BooleanSchemaSchema>

const titledOption = z.looseObject({ const: z.string(), title: z.string() })

/** Single choice, values only: `{ type: 'string', enum: [...] }`. */
export const UntitledSingleSelectEnumSchemaSchema = z.looseObject({
  type: z.literal('string'),
  ...described,
  enum: z.array(z.string()),
  default: z.string().optional(),
})
export type UntitledSingleSelectEnumSchema = z.infer<typeof UntitledSingleSelectEnumSchemaSchema>

/** Single choice with display titles: `{ type: 'string', oneOf: [{ const, title }] }`. */
export const TitledSingleSelectEnumSchemaSchema = z.looseObject({
  type: z.literal('string'),
  ...described,
  oneOf: z.array(titledOption),
  default: z.string().optional(),
})
export type TitledSingleSelectEnumSchema = z.infer<typeof TitledSingleSelectEnumSchemaSchema>

/** Multiple choice, values only: `{ type: 'array', items: { type: 'string', enum } }`. */
export const UntitledMultiSelectEnumSchemaSchema = z.looseObject({
  type: z.literal('array'),
  ...described,
  minItems: z.number().int().optional(),
  maxItems: z.number().int().optional(),
  items: z.looseObject({ type: z.literal('string'), enum: z.array(z.string()) }),
  default: z.array(z.string()).optional(),
})
export type UntitledMultiSelectEnumSchema = z.infer<typeof UntitledMultiSelectEnumSchemaSchema>

/** Multiple choice with display titles: `{ type: 'array', items: { anyOf: [{ const, title }] } }`. */
export const TitledMultiSelectEnumSchemaSchema = z.looseObject({
  type: z.literal('array'),
  ...described,
  minItems: z.number().int().optional(),
  maxItems: z.number().int().optional(),
  items: z.looseObject({ anyOf: z.array(titledOption) }),
  default: z.array(z.string()).optional(),
})
export type TitledMultiSelectEnumSchema = z.infer<typeof TitledMultiSelectEnumSchemaSchema>

/** The 2025-06-18 form, kept for compatibility: titles in the non-standard `enumNames`. */
export const LegacyTitledEnumSchemaSchema = z.looseObject({
  type: z.literal('string'),
  ...described,
  enum: z.array(z.string()),
  enumNames: z.array(z.string()).optional(),
  default: z.string().optional(),
})
export type LegacyTitledEnumSchema = z.infer<typeof LegacyTitledEnumSchemaSchema>

export const SingleSelectEnumSchemaSchema = z.union([UntitledSingleSelectEnumSchemaSchema, TitledSingleSelectEnumSchemaSchema])
export type SingleSelectEnumSchema = z.infer<typeof SingleSelectEnumSchemaSchema>
export const MultiSelectEnumSchemaSchema = z.union([UntitledMultiSelectEnumSchemaSchema, TitledMultiSelectEnumSchemaSchema])
export type MultiSelectEnumSchema = z.infer<typeof MultiSelectEnumSchemaSchema>
export const EnumSchemaSchema = z.union([
  UntitledSingleSelectEnumSchemaSchema,
  TitledSingleSelectEnumSchemaSchema,
  UntitledMultiSelectEnumSchemaSchema,
  TitledMultiSelectEnumSchemaSchema,
  LegacyTitledEnumSchemaSchema,
])
export type EnumSchema = z.infer<typeof EnumSchemaSchema>

/**
 * One property of a form's `requestedSchema`: flat, primitive, no nesting. The enum variants come
 * first because a loose `StringSchema` would also accept them (and keep their fields anyway).
 */
export const PrimitiveSchemaDefinitionSchema = z.union([
  TitledSingleSelectEnumSchemaSchema,
  UntitledSingleSelectEnumSchemaSchema,
  LegacyTitledEnumSchemaSchema,
  UntitledMultiSelectEnumSchemaSchema,
  TitledMultiSelectEnumSchemaSchema,
  StringSchemaSchema,
  NumberSchemaSchema,
  BooleanSchemaSchema,
])
export type PrimitiveSchemaDefinition = z.infer<typeof PrimitiveSchemaDefinitionSchema>

/** Form mode: the client renders `requestedSchema` and returns the user's answers. */
export const ElicitRequestFormParamsSchema = TaskAugmentedRequestParamsSchema.extend({
  /** Optional: absent means form (the only mode before 2025-11-25). */
  mode: z.literal('form').optional(),
  message: z.string(),
  requestedSchema: z.looseObject({
    $schema: z.string().optional(),
    type: z.literal('object'),
    properties: z.record(z.string(), PrimitiveSchemaDefinitionSchema),
    required: z.array(z.string()).optional(),
  }),
})
export type ElicitRequestFormParams = z.infer<typeof ElicitRequestFormParamsSchema>

/** URL mode: the user completes the interaction out of band, at `url` (sensitive data, OAuth). */
export const ElicitRequestURLParamsSchema = TaskAugmentedRequestParamsSchema.extend({
  mode: z.literal('url'),
  message: z.string(),
  /** Ties the later `notifications/elicitation/complete` to this request. */
  elicitationId: z.string(),
  url: z.string(),
})
export type ElicitRequestURLParams = z.infer<typeof ElicitRequestURLParamsSchema>

export const ElicitRequestParamsSchema = z.discriminatedUnion('mode', [ElicitRequestURLParamsSchema, ElicitRequestFormParamsSchema])
export type ElicitRequestParams = z.infer<typeof ElicitRequestParamsSchema>

export const ElicitResultSchema = ResultSchema.extend({
  action: z.enum(['accept', 'decline', 'cancel']),
  /** The submitted form, present with `accept` in form mode. */
  content: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string())])).optional(),
})
export type ElicitResult = z.infer<typeof ElicitResultSchema>

export const ElicitationCompleteNotificationParamsSchema = NotificationParamsSchema.extend({ elicitationId: z.string() })
export type ElicitationCompleteNotificationParams = z.infer<typeof ElicitationCompleteNotificationParamsSchema>

/** `data` of the error `-32042`: URL elicitations the client must complete before retrying. */
export const URLElicitationRequiredErrorDataSchema = z.looseObject({ elicitations: z.array(ElicitRequestURLParamsSchema) })
export type URLElicitationRequiredErrorData = z.infer<typeof URLElicitationRequiredErrorDataSchema>
export const URLElicitationRequiredErrorSchema = JSONRPCErrorResponseSchema.extend({
  error: JSONRPCErrorObjectSchema.extend({ code: z.literal(-32042), data: URLElicitationRequiredErrorDataSchema }),
})
export type URLElicitationRequiredError = z.infer<typeof URLElicitationRequiredErrorSchema>

// ---------------------------------------------------------------------------------------------
// Roots
// ---------------------------------------------------------------------------------------------

export const RootSchema = z.looseObject({
  /** A `file://` URI in this revision. */
  uri: z.string(),
  name: z.string().optional(),
  _meta: meta,
})
export type Root = z.infer<typeof RootSchema>
export const ListRootsResultSchema = ResultSchema.extend({ roots: z.array(RootSchema) })
export type ListRootsResult = z.infer<typeof ListRootsResultSchema>

// ---------------------------------------------------------------------------------------------
// Notifications
// ---------------------------------------------------------------------------------------------

export const CancelledNotificationParamsSchema = NotificationParamsSchema.extend({
  /** Optional since 2025-11-25 (a task is cancelled with `tasks/cancel` instead); required before. */
  requestId: RequestIdSchema.optional(),
  reason: z.string().optional(),
})
export type CancelledNotificationParams = z.infer<typeof CancelledNotificationParamsSchema>

export const ProgressNotificationParamsSchema = NotificationParamsSchema.extend({
  progressToken: ProgressTokenSchema,
  /** Increases with every notification, even when `total` is unknown. */
  progress: z.number(),
  total: z.number().optional(),
  message: z.string().optional(),
})
export type ProgressNotificationParams = z.infer<typeof ProgressNotificationParamsSchema>

// ---------------------------------------------------------------------------------------------
// Whole messages: `{ jsonrpc, id, method, params }` per method, and the unions the spec defines
// ---------------------------------------------------------------------------------------------

// Shallow on purpose: one object per call, no generic plumbing beyond the method literal. The bound is
// `z.core.SomeType`, not `z.ZodType`: checking a union against `ZodType` cost ~75k type instantiations.
const req = <M extends string, P extends z.core.SomeType>(method: M, params: P) =>
  z.looseObject({ jsonrpc, id: RequestIdSchema, method: z.literal(method), params })
const note = <M extends string, P extends z.core.SomeType>(method: M, params: P) =>
  z.looseObject({ jsonrpc, method: z.literal(method), params })

export const InitializeRequestSchema = req('initialize', InitializeRequestParamsSchema)
export type InitializeRequest = z.infer<typeof InitializeRequestSchema>
export const PingRequestSchema = req('ping', RequestParamsSchema.optional())
export type PingRequest = z.infer<typeof PingRequestSchema>
export const ListToolsRequestSchema = req('tools/list', PaginatedRequestParamsSchema.optional())
export type ListToolsRequest = z.infer<typeof ListToolsRequestSchema>
export const CallToolRequestSchema = req('tools/call', CallToolRequestParamsSchema)
export type CallToolRequest = z.infer<typeof CallToolRequestSchema>
export const ListResourcesRequestSchema = req('resources/list', PaginatedRequestParamsSchema.optional())
export type ListResourcesRequest = z.infer<typeof ListResourcesRequestSchema>
export const ListResourceTemplatesRequestSchema = req('resources/templates/list', PaginatedRequestParamsSchema.optional())
export type ListResourceTemplatesRequest = z.infer<typeof ListResourceTemplatesRequestSchema>
export const ReadResourceRequestSchema = req('resources/read', ReadResourceRequestParamsSchema)
export type ReadResourceRequest = z.infer<typeof ReadResourceRequestSchema>
export const SubscribeRequestSchema = req('resources/subscribe', SubscribeRequestParamsSchema)
export type SubscribeRequest = z.infer<typeof SubscribeRequestSchema>
export const UnsubscribeRequestSchema = req('resources/unsubscribe', UnsubscribeRequestParamsSchema)
export type UnsubscribeRequest = z.infer<typeof UnsubscribeRequestSchema>
export const ListPromptsRequestSchema = req('prompts/list', PaginatedRequestParamsSchema.optional())
export type ListPromptsRequest = z.infer<typeof ListPromptsRequestSchema>
export const GetPromptRequestSchema = req('prompts/get', GetPromptRequestParamsSchema)
export type GetPromptRequest = z.infer<typeof GetPromptRequestSchema>
export const CompleteRequestSchema = req('completion/complete', CompleteRequestParamsSchema)
export type CompleteRequest = z.infer<typeof CompleteRequestSchema>
export const SetLevelRequestSchema = req('logging/setLevel', SetLevelRequestParamsSchema)
export type SetLevelRequest = z.infer<typeof SetLevelRequestSchema>
export const CreateMessageRequestSchema = req('sampling/createMessage', CreateMessageRequestParamsSchema)
export type CreateMessageRequest = z.infer<typeof CreateMessageRequestSchema>
export const ElicitRequestSchema = req('elicitation/create', ElicitRequestParamsSchema)
export type ElicitRequest = z.infer<typeof ElicitRequestSchema>
export const ListRootsRequestSchema = req('roots/list', RequestParamsSchema.optional())
export type ListRootsRequest = z.infer<typeof ListRootsRequestSchema>
export const GetTaskRequestSchema = req('tasks/get', GetTaskRequestParamsSchema)
export type GetTaskRequest = z.infer<typeof GetTaskRequestSchema>
export const GetTaskPayloadRequestSchema = req('tasks/result', GetTaskPayloadRequestParamsSchema)
export type GetTaskPayloadRequest = z.infer<typeof GetTaskPayloadRequestSchema>
export const ListTasksRequestSchema = req('tasks/list', PaginatedRequestParamsSchema.optional())
export type ListTasksRequest = z.infer<typeof ListTasksRequestSchema>
export const CancelTaskRequestSchema = req('tasks/cancel', CancelTaskRequestParamsSchema)
export type CancelTaskRequest = z.infer<typeof CancelTaskRequestSchema>

export const InitializedNotificationSchema = note('notifications/initialized', NotificationParamsSchema.optional())
export type InitializedNotification = z.infer<typeof InitializedNotificationSchema>
export const CancelledNotificationSchema = note('notifications/cancelled', CancelledNotificationParamsSchema)
export type CancelledNotification = z.infer<typeof CancelledNotificationSchema>
export const ProgressNotificationSchema = note('notifications/progress', ProgressNotificationParamsSchema)
export type ProgressNotification = z.infer<typeof ProgressNotificationSchema>
export const LoggingMessageNotificationSchema = note('notifications/message', LoggingMessageNotificationParamsSchema)
export type LoggingMessageNotification = z.infer<typeof LoggingMessageNotificationSchema>
export const ResourceUpdatedNotificationSchema = note('notifications/resources/updated', ResourceUpdatedNotificationParamsSchema)
export type ResourceUpdatedNotification = z.infer<typeof ResourceUpdatedNotificationSchema>
export const ResourceListChangedNotificationSchema = note('notifications/resources/list_changed', NotificationParamsSchema.optional())
export type ResourceListChangedNotification = z.infer<typeof ResourceListChangedNotificationSchema>
export const ToolListChangedNotificationSchema = note('notifications/tools/list_changed', NotificationParamsSchema.optional())
export type ToolListChangedNotification = z.infer<typeof ToolListChangedNotificationSchema>
export const PromptListChangedNotificationSchema = note('notifications/prompts/list_changed', NotificationParamsSchema.optional())
export type PromptListChangedNotification = z.infer<typeof PromptListChangedNotificationSchema>
export const RootsListChangedNotificationSchema = note('notifications/roots/list_changed', NotificationParamsSchema.optional())
export type RootsListChangedNotification = z.infer<typeof RootsListChangedNotificationSchema>
export const ElicitationCompleteNotificationSchema = note('notifications/elicitation/complete', ElicitationCompleteNotificationParamsSchema)
export type ElicitationCompleteNotification = z.infer<typeof ElicitationCompleteNotificationSchema>
export const TaskStatusNotificationSchema = note('notifications/tasks/status', TaskStatusNotificationParamsSchema)
export type TaskStatusNotification = z.infer<typeof TaskStatusNotificationSchema>

export const ClientRequestSchema = z.discriminatedUnion('method', [
  InitializeRequestSchema,
  PingRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ReadResourceRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
  ListPromptsRequestSchema,
  GetPromptRequestSchema,
  ListToolsRequestSchema,
  CallToolRequestSchema,
  GetTaskRequestSchema,
  GetTaskPayloadRequestSchema,
  CancelTaskRequestSchema,
  ListTasksRequestSchema,
  SetLevelRequestSchema,
  CompleteRequestSchema,
])
export type ClientRequest = z.infer<typeof ClientRequestSchema>

export const ServerRequestSchema = z.discriminatedUnion('method', [
  PingRequestSchema,
  GetTaskRequestSchema,
  GetTaskPayloadRequestSchema,
  CancelTaskRequestSchema,
  ListTasksRequestSchema,
  CreateMessageRequestSchema,
  ListRootsRequestSchema,
  ElicitRequestSchema,
])
export type ServerRequest = z.infer<typeof ServerRequestSchema>

export const ClientNotificationSchema = z.discriminatedUnion('method', [
  CancelledNotificationSchema,
  InitializedNotificationSchema,
  ProgressNotificationSchema,
  TaskStatusNotificationSchema,
  RootsListChangedNotificationSchema,
])
export type ClientNotification = z.infer<typeof ClientNotificationSchema>

export const ServerNotificationSchema = z.discriminatedUnion('method', [
  CancelledNotificationSchema,
  ProgressNotificationSchema,
  ResourceListChangedNotificationSchema,
  ResourceUpdatedNotificationSchema,
  PromptListChangedNotificationSchema,
  ToolListChangedNotificationSchema,
  TaskStatusNotificationSchema,
  LoggingMessageNotificationSchema,
  ElicitationCompleteNotificationSchema,
])
export type ServerNotification = z.infer<typeof ServerNotificationSchema>

/**
 * Any result a client sends. Results carry no method, so this is a plain union: the first match
 * wins and, every schema being loose, nothing is dropped. Know the method? Use its own schema.
 */
export const ClientResultSchema = z.union([
  CreateMessageResultSchema,
  ListRootsResultSchema,
  ElicitResultSchema,
  GetTaskResultSchema,
  ListTasksResultSchema,
  CreateTaskResultSchema,
  ResultSchema,
])
export type ClientResult = z.infer<typeof ClientResultSchema>

/** Any result a server sends; see {@link ClientResultSchema}. */
export const ServerResultSchema = z.union([
  InitializeResultSchema,
  ListResourcesResultSchema,
  ListResourceTemplatesResultSchema,
  ReadResourceResultSchema,
  ListPromptsResultSchema,
  GetPromptResultSchema,
  ListToolsResultSchema,
  CallToolResultSchema,
  CompleteResultSchema,
  GetTaskResultSchema,
  ListTasksResultSchema,
  CreateTaskResultSchema,
  ResultSchema,
])
export type ServerResult = z.infer<typeof ServerResultSchema>
