/**
 * Protocol revision 2025-06-18. For parsing, its messages are a subset of 2025-11-25's, so this
 * module re-exports `./2025-11-25.js` and replaces only what a 2025-06-18 peer must be held to.
 *
 * Differs from 2025-11-25 where parsing cares (replaced below):
 *  - `notifications/cancelled`: `requestId` is required (2025-11-25 made it optional).
 *  - error responses: `id` is required (2025-11-25 made it optional); the spec names the def
 *    `JSONRPCError`, and its `JSONRPCResponse` is the *result* response (ours stays the union).
 *  - `elicitation/create` has form mode only: no `mode: 'url'`, no `elicitationId`.
 *
 * Absent in 2025-06-18 (still exported, for one import surface; a 2025-06-18 peer never sends them):
 * tasks (`tasks/*`, `task` params, `execution`), `notifications/elicitation/complete`, `icons`,
 * `Implementation.description`/`websiteUrl`, `tools`/`toolChoice` and tool_use/tool_result content
 * and content arrays in sampling, titled/multi-select enums and `default` in elicitation schemas,
 * string arrays in `ElicitResult.content`, the `sampling.*`/`elicitation.*` sub-capabilities.
 *
 * The `Client*`/`Server*` message unions are 2025-11-25's (wider); parse by method instead.
 *
 * New in 2025-06-18 (vs 2025-03-26): batching removed, `structuredContent` + `outputSchema`,
 * elicitation, `resource_link`, `title`, `_meta` on more types, `context` in completion requests.
 *
 * The types here are the spec's, written out as interfaces; each schema is the zod object of
 * `./wire/2025-06-18.ts`, declared with its type.
 * @see https://modelcontextprotocol.io/specification/2025-06-18/changelog
 */
import type * as z from 'zod'
import type * as base from './2025-11-25.js'
import * as w from './wire/2025-06-18.js'

// Declared, not inferred: our .d.ts then names these interfaces instead of spelling out every zod
// object type, which cost a consumer with `skipLibCheck: false` about 1M type instantiations.
// Input and output are one type, as no schema transforms. types.test.ts holds them to wire/.
type Schema<T> = z.ZodType<T, T>
// Checks what zod infers for a wire schema against its declared type, comparing only the output and
// input types: assigning the zod object to `z.ZodType` directly compared every method too, 1M type
// instantiations in our own type check.
const typed = <T>(schema: { _zod: { output: NoInfer<T>; input: NoInfer<T> } }): Schema<T> => schema as unknown as Schema<T>

export * from './2025-11-25.js'

/** Before 2025-11-25 the request to cancel must be named. */
export interface CancelledNotificationParams {
  _meta?: Record<string, unknown> | undefined
  requestId: string | number
  reason?: string | undefined
  [key: string]: unknown
}
export const CancelledNotificationParamsSchema: Schema<CancelledNotificationParams> = typed(w.CancelledNotificationParamsSchema)

export interface CancelledNotification {
  jsonrpc: '2.0'
  method: 'notifications/cancelled'
  params: CancelledNotificationParams
  [key: string]: unknown
}
export const CancelledNotificationSchema: Schema<CancelledNotification> = typed(w.CancelledNotificationSchema)

/**
 * An error response. The spec requires `id`; `null` (JSON-RPC 2.0's id for an unreadable request)
 * is accepted too, since that is what peers send after a parse error.
 */
export const JSONRPCErrorResponseSchema: Schema<{
  jsonrpc: '2.0'
  id: string | number | null
  error: { code: number; message: string; data?: unknown; [key: string]: unknown }
  [key: string]: unknown
}> = typed(w.JSONRPCErrorResponseSchema)

/** The spec's name for an error response up to 2025-06-18. */
export const JSONRPCErrorSchema: Schema<{
  jsonrpc: '2.0'
  id: string | number | null
  error: { code: number; message: string; data?: unknown; [key: string]: unknown }
  [key: string]: unknown
}> = typed(w.JSONRPCErrorSchema)

export const JSONRPCResponseSchema: Schema<
  | {
    jsonrpc: '2.0'
    id: string | number
    result: base.Result
    [key: string]: unknown
  }
  | {
    jsonrpc: '2.0'
    id: string | number | null
    error: { code: number; message: string; data?: unknown; [key: string]: unknown }
    [key: string]: unknown
  }> = typed(w.JSONRPCResponseSchema)

export const JSONRPCMessageSchema: Schema<
  | {
    jsonrpc: '2.0'
    id: string | number
    method: string
    params?: base.RequestParams | undefined
    [key: string]: unknown
  }
  | {
    jsonrpc: '2.0'
    method: string
    params?: base.NotificationParams | undefined
    [key: string]: unknown
  }
  | {
    jsonrpc: '2.0'
    id: string | number
    result: base.Result
    [key: string]: unknown
  }
  | {
    jsonrpc: '2.0'
    id: string | number | null
    error: { code: number; message: string; data?: unknown; [key: string]: unknown }
    [key: string]: unknown
  }> = typed(w.JSONRPCMessageSchema)

/** Form mode only: a URL-mode request (no `requestedSchema`) is rejected. */
export interface ElicitRequestParams {
  _meta?: base.RequestMeta | undefined
  task?: base.TaskMetadata | undefined
  mode?: 'form' | undefined
  message: string
  requestedSchema: {
    $schema?: string | undefined
    type: 'object'
    properties: Record<string, base.PrimitiveSchemaDefinition>
    required?: string[] | undefined
    [key: string]: unknown
  }
  [key: string]: unknown
}
export const ElicitRequestParamsSchema: Schema<ElicitRequestParams> = typed(w.ElicitRequestParamsSchema)

export interface ElicitRequest {
  jsonrpc: '2.0'
  id: string | number
  method: 'elicitation/create'
  params: ElicitRequestParams
  [key: string]: unknown
}
export const ElicitRequestSchema: Schema<ElicitRequest> = typed(w.ElicitRequestSchema)
