/**
 * The zod objects behind `../2025-03-26.ts`, which exports them declared with the spec's types: import
 * from there. The types zod infers here are for building the schemas (`.extend`), not for users.
 *
 * Protocol revision 2025-03-26: everything of `./2025-06-18.js` (which it re-exports) plus
 * JSON-RPC batching, which only this revision allows.
 *
 * Differs from 2025-06-18 where parsing cares (replaced below):
 *  - `JSONRPCMessage` may be a batch: an array of requests/notifications, or of responses.
 *    (The spec's own def includes the arrays; `JSONRPCBatchRequest`/`JSONRPCBatchResponse`.)
 *  - completion refs: the spec calls `ref/resource` a `ResourceReference` (same shape).
 *
 * Absent in 2025-03-26 (still exported, never sent by a 2025-03-26 peer): elicitation,
 * `structuredContent`/`outputSchema`, `resource_link`, `title` fields, `_meta` on content and
 * resources, `context` in completion requests, `Annotations.lastModified`.
 *
 * New in 2025-03-26 (vs 2024-11-05): batching, tool annotations, audio content, `message` on
 * progress notifications, the `completions` server capability.
 * @see https://modelcontextprotocol.io/specification/2025-03-26/changelog
 */
import * as z from 'zod'
import {
  JSONRPCErrorResponseSchema,
  JSONRPCNotificationSchema,
  JSONRPCRequestSchema,
  JSONRPCResultResponseSchema,
  ResourceTemplateReferenceSchema,
} from './2025-06-18.js'

export * from './2025-06-18.js'

export const ResourceReferenceSchema = ResourceTemplateReferenceSchema
export type ResourceReference = z.infer<typeof ResourceReferenceSchema>

export const JSONRPCBatchRequestSchema = z.array(z.union([JSONRPCRequestSchema, JSONRPCNotificationSchema]))
export const JSONRPCBatchResponseSchema = z.array(z.union([JSONRPCResultResponseSchema, JSONRPCErrorResponseSchema]))
/** One message or a batch, as the 2025-03-26 schema's `JSONRPCMessage` defines it. */
export const JSONRPCMessageSchema = z.union([
  JSONRPCRequestSchema,
  JSONRPCNotificationSchema,
  JSONRPCBatchRequestSchema,
  JSONRPCResultResponseSchema,
  JSONRPCErrorResponseSchema,
  JSONRPCBatchResponseSchema,
])
