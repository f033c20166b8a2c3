import { ErrorCode, McpError, parseMessage, type AuthInfo, type JSONRPCPayload, type MessageInfo, type Transport } from '@plugboard/protocol'
import { accepts, isJsonContentType } from './guards.js'
import { serialize } from './events.js'
import { keepNumericIds } from '../numeric-ids.js'
import { tooManySessions } from './sessions.js'
import { httpError, jsonBody, readMessageBody, type IncomingRequest, type OutgoingResponse } from './http.js'
import type { ConnectionLike, ServerLike } from './sessions.js'
import { SSE_HEADERS, endpointEvent, messageEvent, type KeepAlive, type SseConnection } from './sse.js'

/** How the handler configured the 2024-11-05 endpoints. */
export interface LegacySettings {
  /** A separate GET path for the SSE stream; without one, the MCP path's session-less GET opens it. */
  ssePath: string | undefined
  messagesPath: string
  maxBodyBytes: number
  bodyTimeoutMs: number
  /** Whether another connection may be opened (the handler's `maxSessions`): a 503 answers when not. */
  full: () => boolean
  generateId: () => string
  keepAlive: KeepAlive
  onerror: (error: Error) => void
}

/** One 2024-11-05 connection's transport: everything the server sends is a `message` event on its one SSE stream. */
class LegacyTransport implements Transport {
  onclose?: () => void
  onerror?: (error: Error) => void
  onmessage?: Transport['onmessage']
  /** Ids past 2^53 of requests awaiting an answer, answered as the numbers they were sent as. */
  readonly numericIds = new Set<string>()
  readonly #conn: SseConnection
  #closed = false

  readonly #onerror: (error: Error) => void

  constructor(conn: SseConnection, onerror: (error: Error) => void) {
    this.#conn = conn
    this.#onerror = onerror
  }

  async start(): Promise<void> {}

  async send(message: JSONRPCPayload): Promise<void> {
    const [, data] = serialize(message, this.#onerror, this.numericIds)
    if (data === undefined) return
    if (!this.#conn.write(messageEvent(data))) throw new McpError(ErrorCode.ConnectionClosed, 'The SSE stream is closed')
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#conn.end()
    this.onclose?.()
  }
}

interface LegacyConnection {
  transport: LegacyTransport
  connection?: ConnectionLike
  principal: string | undefined
}

/**
 * The deprecated HTTP+SSE transport of revision 2024-11-05, for older clients: a GET opens an
 * SSE stream whose first event (`endpoint`) names where to POST; every POST answers 202 and the
 * server's replies travel as `message` events on that stream.
 * @see https://modelcontextprotocol.io/specification/2024-11-05/basic/transports#http-with-sse
 */
export class LegacySse {
  readonly #server: ServerLike
  readonly #settings: LegacySettings
  readonly #connections = new Map<string, LegacyConnection>()

  constructor(server: ServerLike, settings: LegacySettings) {
    this.#server = server
    this.#settings = settings
  }

  /** Which legacy endpoint a request is for, if any. */
  route(req: IncomingRequest): 'sse' | 'messages' | undefined {
    if (req.method === 'POST' && req.pathname === this.#settings.messagesPath) return 'messages'
    if (req.method === 'GET' && req.pathname === this.#settings.ssePath) return 'sse'
    return undefined
  }

  async open(req: IncomingRequest, authInfo: AuthInfo | undefined): Promise<OutgoingResponse> {
    if (!accepts(req.header('accept'), 'text/event-stream')) return httpError(406, ErrorCode.InvalidRequest, 'Not Acceptable: the client must accept text/event-stream')
    if (this.#settings.full()) return tooManySessions()
    const id = this.#settings.generateId()
    const conn = this.#settings.keepAlive.open()
    const transport = new LegacyTransport(conn, this.#settings.onerror)
    const entry: LegacyConnection = { transport, principal: authInfo?.clientId }
    this.#connections.set(id, entry)
    // The client closing its stream ends the connection: this transport has no other way back.
    conn.onclose = () => {
      this.#connections.delete(id)
      void transport.close()
    }
    conn.write(endpointEvent(`${this.#settings.messagesPath}?sessionId=${encodeURIComponent(id)}`))
    entry.connection = await this.#server.connect(transport, { sessionId: id })
    return { status: 200, headers: { ...SSE_HEADERS }, sse: conn }
  }

  async post(req: IncomingRequest, authInfo: AuthInfo | undefined): Promise<OutgoingResponse> {
    const id = req.query('sessionId')
    if (!id) return httpError(400, ErrorCode.InvalidRequest, 'Bad Request: the sessionId query parameter is required')
    const entry = this.#connections.get(id)
    if (!entry || (entry.principal !== undefined && entry.principal !== authInfo?.clientId)) return httpError(404, ErrorCode.InvalidRequest, 'Not Found: no such session')
    if (!isJsonContentType(req.header('content-type'))) return httpError(415, ErrorCode.InvalidRequest, 'Unsupported Media Type: Content-Type must be application/json')
    const text = await readMessageBody(req, { maxBytes: this.#settings.maxBodyBytes, timeoutMs: this.#settings.bodyTimeoutMs })
    if (typeof text !== 'string') return text
    const parsed = parseMessage(text)
    if (!parsed.ok) {
      const { id: errorId, ...error } = parsed.error
      return jsonBody(400, JSON.stringify(errorId === null ? error : parsed.error))
    }
    if (parsed.numericIds) keepNumericIds(entry.transport.numericIds, parsed.numericIds)
    const info: MessageInfo = { sessionId: id, authInfo, request: { headers: req.headers, url: req.url } }
    entry.transport.onmessage?.(parsed.payload, info)
    return { status: 202, headers: {} }
  }

  /** Open connections. */
  get size(): number {
    return this.#connections.size
  }

  async close(): Promise<void> {
    const entries = [...this.#connections.values()]
    this.#connections.clear()
    await Promise.all(entries.map((e) => (e.connection ? e.connection.close() : e.transport.close()).catch(this.#settings.onerror)))
  }
}
