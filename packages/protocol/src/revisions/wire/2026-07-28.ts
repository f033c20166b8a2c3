/**
 * The zod objects behind `../2026-07-28.ts`, which exports them declared with the spec's types: import
 * from there. The types zod infers here are for building the schemas (`.extend`), not for users.
 *
 * Protocol revision 2026-07-28, the modern (stateless) era: no `initialize`, every request carries
 * its version and the client's capabilities in `params._meta`, every result says `resultType`,
 * and a server needing sampling, elicitation or roots answers `input_required` instead of sending
 * a request of its own (multi round-trip requests, MRTR).
 *
 * This module re-exports `./2025-11-25.js` and replaces what 2026-07-28 changed, under the same
 * names, so `import * as modern from './2026-07-28.js'` is one consistent surface. Its additions:
 * `server/discover`, `subscriptions/listen` and its acknowledgement, `InputRequiredResult`,
 * `inputResponses`/`requestState`, `ttlMs`/`cacheScope`, `extensions` in capabilities, the spec's
 * named errors, and the `io.modelcontextprotocol/*` `_meta` keys.
 *
 * Changed from 2025-11-25 (replaced below):
 *  - request params require `_meta` with `io.modelcontextprotocol/protocolVersion` and
 *    `io.modelcontextprotocol/clientCapabilities`;
 *  - results carry `resultType` and `_meta['io.modelcontextprotocol/serverInfo']`; list results and
 *    `resources/read` carry `ttlMs` and `cacheScope`;
 *  - `notifications/cancelled` needs `requestId` again; notifications may carry a subscription id;
 *  - tools: `inputSchema`/`outputSchema` may use any JSON Schema 2020-12 keyword (an output schema
 *    need not be an object) and `structuredContent` may be any JSON value;
 *  - `sampling/createMessage`, `elicitation/create`, `roots/list` exist only as input requests
 *    (`{ method, params }`, no `jsonrpc`/`id`); URL elicitation has no `elicitationId`.
 *
 * Removed (their 2025-11-25 schemas are still re-exported; a modern peer never sends them):
 * `initialize`, `ping`, `logging/setLevel`, `resources/subscribe`/`unsubscribe`,
 * `notifications/initialized`, `notifications/roots/list_changed`,
 * `notifications/elicitation/complete`, and tasks (now the `io.modelcontextprotocol/tasks` extension).
 *
 * Leniency on purpose: the spec makes `resultType`, `ttlMs` and `cacheScope` required, but a
 * client MUST read an absent `resultType` as `"complete"` (older servers), and the spec's own
 * example `ReadResourceResultResponse/read-resource-result-response.json` omits `ttlMs` and
 * `cacheScope`; so they parse when absent. What we send is held to the spec by `withSchemaCheck`.
 * @see https://modelcontextprotocol.io/specification/2026-07-28/changelog
 */
import * as z from 'zod'
import * as base from './2025-11-25.js'

export * from './2025-11-25.js'

// ---------------------------------------------------------------------------------------------
// Reserved `_meta` keys
// ---------------------------------------------------------------------------------------------

/** Request `_meta`: the revision this request speaks (must equal `MCP-Protocol-Version` on HTTP). */
export const PROTOCOL_VERSION_META_KEY = 'io.modelcontextprotocol/protocolVersion' as const
/** Request `_meta`: the client's capabilities, declared per request (`{}` = none). */
export const CLIENT_CAPABILITIES_META_KEY = 'io.modelcontextprotocol/clientCapabilities' as const
/** Request `_meta`: the client's `Implementation` (should be on every request). */
export const CLIENT_INFO_META_KEY = 'io.modelcontextprotocol/clientInfo' as const
/** Request `_meta`: the log level for this request; absent means no log notifications at all. */
export const LOG_LEVEL_META_KEY = 'io.modelcontextprotocol/logLevel' as const
/** Result `_meta`: the server's `Implementation` (should be on every result). */
export const SERVER_INFO_META_KEY = 'io.modelcontextprotocol/serverInfo' as const
/** Notification and `subscriptions/listen` result `_meta`: which subscription stream it belongs to. */
export const SUBSCRIPTION_ID_META_KEY = 'io.modelcontextprotocol/subscriptionId' as const
/** The extension id under `capabilities.extensions` that carries tasks in this revision. */
export const TASKS_EXTENSION_ID = 'io.modelcontextprotocol/tasks' as const

// ---------------------------------------------------------------------------------------------
// Capabilities, _meta, params, results
// ---------------------------------------------------------------------------------------------

/** Extension id (`io.modelcontextprotocol/oauth-client-credentials`) → its settings (`{}` = none). */
const extensions = z.record(z.string(), z.looseObject({})).optional()

export const ClientCapabilitiesSchema = base.ClientCapabilitiesSchema.extend({ extensions })
export type ClientCapabilities = z.infer<typeof ClientCapabilitiesSchema>
export const ServerCapabilitiesSchema = base.ServerCapabilitiesSchema.extend({ extensions })
export type ServerCapabilities = z.infer<typeof ServerCapabilitiesSchema>

export const RequestMetaSchema = z.looseObject({
  progressToken: base.ProgressTokenSchema.optional(),
  [PROTOCOL_VERSION_META_KEY]: z.string(),
  [CLIENT_CAPABILITIES_META_KEY]: ClientCapabilitiesSchema,
  [CLIENT_INFO_META_KEY]: base.ImplementationSchema.optional(),
  [LOG_LEVEL_META_KEY]: base.LoggingLevelSchema.optional(),
})
export type RequestMeta = z.infer<typeof RequestMetaSchema>
export const NotificationMetaSchema = z.looseObject({ [SUBSCRIPTION_ID_META_KEY]: base.RequestIdSchema.optional() })
export type NotificationMeta = z.infer<typeof NotificationMetaSchema>
export const ResultMetaSchema = z.looseObject({ [SERVER_INFO_META_KEY]: base.ImplementationSchema.optional() })
export type ResultMeta = z.infer<typeof ResultMetaSchema>

/** Every modern request states its revision and capabilities, so `_meta` is required. */
export const RequestParamsSchema = z.looseObject({ _meta: RequestMetaSchema })
export type RequestParams = z.infer<typeof RequestParamsSchema>
export const NotificationParamsSchema = z.looseObject({ _meta: NotificationMetaSchema.optional() })
export type NotificationParams = z.infer<typeof NotificationParamsSchema>

/** `"complete"` or `"input_required"`; an open string in the spec, so later values still parse. */
export const ResultTypeSchema = z.string()
export type ResultType = z.infer<typeof ResultTypeSchema>

const resultFields = { _meta: ResultMetaSchema.optional(), resultType: ResultTypeSchema.optional() }
const cacheFields = {
  /** How long the client may cache this result, in milliseconds (0: stale at once). */
  ttlMs: z.number().int().min(0).optional(),
  /** `public`: no user-specific data, shareable across users; `private`: per authorization context. */
  cacheScope: z.enum(['public', 'private']).optional(),
}

export const ResultSchema = z.looseObject(resultFields)
export type Result = z.infer<typeof ResultSchema>
export const EmptyResultSchema = ResultSchema
export type EmptyResult = z.infer<typeof EmptyResultSchema>
export const CacheableResultSchema = ResultSchema.extend(cacheFields)
export type CacheableResult = z.infer<typeof CacheableResultSchema>

export const PaginatedRequestParamsSchema = RequestParamsSchema.extend({ cursor: base.CursorSchema.optional() })
export type PaginatedRequestParams = z.infer<typeof PaginatedRequestParamsSchema>
export const PaginatedResultSchema = ResultSchema.extend({ nextCursor: base.CursorSchema.optional() })
export type PaginatedResult = z.infer<typeof PaginatedResultSchema>

// ---------------------------------------------------------------------------------------------
// Tools and sampling content: JSON Schema 2020-12 freely, any JSON as structured output
// ---------------------------------------------------------------------------------------------

export const ToolSchema = base.ToolSchema.extend({
  /** Any 2020-12 keyword may sit beside `type: 'object'` (composition, conditionals, `$ref`s). */
  inputSchema: z.looseObject({ $schema: z.string().optional(), type: z.literal('object') }),
  /** Any JSON Schema; the root need not be an object any more. */
  outputSchema: z.looseObject({ $schema: z.string().optional() }).optional(),
})
export type Tool = z.infer<typeof ToolSchema>

export const ToolResultContentSchema = base.ToolResultContentSchema.extend({ structuredContent: z.unknown().optional() })
export type ToolResultContent = z.infer<typeof ToolResultContentSchema>
export const SamplingMessageContentBlockSchema = z.discriminatedUnion('type', [
  base.TextContentSchema,
  base.ImageContentSchema,
  base.AudioContentSchema,
  base.ToolUseContentSchema,
  ToolResultContentSchema,
])
export type SamplingMessageContentBlock = z.infer<typeof SamplingMessageContentBlockSchema>
const samplingContent = z.union([SamplingMessageContentBlockSchema, z.array(SamplingMessageContentBlockSchema)])
export const SamplingMessageSchema = base.SamplingMessageSchema.extend({ content: samplingContent })
export type SamplingMessage = z.infer<typeof SamplingMessageSchema>

// ---------------------------------------------------------------------------------------------
// Input requests and responses (MRTR)
// ---------------------------------------------------------------------------------------------

export const CreateMessageRequestParamsSchema = base.CreateMessageRequestParamsSchema.extend({
  messages: z.array(SamplingMessageSchema),
  tools: z.array(ToolSchema).optional(),
})
export type CreateMessageRequestParams = z.infer<typeof CreateMessageRequestParamsSchema>
export const CreateMessageResultSchema = base.CreateMessageResultSchema.extend({ content: samplingContent })
export type CreateMessageResult = z.infer<typeof CreateMessageResultSchema>

/** URL mode without `elicitationId` (its completion notification is gone). */
export const ElicitRequestURLParamsSchema = z.looseObject({
  mode: z.literal('url'),
  message: z.string(),
  url: z.string(),
  _meta: base.MetaSchema.optional(),
})
export type ElicitRequestURLParams = z.infer<typeof ElicitRequestURLParamsSchema>
export const ElicitRequestParamsSchema = z.discriminatedUnion('mode', [ElicitRequestURLParamsSchema, base.ElicitRequestFormParamsSchema])
export type ElicitRequestParams = z.infer<typeof ElicitRequestParamsSchema>

// In this revision these three are not JSON-RPC requests but entries of `inputRequests`.
export const CreateMessageRequestSchema = z.looseObject({
  method: z.literal('sampling/createMessage'),
  params: CreateMessageRequestParamsSchema,
})
export type CreateMessageRequest = z.infer<typeof CreateMessageRequestSchema>
export const ElicitRequestSchema = z.looseObject({ method: z.literal('elicitation/create'), params: ElicitRequestParamsSchema })
export type ElicitRequest = z.infer<typeof ElicitRequestSchema>
export const ListRootsRequestSchema = z.looseObject({
  method: z.literal('roots/list'),
  params: z.looseObject({ _meta: base.MetaSchema.optional() }).optional(),
})
export type ListRootsRequest = z.infer<typeof ListRootsRequestSchema>

export const InputRequestSchema = z.discriminatedUnion('method', [CreateMessageRequestSchema, ListRootsRequestSchema, ElicitRequestSchema])
export type InputRequest = z.infer<typeof InputRequestSchema>
/** What the server needs, by keys it chooses; the client answers under the same keys. */
export const InputRequestsSchema = z.record(z.string(), InputRequestSchema)
export type InputRequests = z.infer<typeof InputRequestsSchema>

export const InputResponseSchema = z.union([base.ElicitResultSchema, base.ListRootsResultSchema, CreateMessageResultSchema])
export type InputResponse = z.infer<typeof InputResponseSchema>
export const InputResponsesSchema = z.record(z.string(), InputResponseSchema)
export type InputResponses = z.infer<typeof InputResponsesSchema>

/** The params of a request that may be retried with the answers to an `input_required` result. */
export const InputResponseRequestParamsSchema = RequestParamsSchema.extend({
  inputResponses: InputResponsesSchema.optional(),
  /** Echoed verbatim from the `InputRequiredResult`; opaque to the client. */
  requestState: z.string().optional(),
})
export type InputResponseRequestParams = z.infer<typeof InputResponseRequestParamsSchema>

/** "Ask the user/model/client this, then retry the same request with the answers." */
export const InputRequiredResultSchema = z
  .looseObject({
    _meta: ResultMetaSchema.optional(),
    resultType: z.literal('input_required'),
    inputRequests: InputRequestsSchema.optional(),
    requestState: z.string().optional(),
  })
  .refine((r) => r.inputRequests !== undefined || r.requestState !== undefined, {
    message: 'An input_required result needs inputRequests or requestState',
  })
export type InputRequiredResult = z.infer<typeof InputRequiredResultSchema>

// ---------------------------------------------------------------------------------------------
// Server features
// ---------------------------------------------------------------------------------------------

export const CallToolRequestParamsSchema = InputResponseRequestParamsSchema.extend({
  name: z.string(),
  // A plain record on purpose: the tool's own schema validates the arguments.
  arguments: z.record(z.string(), z.unknown()).optional(),
})
export type CallToolRequestParams = z.infer<typeof CallToolRequestParamsSchema>
export const CallToolResultSchema = base.CallToolResultSchema.extend({ ...resultFields, structuredContent: z.unknown().optional() })
export type CallToolResult = z.infer<typeof CallToolResultSchema>
export const ListToolsResultSchema = base.ListToolsResultSchema.extend({ ...resultFields, ...cacheFields, tools: z.array(ToolSchema) })
export type ListToolsResult = z.infer<typeof ListToolsResultSchema>

export const ListPromptsResultSchema = base.ListPromptsResultSchema.extend({ ...resultFields, ...cacheFields })
export type ListPromptsResult = z.infer<typeof ListPromptsResultSchema>
export const GetPromptRequestParamsSchema = InputResponseRequestParamsSchema.extend({
  name: z.string(),
  arguments: z.record(z.string(), z.string()).optional(),
})
export type GetPromptRequestParams = z.infer<typeof GetPromptRequestParamsSchema>
export const GetPromptResultSchema = base.GetPromptResultSchema.extend(resultFields)
export type GetPromptResult = z.infer<typeof GetPromptResultSchema>

export const ListResourcesResultSchema = base.ListResourcesResultSchema.extend({ ...resultFields, ...cacheFields })
export type ListResourcesResult = z.infer<typeof ListResourcesResultSchema>
export const ListResourceTemplatesResultSchema = base.ListResourceTemplatesResultSchema.extend({ ...resultFields, ...cacheFields })
export type ListResourceTemplatesResult = z.infer<typeof ListResourceTemplatesResultSchema>
export const ResourceRequestParamsSchema = RequestParamsSchema.extend({ uri: z.string() })
export type ResourceRequestParams = z.infer<typeof ResourceRequestParamsSchema>
export const ReadResourceRequestParamsSchema = InputResponseRequestParamsSchema.extend({ uri: z.string() })
export type ReadResourceRequestParams = z.infer<typeof ReadResourceRequestParamsSchema>
export const ReadResourceResultSchema = base.ReadResourceResultSchema.extend({ ...resultFields, ...cacheFields })
export type ReadResourceResult = z.infer<typeof ReadResourceResultSchema>

export const CompleteRequestParamsSchema = base.CompleteRequestParamsSchema.extend({ _meta: RequestMetaSchema })
export type CompleteRequestParams = z.infer<typeof CompleteRequestParamsSchema>
export const CompleteResultSchema = base.CompleteResultSchema.extend(resultFields)
export type CompleteResult = z.infer<typeof CompleteResultSchema>

// ---------------------------------------------------------------------------------------------
// server/discover and subscriptions/listen
// ---------------------------------------------------------------------------------------------

/** What `server/discover` answers: versions, capabilities, instructions; cacheable. */
export const DiscoverResultSchema = ResultSchema.extend({
  supportedVersions: z.array(z.string()),
  capabilities: ServerCapabilitiesSchema,
  instructions: z.string().optional(),
  ...cacheFields,
})
export type DiscoverResult = z.infer<typeof DiscoverResultSchema>

/** The notifications a client opts into on a `subscriptions/listen` stream; nothing else is sent. */
export const SubscriptionFilterSchema = z.looseObject({
  toolsListChanged: z.boolean().optional(),
  promptsListChanged: z.boolean().optional(),
  resourcesListChanged: z.boolean().optional(),
  /** URIs to receive `notifications/resources/updated` for (replaces `resources/subscribe`). */
  resourceSubscriptions: z.array(z.string()).optional(),
})
export type SubscriptionFilter = z.infer<typeof SubscriptionFilterSchema>

export const SubscriptionsListenRequestParamsSchema = RequestParamsSchema.extend({ notifications: SubscriptionFilterSchema })
export type SubscriptionsListenRequestParams = z.infer<typeof SubscriptionsListenRequestParamsSchema>
export const SubscriptionsListenResultMetaSchema = ResultMetaSchema.extend({ [SUBSCRIPTION_ID_META_KEY]: base.RequestIdSchema })
export type SubscriptionsListenResultMeta = z.infer<typeof SubscriptionsListenResultMetaSchema>
/** Sent when the server ends the stream. */
export const SubscriptionsListenResultSchema = ResultSchema.extend({ _meta: SubscriptionsListenResultMetaSchema })
export type SubscriptionsListenResult = z.infer<typeof SubscriptionsListenResultSchema>
/** The first message on a listen stream: which of the requested notifications the server will send. */
export const SubscriptionsAcknowledgedNotificationParamsSchema = NotificationParamsSchema.extend({
  notifications: SubscriptionFilterSchema,
})
export type SubscriptionsAcknowledgedNotificationParams = z.infer<typeof SubscriptionsAcknowledgedNotificationParamsSchema>

// ---------------------------------------------------------------------------------------------
// Notifications
// ---------------------------------------------------------------------------------------------

export const CancelledNotificationParamsSchema = NotificationParamsSchema.extend({
  requestId: base.RequestIdSchema,
  reason: z.string().optional(),
})
export type CancelledNotificationParams = z.infer<typeof CancelledNotificationParamsSchema>
const notificationMeta = { _meta: NotificationMetaSchema.optional() }
export const ProgressNotificationParamsSchema = base.ProgressNotificationParamsSchema.extend(notificationMeta)
export type ProgressNotificationParams = z.infer<typeof ProgressNotificationParamsSchema>
export const LoggingMessageNotificationParamsSchema = base.LoggingMessageNotificationParamsSchema.extend(notificationMeta)
export type LoggingMessageNotificationParams = z.infer<typeof LoggingMessageNotificationParamsSchema>
export const ResourceUpdatedNotificationParamsSchema = base.ResourceUpdatedNotificationParamsSchema.extend(notificationMeta)
export type ResourceUpdatedNotificationParams = z.infer<typeof ResourceUpdatedNotificationParamsSchema>

// ---------------------------------------------------------------------------------------------
// Errors the spec names
// ---------------------------------------------------------------------------------------------

// Written out rather than made by a generic helper: a generic `.extend` cost ~80k type instantiations.
export const ParseErrorSchema = base.JSONRPCErrorObjectSchema.extend({ code: z.literal(-32700) })
export type ParseError = z.infer<typeof ParseErrorSchema>
export const InvalidRequestErrorSchema = base.JSONRPCErrorObjectSchema.extend({ code: z.literal(-32600) })
export type InvalidRequestError = z.infer<typeof InvalidRequestErrorSchema>
export const MethodNotFoundErrorSchema = base.JSONRPCErrorObjectSchema.extend({ code: z.literal(-32601) })
export type MethodNotFoundError = z.infer<typeof MethodNotFoundErrorSchema>
export const InvalidParamsErrorSchema = base.JSONRPCErrorObjectSchema.extend({ code: z.literal(-32602) })
export type InvalidParamsError = z.infer<typeof InvalidParamsErrorSchema>
export const InternalErrorSchema = base.JSONRPCErrorObjectSchema.extend({ code: z.literal(-32603) })
export type InternalError = z.infer<typeof InternalErrorSchema>

const errorId = z.union([base.RequestIdSchema, z.null()]).optional()
/** `-32020`: an HTTP header (`MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name`) disagrees with the body. */
export const HeaderMismatchErrorSchema = z.looseObject({
  jsonrpc: z.literal('2.0'),
  id: errorId,
  error: base.JSONRPCErrorObjectSchema.extend({ code: z.literal(-32020) }),
})
export type HeaderMismatchError = z.infer<typeof HeaderMismatchErrorSchema>
/** `-32021`: the request needs client capabilities it did not declare. */
export const MissingRequiredClientCapabilityErrorSchema = z.looseObject({
  jsonrpc: z.literal('2.0'),
  id: errorId,
  error: base.JSONRPCErrorObjectSchema.extend({
    code: z.literal(-32021),
    data: z.looseObject({ requiredCapabilities: ClientCapabilitiesSchema }),
  }),
})
export type MissingRequiredClientCapabilityError = z.infer<typeof MissingRequiredClientCapabilityErrorSchema>
/** `-32022`: the server does not speak `requested`; the client retries with one of `supported`. */
export const UnsupportedProtocolVersionErrorSchema = z.looseObject({
  jsonrpc: z.literal('2.0'),
  id: errorId,
  error: base.JSONRPCErrorObjectSchema.extend({
    code: z.literal(-32022),
    data: z.looseObject({ supported: z.array(z.string()), requested: z.string() }),
  }),
})
export type UnsupportedProtocolVersionError = z.infer<typeof UnsupportedProtocolVersionErrorSchema>

// ---------------------------------------------------------------------------------------------
// Whole messages
// ---------------------------------------------------------------------------------------------

const jsonrpc = z.literal('2.0')
// Bounded by `z.core.SomeType`, not `z.ZodType`: checking a union against `ZodType` cost ~75k type instantiations.
const req = <M extends string, P extends z.core.SomeType>(method: M, params: P) =>
  z.looseObject({ jsonrpc, id: base.RequestIdSchema, method: z.literal(method), params })
const note = <M extends string, P extends z.core.SomeType>(method: M, params: P) =>
  z.looseObject({ jsonrpc, method: z.literal(method), params })
const response = <R extends z.core.SomeType>(result: R) => z.looseObject({ jsonrpc, id: base.RequestIdSchema, result })

export const DiscoverRequestSchema = req('server/discover', RequestParamsSchema)
export type DiscoverRequest = z.infer<typeof DiscoverRequestSchema>
export const SubscriptionsListenRequestSchema = req('subscriptions/listen', SubscriptionsListenRequestParamsSchema)
export type SubscriptionsListenRequest = z.infer<typeof SubscriptionsListenRequestSchema>
export const ListToolsRequestSchema = req('tools/list', PaginatedRequestParamsSchema)
export type ListToolsRequest = z.infer<typeof ListToolsRequestSchema>
export const CallToolRequestSchema = req('tools/call', CallToolRequestParamsSchema)
export type CallToolRequest = z.infer<typeof CallToolRequestSchema>
export const ListPromptsRequestSchema = req('prompts/list', PaginatedRequestParamsSchema)
export type ListPromptsRequest = z.infer<typeof ListPromptsRequestSchema>
export const GetPromptRequestSchema = req('prompts/get', GetPromptRequestParamsSchema)
export type GetPromptRequest = z.infer<typeof GetPromptRequestSchema>
export const ListResourcesRequestSchema = req('resources/list', PaginatedRequestParamsSchema)
export type ListResourcesRequest = z.infer<typeof ListResourcesRequestSchema>
export const ListResourceTemplatesRequestSchema = req('resources/templates/list', PaginatedRequestParamsSchema)
export type ListResourceTemplatesRequest = z.infer<typeof ListResourceTemplatesRequestSchema>
export const ReadResourceRequestSchema = req('resources/read', ReadResourceRequestParamsSchema)
export type ReadResourceRequest = z.infer<typeof ReadResourceRequestSchema>
export const CompleteRequestSchema = req('completion/complete', CompleteRequestParamsSchema)
export type CompleteRequest = z.infer<typeof CompleteRequestSchema>

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
export const SubscriptionsAcknowledgedNotificationSchema = note(
  'notifications/subscriptions/acknowledged',
  SubscriptionsAcknowledgedNotificationParamsSchema,
)
export type SubscriptionsAcknowledgedNotification = z.infer<typeof SubscriptionsAcknowledgedNotificationSchema>

// Results of requests that may need input are `InputRequiredResult | <their result>`.
export const DiscoverResultResponseSchema = response(DiscoverResultSchema)
export type DiscoverResultResponse = z.infer<typeof DiscoverResultResponseSchema>
export const SubscriptionsListenResultResponseSchema = response(SubscriptionsListenResultSchema)
export type SubscriptionsListenResultResponse = z.infer<typeof SubscriptionsListenResultResponseSchema>
export const ListToolsResultResponseSchema = response(ListToolsResultSchema)
export type ListToolsResultResponse = z.infer<typeof ListToolsResultResponseSchema>
export const CallToolResultResponseSchema = response(z.union([InputRequiredResultSchema, CallToolResultSchema]))
export type CallToolResultResponse = z.infer<typeof CallToolResultResponseSchema>
export const ListPromptsResultResponseSchema = response(ListPromptsResultSchema)
export type ListPromptsResultResponse = z.infer<typeof ListPromptsResultResponseSchema>
export const GetPromptResultResponseSchema = response(z.union([InputRequiredResultSchema, GetPromptResultSchema]))
export type GetPromptResultResponse = z.infer<typeof GetPromptResultResponseSchema>
export const ListResourcesResultResponseSchema = response(ListResourcesResultSchema)
export type ListResourcesResultResponse = z.infer<typeof ListResourcesResultResponseSchema>
export const ListResourceTemplatesResultResponseSchema = response(ListResourceTemplatesResultSchema)
export type ListResourceTemplatesResultResponse = z.infer<typeof ListResourceTemplatesResultResponseSchema>
export const ReadResourceResultResponseSchema = response(z.union([InputRequiredResultSchema, ReadResourceResultSchema]))
export type ReadResourceResultResponse = z.infer<typeof ReadResourceResultResponseSchema>
export const CompleteResultResponseSchema = response(CompleteResultSchema)
export type CompleteResultResponse = z.infer<typeof CompleteResultResponseSchema>

export const ClientRequestSchema = z.discriminatedUnion('method', [
  DiscoverRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ReadResourceRequestSchema,
  SubscriptionsListenRequestSchema,
  ListPromptsRequestSchema,
  GetPromptRequestSchema,
  ListToolsRequestSchema,
  CallToolRequestSchema,
  CompleteRequestSchema,
])
export type ClientRequest = z.infer<typeof ClientRequestSchema>
/** A modern client sends one notification only. */
export const ClientNotificationSchema = CancelledNotificationSchema
export type ClientNotification = z.infer<typeof ClientNotificationSchema>
export const ServerNotificationSchema = z.discriminatedUnion('method', [
  CancelledNotificationSchema,
  ProgressNotificationSchema,
  ResourceListChangedNotificationSchema,
  SubscriptionsAcknowledgedNotificationSchema,
  ResourceUpdatedNotificationSchema,
  PromptListChangedNotificationSchema,
  ToolListChangedNotificationSchema,
  LoggingMessageNotificationSchema,
])
export type ServerNotification = z.infer<typeof ServerNotificationSchema>
/** A modern client answers no requests, so its only result is the generic one. */
export const ClientResultSchema = ResultSchema
export type ClientResult = z.infer<typeof ClientResultSchema>
export const ServerResultSchema = z.union([
  InputRequiredResultSchema,
  DiscoverResultSchema,
  ListResourcesResultSchema,
  ListResourceTemplatesResultSchema,
  ReadResourceResultSchema,
  SubscriptionsListenResultSchema,
  ListPromptsResultSchema,
  GetPromptResultSchema,
  ListToolsResultSchema,
  CallToolResultSchema,
  CompleteResultSchema,
  ResultSchema,
])
export type ServerResult = z.infer<typeof ServerResultSchema>
