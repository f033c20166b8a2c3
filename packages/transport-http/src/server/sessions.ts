import {
  ErrorCode,
  McpError,
  isJSONRPCRequest,
  type JSONRPCMessage,
  type JSONRPCPayload,
  type JSONRPCResponse,
  type MessageInfo,
  type Reply,
  type RequestId,
  type SendOptions,
  type Session,
  type Transport,
} from '@plugboard/protocol'
import { Stream, type EventStore, type StreamId } from './events.js'
import { httpError, type OutgoingResponse } from './http.js'

/** What the handler needs of a server: `McpServer` from `@plugboard/server` is one. */
export interface ServerLike {
  /** Serves one connection (a legacy session). */
  connect(transport: Transport, options: { sessionId?: string }): Promise<ConnectionLike>
  /** Serves one message without a connection (a modern or stateless POST); resolves with its response, if any. */
  dispatch(message: JSONRPCMessage, reply: Reply, info?: MessageInfo): Promise<JSONRPCResponse | undefined>
}

/** One connection of a {@link ServerLike}: `ServerSession` from `@plugboard/server` is one. */
export interface ConnectionLike {
  readonly session: Session
  close(): Promise<void>
}

/** The answer when `maxSessions` are open: 503, with a JSON-RPC error, and a hint to retry later. */
export function tooManySessions(): OutgoingResponse {
  return httpError(503, ErrorCode.InternalError, 'Service Unavailable: too many sessions are open; retry later', { 'retry-after': '60' })
}

/** What every session of one handler shares. */
export interface SessionSettings {
  store: EventStore | undefined
  /** Whether clients may open a standalone GET stream (else unrelated server messages are dropped). */
  standalone: boolean
  /** Ends a session unused this long; 0 or Infinity never. */
  idleTimeoutMs: number
  /** The most a standalone stream holds for a GET that has yet to come (UTF-16 code units). */
  maxHeldBytes: number
  onerror: (error: Error) => void
  /** Called once the session is over, whoever ended it. */
  onended: (session: HttpSession) => void
}

/** Most streams of one session whose ids past 2^53 are remembered for a resume. */
const MAX_NUMERIC_STREAMS = 256

const noStream = (message: JSONRPCPayload) =>
  !Array.isArray(message) && isJSONRPCRequest(message)
    ? Promise.reject(new McpError(ErrorCode.ConnectionClosed, `Cannot send ${message.method}: the client has no SSE stream open to receive it (no GET stream)`))
    : Promise.resolve() // a notification nobody can receive is dropped, as the spec allows

/**
 * One Streamable HTTP session (`Mcp-Session-Id`): the server's connection for it, the POST
 * streams in flight, the standalone GET stream, and when it was last used. Holds ids and
 * streams only; the server's tools and schemas are shared by all sessions (STYLE §8).
 */
export class HttpSession {
  readonly id: string
  readonly transport: SessionTransport
  connection!: ConnectionLike
  /** The client id of the credentials that opened the session; later requests must carry the same. */
  principal: string | undefined
  /** POSTs being handled right now; an idle session has none. */
  busy = 0
  lastUsed = Date.now()
  closed = false
  readonly #settings: SessionSettings
  /** Open POST streams, by the id of each request they carry. */
  readonly #requests = new Map<RequestId, Stream>()
  #standalone: Stream | undefined
  /** Ids past 2^53 answered on each stream that had some, so a resume of a finished one writes them as numbers too. */
  #numericStreams: Map<StreamId, readonly string[]> | undefined
  #nextStream = 1
  #timer: ReturnType<typeof setTimeout> | undefined

  constructor(id: string, settings: SessionSettings) {
    this.id = id
    this.#settings = settings
    this.transport = new SessionTransport(this)
    if (settings.idleTimeoutMs > 0 && Number.isFinite(settings.idleTimeoutMs)) this.#arm(settings.idleTimeoutMs)
  }

  /** The negotiated protocol revision, once initialize was answered. */
  get protocolVersion(): string | undefined {
    return this.connection?.session.state.protocolVersion
  }

  /** Whether `streamId` (from the event store) is one of this session's streams. */
  owns(streamId: StreamId): boolean {
    const dot = streamId.lastIndexOf('.')
    return streamId.slice(0, dot) === this.id && /^\d+$/.test(streamId.slice(dot + 1))
  }

  /**
   * A new stream for one POST carrying `requestIds` (`numericIds`: those past 2^53, answered as
   * numbers). Stream ids embed the session id, so a resume can be checked against its owner.
   */
  openStream(requestIds: RequestId[], numericIds?: readonly string[]): Stream {
    const stream = new Stream(`${this.id}.${this.#nextStream++}`, { store: this.#settings.store, numericIds, onerror: this.#settings.onerror })
    if (numericIds && this.#settings.store) {
      const kept = (this.#numericStreams ??= new Map())
      kept.set(stream.id, numericIds)
      // Bounded: the oldest streams' events are the first the store forgets anyway.
      if (kept.size > MAX_NUMERIC_STREAMS) kept.delete(kept.keys().next().value!)
    }
    for (const id of requestIds) this.#requests.set(id, stream)
    stream.onfinish = () => {
      for (const id of requestIds) if (this.#requests.get(id) === stream) this.#requests.delete(id)
    }
    return stream
  }

  /** The open POST stream carrying a request. */
  requestStream(requestId: RequestId): Stream | undefined {
    return this.#requests.get(requestId)
  }

  /** The stream a resumed request stream is carried on: the live one, or a finished one rebuilt from the store. */
  resumeStream(streamId: StreamId): Stream {
    if (streamId === this.standaloneId) return this.standalone
    for (const stream of this.#requests.values()) if (stream.id === streamId) return stream
    const stream = new Stream(streamId, { store: this.#settings.store, numericIds: this.#numericStreams?.get(streamId), onerror: this.#settings.onerror })
    stream.done = true
    return stream
  }

  get standaloneId(): StreamId {
    return `${this.id}.0`
  }

  /** The standalone GET stream, made on first use; it holds what it cannot deliver yet. */
  get standalone(): Stream {
    if (!this.#standalone) {
      this.#standalone = new Stream(this.standaloneId, { store: this.#settings.store, hold: true, maxHeldBytes: this.#settings.maxHeldBytes, onerror: this.#settings.onerror })
      this.#standalone.ondisconnect = () => (this.lastUsed = Date.now())
    }
    return this.#standalone
  }

  /** Whether a GET connection carries the standalone stream now. */
  get listening(): boolean {
    return this.#standalone?.connected === true
  }

  /**
   * Routes a message the server sends through the connection's transport: onto the POST stream
   * of the request it relates to while that is open, else onto the standalone stream — each
   * message on exactly one stream.
   */
  send(message: JSONRPCPayload, options?: SendOptions): Promise<void> {
    if (this.closed) return Promise.reject(new McpError(ErrorCode.ConnectionClosed, 'Session closed'))
    const related = options?.relatedRequestId !== undefined ? this.#requests.get(options.relatedRequestId) : undefined
    if (related && !related.done) {
      related.write(message)
      return Promise.resolve()
    }
    return this.sendUnrelated(message)
  }

  /** Onto the standalone stream, held for a GET that has yet to come; dropped (or refused, for requests) when GET streams are off. */
  sendUnrelated(message: JSONRPCPayload): Promise<void> {
    if (!this.#settings.standalone) return noStream(message)
    this.standalone.write(message)
    return Promise.resolve()
  }

  /**
   * What a JSON-mode POST cannot carry: a request (sampling, elicitation) goes on the standalone
   * stream, held for a GET that may still be on its way (the official client opens it right after
   * initialize); a notification (progress, a log) only if a GET is open now — late, it is noise.
   */
  sendBeside(message: JSONRPCPayload): Promise<void> {
    if (!Array.isArray(message) && isJSONRPCRequest(message)) return this.sendUnrelated(message)
    if (this.listening) this.#standalone!.write(message)
    return Promise.resolve()
  }

  /** Ends the session's streams and forgets it; runs once, from the transport's `close()`. */
  end(): void {
    if (this.closed) return
    this.closed = true
    clearTimeout(this.#timer)
    const store = this.#settings.store
    if (store?.deleteSession) {
      for (const stream of this.#requests.values()) stream.close()
      this.#requests.clear()
      this.#standalone?.close()
      this.#forget(() => store.deleteSession!(this.id))
      return this.#settings.onended(this)
    }
    // A store that cannot forget a whole session: streams that finished earlier are left to its
    // bounds (remembering every one would grow the session).
    const forget = new Set<StreamId>()
    for (const stream of this.#requests.values()) {
      stream.close()
      forget.add(stream.id)
    }
    this.#requests.clear()
    if (this.#standalone) {
      this.#standalone.close()
      forget.add(this.#standalone.id)
    }
    for (const id of forget) this.#forget(() => store?.deleteStream?.(id))
    this.#settings.onended(this)
  }

  #forget(deletion: () => void | Promise<void>): void {
    try {
      void Promise.resolve(deletion()).catch(this.#settings.onerror)
    } catch (error) {
      this.#settings.onerror(error as Error)
    }
  }

  // One timer per session, re-armed only when it fires: a request just stamps `lastUsed`.
  #arm(ms: number): void {
    this.#timer = setTimeout(() => {
      if (this.closed) return
      const idleFor = Date.now() - this.lastUsed
      const timeout = this.#settings.idleTimeoutMs!
      if (this.busy > 0 || this.listening) return this.#arm(timeout)
      if (idleFor < timeout) return this.#arm(timeout - idleFor)
      void this.connection.close().catch(this.#settings.onerror)
    }, ms)
    ;(this.#timer as { unref?: () => void }).unref?.()
  }
}

/** The transport an HTTP session's server connection is given: sends route through the session. */
export class SessionTransport implements Transport {
  onclose?: () => void
  onerror?: (error: Error) => void
  onmessage?: Transport['onmessage']
  readonly #owner: HttpSession

  constructor(owner: HttpSession) {
    this.#owner = owner
  }

  async start(): Promise<void> {}

  send(message: JSONRPCPayload, options?: SendOptions): Promise<void> {
    return this.#owner.send(message, options)
  }

  async close(): Promise<void> {
    if (this.#owner.closed) return
    this.#owner.end()
    this.onclose?.()
  }
}
