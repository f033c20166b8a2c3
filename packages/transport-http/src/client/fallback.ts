import { ErrorCode, McpError, type JSONRPCPayload, type MessageInfo, type SendOptions, type Transport } from '@plugboard/protocol'
import { SSEClientTransport } from './legacy-sse.js'
import { StreamableHTTPClientTransport, type StreamableHTTPClientTransportOptions } from './streamable.js'

/** Options of {@link HttpClientTransport}: those of Streamable HTTP (the legacy transport uses `fetch`, `headers`, `authProvider`). */
export type HttpClientTransportOptions = StreamableHTTPClientTransportOptions

/** The statuses with which an HTTP+SSE-only server refuses the initialize POST (spec: backwards compatibility). */
const LEGACY_STATUSES = new Set([400, 404, 405])

/**
 * Connects to a server URL whatever HTTP transport it speaks: it POSTs `initialize` with
 * Streamable HTTP, and if the server refuses it with 400, 404 or 405 (as one that only has the
 * 2024-11-05 HTTP+SSE transport does), it opens the legacy SSE stream at the same URL and re-sends
 * that `initialize` there. The switch is invisible to the client's session; `kind` tells which one
 * it ended up using.
 *
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#backwards-compatibility
 * @example
 * const transport = new HttpClientTransport('http://localhost:3001/sse')
 * await client.connect(transport)
 * console.log(transport.kind) // 'sse' for a legacy-only server
 */
export class HttpClientTransport implements Transport {
  onmessage?: (message: JSONRPCPayload, info?: MessageInfo) => void
  onclose?: () => void
  onerror?: (error: Error) => void

  readonly #url: URL
  readonly #options: HttpClientTransportOptions
  #inner: StreamableHTTPClientTransport | SSEClientTransport
  #decided = false
  #started = false
  #closed = false

  constructor(url: URL | string, options: HttpClientTransportOptions = {}) {
    this.#url = new URL(url)
    this.#options = options
    this.#inner = this.#wire(new StreamableHTTPClientTransport(this.#url, options))
  }

  /** Which transport carries the connection: `'streamable'` until a refused initialize made it `'sse'`. */
  get kind(): 'streamable' | 'sse' {
    return this.#inner instanceof SSEClientTransport ? 'sse' : 'streamable'
  }

  /** The transport in use. */
  get transport(): StreamableHTTPClientTransport | SSEClientTransport {
    return this.#inner
  }

  /** The Streamable HTTP session id; `undefined` over the legacy transport. */
  get sessionId(): string | undefined {
    return this.#inner instanceof StreamableHTTPClientTransport ? this.#inner.sessionId : undefined
  }

  get protocolVersion(): string | undefined {
    return this.#inner.protocolVersion
  }

  start(): Promise<void> {
    this.#started = true
    return this.#inner.start()
  }

  async send(message: JSONRPCPayload, options?: SendOptions): Promise<void> {
    if (this.#decided || Array.isArray(message) || !('method' in message) || message.method !== 'initialize') return this.#inner.send(message, options)
    try {
      await this.#inner.send(message, options)
    } catch (error) {
      const status = error instanceof McpError ? (error.data as { status?: number } | undefined)?.status : undefined
      // A client rejoining a session (`sessionId`) knows the server speaks Streamable HTTP: its 404 means the session expired.
      if (this.#inner instanceof SSEClientTransport || this.#options.sessionId !== undefined || status === undefined || !LEGACY_STATUSES.has(status)) throw error
      await this.#switchToSse(status)
      await this.#inner.send(message, options)
    }
    this.#decided = true
  }

  close(): Promise<void> {
    return this.#inner.close().finally(() => this.#fireClose())
  }

  async #switchToSse(status: number): Promise<void> {
    const streamable = this.#inner
    const sse = this.#wire(new SSEClientTransport(this.#url, this.#options))
    this.#inner = sse
    await streamable.close()
    try {
      await sse.start()
    } catch (error) {
      throw new McpError(
        ErrorCode.ConnectionClosed,
        `${this.#url.href} refused the Streamable HTTP initialize (HTTP ${status}) and is not an HTTP+SSE server either: ${(error as Error)?.message ?? error}`,
        { status, cause: (error as Error)?.message },
      )
    }
  }

  #wire<T extends StreamableHTTPClientTransport | SSEClientTransport>(transport: T): T {
    transport.onmessage = (message, info) => {
      if (this.#inner === transport) this.onmessage?.(message, info)
    }
    transport.onerror = (error) => {
      if (this.#inner === transport) this.onerror?.(error)
    }
    transport.onclose = () => {
      if (this.#inner === transport) this.#fireClose()
    }
    return transport
  }

  #fireClose(): void {
    if (this.#closed || !this.#started) return
    this.#closed = true
    this.onclose?.()
  }
}
