/**
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
 *
 * The types here are the spec's, written out as interfaces; each schema is the zod object of
 * `./wire/2026-07-28.ts`, declared with its type.
 * @see https://modelcontextprotocol.io/specification/2026-07-28/changelog
 */
import type * as z from 'zod'
import type * as base from './2025-11-25.js'
import * as w from './wire/2026-07-28.js'

// Declared, not inferred: our .d.ts then names these interfaces instead of spelling out every zod
// object type, which cost a consumer with `skipLibCheck: false` about 1M type instantiations.
// Input and output are one type, as no schema transforms. types.test.ts holds them to wire/.
type Schema<T> = z.ZodType<T, T>
// Checks what zod infers for a wire schema against its declared type, comparing only the output and
// input types: assigning the zod object to `z.ZodType` directly compared every method too, 1M type
// instantiations in our own type check.
const typed = <T>(schema: { _zod: { output: NoInfer<T>; input: NoInfer<T> } }): Schema<T> => schema as unknown as Schema<T>

export * from './2025-11-25.js'

// ---------------------------------------------------------------------------------------------
// Reserved `_meta` keys
// ---------------------------------------------------------------------------------------------

/** Request `_meta`: the revision this request speaks (must equal `MCP-Protocol-Version` on HTTP). */
export const PROTOCOL_VERSION_META_KEY: 'io.modelcontextprotocol/protocolVersion' = w.PROTOCOL_VERSION_META_KEY

/** Request `_meta`: the client's capabilities, declared per request (`{}` = none). */
export const CLIENT_CAPABILITIES_META_KEY: 'io.modelcontextprotocol/clientCapabilities' = w.CLIENT_CAPABILITIES_META_KEY

/** Request `_meta`: the client's `Implementation` (should be on every request). */
export const CLIENT_INFO_META_KEY: 'io.modelcontextprotocol/clientInfo' = w.CLIENT_INFO_META_KEY

/** Request `_meta`: the log level for this request; absent means no log notifications at all. */
export const LOG_LEVEL_META_KEY: 'io.modelcontextprotocol/logLevel' = w.LOG_LEVEL_META_KEY

/** Result `_meta`: the server's `Implementation` (should be on every result). */
export const SERVER_INFO_META_KEY: 'io.modelcontextprotocol/serverInfo' = w.SERVER_INFO_META_KEY

/** Notification and `subscriptions/listen` result `_meta`: which subscription stream it belongs to. */
export const SUBSCRIPTION_ID_META_KEY: 'io.modelcontextprotocol/subscriptionId' = w.SUBSCRIPTION_ID_META_KEY

/** The extension id under `capabilities.extensions` that carries tasks in this revision. */
export const TASKS_EXTENSION_ID: 'io.modelcontextprotocol/tasks' = w.TASKS_EXTENSION_ID

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
  extensions?: Record<string, { [key: string]: unknown }> | undefined
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
  extensions?: Record<string, { [key: string]: unknown }> | undefined
  [key: string]: unknown
}
export const ServerCapabilitiesSchema: Schema<ServerCapabilities> = typed(w.ServerCapabilitiesSchema)

export interface RequestMeta {
  progressToken?: string | number | undefined
  'io.modelcontextprotocol/protocolVersion': string
  'io.modelcontextprotocol/clientCapabilities': ClientCapabilities
  'io.modelcontextprotocol/clientInfo'?: base.Implementation | undefined
  'io.modelcontextprotocol/logLevel'?: base.LoggingLevel | undefined
  [key: string]: unknown
}
export const RequestMetaSchema: Schema<RequestMeta> = typed(w.RequestMetaSchema)

export interface NotificationMeta {
  'io.modelcontextprotocol/subscriptionId'?: string | number | undefined
  [key: string]: unknown
}
export const NotificationMetaSchema: Schema<NotificationMeta> = typed(w.NotificationMetaSchema)

export interface ResultMeta {
  'io.modelcontextprotocol/serverInfo'?: base.Implementation | undefined
  [key: string]: unknown
}
export const ResultMetaSchema: Schema<ResultMeta> = typed(w.ResultMetaSchema)

/** Every modern request states its revision and capabilities, so `_meta` is required. */
export interface RequestParams {
  _meta: RequestMeta
  [key: string]: unknown
}
export const RequestParamsSchema: Schema<RequestParams> = typed(w.RequestParamsSchema)

export interface NotificationParams {
  _meta?: NotificationMeta | undefined
  [key: string]: unknown
}
export const NotificationParamsSchema: Schema<NotificationParams> = typed(w.NotificationParamsSchema)

/** `"complete"` or `"input_required"`; an open string in the spec, so later values still parse. */
export type ResultType = string
export const ResultTypeSchema: Schema<ResultType> = typed(w.ResultTypeSchema)

export interface Result {
  _meta?: ResultMeta | undefined
  resultType?: ResultType | undefined
  [key: string]: unknown
}
export const ResultSchema: Schema<Result> = typed(w.ResultSchema)

export type EmptyResult = Result
export const EmptyResultSchema: Schema<EmptyResult> = typed(w.EmptyResultSchema)

export interface CacheableResult {
  _meta?: ResultMeta | undefined
  resultType?: ResultType | undefined
  ttlMs?: number | undefined
  cacheScope?: 'public' | 'private' | undefined
  [key: string]: unknown
}
export const CacheableResultSchema: Schema<CacheableResult> = typed(w.CacheableResultSchema)

export interface PaginatedRequestParams {
  _meta: RequestMeta
  cursor?: base.Cursor | undefined
  [key: string]: unknown
}
export const PaginatedRequestParamsSchema: Schema<PaginatedRequestParams> = typed(w.PaginatedRequestParamsSchema)

export interface PaginatedResult {
  _meta?: ResultMeta | undefined
  resultType?: ResultType | undefined
  nextCursor?: base.Cursor | undefined
  [key: string]: unknown
}
export const PaginatedResultSchema: Schema<PaginatedResult> = typed(w.PaginatedResultSchema)

// ---------------------------------------------------------------------------------------------
// Tools and sampling content: JSON Schema 2020-12 freely, any JSON as structured output
// ---------------------------------------------------------------------------------------------

export interface Tool {
  name: string
  title?: string | undefined
  description?: string | undefined
  /** Any 2020-12 keyword may sit beside `type: 'object'` (composition, conditionals, `$ref`s). */
  inputSchema: { $schema?: string | undefined; type: 'object'; [key: string]: unknown }
  /** Any JSON Schema; the root need not be an object any more. */
  outputSchema?: { $schema?: string | undefined; [key: string]: unknown } | undefined
  annotations?: base.ToolAnnotations | undefined
  execution?: base.ToolExecution | undefined
  icons?: base.Icon[] | undefined
  _meta?: Record<string, unknown> | undefined
  [key: string]: unknown
}
export const ToolSchema: Schema<Tool> = typed(w.ToolSchema)

export interface ToolResultContent {
  type: 'tool_result'
  toolUseId: string
  content: base.ContentBlock[]
  structuredContent?: unknown
  isError?: boolean | undefined
  _meta?: Record<string, unknown> | undefined
  [key: string]: unknown
}
export const ToolResultContentSchema: Schema<ToolResultContent> = typed(w.ToolResultContentSchema)

export type SamplingMessageContentBlock = base.TextContent | base.ImageContent | base.AudioContent | base.ToolUseContent | ToolResultContent
export const SamplingMessageContentBlockSchema: Schema<SamplingMessageContentBlock> = typed(w.SamplingMessageContentBlockSchema)

export interface SamplingMessage {
  role: 'user' | 'assistant'
  content: SamplingMessageContentBlock | SamplingMessageContentBlock[]
  _meta?: Record<string, unknown> | undefined
  [key: string]: unknown
}
export const SamplingMessageSchema: Schema<SamplingMessage> = typed(w.SamplingMessageSchema)

// ---------------------------------------------------------------------------------------------
// Input requests and responses (MRTR)
// ---------------------------------------------------------------------------------------------

export interface CreateMessageRequestParams {
  _meta?: base.RequestMeta | undefined
  task?: base.TaskMetadata | undefined
  messages: SamplingMessage[]
  modelPreferences?: base.ModelPreferences | undefined
  systemPrompt?: string | undefined
  /** Values other than `none` need the client's `sampling.context` capability. */
  includeContext?: 'none' | 'thisServer' | 'allServers' | undefined
  temperature?: number | undefined
  maxTokens: number
  stopSequences?: string[] | undefined
  metadata?: { [key: string]: unknown } | undefined
  /** Needs the client's `sampling.tools` capability. */
  tools?: Tool[] | undefined
  toolChoice?: base.ToolChoice | undefined
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

/** URL mode without `elicitationId` (its completion notification is gone). */
export interface ElicitRequestURLParams {
  mode: 'url'
  message: string
  url: string
  _meta?: Record<string, unknown> | undefined
  [key: string]: unknown
}
export const ElicitRequestURLParamsSchema: Schema<ElicitRequestURLParams> = typed(w.ElicitRequestURLParamsSchema)

export type ElicitRequestParams = ElicitRequestURLParams | base.ElicitRequestFormParams
export const ElicitRequestParamsSchema: Schema<ElicitRequestParams> = typed(w.ElicitRequestParamsSchema)

export interface CreateMessageRequest {
  method: 'sampling/createMessage'
  params: CreateMessageRequestParams
  [key: string]: unknown
}
export const CreateMessageRequestSchema: Schema<CreateMessageRequest> = typed(w.CreateMessageRequestSchema)

export interface ElicitRequest {
  method: 'elicitation/create'
  params: ElicitRequestParams
  [key: string]: unknown
}
export const ElicitRequestSchema: Schema<ElicitRequest> = typed(w.ElicitRequestSchema)

export interface ListRootsRequest {
  method: 'roots/list'
  params?: { _meta?: Record<string, unknown> | undefined; [key: string]: unknown } | undefined
  [key: string]: unknown
}
export const ListRootsRequestSchema: Schema<ListRootsRequest> = typed(w.ListRootsRequestSchema)

export type InputRequest = CreateMessageRequest | ListRootsRequest | ElicitRequest
export const InputRequestSchema: Schema<InputRequest> = typed(w.InputRequestSchema)

/** What the server needs, by keys it chooses; the client answers under the same keys. */
export type InputRequests = Record<string, InputRequest>
export const InputRequestsSchema: Schema<InputRequests> = typed(w.InputRequestsSchema)

export type InputResponse = base.ElicitResult | base.ListRootsResult | CreateMessageResult
export const InputResponseSchema: Schema<InputResponse> = typed(w.InputResponseSchema)

export type InputResponses = Record<string, InputResponse>
export const InputResponsesSchema: Schema<InputResponses> = typed(w.InputResponsesSchema)

/** The params of a request that may be retried with the answers to an `input_required` result. */
export interface InputResponseRequestParams {
  _meta: RequestMeta
  inputResponses?: InputResponses | undefined
  /** Echoed verbatim from the `InputRequiredResult`; opaque to the client. */
  requestState?: string | undefined
  [key: string]: unknown
}
export const InputResponseRequestParamsSchema: Schema<InputResponseRequestParams> = typed(w.InputResponseRequestParamsSchema)

/** "Ask the user/model/client this, then retry the same request with the answers." */
export interface InputRequiredResult {
  _meta?: ResultMeta | undefined
  resultType: 'input_required'
  inputRequests?: InputRequests | undefined
  requestState?: string | undefined
  [key: string]: unknown
}
export const InputRequiredResultSchema: Schema<InputRequiredResult> = typed(w.InputRequiredResultSchema)

// ---------------------------------------------------------------------------------------------
// Server features
// ---------------------------------------------------------------------------------------------

export interface CallToolRequestParams {
  _meta: RequestMeta
  inputResponses?: InputResponses | undefined
  /** Echoed verbatim from the `InputRequiredResult`; opaque to the client. */
  requestState?: string | undefined
  name: string
  arguments?: Record<string, unknown> | undefined
  [key: string]: unknown
}
export const CallToolRequestParamsSchema: Schema<CallToolRequestParams> = typed(w.CallToolRequestParamsSchema)

export interface CallToolResult {
  _meta?: ResultMeta | undefined
  content: base.ContentBlock[]
  structuredContent?: unknown
  /** A failed tool run is a result with `isError: true`, not a protocol error. */
  isError?: boolean | undefined
  resultType?: ResultType | undefined
  [key: string]: unknown
}
export const CallToolResultSchema: Schema<CallToolResult> = typed(w.CallToolResultSchema)

export interface ListToolsResult {
  _meta?: ResultMeta | undefined
  nextCursor?: base.Cursor | undefined
  tools: Tool[]
  resultType?: ResultType | undefined
  ttlMs?: number | undefined
  cacheScope?: 'public' | 'private' | undefined
  [key: string]: unknown
}
export const ListToolsResultSchema: Schema<ListToolsResult> = typed(w.ListToolsResultSchema)

export interface ListPromptsResult {
  _meta?: ResultMeta | undefined
  nextCursor?: base.Cursor | undefined
  prompts: base.Prompt[]
  resultType?: ResultType | undefined
  ttlMs?: number | undefined
  cacheScope?: 'public' | 'private' | undefined
  [key: string]: unknown
}
export const ListPromptsResultSchema: Schema<ListPromptsResult> = typed(w.ListPromptsResultSchema)

export interface GetPromptRequestParams {
  _meta: RequestMeta
  inputResponses?: InputResponses | undefined
  /** Echoed verbatim from the `InputRequiredResult`; opaque to the client. */
  requestState?: string | undefined
  name: string
  arguments?: Record<string, string> | undefined
  [key: string]: unknown
}
export const GetPromptRequestParamsSchema: Schema<GetPromptRequestParams> = typed(w.GetPromptRequestParamsSchema)

export interface GetPromptResult {
  _meta?: ResultMeta | undefined
  description?: string | undefined
  messages: base.PromptMessage[]
  resultType?: ResultType | undefined
  [key: string]: unknown
}
export const GetPromptResultSchema: Schema<GetPromptResult> = typed(w.GetPromptResultSchema)

export interface ListResourcesResult {
  _meta?: ResultMeta | undefined
  nextCursor?: base.Cursor | undefined
  resources: base.Resource[]
  resultType?: ResultType | undefined
  ttlMs?: number | undefined
  cacheScope?: 'public' | 'private' | undefined
  [key: string]: unknown
}
export const ListResourcesResultSchema: Schema<ListResourcesResult> = typed(w.ListResourcesResultSchema)

export interface ListResourceTemplatesResult {
  _meta?: ResultMeta | undefined
  nextCursor?: base.Cursor | undefined
  resourceTemplates: base.ResourceTemplate[]
  resultType?: ResultType | undefined
  ttlMs?: number | undefined
  cacheScope?: 'public' | 'private' | undefined
  [key: string]: unknown
}
export const ListResourceTemplatesResultSchema: Schema<ListResourceTemplatesResult> = typed(w.ListResourceTemplatesResultSchema)

export interface ResourceRequestParams {
  _meta: RequestMeta
  uri: string
  [key: string]: unknown
}
export const ResourceRequestParamsSchema: Schema<ResourceRequestParams> = typed(w.ResourceRequestParamsSchema)

export interface ReadResourceRequestParams {
  _meta: RequestMeta
  inputResponses?: InputResponses | undefined
  /** Echoed verbatim from the `InputRequiredResult`; opaque to the client. */
  requestState?: string | undefined
  uri: string
  [key: string]: unknown
}
export const ReadResourceRequestParamsSchema: Schema<ReadResourceRequestParams> = typed(w.ReadResourceRequestParamsSchema)

export interface ReadResourceResult {
  _meta?: ResultMeta | undefined
  contents: Array<base.TextResourceContents | base.BlobResourceContents>
  resultType?: ResultType | undefined
  ttlMs?: number | undefined
  cacheScope?: 'public' | 'private' | undefined
  [key: string]: unknown
}
export const ReadResourceResultSchema: Schema<ReadResourceResult> = typed(w.ReadResourceResultSchema)

export interface CompleteRequestParams {
  _meta: RequestMeta
  ref: base.PromptReference | base.ResourceTemplateReference
  argument: { name: string; value: string; [key: string]: unknown }
  /** Values of arguments already resolved, for completions that depend on them. */
  context?: { arguments?: Record<string, string> | undefined; [key: string]: unknown } | undefined
  [key: string]: unknown
}
export const CompleteRequestParamsSchema: Schema<CompleteRequestParams> = typed(w.CompleteRequestParamsSchema)

export interface CompleteResult {
  _meta?: ResultMeta | undefined
  completion: {
    values: string[]
    total?: number | undefined
    hasMore?: boolean | undefined
    [key: string]: unknown
  }
  resultType?: ResultType | undefined
  [key: string]: unknown
}
export const CompleteResultSchema: Schema<CompleteResult> = typed(w.CompleteResultSchema)

// ---------------------------------------------------------------------------------------------
// server/discover and subscriptions/listen
// ---------------------------------------------------------------------------------------------

/** What `server/discover` answers: versions, capabilities, instructions; cacheable. */
export interface DiscoverResult {
  _meta?: ResultMeta | undefined
  resultType?: ResultType | undefined
  supportedVersions: string[]
  capabilities: ServerCapabilities
  instructions?: string | undefined
  ttlMs?: number | undefined
  cacheScope?: 'public' | 'private' | undefined
  [key: string]: unknown
}
export const DiscoverResultSchema: Schema<DiscoverResult> = typed(w.DiscoverResultSchema)

/** The notifications a client opts into on a `subscriptions/listen` stream; nothing else is sent. */
export interface SubscriptionFilter {
  toolsListChanged?: boolean | undefined
  promptsListChanged?: boolean | undefined
  resourcesListChanged?: boolean | undefined
  /** URIs to receive `notifications/resources/updated` for (replaces `resources/subscribe`). */
  resourceSubscriptions?: string[] | undefined
  [key: string]: unknown
}
export const SubscriptionFilterSchema: Schema<SubscriptionFilter> = typed(w.SubscriptionFilterSchema)

export interface SubscriptionsListenRequestParams {
  _meta: RequestMeta
  notifications: SubscriptionFilter
  [key: string]: unknown
}
export const SubscriptionsListenRequestParamsSchema: Schema<SubscriptionsListenRequestParams> = typed(w.SubscriptionsListenRequestParamsSchema)

export interface SubscriptionsListenResultMeta {
  'io.modelcontextprotocol/serverInfo'?: base.Implementation | undefined
  'io.modelcontextprotocol/subscriptionId': string | number
  [key: string]: unknown
}
export const SubscriptionsListenResultMetaSchema: Schema<SubscriptionsListenResultMeta> = typed(w.SubscriptionsListenResultMetaSchema)

/** Sent when the server ends the stream. */
export interface SubscriptionsListenResult {
  _meta: SubscriptionsListenResultMeta
  resultType?: ResultType | undefined
  [key: string]: unknown
}
export const SubscriptionsListenResultSchema: Schema<SubscriptionsListenResult> = typed(w.SubscriptionsListenResultSchema)

/** The first message on a listen stream: which of the requested notifications the server will send. */
export interface SubscriptionsAcknowledgedNotificationParams {
  _meta?: NotificationMeta | undefined
  notifications: SubscriptionFilter
  [key: string]: unknown
}
export const SubscriptionsAcknowledgedNotificationParamsSchema: Schema<SubscriptionsAcknowledgedNotificationParams> = typed(w.SubscriptionsAcknowledgedNotificationParamsSchema)

// ---------------------------------------------------------------------------------------------
// Notifications
// ---------------------------------------------------------------------------------------------

export interface CancelledNotificationParams {
  _meta?: NotificationMeta | undefined
  requestId: string | number
  reason?: string | undefined
  [key: string]: unknown
}
export const CancelledNotificationParamsSchema: Schema<CancelledNotificationParams> = typed(w.CancelledNotificationParamsSchema)

export interface ProgressNotificationParams {
  _meta?: NotificationMeta | undefined
  progressToken: string | number
  /** Increases with every notification, even when `total` is unknown. */
  progress: number
  total?: number | undefined
  message?: string | undefined
  [key: string]: unknown
}
export const ProgressNotificationParamsSchema: Schema<ProgressNotificationParams> = typed(w.ProgressNotificationParamsSchema)

export interface LoggingMessageNotificationParams {
  _meta?: NotificationMeta | undefined
  level: base.LoggingLevel
  logger?: string | undefined
  /** Any JSON value; required (may be `null`). */
  data: unknown
  [key: string]: unknown
}
export const LoggingMessageNotificationParamsSchema: Schema<LoggingMessageNotificationParams> = typed(w.LoggingMessageNotificationParamsSchema)

export interface ResourceUpdatedNotificationParams {
  _meta?: NotificationMeta | undefined
  uri: string
  [key: string]: unknown
}
export const ResourceUpdatedNotificationParamsSchema: Schema<ResourceUpdatedNotificationParams> = typed(w.ResourceUpdatedNotificationParamsSchema)

// ---------------------------------------------------------------------------------------------
// Errors the spec names
// ---------------------------------------------------------------------------------------------
// Written out rather than made by a generic helper: a generic `.extend` cost ~80k type instantiations.

export interface ParseError {
  code: -32700
  message: string
  data?: unknown
  [key: string]: unknown
}
export const ParseErrorSchema: Schema<ParseError> = typed(w.ParseErrorSchema)

export interface InvalidRequestError {
  code: -32600
  message: string
  data?: unknown
  [key: string]: unknown
}
export const InvalidRequestErrorSchema: Schema<InvalidRequestError> = typed(w.InvalidRequestErrorSchema)

export interface MethodNotFoundError {
  code: -32601
  message: string
  data?: unknown
  [key: string]: unknown
}
export const MethodNotFoundErrorSchema: Schema<MethodNotFoundError> = typed(w.MethodNotFoundErrorSchema)

export interface InvalidParamsError {
  code: -32602
  message: string
  data?: unknown
  [key: string]: unknown
}
export const InvalidParamsErrorSchema: Schema<InvalidParamsError> = typed(w.InvalidParamsErrorSchema)

export interface InternalError {
  code: -32603
  message: string
  data?: unknown
  [key: string]: unknown
}
export const InternalErrorSchema: Schema<InternalError> = typed(w.InternalErrorSchema)

/** `-32020`: an HTTP header (`MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name`) disagrees with the body. */
export interface HeaderMismatchError {
  jsonrpc: '2.0'
  id?: string | number | null | undefined
  error: { code: -32020; message: string; data?: unknown; [key: string]: unknown }
  [key: string]: unknown
}
export const HeaderMismatchErrorSchema: Schema<HeaderMismatchError> = typed(w.HeaderMismatchErrorSchema)

/** `-32021`: the request needs client capabilities it did not declare. */
export interface MissingRequiredClientCapabilityError {
  jsonrpc: '2.0'
  id?: string | number | null | undefined
  error: {
    code: -32021
    message: string
    data: { requiredCapabilities: ClientCapabilities; [key: string]: unknown }
    [key: string]: unknown
  }
  [key: string]: unknown
}
export const MissingRequiredClientCapabilityErrorSchema: Schema<MissingRequiredClientCapabilityError> = typed(w.MissingRequiredClientCapabilityErrorSchema)

/** `-32022`: the server does not speak `requested`; the client retries with one of `supported`. */
export interface UnsupportedProtocolVersionError {
  jsonrpc: '2.0'
  id?: string | number | null | undefined
  error: {
    code: -32022
    message: string
    data: { supported: string[]; requested: string; [key: string]: unknown }
    [key: string]: unknown
  }
  [key: string]: unknown
}
export const UnsupportedProtocolVersionErrorSchema: Schema<UnsupportedProtocolVersionError> = typed(w.UnsupportedProtocolVersionErrorSchema)

export interface DiscoverRequest {
  jsonrpc: '2.0'
  id: string | number
  method: 'server/discover'
  params: RequestParams
  [key: string]: unknown
}
export const DiscoverRequestSchema: Schema<DiscoverRequest> = typed(w.DiscoverRequestSchema)

export interface SubscriptionsListenRequest {
  jsonrpc: '2.0'
  id: string | number
  method: 'subscriptions/listen'
  params: SubscriptionsListenRequestParams
  [key: string]: unknown
}
export const SubscriptionsListenRequestSchema: Schema<SubscriptionsListenRequest> = typed(w.SubscriptionsListenRequestSchema)

export interface ListToolsRequest {
  jsonrpc: '2.0'
  id: string | number
  method: 'tools/list'
  params: PaginatedRequestParams
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

export interface ListPromptsRequest {
  jsonrpc: '2.0'
  id: string | number
  method: 'prompts/list'
  params: PaginatedRequestParams
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

export interface ListResourcesRequest {
  jsonrpc: '2.0'
  id: string | number
  method: 'resources/list'
  params: PaginatedRequestParams
  [key: string]: unknown
}
export const ListResourcesRequestSchema: Schema<ListResourcesRequest> = typed(w.ListResourcesRequestSchema)

export interface ListResourceTemplatesRequest {
  jsonrpc: '2.0'
  id: string | number
  method: 'resources/templates/list'
  params: PaginatedRequestParams
  [key: string]: unknown
}
export const ListResourceTemplatesRequestSchema: Schema<ListResourceTemplatesRequest> = typed(w.ListResourceTemplatesRequestSchema)

export interface ReadResourceRequest {
  jsonrpc: '2.0'
  id: string | number
  method: 'resources/read'
  params: ReadResourceRequestParams
  [key: string]: unknown
}
export const ReadResourceRequestSchema: Schema<ReadResourceRequest> = typed(w.ReadResourceRequestSchema)

export interface CompleteRequest {
  jsonrpc: '2.0'
  id: string | number
  method: 'completion/complete'
  params: CompleteRequestParams
  [key: string]: unknown
}
export const CompleteRequestSchema: Schema<CompleteRequest> = typed(w.CompleteRequestSchema)

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

export interface SubscriptionsAcknowledgedNotification {
  jsonrpc: '2.0'
  method: 'notifications/subscriptions/acknowledged'
  params: SubscriptionsAcknowledgedNotificationParams
  [key: string]: unknown
}
export const SubscriptionsAcknowledgedNotificationSchema: Schema<SubscriptionsAcknowledgedNotification> = typed(w.SubscriptionsAcknowledgedNotificationSchema)

export interface DiscoverResultResponse {
  jsonrpc: '2.0'
  id: string | number
  result: DiscoverResult
  [key: string]: unknown
}
export const DiscoverResultResponseSchema: Schema<DiscoverResultResponse> = typed(w.DiscoverResultResponseSchema)

export interface SubscriptionsListenResultResponse {
  jsonrpc: '2.0'
  id: string | number
  result: SubscriptionsListenResult
  [key: string]: unknown
}
export const SubscriptionsListenResultResponseSchema: Schema<SubscriptionsListenResultResponse> = typed(w.SubscriptionsListenResultResponseSchema)

export interface ListToolsResultResponse {
  jsonrpc: '2.0'
  id: string | number
  result: ListToolsResult
  [key: string]: unknown
}
export const ListToolsResultResponseSchema: Schema<ListToolsResultResponse> = typed(w.ListToolsResultResponseSchema)

export interface CallToolResultResponse {
  jsonrpc: '2.0'
  id: string | number
  result: InputRequiredResult | CallToolResult
  [key: string]: unknown
}
export const CallToolResultResponseSchema: Schema<CallToolResultResponse> = typed(w.CallToolResultResponseSchema)

export interface ListPromptsResultResponse {
  jsonrpc: '2.0'
  id: string | number
  result: ListPromptsResult
  [key: string]: unknown
}
export const ListPromptsResultResponseSchema: Schema<ListPromptsResultResponse> = typed(w.ListPromptsResultResponseSchema)

export interface GetPromptResultResponse {
  jsonrpc: '2.0'
  id: string | number
  result: InputRequiredResult | GetPromptResult
  [key: string]: unknown
}
export const GetPromptResultResponseSchema: Schema<GetPromptResultResponse> = typed(w.GetPromptResultResponseSchema)

export interface ListResourcesResultResponse {
  jsonrpc: '2.0'
  id: string | number
  result: ListResourcesResult
  [key: string]: unknown
}
export const ListResourcesResultResponseSchema: Schema<ListResourcesResultResponse> = typed(w.ListResourcesResultResponseSchema)

export interface ListResourceTemplatesResultResponse {
  jsonrpc: '2.0'
  id: string | number
  result: ListResourceTemplatesResult
  [key: string]: unknown
}
export const ListResourceTemplatesResultResponseSchema: Schema<ListResourceTemplatesResultResponse> = typed(w.ListResourceTemplatesResultResponseSchema)

export interface ReadResourceResultResponse {
  jsonrpc: '2.0'
  id: string | number
  result: InputRequiredResult | ReadResourceResult
  [key: string]: unknown
}
export const ReadResourceResultResponseSchema: Schema<ReadResourceResultResponse> = typed(w.ReadResourceResultResponseSchema)

export interface CompleteResultResponse {
  jsonrpc: '2.0'
  id: string | number
  result: CompleteResult
  [key: string]: unknown
}
export const CompleteResultResponseSchema: Schema<CompleteResultResponse> = typed(w.CompleteResultResponseSchema)

export type ClientRequest =
  | DiscoverRequest
  | ListResourcesRequest
  | ListResourceTemplatesRequest
  | ReadResourceRequest
  | SubscriptionsListenRequest
  | ListPromptsRequest
  | GetPromptRequest
  | ListToolsRequest
  | CallToolRequest
  | CompleteRequest
export const ClientRequestSchema: Schema<ClientRequest> = typed(w.ClientRequestSchema)

/** A modern client sends one notification only. */
export type ClientNotification = CancelledNotification
export const ClientNotificationSchema: Schema<ClientNotification> = typed(w.ClientNotificationSchema)

export type ServerNotification =
  | CancelledNotification
  | ProgressNotification
  | ResourceListChangedNotification
  | SubscriptionsAcknowledgedNotification
  | ResourceUpdatedNotification
  | PromptListChangedNotification
  | ToolListChangedNotification
  | LoggingMessageNotification
export const ServerNotificationSchema: Schema<ServerNotification> = typed(w.ServerNotificationSchema)

/** A modern client answers no requests, so its only result is the generic one. */
export type ClientResult = Result
export const ClientResultSchema: Schema<ClientResult> = typed(w.ClientResultSchema)

export type ServerResult =
  | InputRequiredResult
  | DiscoverResult
  | ListResourcesResult
  | ListResourceTemplatesResult
  | ReadResourceResult
  | SubscriptionsListenResult
  | ListPromptsResult
  | GetPromptResult
  | ListToolsResult
  | CallToolResult
  | CompleteResult
  | Result
export const ServerResultSchema: Schema<ServerResult> = typed(w.ServerResultSchema)
