import {
  ErrorCode,
  McpError,
  parseMessage,
  type JSONRPCMessage,
  type JSONRPCPayload,
  type MessageInfo,
  type RequestId,
  type SendOptions,
  type Transport,
} from '@plugboard/protocol'
import {
  baseHeaders,
  createHttpClient,
  httpError,
  mediaType,
  requestWithAuth,
  type HttpClient,
  type HttpRequest,
  type HttpResponse,
  type HttpTransportOptions,
} from './http.js'
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

/** Options of {@link StreamableHTTPClientTransport}. */
export interface StreamableHTTPClientTransportOptions extends HttpTransportOptions {
  reconnection?: Partial<ReconnectionOptions>
  /** Resume a session the server already knows (sent as `Mcp-Session-Id` from the first request). */
  sessionId?: string
  /** Open the standalone GET stream for server-initiated messages after `initialize` (default true). */
  openGetStream?: boolean
}

/** One SSE stream: a POST's response stream, or the standalone GET stream. It outlives reconnections. */
interface Stream {
  readonly kind: 'post' | 'get'
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

/** How long `close()` waits for the server to answer its DELETE. */
const DELETE_TIMEOUT_MS = 3000
const ACCEPT_POST = 'application/json, text/event-stream'

/**
 * The client side of the Streamable HTTP transport: every message is a POST to the MCP endpoint;
 * the answer comes back as JSON or as an SSE stream, and server-initiated messages arrive on a
 * standalone GET stream. It keeps the `Mcp-Session-Id` the server assigns, sends
 * `MCP-Protocol-Version` once negotiated, and resumes a broken SSE stream with `Last-Event-ID`
 * (after the server's `retry`, then exponential backoff with jitter) so that no response is lost
 * or delivered twice. On Node it uses undici with keep-alive; elsewhere, or given `fetch`, fetch.
 *
 * A 404 on a request carrying the session id means the session expired: the send rejects with
 * `McpError(ConnectionClosed)` saying so, and the transport closes. Other HTTP errors reject that
 * send with an `McpError` whose `data` holds `status` and `body`. `close()` ends every stream and
 * DELETEs the session.
 *
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#streamable-http
 * @example
 * import { Client } from '@plugboard/client'
 * import { StreamableHTTPClientTransport } from '@plugboard/transport-http'
 *
 * const transport = new StreamableHTTPClientTransport('https://example.com/mcp', {
 *   authProvider: { token: () => process.env.MCP_TOKEN },
 * })
 * const client = new Client({ name: 'host', version: '1.0.0' })
 * await client.connect(transport)
 * console.log(transport.sessionId, await client.listTools())
 * await client.close() // ends the streams and DELETEs the session
 */
export class StreamableHTTPClientTransport implements Transport {
  onmessage?: (message: JSONRPCPayload, info?: MessageInfo) => void
  onclose?: () => void
  onerror?: (error: Error) => void

  readonly #url: URL
  readonly #options: StreamableHTTPClientTransportOptions
  readonly #reconnection: ReconnectionOptions
  #http: HttpClient | undefined
  #sessionId: string | undefined
  #protocolVersion: string | undefined
  #state: 'new' | 'open' | 'closed' = 'new'
  #closing: Promise<void> | undefined
  /** Why the transport closed itself (an expired session): what requests cut short by it reject with. */
  #closeReason: McpError | undefined
  #getStream: Stream | undefined
  readonly #streams = new Set<Stream>()
  /** Ids of responses already delivered: a replayed or repeated one is dropped. */
  readonly #answered = new Set<RequestId>()

  constructor(url: URL | string, options: StreamableHTTPClientTransportOptions = {}) {
    this.#url = new URL(url)
    this.#options = options
    this.#reconnection = { ...DEFAULT_RECONNECTION, ...options.reconnection }
    this.#sessionId = options.sessionId
  }

  /** The `Mcp-Session-Id` the server assigned (or the one given), until the session ends. */
  get sessionId(): string | undefined {
    return this.#sessionId
  }

  /** What goes in `MCP-Protocol-Version`: the revision the session negotiated. */
  get protocolVersion(): string | undefined {
    return this.#protocolVersion
  }

  async start(): Promise<void> {
    if (this.#state !== 'new') throw new Error('StreamableHTTPClientTransport already started; connect() calls start() for you')
    this.#state = 'open'
  }

  /**
   * POSTs one message (or a batch). Resolves once the server accepted it: for a request, its
   * response is delivered to `onmessage` (from the JSON body, or from the SSE stream as it arrives).
   */
  async send(message: JSONRPCPayload, options?: SendOptions): Promise<void> {
    if (this.#state !== 'open') throw new McpError(ErrorCode.ConnectionClosed, 'Not connected')
    if (options?.protocolVersion) this.#protocolVersion = options.protocolVersion
    const messages = Array.isArray(message) ? message : [message]
    const body = JSON.stringify(message)
    const withSession = this.#sessionId !== undefined
    const response = await this.#request('POST', async () => ({
      method: 'POST',
      url: this.#url,
      headers: { ...(await this.#headers()), 'content-type': 'application/json', accept: ACCEPT_POST },
      body,
    }))
    if (this.#state !== 'open') {
      response.cancel()
      throw this.#closeReason ?? new McpError(ErrorCode.ConnectionClosed, 'Connection closed')
    }
    const sessionId = response.header('mcp-session-id')
    if (sessionId) this.#sessionId = sessionId
    if (response.status === 404 && withSession) {
      void response.drain()
      throw this.#expire()
    }
    if (response.status < 200 || response.status > 299) throw await httpError(response, `POST ${this.#url.href}`)

    const ids: RequestId[] = []
    for (const m of messages) if ('method' in m && 'id' in m && m.id !== undefined) ids.push(m.id)
    if (ids.length === 0 || response.status === 202) {
      if (response.status === 202) await response.drain()
      else response.cancel()
      if (this.#options.openGetStream !== false && messages.some((m) => 'method' in m && m.method === 'notifications/initialized')) this.#openGetStream()
      return
    }
    const type = mediaType(response)
    if (type === 'text/event-stream') {
      const stream = this.#newStream('post', ids)
      void this.#read(stream, response)
    } else if (type === 'application/json') {
      const stream = this.#newStream('post', ids)
      let text: string
      try {
        text = await response.text()
      } catch (error) {
        this.#forget(stream)
        if (this.#state !== 'open') throw this.#closeReason ?? new McpError(ErrorCode.ConnectionClosed, 'Connection closed')
        throw new McpError(ErrorCode.ConnectionClosed, `POST ${this.#url.href}: the JSON response broke off: ${(error as Error)?.message ?? error}`)
      }
      this.#deliverText(text, stream)
      this.#fail(stream, "the server's JSON answer to the POST did not contain it")
    } else {
      response.cancel()
      throw new McpError(ErrorCode.InternalError, `POST ${this.#url.href} answered a request with Content-Type ${type ?? '(none)'}; expected application/json or text/event-stream`, { status: response.status })
    }
  }

  /** Ends every stream, DELETEs the session (a 405 is fine) and fires `onclose` once. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown()
    return this.#closing
  }

  /**
   * Ends the session on the server (HTTP DELETE with `Mcp-Session-Id`). A server that does not
   * allow it answers 405, which is not an error. `close()` does this for you.
   */
  async terminateSession(): Promise<void> {
    if (this.#sessionId === undefined) return
    const response = await this.#request('DELETE', async () => ({ method: 'DELETE', url: this.#url, headers: await this.#headers(), timeoutMs: DELETE_TIMEOUT_MS }))
    if ((response.status >= 200 && response.status < 300) || response.status === 404 || response.status === 405) {
      await response.drain()
      this.#sessionId = undefined
      return
    }
    throw await httpError(response, `DELETE ${this.#url.href}`)
  }

  async #shutdown(): Promise<void> {
    const wasOpen = this.#state === 'open'
    this.#state = 'closed'
    for (const stream of this.#streams) {
      clearTimeout(stream.timer)
      stream.response?.cancel()
    }
    this.#streams.clear()
    this.#getStream = undefined
    if (wasOpen && this.#sessionId !== undefined) await this.terminateSession().catch(() => {})
    await this.#http?.close()
    if (wasOpen) this.onclose?.()
  }

  /** One HTTP request with the auth retry; a network failure becomes McpError(ConnectionClosed). */
  async #request(method: HttpRequest['method'], build: () => Promise<HttpRequest>): Promise<HttpResponse> {
    this.#http ??= createHttpClient(this.#options.fetch)
    try {
      return await requestWithAuth(this.#http, this.#options, build)
    } catch (error) {
      if (error instanceof McpError) throw error
      // Aborted by our own close() (a DELETE still goes out while closing).
      if (this.#state === 'closed' && method !== 'DELETE') throw this.#closeReason ?? new McpError(ErrorCode.ConnectionClosed, 'Connection closed')
      throw new McpError(ErrorCode.ConnectionClosed, `${method} ${this.#url.href} failed: ${(error as Error)?.message ?? error}`, { cause: String(error) })
    }
  }

  async #headers(): Promise<Record<string, string>> {
    const headers = await baseHeaders(this.#options)
    if (this.#sessionId !== undefined) headers['mcp-session-id'] = this.#sessionId
    if (this.#protocolVersion !== undefined) headers['mcp-protocol-version'] = this.#protocolVersion
    return headers
  }

  /**
   * The server answered 404 to a request with our session id: the session is gone (spec: "the
   * client MUST start a new session"). Report it, close, and hand back the error for the send.
   */
  #expire(): McpError {
    const error = new McpError(
      ErrorCode.ConnectionClosed,
      `MCP session ${this.#sessionId} expired: ${this.#url.href} answered HTTP 404 Not Found; connect again to start a new session`,
      { status: 404, sessionId: this.#sessionId },
    )
    this.#sessionId = undefined
    if (this.#state === 'open') {
      this.#closeReason = error
      this.onerror?.(error)
      void this.close()
    }
    return error
  }

  #newStream(kind: Stream['kind'], pending: RequestId[] = []): Stream {
    const stream: Stream = { kind, pending: new Set(pending), seen: new Set(), attempts: 0 }
    this.#streams.add(stream)
    return stream
  }

  #forget(stream: Stream): void {
    clearTimeout(stream.timer)
    this.#streams.delete(stream)
    if (this.#getStream === stream) this.#getStream = undefined
  }

  #openGetStream(): void {
    if (this.#getStream) return
    this.#getStream = this.#newStream('get')
    void this.#resume(this.#getStream)
  }

  async #read(stream: Stream, response: HttpResponse): Promise<void> {
    stream.response = response
    let failure: unknown
    try {
      await readEventStream(response.body, { onEvent: (event) => this.#onEvent(stream, event), onRetry: (ms) => (stream.retryMs = ms) })
    } catch (error) {
      failure = error
    }
    stream.response = undefined
    if (this.#state !== 'open' || !this.#streams.has(stream)) return
    if (stream.kind === 'post' && stream.pending.size === 0) return this.#forget(stream)
    stream.lastFailure = failure === undefined ? 'the server ended the stream' : `the stream broke: ${(failure as Error)?.message ?? failure}`
    // A POST stream without an event id cannot be resumed: the spec's resumption is by Last-Event-ID.
    if (stream.kind === 'post' && stream.lastEventId === undefined) return this.#fail(stream, `${stream.lastFailure} before sending it, with no event id to resume from`)
    this.#reconnect(stream)
  }

  #onEvent(stream: Stream, event: EventSourceMessage): void {
    if (event.id !== undefined) {
      if (event.id !== '' && stream.seen.has(event.id)) return
      if (event.id !== '') remember(stream.seen, event.id)
      // An empty id resets the last event id (SSE standard).
      stream.lastEventId = event.id === '' ? undefined : event.id
    }
    stream.attempts = 0
    if ((event.event !== undefined && event.event !== 'message') || !event.data) return
    this.#deliverText(event.data, stream)
  }

  #deliverText(text: string, stream: Stream): void {
    const parsed = parseMessage(text)
    if (!parsed.ok) {
      this.onerror?.(new McpError(parsed.error.error.code, `Invalid JSON-RPC message from ${this.#url.href}: ${parsed.error.error.message}`, parsed.error.error.data))
      return
    }
    let payload = parsed.payload
    if (Array.isArray(payload)) {
      payload = payload.filter((m) => this.#isNew(m, stream))
      if (payload.length === 0) return
    } else if (!this.#isNew(payload, stream)) return
    this.#deliver(payload)
  }

  /** False for a response already delivered (replayed after a reconnect, or repeated). */
  #isNew(message: JSONRPCMessage, stream: Stream): boolean {
    if ('method' in message || !('id' in message) || message.id === null) return true
    stream.pending.delete(message.id)
    if (this.#answered.has(message.id)) return false
    remember(this.#answered, message.id)
    return true
  }

  #deliver(payload: JSONRPCPayload): void {
    try {
      this.onmessage?.(payload)
    } catch (error) {
      this.onerror?.(error instanceof Error ? error : new Error(String(error)))
    }
  }

  /**
   * Answers each request the stream still owes with a local ConnectionClosed error, so the caller
   * learns now rather than at its timeout.
   */
  #fail(stream: Stream, why: string): void {
    this.#forget(stream)
    for (const id of stream.pending) {
      if (this.#answered.has(id)) continue
      remember(this.#answered, id)
      this.#deliver({ jsonrpc: '2.0', id, error: { code: ErrorCode.ConnectionClosed, message: `No response to request ${JSON.stringify(id)}: ${why}` } })
    }
    stream.pending.clear()
  }

  #reconnect(stream: Stream): void {
    if (stream.attempts >= this.#reconnection.maxRetries) {
      const why = `gave up reconnecting the ${stream.kind === 'get' ? 'standalone GET' : 'POST'} SSE stream after ${stream.attempts} attempt(s) (${stream.lastFailure})`
      if (stream.kind === 'post') return this.#fail(stream, why)
      this.#forget(stream)
      this.onerror?.(new McpError(ErrorCode.ConnectionClosed, `SSE: ${why}`))
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
    if (this.#state !== 'open') return
    let response: HttpResponse
    try {
      response = await this.#request('GET', async () => {
        const headers = { ...(await this.#headers()), accept: 'text/event-stream' } as Record<string, string>
        if (stream.lastEventId !== undefined) headers['last-event-id'] = stream.lastEventId
        return { method: 'GET', url: this.#url, headers }
      })
    } catch (error) {
      if (this.#state !== 'open') return
      stream.lastFailure = (error as Error).message
      return this.#reconnect(stream)
    }
    if (this.#state !== 'open' || !this.#streams.has(stream)) return response.cancel()
    if (response.status === 404 && this.#sessionId !== undefined) {
      void response.drain()
      this.#fail(stream, 'the session expired')
      this.#expire()
      return
    }
    if (response.status === 405) {
      // The server offers no GET stream (spec: 405 Method Not Allowed); nothing to retry.
      void response.drain()
      if (stream.kind === 'get') return this.#forget(stream)
      return this.#fail(stream, `${stream.lastFailure}, and the server does not allow GET to resume it`)
    }
    if (response.status !== 200 || mediaType(response) !== 'text/event-stream') {
      stream.lastFailure = `GET answered HTTP ${response.status} ${mediaType(response) ?? ''}`.trimEnd()
      void response.drain()
      return this.#reconnect(stream)
    }
    void this.#read(stream, response)
  }
}
