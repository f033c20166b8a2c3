/**
 * The zod objects behind `../2024-11-05.ts`, which exports them declared with the spec's types: import
 * from there. The types zod infers here are for building the schemas (`.extend`), not for users.
 *
 * Protocol revision 2024-11-05, the first public one. For parsing it is 2025-03-26 without
 * batching, so this module re-exports `./2025-03-26.js` and puts the single-message
 * `JSONRPCMessage` back. Like 2025-03-26 (and unlike 2025-11-25), `notifications/cancelled` needs a
 * `requestId` and error responses need an `id`.
 *
 * Absent in 2024-11-05 (still exported, never sent by a 2024-11-05 peer): batching, audio
 * content, tool annotations, `message` on progress notifications, the `completions` capability
 * (`completion/complete` itself exists, ungated), and everything later revisions added.
 * The spec inlines `annotations` through an `Annotated` base type instead of `Annotations`.
 * @see https://modelcontextprotocol.io/specification/2024-11-05
 */
import * as z from 'zod'
import {
  AnnotationsSchema,
  JSONRPCErrorResponseSchema,
  JSONRPCNotificationSchema,
  JSONRPCRequestSchema,
  JSONRPCResultResponseSchema,
} from './2025-03-26.js'

export * from './2025-03-26.js'

/** The 2024-11-05 mixin for anything with `annotations`. */
export const AnnotatedSchema = z.looseObject({ annotations: AnnotationsSchema.optional() })
export type Annotated = z.infer<typeof AnnotatedSchema>

/** A single message; batches came in 2025-03-26 and left in 2025-06-18. */
export const JSONRPCMessageSchema = z.union([
  JSONRPCRequestSchema,
  JSONRPCNotificationSchema,
  JSONRPCResultResponseSchema,
  JSONRPCErrorResponseSchema,
])
