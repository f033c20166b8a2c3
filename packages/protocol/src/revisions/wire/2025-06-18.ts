/**
 * The zod objects behind `../2025-06-18.ts`, which exports them declared with the spec's types: import
 * from there. The types zod infers here are for building the schemas (`.extend`), not for users.
 *
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
 * @see https://modelcontextprotocol.io/specification/2025-06-18/changelog
 */
import * as z from 'zod'
import {
  ElicitRequestFormParamsSchema,
  JSONRPCErrorObjectSchema,
  JSONRPCNotificationSchema,
  JSONRPCRequestSchema,
  JSONRPCResultResponseSchema,
  NotificationParamsSchema,
  RequestIdSchema,
} from './2025-11-25.js'

export * from './2025-11-25.js'

/** Before 2025-11-25 the request to cancel must be named. */
export const CancelledNotificationParamsSchema = NotificationParamsSchema.extend({
  requestId: RequestIdSchema,
  reason: z.string().optional(),
})
export type CancelledNotificationParams = z.infer<typeof CancelledNotificationParamsSchema>
export const CancelledNotificationSchema = z.looseObject({
  jsonrpc: z.literal('2.0'),
  method: z.literal('notifications/cancelled'),
  params: CancelledNotificationParamsSchema,
})
export type CancelledNotification = z.infer<typeof CancelledNotificationSchema>

/**
 * An error response. The spec requires `id`; `null` (JSON-RPC 2.0's id for an unreadable request)
 * is accepted too, since that is what peers send after a parse error.
 */
export const JSONRPCErrorResponseSchema = z.looseObject({
  jsonrpc: z.literal('2.0'),
  id: z.union([RequestIdSchema, z.null()]),
  error: JSONRPCErrorObjectSchema,
})
/** The spec's name for an error response up to 2025-06-18. */
export const JSONRPCErrorSchema = JSONRPCErrorResponseSchema
export const JSONRPCResponseSchema = z.union([JSONRPCResultResponseSchema, JSONRPCErrorResponseSchema])
export const JSONRPCMessageSchema = z.union([
  JSONRPCRequestSchema,
  JSONRPCNotificationSchema,
  JSONRPCResultResponseSchema,
  JSONRPCErrorResponseSchema,
])

/** Form mode only: a URL-mode request (no `requestedSchema`) is rejected. */
export const ElicitRequestParamsSchema = ElicitRequestFormParamsSchema
export type ElicitRequestParams = z.infer<typeof ElicitRequestParamsSchema>
export const ElicitRequestSchema = z.looseObject({
  jsonrpc: z.literal('2.0'),
  id: RequestIdSchema,
  method: z.literal('elicitation/create'),
  params: ElicitRequestParamsSchema,
})
export type ElicitRequest = z.infer<typeof ElicitRequestSchema>
