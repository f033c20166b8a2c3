import { ErrorCode } from '@plugboard/protocol'
import type { SseConnection } from './sse.js'

/**
 * The few things the handler reads of an HTTP request. `fetch` wraps a web `Request` in one;
 * `toNodeHandler` wraps node's `IncomingMessage` directly, so the node path never builds a
 * `Request`/`Response` pair per call (that conversion capped the official servers near 2.8k
 * calls/s, STYLE §8).
 */
export interface IncomingRequest {
  readonly method: string
  /** The URL path, without the query. */
  readonly pathname: string
  /** A query parameter (`sessionId` of the legacy message endpoint). */
  query(name: string): string | null
  /** A header by lower-case name; repeated headers joined with `, `. */
  header(name: string): string | undefined
  /** Every header, for `MessageInfo.request` (built on first read). */
  readonly headers: Record<string, string | string[] | undefined>
  /** The absolute URL (built on first read). */
  readonly url: string
  /**
   * Reads the body as UTF-8 text; `undefined` once it exceeds `limit` bytes (the rest is not
   * read). Rejects with {@link BodyTimeoutError} when the whole body has not arrived within
   * `timeoutMs` (a client trickling it in holds a connection and a buffer).
   */
  readBody(limit: number, timeoutMs?: number): Promise<string | undefined>
  /**
   * Whether the request arrived on a loopback interface, when the adapter can tell (node:http
   * can, from the socket); `undefined` on runtimes that do not say.
   */
  readonly loopback: boolean | undefined
  /** A web `Request` of the method, URL and headers — without the body — for user hooks. */
  toRequest(): Request
  /**
   * Calls `listener` once if the client goes away before the response is complete (it closed the
   * connection), now if it already has. A 2026-07-28 request is cancelled that way.
   */
  onAbort(listener: () => void): void
}

/** What the handler answers: a body, an SSE stream, or a `Response` a user hook returned. */
export type OutgoingResponse =
  | { readonly status: number; readonly headers: Record<string, string>; readonly body?: string; readonly sse?: undefined; readonly response?: undefined }
  | { readonly status: 200; readonly headers: Record<string, string>; readonly sse: SseConnection; readonly body?: undefined; readonly response?: undefined }
  | { readonly response: Response; readonly status?: undefined; readonly sse?: undefined }

const JSON_HEADERS = { 'content-type': 'application/json' } as const

/**
 * An HTTP error with a JSON-RPC error body. It has no `id`: the spec lets these bodies be
 * "a JSON-RPC error response that has no id" (2025-11-25 `JSONRPCErrorResponse.id` is optional).
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#sending-messages-to-the-server
 */
export function httpError(status: number, code: number, message: string, headers?: Record<string, string>): OutgoingResponse {
  return { status, headers: headers ? { ...JSON_HEADERS, ...headers } : { ...JSON_HEADERS }, body: JSON.stringify({ jsonrpc: '2.0', error: { code, message } }) }
}

/** A JSON body. */
export function jsonBody(status: number, body: string, headers?: Record<string, string>): OutgoingResponse {
  return { status, headers: headers ? { ...JSON_HEADERS, ...headers } : { ...JSON_HEADERS }, body }
}

/** The request body did not arrive in time. */
export class BodyTimeoutError extends Error {
  override readonly name = 'BodyTimeoutError'
}

/** How a POST's body may be read. */
export interface BodyLimits {
  maxBytes: number
  timeoutMs: number
}

/**
 * Reads a JSON-RPC POST body: the text, or the answer for a body too large (413) or too slow
 * (408), both closing the connection since the rest of the body is never read. A leading UTF-8
 * BOM is dropped: RFC 8259 §8.1 lets a parser ignore one, and Windows tools write it.
 */
export async function readMessageBody(req: IncomingRequest, limits: BodyLimits): Promise<string | OutgoingResponse> {
  let text: string | undefined
  try {
    text = await req.readBody(limits.maxBytes, limits.timeoutMs > 0 && Number.isFinite(limits.timeoutMs) ? limits.timeoutMs : undefined)
  } catch (error) {
    if (!(error instanceof BodyTimeoutError)) throw error
    return httpError(408, ErrorCode.InvalidRequest, `Request Timeout: the body did not arrive within ${limits.timeoutMs} ms`, { connection: 'close' })
  }
  if (text === undefined) return httpError(413, ErrorCode.InvalidRequest, `Payload Too Large: the body must not exceed ${limits.maxBytes} bytes`, { connection: 'close' })
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
}

/** What an adapter knows of a web `Request` beyond the request itself. */
export interface RequestExtras {
  /** Whether it arrived on a loopback interface (Hono on Node can tell from the socket). */
  loopback?: boolean
  /** The body, when a framework has already read it from the `Request`. */
  body?: string
}

/** Wraps a web `Request` for the handler. */
export function fromRequest(request: Request, extras?: RequestExtras): IncomingRequest {
  return new WebRequest(request, extras)
}

class WebRequest implements IncomingRequest {
  readonly #request: Request
  readonly #extras: RequestExtras | undefined
  #url: URL | undefined
  #headers: Record<string, string> | undefined

  constructor(request: Request, extras?: RequestExtras) {
    this.#request = request
    this.#extras = extras
  }

  get method(): string {
    return this.#request.method
  }
  get pathname(): string {
    return (this.#url ??= new URL(this.#request.url)).pathname
  }
  query(name: string): string | null {
    return (this.#url ??= new URL(this.#request.url)).searchParams.get(name)
  }
  header(name: string): string | undefined {
    const value = this.#request.headers.get(name)
    if (value !== null) return value
    // Fetch runtimes keep Host out of `headers` (a forbidden header) and build the URL from it.
    return name === 'host' ? (this.#url ??= new URL(this.#request.url)).host : undefined
  }
  get headers(): Record<string, string> {
    if (this.#headers) return this.#headers
    const headers: Record<string, string> = {}
    this.#request.headers.forEach((value, name) => (headers[name] = value))
    return (this.#headers = headers)
  }
  get url(): string {
    return this.#request.url
  }
  get loopback(): boolean | undefined {
    return this.#extras?.loopback
  }
  toRequest(): Request {
    return this.#request
  }
  onAbort(listener: () => void): void {
    // Fetch runtimes (Bun, Deno, Workers) abort the request's signal when the client disconnects.
    const signal = this.#request.signal
    if (signal.aborted) return listener()
    signal.addEventListener('abort', listener, { once: true })
  }

  async readBody(limit: number, timeoutMs?: number): Promise<string | undefined> {
    const read = this.#extras?.body
    if (read !== undefined) return encoder.encode(read).byteLength > limit ? undefined : read
    const declared = this.#request.headers.get('content-length')
    if (declared !== null && Number(declared) > limit) return undefined
    const body = this.#request.body
    if (!body) return ''
    const reader = body.getReader()
    const decoder = new TextDecoder()
    let text = ''
    let received = 0
    let expired = false
    // Cancelling the reader ends its pending read as if the body were complete: `expired` tells them apart.
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            expired = true
            void reader.cancel().catch(() => {})
          }, timeoutMs)
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>
      try {
        chunk = await reader.read()
      } catch (error) {
        clearTimeout(timer)
        throw error
      }
      if (expired) throw new BodyTimeoutError(`the request body did not arrive within ${timeoutMs} ms`)
      const { done, value } = chunk
      if (done) break
      received += value.byteLength
      if (received > limit) {
        clearTimeout(timer)
        void reader.cancel().catch(() => {})
        return undefined
      }
      text += decoder.decode(value, { stream: true })
    }
    clearTimeout(timer)
    return text + decoder.decode()
  }
}

const encoder = new TextEncoder()
// What a web SSE response queues before its connection holds chunks back (node's highWaterMark is 16 KiB).
const SSE_QUEUE_BYTES = 64 * 1024

/** Turns the handler's answer into a web `Response`; an SSE stream becomes a `ReadableStream`. */
export function toResponse(out: OutgoingResponse): Response {
  if (out.response) return out.response
  if (!out.sse) return new Response(out.body ?? null, { status: out.status, headers: out.headers })
  const sse = out.sse
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        sse.attach({
          write: (chunk) => {
            controller.enqueue(encoder.encode(chunk))
            return (controller.desiredSize ?? 0) > 0
          },
          end: () => {
            try {
              controller.close()
            } catch {
              // The reader already cancelled.
            }
          },
          destroy: () => controller.error(new Error('SSE client too slow: the server dropped the connection')),
        })
      },
      // The queue has room again: what waited in the connection goes out.
      pull: () => sse.drain(),
      // The client went away (the runtime cancels the body): the stream lives on for resumption.
      cancel: () => sse.abort(),
    },
    new ByteLengthQueuingStrategy({ highWaterMark: SSE_QUEUE_BYTES }),
  )
  return new Response(stream, { status: out.status, headers: out.headers })
}
