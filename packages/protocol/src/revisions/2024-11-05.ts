/**
 * Protocol revision 2024-11-05, the first public one. For parsing it is 2025-03-26 without
 * batching, so this module re-exports `./2025-03-26.js` and puts the single-message
 * `JSONRPCMessage` back. Like 2025-03-26 (and unlike 2025-11-25), `notifications/cancelled` needs a
 * `requestId` and error responses need an `id`.
 *
 * Absent in 2024-11-05 (still exported, never sent by a 2024-11-05 peer): batching, audio
 * content, tool annotations, `message` on progress notifications, the `completions` capability
 * (`completion/complete` itself exists, ungated), and everything later revisions added.
 * The spec inlines `annotations` through an `Annotated` base type instead of `Annotations`.
 *
 * The types here are the spec's, written out as interfaces; each schema is the zod object of
 * `./wire/2024-11-05.ts`, declared with its type.
 * @see https://modelcontextprotocol.io/specification/2024-11-05
 */
import type * as z from 'zod'
import type * as base from './2025-03-26.js'
import * as w from './wire/2024-11-05.js'

// Declared, not inferred: our .d.ts then names these interfaces instead of spelling out every zod
// object type, which cost a consumer with `skipLibCheck: false` about 1M type instantiations.
// Input and output are one type, as no schema transforms. types.test.ts holds them to wire/.
type Schema<T> = z.ZodType<T, T>
// Checks what zod infers for a wire schema against its declared type, comparing only the output and
// input types: assigning the zod object to `z.ZodType` directly compared every method too, 1M type
// instantiations in our own type check.
const typed = <T>(schema: { _zod: { output: NoInfer<T>; input: NoInfer<T> } }): Schema<T> => schema as unknown as Schema<T>

export * from './2025-03-26.js'

/** The 2024-11-05 mixin for anything with `annotations`. */
export interface Annotated {
  annotations?: base.Annotations | undefined
  [key: string]: unknown
}
export const AnnotatedSchema: Schema<Annotated> = typed(w.AnnotatedSchema)

/** A single message; batches came in 2025-03-26 and left in 2025-06-18. */
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
