import {
  ErrorCode,
  McpError,
  type JSONRPCErrorResponse,
  type JSONRPCMessage,
  type JSONRPCPayload,
  type MessageInfo,
  type RequestId,
  type SendOptions,
  type Transport,
} from '@plugboard/protocol'
import { modernHeaders, modernVersionOf } from './headers.js'
import {
  baseHeaders,
  challengeOf,
  createHttpClient,
  DEFAULT_MAX_RESPONSE_BYTES,
  httpError,
  mediaType,
  requestWithAuth,
  type HttpClient,
  type HttpRequest,
  type HttpResponse,
  type HttpTransportOptions,
} from './http.js'
import { keepNumericIds, stringify } from '../numeric-ids.js'
import { DEFAULT_RECONNECTION, ResponseStreams, type ReconnectionOptions, type Stream } from './streams.js'

export { DEFAULT_RECONNECTION, type ReconnectionOptions }

/** Options of {@link StreamableHTTPClientTransport}. */
export interface StreamableHTTPClientTransportOptions extends HttpTransportOptions {
  reconnection?: Partial<ReconnectionOptions>
  /** Resume a session the server already knows (sent as `Mcp-Session-Id` from the first request). */
  sessionId?: string
  /** Open the standalone GET stream for server-initiated messages after `initialize` (default true). */
  openGetStream?: boolean
}

/** A request of the modern wire in flight: its POST is aborted to cancel it. */
interface ModernCall {
  readonly controller: AbortController
  stream?: Stream
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
 * A message whose `_meta` names its protocol version (2026-07-28, the modern era) goes on the
 * modern wire instead: `MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name` and `Mcp-Param-*` headers
 * (`SendOptions.headerParams`), no session, no GET stream, no resumption; a 4xx answer holding a
 * JSON-RPC error is delivered as the response; cancelling a request aborts its POST.
 *
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#streamable-http
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http
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
  readonly #streams: ResponseStreams
  readonly #maxResponse: number
  #http: HttpClient | undefined
  #sessionId: string | undefined
  #protocolVersion: string | undefined
  #state: 'new' | 'open' | 'closed' = 'new'
  #closing: Promise<void> | undefined
  /** Why the transport closed itself (an expired session): what requests cut short by it reject with. */
  #closeReason: McpError | undefined
  /** Modern requests awaiting their response, by id. */
  readonly #calls = new Map<RequestId, ModernCall>()
  /** Ids past 2^53 of the server's requests awaiting our answer: sent back as the numbers they were. */
  readonly #numericIds = new Set<string>()

  constructor(url: URL | string, options: StreamableHTTPClientTransportOptions = {}) {
    this.#url = new URL(url)
    this.#options = options
    this.#sessionId = options.sessionId
    this.#maxResponse = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES
    const transport = this
    this.#streams = new ResponseStreams(
      {
        url: this.#url.href,
        get open() {
          return transport.#state === 'open'
        },
        get hasSession() {
          return transport.#sessionId !== undefined
        },
        deliver: (payload, numericIds) => {
          if (numericIds) keepNumericIds(this.#numericIds, numericIds)
          this.#deliver(payload)
        },
        report: (error) => this.onerror?.(error),
        get: (lastEventId) =>
          this.#request('GET', async () => {
            const headers = { ...(await this.#headers()), accept: 'text/event-stream' } as Record<string, string>
            if (lastEventId !== undefined) headers['last-event-id'] = lastEventId
            return { method: 'GET', url: this.#url, headers }
          }),
        expire: () => void this.#expire(),
        settled: (id) => void this.#calls.delete(id),
        maxEventSize: this.#maxResponse,
      },
      { ...DEFAULT_RECONNECTION, ...options.reconnection },
    )
  }

  /** The `Mcp-Session-Id` the server assigned (or the one given), until the session ends. */
  get sessionId(): string | undefined {
    return this.#sessionId
  }

  /** What goes in `MCP-Protocol-Version` of a legacy session: the revision it negotiated (a modern message carries its own). */
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
    const modern = modernVersionOf(message, options)
    if (modern !== undefined) return this.#sendModern(message as JSONRPCMessage, modern, options)
    if (options?.protocolVersion) this.#protocolVersion = options.protocolVersion
    const messages = Array.isArray(message) ? message : [message]
    const body = stringify(message, this.#numericIds)
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
    if (response.status < 200 || response.status > 299) throw await httpError(response, { method: 'POST', url: this.#url })

    const ids: RequestId[] = []
    for (const m of messages) if ('method' in m && 'id' in m && m.id !== undefined) ids.push(m.id)
    if (ids.length === 0 || response.status === 202) {
      if (response.status === 202) await response.drain()
      else response.cancel()
      if (this.#options.openGetStream !== false && messages.some((m) => 'method' in m && m.method === 'notifications/initialized')) this.#streams.openGetStream()
      return
    }
    await this.#receive(response, ids)
  }

  /**
   * A message of the modern wire (2026-07-28): a POST with its metadata headers and no session
   * id, whose response stream is not resumed. A JSON-RPC error answered with a 4xx status is
   * delivered as the response (that is how a client tells a modern server from a legacy one), and
   * cancelling a request aborts its POST — closing the response stream is the cancellation, so
   * the session's `notifications/cancelled` is dropped.
   * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http
   */
  async #sendModern(message: JSONRPCMessage, version: string, options?: SendOptions): Promise<void> {
    if ('method' in message && message.method === 'notifications/cancelled') return this.#cancel(message.params?.requestId as RequestId | undefined)
    const id = 'method' in message && 'id' in message ? message.id : undefined
    const headers = modernHeaders(message, version, options?.headerParams)
    const call: ModernCall | undefined = id === undefined ? undefined : { controller: new AbortController() }
    if (call) this.#calls.set(id!, call)
    const body = JSON.stringify(message)
    let response: HttpResponse
    try {
      response = await this.#request('POST', async () => ({
        method: 'POST',
        url: this.#url,
        headers: { ...(await baseHeaders(this.#options)), ...headers, 'content-type': 'application/json', accept: ACCEPT_POST },
        body,
        signal: call?.controller.signal,
      }))
    } catch (error) {
      if (call?.controller.signal.aborted && this.#state === 'open') return
      if (id !== undefined) this.#calls.delete(id)
      throw error
    }
    if (call?.controller.signal.aborted) return response.cancel()
    if (this.#state !== 'open') {
      response.cancel()
      throw this.#closeReason ?? new McpError(ErrorCode.ConnectionClosed, 'Connection closed')
    }
    if (id === undefined || response.status < 200 || response.status > 299 || response.status === 202) {
      if (id !== undefined) this.#calls.delete(id)
      if (response.status >= 200 && response.status <= 299) return void (await response.drain())
      const text = await response.text(this.#maxResponse).catch(() => '')
      // An auth refusal is reported with its challenge (McpError data), not as the request's JSON-RPC error.
      const error = id !== undefined && response.status < 500 && !challengeOf(response, this.#url) ? errorResponseIn(text) : undefined
      if (!error) throw await httpError(response, { method: 'POST', url: this.#url }, text)
      return this.#deliver({ ...error, id: error.id ?? id! })
    }
    await this.#receive(response, [id], call)
  }

  /** Reads the answer to a POST carrying requests `ids`: one JSON body, or an SSE stream as it arrives. */
  async #receive(response: HttpResponse, ids: RequestId[], modern?: ModernCall): Promise<void> {
    const type = mediaType(response)
    if (type === 'text/event-stream') {
      const stream = this.#streams.add('post', ids, modern === undefined)
      if (modern) modern.stream = stream
      void this.#streams.read(stream, response)
    } else if (type === 'application/json') {
      const stream = this.#streams.add('post', ids, modern === undefined)
      if (modern) modern.stream = stream
      let text: string
      try {
        text = await response.text(this.#maxResponse)
      } catch (error) {
        this.#streams.forget(stream)
        if (modern?.controller.signal.aborted) return
        if (this.#state !== 'open') throw this.#closeReason ?? new McpError(ErrorCode.ConnectionClosed, 'Connection closed')
        if (error instanceof McpError) throw error
        throw new McpError(ErrorCode.ConnectionClosed, `POST ${this.#url.href}: the JSON response broke off: ${(error as Error)?.message ?? error}`)
      }
      this.#streams.deliverText(text, stream)
      this.#streams.fail(stream, "the server's JSON answer to the POST did not contain it")
    } else {
      response.cancel()
      for (const id of ids) this.#calls.delete(id)
      throw new McpError(ErrorCode.InternalError, `POST ${this.#url.href} answered a request with Content-Type ${type ?? '(none)'}; expected application/json or text/event-stream`, { status: response.status })
    }
  }

  /** Cancels a modern request: its POST is aborted (the server sees the stream close) and nothing more of it is delivered. */
  #cancel(id: RequestId | undefined): void {
    const call = id === undefined ? undefined : this.#calls.get(id)
    if (!call) return
    this.#calls.delete(id!)
    if (call.stream) {
      call.stream.pending.clear()
      this.#streams.forget(call.stream)
    }
    call.controller.abort(new McpError(ErrorCode.RequestCancelled, `Request ${JSON.stringify(id)} was cancelled`))
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
    throw await httpError(response, { method: 'DELETE', url: this.#url })
  }

  async #shutdown(): Promise<void> {
    const wasOpen = this.#state === 'open'
    this.#state = 'closed'
    this.#streams.close()
    this.#calls.clear()
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

  #deliver(payload: JSONRPCPayload): void {
    try {
      this.onmessage?.(payload)
    } catch (error) {
      this.onerror?.(error instanceof Error ? error : new Error(String(error)))
    }
  }
}

/** The JSON-RPC error response a 4xx body holds, if it is one (its id may be missing: the server could not tell). */
function errorResponseIn(text: string): JSONRPCErrorResponse | undefined {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return undefined
  }
  const b = body as { jsonrpc?: unknown; id?: unknown; error?: { code?: unknown; message?: unknown; data?: unknown } } | null
  if (typeof b !== 'object' || b === null || b.jsonrpc !== '2.0' || typeof b.error?.code !== 'number' || typeof b.error.message !== 'string') return undefined
  const id = typeof b.id === 'string' || typeof b.id === 'number' ? b.id : null
  const error: JSONRPCErrorResponse['error'] = { code: b.error.code, message: b.error.message }
  if (b.error.data !== undefined) error.data = b.error.data
  return { jsonrpc: '2.0', id, error }
}
