import { ErrorCode, McpError, parseMessage, type JSONRPCMessage, type JSONRPCPayload, type RequestId } from '@plugboard/protocol'
import { mediaType, type HttpResponse } from './http.js'
import { readEventStream, remember, type EventSourceMessage } from './sse.js'

/** How a broken SSE stream is reconnected, after the server's `retry` if it sent one. */
export interface ReconnectionOptions {
  /** First backoff delay in ms (1000). */
  initialDelayMs: number
  /** Longest backoff delay in ms (30 000). */
  maxDelayMs: number
  /** Each failed attempt multiplies the delay by this (1.5). */
  growFactor: number
  /** Consecutive failed attempts before giving up on a stream (2). */
  maxRetries: number
}

export const DEFAULT_RECONNECTION: ReconnectionOptions = { initialDelayMs: 1000, maxDelayMs: 30_000, growFactor: 1.5, maxRetries: 2 }

/** One SSE stream: a POST's response stream, or the standalone GET stream. It outlives reconnections. */
export interface Stream {
  readonly kind: 'post' | 'get'
  /** Whether a broken connection is resumed with `Last-Event-ID` (not on the modern wire, which has no resumption). */
  readonly resumable: boolean
  /** Requests whose response this stream still owes. */
  readonly pending: Set<RequestId>
  /** Event ids already handled, so a server replaying too much does not deliver twice. */
  readonly seen: Set<string>
  lastEventId?: string
  /** The server's `retry` field, in ms. */
  retryMs?: number
  /** Reconnection attempts since the stream last delivered an event. */
  attempts: number
  lastFailure?: string
  response?: HttpResponse
  timer?: ReturnType<typeof setTimeout>
}

/** What the streams need of the transport that owns them. */
export interface StreamOwner {
  /** The endpoint, for error texts. */
  readonly url: string
  /** Whether the transport is open: nothing is read, resumed or delivered once it is not. */
  readonly open: boolean
  /** Whether requests carry a session id (a 404 to a GET then means the session expired). */
  readonly hasSession: boolean
  /** Hands a message to the transport's `onmessage`; `numericIds`: its request ids past 2^53 (see `parseMessage`). */
  deliver(payload: JSONRPCPayload, numericIds?: string[]): void
  report(error: Error): void
  /** GETs the endpoint: the standalone stream, or a POST stream resumed after `lastEventId`. */
  get(lastEventId: string | undefined): Promise<HttpResponse>
  /** The session is gone: the transport reports it and closes. */
  expire(): void
  /** A request's response was delivered, or will never be. */
  settled(id: RequestId): void
  /** The longest SSE event read (characters). */
  readonly maxEventSize: number
}

/**
 * The SSE streams of one Streamable HTTP client transport: reads them as they arrive, delivers
 * each response once (a replay after a reconnect never delivers twice), resumes a broken stream
 * with `Last-Event-ID` after the server's `retry` then exponential backoff with jitter, and
 * answers a request whose stream cannot be resumed with a local ConnectionClosed error at once.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#resumability-and-redelivery
 */
export class ResponseStreams {
  readonly #owner: StreamOwner
  readonly #reconnection: ReconnectionOptions
  readonly #streams = new Set<Stream>()
  /** Ids of responses already delivered: a replayed or repeated one is dropped. */
  readonly #answered = new Set<RequestId>()
  #getStream: Stream | undefined

  constructor(owner: StreamOwner, reconnection: ReconnectionOptions) {
    this.#owner = owner
    this.#reconnection = reconnection
  }

  /** A new stream owing the responses to `pending`. */
  add(kind: Stream['kind'], pending: RequestId[] = [], resumable = true): Stream {
    const stream: Stream = { kind, resumable, pending: new Set(pending), seen: new Set(), attempts: 0 }
    this.#streams.add(stream)
    return stream
  }

  /** Stops caring about a stream: its timer is cleared and nothing more of it is delivered. */
  forget(stream: Stream): void {
    clearTimeout(stream.timer)
    this.#streams.delete(stream)
    if (this.#getStream === stream) this.#getStream = undefined
  }

  /** Opens the standalone GET stream, once. */
  openGetStream(): void {
    if (this.#getStream) return
    this.#getStream = this.add('get')
    void this.#resume(this.#getStream)
  }

  /** Ends every stream and pending reconnection (the transport is closing). */
  close(): void {
    for (const stream of this.#streams) {
      clearTimeout(stream.timer)
      stream.response?.cancel()
    }
    this.#streams.clear()
    this.#getStream = undefined
  }

  /** Reads `response` as the stream's SSE body; when it ends or breaks owing responses, resumes or fails it. */
  async read(stream: Stream, response: HttpResponse): Promise<void> {
    stream.response = response
    let failure: unknown
    try {
      await readEventStream(response.body, { onEvent: (event) => this.#onEvent(stream, event), onRetry: (ms) => (stream.retryMs = ms), maxEventSize: this.#owner.maxEventSize })
    } catch (error) {
      failure = error
    }
    stream.response = undefined
    if (!this.#owner.open || !this.#streams.has(stream)) return
    if (stream.kind === 'post' && stream.pending.size === 0) return this.forget(stream)
    stream.lastFailure = failure === undefined ? 'the server ended the stream' : `the stream broke: ${(failure as Error)?.message ?? failure}`
    if (!stream.resumable) return this.fail(stream, `${stream.lastFailure} before sending it (streams of the modern era are not resumed)`)
    // A POST stream without an event id cannot be resumed: the spec's resumption is by Last-Event-ID.
    if (stream.kind === 'post' && stream.lastEventId === undefined) return this.fail(stream, `${stream.lastFailure} before sending it, with no event id to resume from`)
    this.#reconnect(stream)
  }

  /** Delivers the message(s) of one JSON text (a JSON body, or an event's data), each response once. */
  deliverText(text: string, stream: Stream): void {
    const parsed = parseMessage(text)
    if (!parsed.ok) {
      this.#owner.report(new McpError(parsed.error.error.code, `Invalid JSON-RPC message from ${this.#owner.url}: ${parsed.error.error.message}`, parsed.error.error.data))
      return
    }
    let payload = parsed.payload
    if (Array.isArray(payload)) {
      payload = payload.filter((m) => this.#isNew(m, stream))
      if (payload.length === 0) return
    } else if (!this.#isNew(payload, stream)) return
    this.#owner.deliver(payload, parsed.numericIds)
  }

  /**
   * Answers each request the stream still owes with a local ConnectionClosed error, so the caller
   * learns now rather than at its timeout.
   */
  fail(stream: Stream, why: string): void {
    this.forget(stream)
    for (const id of stream.pending) {
      this.#owner.settled(id)
      if (this.#answered.has(id)) continue
      remember(this.#answered, id)
      this.#owner.deliver({ jsonrpc: '2.0', id, error: { code: ErrorCode.ConnectionClosed, message: `No response to request ${JSON.stringify(id)}: ${why}` } })
    }
    stream.pending.clear()
  }

  #onEvent(stream: Stream, event: EventSourceMessage): void {
    // A forgotten stream (a cancelled request's): what was already read of it is dropped too.
    if (!this.#streams.has(stream)) return
    if (event.id !== undefined) {
      if (event.id !== '' && stream.seen.has(event.id)) return
      if (event.id !== '') remember(stream.seen, event.id)
      // An empty id resets the last event id (SSE standard).
      stream.lastEventId = event.id === '' ? undefined : event.id
    }
    stream.attempts = 0
    if ((event.event !== undefined && event.event !== 'message') || !event.data) return
    this.deliverText(event.data, stream)
  }

  /** False for a response already delivered (replayed after a reconnect, or repeated). */
  #isNew(message: JSONRPCMessage, stream: Stream): boolean {
    if ('method' in message || !('id' in message) || message.id === null) return true
    stream.pending.delete(message.id)
    this.#owner.settled(message.id)
    if (this.#answered.has(message.id)) return false
    remember(this.#answered, message.id)
    return true
  }

  #reconnect(stream: Stream): void {
    if (stream.attempts >= this.#reconnection.maxRetries) {
      const why = `gave up reconnecting the ${stream.kind === 'get' ? 'standalone GET' : 'POST'} SSE stream after ${stream.attempts} attempt(s) (${stream.lastFailure})`
      if (stream.kind === 'post') return this.fail(stream, why)
      this.forget(stream)
      this.#owner.report(new McpError(ErrorCode.ConnectionClosed, `SSE: ${why}`))
      return
    }
    const delay = this.#delay(stream)
    stream.attempts++
    stream.timer = setTimeout(() => {
      stream.timer = undefined
      void this.#resume(stream)
    }, delay)
  }

  /**
   * The server's `retry` first (the spec says the client MUST wait that long), then exponential
   * backoff with jitter, never shorter than `retry`.
   */
  #delay(stream: Stream): number {
    if (stream.attempts === 0 && stream.retryMs !== undefined) return stream.retryMs
    const { initialDelayMs, growFactor, maxDelayMs } = this.#reconnection
    const backoff = Math.min(initialDelayMs * growFactor ** stream.attempts, maxDelayMs)
    return Math.max(backoff / 2 + (Math.random() * backoff) / 2, stream.retryMs ?? 0)
  }

  /** GET the endpoint: the standalone stream, or a POST stream resumed with `Last-Event-ID`. */
  async #resume(stream: Stream): Promise<void> {
    if (!this.#owner.open) return
    let response: HttpResponse
    try {
      response = await this.#owner.get(stream.lastEventId)
    } catch (error) {
      if (!this.#owner.open) return
      stream.lastFailure = (error as Error).message
      return this.#reconnect(stream)
    }
    if (!this.#owner.open || !this.#streams.has(stream)) return response.cancel()
    if (response.status === 404 && this.#owner.hasSession) {
      void response.drain()
      this.fail(stream, 'the session expired')
      this.#owner.expire()
      return
    }
    if (response.status === 405) {
      // The server offers no GET stream (spec: 405 Method Not Allowed); nothing to retry.
      void response.drain()
      if (stream.kind === 'get') return this.forget(stream)
      return this.fail(stream, `${stream.lastFailure}, and the server does not allow GET to resume it`)
    }
    if (response.status !== 200 || mediaType(response) !== 'text/event-stream') {
      stream.lastFailure = `GET answered HTTP ${response.status} ${mediaType(response) ?? ''}`.trimEnd()
      void response.drain()
      return this.#reconnect(stream)
    }
    void this.read(stream, response)
  }
}
