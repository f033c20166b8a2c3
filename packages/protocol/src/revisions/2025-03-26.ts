/**
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
 *
 * The types here are the spec's, written out as interfaces; each schema is the zod object of
 * `./wire/2025-03-26.ts`, declared with its type.
 * @see https://modelcontextprotocol.io/specification/2025-03-26/changelog
 */
import type * as z from 'zod'
import type * as base from './2025-06-18.js'
import * as w from './wire/2025-03-26.js'

// Declared, not inferred: our .d.ts then names these interfaces instead of spelling out every zod
// object type, which cost a consumer with `skipLibCheck: false` about 1M type instantiations.
// Input and output are one type, as no schema transforms. types.test.ts holds them to wire/.
type Schema<T> = z.ZodType<T, T>
// Checks what zod infers for a wire schema against its declared type, comparing only the output and
// input types: assigning the zod object to `z.ZodType` directly compared every method too, 1M type
// instantiations in our own type check.
const typed = <T>(schema: { _zod: { output: NoInfer<T>; input: NoInfer<T> } }): Schema<T> => schema as unknown as Schema<T>

export * from './2025-06-18.js'

export interface ResourceReference {
  type: 'ref/resource'
  uri: string
  [key: string]: unknown
}
export const ResourceReferenceSchema: Schema<ResourceReference> = typed(w.ResourceReferenceSchema)

export const JSONRPCBatchRequestSchema: Schema<Array<
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
  }>> = typed(w.JSONRPCBatchRequestSchema)

export const JSONRPCBatchResponseSchema: Schema<Array<
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
  }>> = typed(w.JSONRPCBatchResponseSchema)

/** One message or a batch, as the 2025-03-26 schema's `JSONRPCMessage` defines it. */
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
  | Array<
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
    }>
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
  }
  | Array<
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
    }>> = typed(w.JSONRPCMessageSchema)
