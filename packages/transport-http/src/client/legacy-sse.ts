import { ErrorCode, McpError, parseMessage, type JSONRPCPayload, type MessageInfo, type SendOptions, type Transport } from '@plugboard/protocol'
import {
  baseHeaders,
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
import { readEventStream, type EventSourceMessage } from './sse.js'

/** Options of {@link SSEClientTransport}. */
export type SSEClientTransportOptions = HttpTransportOptions

/**
 * The client side of the deprecated HTTP+SSE transport (protocol revision 2024-11-05), for
 * servers that predate Streamable HTTP: it opens an SSE stream with GET, waits for the `endpoint`
 * event, then POSTs every message to that endpoint; the server's messages arrive on the stream.
 * The endpoint must have the same origin as `url`, so a server cannot redirect the client's
 * messages elsewhere. The stream ending closes the transport (this transport cannot resume).
 *
 * Prefer {@link HttpClientTransport}, which uses Streamable HTTP and falls back to this.
 *
 * @see https://modelcontextprotocol.io/specification/2024-11-05/basic/transports#http-with-sse
 * @example
 * const client = new Client({ name: 'host', version: '1.0.0' })
 * await client.connect(new SSEClientTransport('http://localhost:3001/sse'))
 */
export class SSEClientTransport implements Transport {
  onmessage?: (message: JSONRPCPayload, info?: MessageInfo) => void
  onclose?: () => void
  onerror?: (error: Error) => void

  readonly #url: URL
  readonly #options: SSEClientTransportOptions
  #http: HttpClient | undefined
  #endpoint: URL | undefined
  #protocolVersion: string | undefined
  #state: 'new' | 'connecting' | 'open' | 'closed' = 'new'
  #stream: HttpResponse | undefined
  #closing: Promise<void> | undefined
  /** Ids past 2^53 of the server's requests awaiting our answer: sent back as the numbers they were. */
  readonly #numericIds = new Set<string>()

  constructor(url: URL | string, options: SSEClientTransportOptions = {}) {
    this.#url = new URL(url)
    this.#options = options
  }

  /** Where messages are POSTed: the `endpoint` event's URL, once received. */
  get endpoint(): URL | undefined {
    return this.#endpoint
  }

  /** What goes in `MCP-Protocol-Version` once negotiated. */
  get protocolVersion(): string | undefined {
    return this.#protocolVersion
  }

  /** Opens the SSE stream; resolves once the server named its endpoint. */
  async start(): Promise<void> {
    if (this.#state !== 'new') throw new Error('SSEClientTransport already started; connect() calls start() for you')
    this.#state = 'connecting'
    let response: HttpResponse
    try {
      response = await this.#request('GET', async () => ({ method: 'GET', url: this.#url, headers: { ...(await this.#headers()), accept: 'text/event-stream' } }))
      if (response.status !== 200) throw await httpError(response, { method: 'GET', url: this.#url })
      if (mediaType(response) !== 'text/event-stream') {
        response.cancel()
        throw new McpError(ErrorCode.ConnectionClosed, `GET ${this.#url.href} answered Content-Type ${mediaType(response) ?? '(none)'}, not an SSE stream`, { status: response.status })
      }
    } catch (error) {
      await this.#abandon()
      throw error
    }
    this.#stream = response
    await new Promise<void>((resolve, reject) => {
      const onEvent = (event: EventSourceMessage) => {
        if (event.event === 'endpoint') {
          if (this.#state !== 'connecting') return
          const endpoint = URL.canParse(event.data.trim(), this.#url) ? new URL(event.data.trim(), this.#url) : undefined
          if (endpoint?.origin !== this.#url.origin) {
            reject(new McpError(ErrorCode.ConnectionClosed, `The server named an endpoint (${event.data}) outside ${this.#url.origin}; refusing to send messages there`))
            return void this.#abandon()
          }
          this.#endpoint = endpoint
          this.#state = 'open'
          return resolve()
        }
        if ((event.event === undefined || event.event === 'message') && event.data) this.#deliver(event.data)
      }
      readEventStream(response.body, { onEvent, maxEventSize: this.#options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES }).then(
        () => this.#ended(new McpError(ErrorCode.ConnectionClosed, `The server closed the SSE stream at ${this.#url.href}`), reject),
        (error: Error) => this.#ended(new McpError(ErrorCode.ConnectionClosed, `The SSE stream at ${this.#url.href} broke: ${error?.message ?? error}`), reject),
      )
    })
  }

  /** POSTs one message to the endpoint; the answer, if any, arrives on the SSE stream. */
  async send(message: JSONRPCPayload, options?: SendOptions): Promise<void> {
    const endpoint = this.#endpoint
    if (this.#state !== 'open' || !endpoint) throw new McpError(ErrorCode.ConnectionClosed, 'Not connected')
    if (options?.protocolVersion) this.#protocolVersion = options.protocolVersion
    const body = stringify(message, this.#numericIds)
    const response = await this.#request('POST', async () => ({ method: 'POST', url: endpoint, headers: { ...(await this.#headers()), 'content-type': 'application/json' }, body }))
    if (response.status < 200 || response.status > 299) throw await httpError(response, { method: 'POST', url: endpoint })
    await response.drain()
  }

  /** Ends the stream and fires `onclose` once. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown()
    return this.#closing
  }

  async #shutdown(): Promise<void> {
    const wasOpen = this.#state === 'open'
    this.#state = 'closed'
    this.#stream?.cancel()
    await this.#http?.close()
    if (wasOpen) this.onclose?.()
  }

  /** A failed start: free everything, without `onclose` (the transport never opened). */
  async #abandon(): Promise<void> {
    this.#state = 'closed'
    this.#stream?.cancel()
    await this.#http?.close()
  }

  #ended(error: McpError, reject: (error: Error) => void): void {
    if (this.#endpoint === undefined) {
      const closed = this.#state === 'closed'
      reject(closed ? new McpError(ErrorCode.ConnectionClosed, 'Connection closed') : new McpError(ErrorCode.ConnectionClosed, `${error.message} before sending its endpoint event`))
      if (!closed) void this.#abandon()
      return
    }
    if (this.#state !== 'open') return
    this.onerror?.(error)
    void this.close()
  }

  #deliver(text: string): void {
    const parsed = parseMessage(text)
    if (!parsed.ok) return this.onerror?.(McpError.fromError(parsed.error.error))
    if (parsed.numericIds) keepNumericIds(this.#numericIds, parsed.numericIds)
    try {
      this.onmessage?.(parsed.payload)
    } catch (error) {
      this.onerror?.(error instanceof Error ? error : new Error(String(error)))
    }
  }

  async #request(method: HttpRequest['method'], build: () => Promise<HttpRequest>): Promise<HttpResponse> {
    this.#http ??= createHttpClient(this.#options.fetch)
    try {
      return await requestWithAuth(this.#http, this.#options, build)
    } catch (error) {
      if (error instanceof McpError) throw error
      if (this.#state === 'closed') throw new McpError(ErrorCode.ConnectionClosed, 'Connection closed')
      throw new McpError(ErrorCode.ConnectionClosed, `${method} ${this.#url.href} failed: ${(error as Error)?.message ?? error}`, { cause: String(error) })
    }
  }

  async #headers(): Promise<Record<string, string>> {
    const headers = await baseHeaders(this.#options)
    if (this.#protocolVersion !== undefined) headers['mcp-protocol-version'] = this.#protocolVersion
    return headers
  }
}
