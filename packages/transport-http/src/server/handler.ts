import {
  DEFAULT_NEGOTIATED_PROTOCOL_VERSION,
  ErrorCode,
  SUPPORTED_PROTOCOL_VERSIONS,
  isAtLeast,
  isJSONRPCRequest,
  negotiateProtocolVersion,
  parseMessage,
  type AuthInfo,
  type JSONRPCMessage,
  type JSONRPCPayload,
  type JSONRPCRequest,
  type JSONRPCResponse,
  type Reply,
  type RequestId,
} from '@plugboard/protocol'
import { stringify } from '../numeric-ids.js'
import { InMemoryEventStore, Stream, streamOfEvent, type EventStore } from './events.js'
import { accepts, checkHostAndOrigin, isJsonContentType, type GuardOptions } from './guards.js'
import { Cors, type CorsOptions } from './cors.js'
import { fromRequest, httpError, jsonBody, readMessageBody, toResponse, type BodyLimits, type IncomingRequest, type OutgoingResponse } from './http.js'
import { LegacySse } from './legacy-sse.js'
import { ModernPost, isModernVersion } from './modern.js'
import { PostInfo } from './post-info.js'
import { scopeRefusal, type ScopeChallenge } from './scope-challenge.js'
import { HttpSession, tooManySessions, type ServerLike, type SessionSettings } from './sessions.js'
import { DEFAULT_MAX_SSE_BUFFERED, KeepAlive, SSE_HEADERS } from './sse.js'

/**
 * `createMcpHandler`'s `authenticate` hook: verifies a request's credentials. Its optional
 * `challenge` lets the handler answer a call refused for scope (a tool's `requiredScopes`) with a
 * 403 step-up challenge; `bearerAuth()` of `@plugboard/auth` makes one with it.
 */
export interface AuthenticateHook {
  (request: Request): AuthInfo | undefined | Response | Promise<AuthInfo | undefined | Response>
  challenge?: ScopeChallenge
}

/** Options of {@link createMcpHandler}. */
export interface McpHandlerOptions extends GuardOptions {
  /**
   * The MCP endpoint's path (`/mcp`); requests for other paths answer 404 — after `onRequest`, which
   * can serve them (the Protected Resource Metadata's well-known route). Default: every path.
   */
  path?: string
  /** Answer request POSTs with one JSON body instead of an SSE stream (a 2026-07-28 `subscriptions/listen` still streams). Default false. */
  enableJsonResponse?: boolean
  /** No sessions: each POST is served on its own, GET and DELETE answer 405. Default false. */
  stateless?: boolean
  /** Makes session ids (visible ASCII only). Default `crypto.randomUUID()`. */
  sessionIdGenerator?: () => string
  /**
   * Ends a session unused for this long (no request in flight, no open GET stream); later
   * requests get 404 and the client initializes again. 0 or `Infinity`: never. Default 30 minutes.
   */
  sessionIdleTimeoutMs?: number
  /**
   * The most sessions open at once (2024-11-05 SSE connections included); an initialize past it is
   * answered 503 with a JSON-RPC error and `Retry-After`. Default 10 000.
   */
  maxSessions?: number
  /**
   * The most requests served without a session at once (2026-07-28 requests, and every POST of a
   * `stateless` handler); one more is answered 503 with a JSON-RPC error and `Retry-After`. A
   * session's own requests are bounded by the server's `maxInflightRequests`. Default 10 000.
   */
  maxConcurrentRequests?: number
  /** Let clients open a standalone GET stream for server messages unrelated to a request. Default true. */
  enableGetStream?: boolean
  /** Let clients end their session with DELETE. Default true. */
  enableDelete?: boolean
  /** Where SSE events are kept for resumption (`Last-Event-ID`); `false` turns resumption off. Default: a bounded {@link InMemoryEventStore}. */
  eventStore?: EventStore | false
  /** The SSE `retry` (ms) sent in 2025-11-25 priming events, and before a connection closed by `closeSSEStream()`. Default 1000. */
  retryMs?: number
  /** Interval of SSE keep-alive comments; 0 turns them off. Default 15 000. */
  keepAliveMs?: number
  /** Largest request body accepted; larger ones get 413. Default 4 MiB. */
  maxBodyBytes?: number
  /**
   * How long the whole request body may take to arrive; a slower one gets 408 and the connection
   * is closed (node's own `requestTimeout` is 300 s). 0 or `Infinity`: no limit. Default 30 000.
   */
  bodyTimeoutMs?: number
  /**
   * The most an SSE response holds for a client that does not read it (UTF-16 code units, as
   * the event store counts); past it the connection is dropped — with an event store, the client
   * resumes with `Last-Event-ID` and misses nothing. It also bounds what a session's standalone
   * stream holds for a GET that has yet to come. Default 8 MiB.
   */
  maxSseBufferedBytes?: number
  /**
   * CORS for browser clients: which origins may call the endpoint and read `Mcp-Session-Id`.
   * Preflights are answered 204 before `onRequest` and `authenticate`; the listed origins pass
   * the Origin check. Default: off (no CORS headers; a preflight gets 405).
   */
  cors?: CorsOptions
  /**
   * Verifies the request's credentials: return their `AuthInfo` (it reaches handlers as
   * `ctx.auth`), `undefined` to go on without, or a `Response` (a 401 with
   * `WWW-Authenticate`) to answer instead. A session is bound to the `clientId` that opened it.
   * When the hook has a `challenge` method, a tools/call refused for scope
   * (`InsufficientScopeError`) and answered as one JSON body is sent as 403 with its challenge;
   * on an SSE stream, already answered 200, it stays a JSON-RPC error.
   */
  authenticate?: AuthenticateHook
  /**
   * Runs before anything but the Host/Origin check — the `path` check included, so it can serve
   * other routes (`wellKnownRoute()` of `@plugboard/auth`), rate-limit, log or answer a CORS
   * preflight (with the `cors` option set, the handler answers those itself, before this hook):
   * return a `Response` to answer instead. Hooks read method, URL and headers; the body
   * is the handler's (from `toNodeHandler` the `Request` has none, and on fetch runtimes a hook
   * must not consume it).
   */
  onRequest?: (request: Request) => Response | undefined | void | Promise<Response | undefined | void>
  /**
   * Also serve the 2024-11-05 HTTP+SSE transport: a GET without `Mcp-Session-Id` on the MCP path
   * (or on `ssePath`) opens its SSE stream; messages are POSTed to `messagesPath` (default `/messages`).
   */
  legacySse?: boolean | { ssePath?: string; messagesPath?: string }
  /** Failures with nobody to tell: an event store that throws, a server connection that fails. */
  onerror?: (error: Error) => void
}

/** The internal entry both `fetch` and the node adapter feed. */
export const handleRequest = Symbol('plugboard.handleRequest')

/** A Streamable HTTP endpoint serving an MCP server; see {@link createMcpHandler}. */
export interface McpHandler {
  /** Answers one HTTP request: the whole endpoint as a web-standard `fetch` handler (bound, so it can be passed around). */
  readonly fetch: (request: Request) => Promise<Response>
  /**
   * Ends every session and stream, and cancels the requests in flight; later requests get 503.
   * It does not close the `McpServer` it was given: the handler did not create it, and one server
   * may serve several handlers. Call `server.close()` as well to stop what the server runs on its
   * own (running tasks and their timers, `subscriptions/listen` streams of other transports).
   */
  close(): Promise<void>
  /**
   * Closes the connection carrying a request's SSE stream, not the stream (2025-11-25 polling);
   * the client resumes with `Last-Event-ID`. Inside a handler, `ctx.closeSSEStream()` does the same.
   */
  closeSSEStream(sessionId: string, requestId: RequestId): boolean
  /** Closes the connection of a session's standalone GET stream; the client resumes with `Last-Event-ID`. */
  closeStandaloneSSEStream(sessionId: string): boolean
  /** @internal */
  readonly [handleRequest]: (req: IncomingRequest) => Promise<OutgoingResponse>
}

const DEFAULT_MAX_BODY = 4 * 1024 * 1024
const DEFAULT_BODY_TIMEOUT_MS = 30_000
const DEFAULT_IDLE_TIMEOUT_MS = 30 * 60_000
const DEFAULT_MAX_SESSIONS = 10_000
const DEFAULT_MAX_CONCURRENT_REQUESTS = 10_000

/** A request without a session past `maxConcurrentRequests`. */
function tooBusy(): OutgoingResponse {
  return httpError(503, ErrorCode.InternalError, 'Service Unavailable: too many requests are being served; retry later', { 'retry-after': '1' })
}
const DEFAULT_RETRY_MS = 1000
const VISIBLE_ASCII = /^[\x21-\x7e]+$/
const PRIMING_SINCE = '2025-11-25'
const SUPPORTED: readonly string[] = SUPPORTED_PROTOCOL_VERSIONS

const isInitialize = (m: JSONRPCMessage): m is JSONRPCRequest => 'method' in m && m.method === 'initialize' && isJSONRPCRequest(m)
const isResponse = (m: JSONRPCPayload): boolean => Array.isArray(m) || !('method' in m)

/**
 * Serves an MCP server over Streamable HTTP, both eras on one endpoint: legacy clients (2025-03-26
 * … 2025-11-25) initialize a session; modern ones, whose POSTs name their revision in
 * `MCP-Protocol-Version` and `_meta`, are served per request with no session (their headers
 * checked against the body, SEP-2243). Optionally the 2024-11-05 HTTP+SSE transport too. One
 * handler for many clients of one server. `fetch` runs on Node, Bun, Deno and Workers;
 * `toNodeHandler()` plugs it into `node:http` without building web `Request`/`Response` objects
 * per call.
 *
 * @example
 * import { createServer } from 'node:http'
 * import { createMcpHandler, toNodeHandler } from '@plugboard/transport-http'
 *
 * const handler = createMcpHandler(server, { path: '/mcp' })
 * createServer(toNodeHandler(handler)).listen(3000, '127.0.0.1')
 * // Shutting down: the handler's sessions, then the server's own work (running tasks).
 * process.on('SIGTERM', () => handler.close().then(() => server.close()))
 * // Bun, Deno, Workers: export default { fetch: handler.fetch }
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#streamable-http
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http
 */
export function createMcpHandler(server: ServerLike, options: McpHandlerOptions = {}): McpHandler {
  const endpoint = new Endpoint(server, options)
  return {
    fetch: async (request) => toResponse(await endpoint.handle(fromRequest(request))),
    close: () => endpoint.close(),
    closeSSEStream: (sessionId, requestId) => endpoint.closeSSEStream(sessionId, requestId),
    closeStandaloneSSEStream: (sessionId) => endpoint.closeStandaloneSSEStream(sessionId),
    [handleRequest]: (req) => endpoint.handle(req),
  }
}

class Endpoint {
  readonly #server: ServerLike
  readonly #options: McpHandlerOptions
  readonly #sessions = new Map<string, HttpSession>()
  readonly #settings: SessionSettings
  readonly #store: EventStore | undefined
  readonly #keepAlive: KeepAlive
  readonly #legacy: LegacySse | undefined
  readonly #modern: ModernPost
  readonly #body: BodyLimits
  readonly #maxSessions: number
  readonly #maxConcurrent: number
  /** Stateless requests being served now (the modern ones are counted by their ModernPost). */
  #statelessInFlight = 0
  readonly #cors: Cors | undefined
  readonly #retryMs: number
  readonly #generateId: () => string
  #closed = false

  constructor(server: ServerLike, options: McpHandlerOptions) {
    this.#server = server
    this.#options = options
    this.#store = options.eventStore === false ? undefined : (options.eventStore ?? new InMemoryEventStore())
    const maxBuffered = options.maxSseBufferedBytes ?? DEFAULT_MAX_SSE_BUFFERED
    this.#keepAlive = new KeepAlive(options.keepAliveMs ?? 15_000, maxBuffered)
    this.#body = { maxBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY, timeoutMs: options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS }
    this.#maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS
    this.#maxConcurrent = options.maxConcurrentRequests ?? DEFAULT_MAX_CONCURRENT_REQUESTS
    this.#cors = options.cors ? new Cors(options.cors) : undefined
    this.#retryMs = options.retryMs ?? DEFAULT_RETRY_MS
    this.#generateId = options.sessionIdGenerator ?? (() => crypto.randomUUID())
    this.#modern = new ModernPost(server, {
      enableJsonResponse: options.enableJsonResponse === true,
      keepAlive: this.#keepAlive,
      retryMs: this.#retryMs,
      onerror: this.#report,
      scopeChallenge: options.authenticate?.challenge,
    })
    this.#settings = {
      store: this.#store,
      standalone: options.enableGetStream !== false,
      idleTimeoutMs: options.sessionIdleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
      maxHeldBytes: maxBuffered,
      onerror: this.#report,
      onended: (session) => {
        if (this.#sessions.get(session.id) === session) this.#sessions.delete(session.id)
      },
    }
    if (options.legacySse) {
      const legacy = options.legacySse === true ? {} : options.legacySse
      this.#legacy = new LegacySse(server, {
        ssePath: legacy.ssePath,
        messagesPath: legacy.messagesPath ?? '/messages',
        maxBodyBytes: this.#body.maxBytes,
        bodyTimeoutMs: this.#body.timeoutMs,
        full: () => this.#full(),
        generateId: () => this.#newId(),
        keepAlive: this.#keepAlive,
        onerror: this.#report,
      })
    }
  }

  #report = (error: Error): void => {
    this.#options.onerror?.(error)
  }

  async handle(req: IncomingRequest): Promise<OutgoingResponse> {
    let out: OutgoingResponse
    try {
      out = await this.#route(req)
    } catch (error) {
      this.#report(error instanceof Error ? error : new Error(String(error)))
      out = httpError(500, ErrorCode.InternalError, 'Internal error')
    }
    return this.#cors ? this.#cors.decorate(req, out) : out
  }

  #full(): boolean {
    return this.#sessions.size + (this.#legacy?.size ?? 0) >= this.#maxSessions
  }

  async #route(req: IncomingRequest): Promise<OutgoingResponse> {
    if (this.#closed) return httpError(503, ErrorCode.InvalidRequest, 'Service Unavailable: the server is shutting down')
    const cors = this.#cors
    const refused = checkHostAndOrigin(req, this.#options, cors && ((origin) => cors.allows(origin)))
    if (refused) return refused
    // A browser sends a preflight without credentials, so it is answered before authentication.
    const preflight = cors?.preflight(req, `${this.#allowed()}, OPTIONS`)
    if (preflight) return preflight
    // Before the path check: a hook may serve other paths (RFC 9728 metadata lives at
    // /.well-known/oauth-protected-resource/mcp, beside an endpoint at /mcp).
    if (this.#options.onRequest) {
      const response = await this.#options.onRequest(req.toRequest())
      if (response) return { response }
    }
    const legacy = this.#legacy?.route(req)
    const path = this.#options.path
    if (!legacy && path !== undefined && req.pathname !== path) return httpError(404, ErrorCode.InvalidRequest, 'Not Found')
    let authInfo: AuthInfo | undefined
    if (this.#options.authenticate) {
      const result = await this.#options.authenticate(req.toRequest())
      if (result instanceof Response) return { response: result }
      authInfo = result
    }
    if (legacy === 'messages') return this.#legacy!.post(req, authInfo)
    if (legacy === 'sse') return this.#legacy!.open(req, authInfo)
    // 2026-07-28 has no GET stream and no session to DELETE.
    if ((req.method === 'GET' || req.method === 'DELETE') && isModernVersion(req.header('mcp-protocol-version'))) {
      return httpError(405, ErrorCode.InvalidRequest, `Method Not Allowed: protocol revision ${req.header('mcp-protocol-version')!.trim()} has no ${req.method} on the MCP endpoint`, { allow: this.#allowed() })
    }
    switch (req.method) {
      case 'POST':
        return this.#post(req, authInfo)
      case 'GET':
        // The 2024-11-05 transport shares the MCP path: its GET is the one without a session.
        if (this.#legacy && req.header('mcp-session-id') === undefined && req.header('last-event-id') === undefined && !this.#options.stateless) {
          return this.#legacy.open(req, authInfo)
        }
        return this.#get(req, authInfo)
      case 'DELETE':
        return this.#delete(req, authInfo)
      default:
        return httpError(405, ErrorCode.InvalidRequest, `Method Not Allowed: ${req.method}`, { allow: this.#allowed() })
    }
  }

  #allowed(): string {
    if (this.#options.stateless) return 'POST'
    return ['POST', ...(this.#options.enableGetStream === false ? [] : ['GET']), ...(this.#options.enableDelete === false ? [] : ['DELETE'])].join(', ')
  }

  #newId(): string {
    const id = this.#generateId()
    // The spec: "MUST only contain visible ASCII characters (ranging from 0x21 to 0x7E)".
    if (!VISIBLE_ASCII.test(id)) throw new Error(`sessionIdGenerator returned ${JSON.stringify(id)}; session ids must be visible ASCII (0x21-0x7E)`)
    return id
  }

  /** The session a request names: 400 without an id, 404 for one unknown, expired, or opened by other credentials. */
  #session(req: IncomingRequest, authInfo: AuthInfo | undefined): HttpSession | OutgoingResponse {
    const id = req.header('mcp-session-id')
    if (id === undefined) return httpError(400, ErrorCode.InvalidRequest, 'Bad Request: Mcp-Session-Id header is required')
    const session = this.#sessions.get(id)
    // Binding the session to the credentials that opened it: a leaked id is useless with another
    // client's token (security best practices, "Session Hijacking").
    if (!session || session.closed || (session.principal !== undefined && session.principal !== authInfo?.clientId)) {
      return httpError(404, ErrorCode.InvalidRequest, 'Not Found: no such session (it may have expired); initialize a new one')
    }
    session.lastUsed = Date.now()
    return session
  }

  /**
   * `MCP-Protocol-Version`: an unsupported one is a 400; a supported one other than the
   * negotiated revision is tolerated — the session's revision governs.
   */
  /** Whether as many requests without a session are being served as `maxConcurrentRequests` allows. */
  #busy(): boolean {
    return this.#modern.size + this.#statelessInFlight >= this.#maxConcurrent
  }

  #versionError(req: IncomingRequest): OutgoingResponse | undefined {
    const version = req.header('mcp-protocol-version')
    if (version === undefined || SUPPORTED.includes(version)) return undefined
    return httpError(400, ErrorCode.InvalidRequest, `Bad Request: unsupported MCP-Protocol-Version ${version} (supported: ${SUPPORTED.join(', ')})`)
  }

  async #post(req: IncomingRequest, authInfo: AuthInfo | undefined): Promise<OutgoingResponse> {
    if (!accepts(req.header('accept'), 'application/json', 'text/event-stream')) {
      return httpError(406, ErrorCode.InvalidRequest, 'Not Acceptable: the client must accept both application/json and text/event-stream')
    }
    if (!isJsonContentType(req.header('content-type'))) return httpError(415, ErrorCode.InvalidRequest, 'Unsupported Media Type: Content-Type must be application/json')
    const text = await readMessageBody(req, this.#body)
    if (typeof text !== 'string') return text
    const parsed = parseMessage(text)
    if (!parsed.ok) {
      const { id, ...error } = parsed.error
      return jsonBody(400, JSON.stringify(id === null ? error : parsed.error))
    }
    // Ids past 2^53, kept as their digits in the payload: the answers must carry them as numbers.
    const { payload, numericIds } = parsed
    // The modern wire: served per request, whatever session id a client sends along.
    if (ModernPost.claims(req, payload)) {
      if (this.#busy()) return tooBusy()
      return this.#modern.post(req, payload, authInfo, numericIds)
    }
    const messages = Array.isArray(payload) ? payload : [payload]
    const initialize = messages.find(isInitialize)
    if (initialize && Array.isArray(payload)) return httpError(400, ErrorCode.InvalidRequest, 'Invalid Request: initialize must be sent alone, not in a batch')
    if (this.#options.stateless) {
      if (this.#busy()) return tooBusy()
      return this.#postStateless(req, payload, authInfo, numericIds)
    }

    let session: HttpSession
    if (initialize && req.header('mcp-session-id') === undefined) {
      if (this.#full()) return tooManySessions()
      session = await this.#open(authInfo)
    } else {
      const found = this.#session(req, authInfo)
      if (!(found instanceof HttpSession)) return found
      session = found
      const refused = this.#versionError(req)
      if (refused) return refused
    }
    // JSON-RPC batches exist in revision 2025-03-26 only.
    if (Array.isArray(payload) && session.protocolVersion !== '2025-03-26') {
      return httpError(400, ErrorCode.InvalidRequest, `Invalid Request: JSON-RPC batches are not supported in protocol revision ${session.protocolVersion}`, { 'mcp-session-id': session.id })
    }
    const headers = { 'mcp-session-id': session.id }
    const requestIds = messages.filter(isJSONRPCRequest).map((m) => m.id)
    const dispatch = session.connection.session
    if (requestIds.length === 0) {
      const info = new PostInfo(session.id, authInfo, req, undefined, this.#retryMs)
      dispatch.dispatch(payload, (m, o) => session.send(m, o), info).catch(this.#report)
      return { status: 202, headers }
    }
    session.busy++
    const done = () => {
      session.busy--
      session.lastUsed = Date.now()
      // A failed initialize leaves a session nobody can use.
      if (initialize && session.protocolVersion === undefined) void session.connection.close().catch(this.#report)
    }

    if (this.#options.enableJsonResponse) {
      let answer: JSONRPCPayload | undefined
      // What a JSON body cannot carry (progress, a sampling request) goes on the GET stream.
      const reply: Reply = (m) => {
        if (!isResponse(m)) return session.sendBeside(m)
        answer = m
        return Promise.resolve()
      }
      try {
        await dispatch.dispatch(payload, reply, new PostInfo(session.id, authInfo, req, undefined, this.#retryMs))
      } finally {
        done()
      }
      // No answer: every request was cancelled by the client.
      if (answer === undefined) return { status: 202, headers }
      return this.#jsonAnswer(answer, authInfo, numericIds, headers)
    }

    const stream = session.openStream(requestIds, numericIds)
    const conn = this.#keepAlive.open()
    const version = initialize ? negotiateProtocolVersion(String(initialize.params?.protocolVersion)) : session.protocolVersion
    stream.attach(conn, { prime: this.#primes(version) ? { retryMs: this.#retryMs } : undefined })
    const reply: Reply = (m) => {
      // A message a handler sends after its response (a stray background task) has no stream left.
      if (stream.done) return session.sendUnrelated(m)
      stream.write(m)
      return Promise.resolve()
    }
    dispatch
      .dispatch(payload, reply, new PostInfo(session.id, authInfo, req, stream, this.#retryMs))
      .catch(this.#report)
      .finally(() => {
        stream.finish()
        done()
      })
    return { status: 200, headers: { ...SSE_HEADERS, ...headers }, sse: conn }
  }

  /** One JSON body of responses (a 403 step-up challenge for a call refused for scope); ids past 2^53 as numbers. */
  #jsonAnswer(answer: JSONRPCPayload, authInfo: AuthInfo | undefined, numericIds: string[] | undefined, headers?: Record<string, string>): OutgoingResponse {
    // A result JSON cannot write throws here: the request is answered 500.
    const body = stringify(answer, numericIds && new Set(numericIds))
    return scopeRefusal(answer, authInfo, this.#options.authenticate?.challenge, headers, body) ?? jsonBody(200, body, headers)
  }

  // Priming events carry empty data, which clients before 2025-11-25 cannot parse.
  #primes(version: string | undefined): boolean {
    return this.#store !== undefined && version !== undefined && isAtLeast(version, PRIMING_SINCE)
  }

  async #open(authInfo: AuthInfo | undefined): Promise<HttpSession> {
    const session = new HttpSession(this.#newId(), this.#settings)
    session.principal = authInfo?.clientId
    this.#sessions.set(session.id, session)
    try {
      session.connection = await this.#server.connect(session.transport, { sessionId: session.id })
    } catch (error) {
      session.end()
      throw error
    }
    return session
  }

  /**
   * A stateless POST: served without a connection, under the header's revision (no handshake is
   * bound to anything). Its messages go to the server's router one by one; what a handler asks of
   * the client fails, as there is no stream to carry a request of the server's.
   */
  async #postStateless(req: IncomingRequest, payload: JSONRPCPayload, authInfo: AuthInfo | undefined, numericIds: string[] | undefined): Promise<OutgoingResponse> {
    const refused = this.#versionError(req)
    if (refused) return refused
    // "If the server does not receive an MCP-Protocol-Version header … SHOULD assume 2025-03-26."
    const protocolVersion = req.header('mcp-protocol-version') ?? DEFAULT_NEGOTIATED_PROTOCOL_VERSION
    if (Array.isArray(payload) && protocolVersion !== '2025-03-26') {
      return httpError(400, ErrorCode.InvalidRequest, `Invalid Request: JSON-RPC batches are not supported in protocol revision ${protocolVersion}`)
    }
    const messages = Array.isArray(payload) ? payload : [payload]
    const controller = new AbortController()
    const info = new PostInfo(undefined, authInfo, req, undefined, this.#retryMs, { protocolVersion, signal: controller.signal })
    const serve = (reply: Reply) => {
      this.#statelessInFlight++
      return Promise.all(messages.map((m) => this.#server.dispatch(m, reply, info)))
        .then((responses) => responses.filter((r): r is JSONRPCResponse => r !== undefined))
        .finally(() => this.#statelessInFlight--)
    }
    if (!messages.some(isJSONRPCRequest)) {
      serve(() => Promise.resolve()).catch(this.#report)
      return { status: 202, headers: {} }
    }
    if (this.#options.enableJsonResponse) {
      // A JSON body carries the responses only; related notifications have nowhere to go.
      const responses = await serve(() => Promise.resolve())
      if (responses.length === 0) return { status: 202, headers: {} }
      return this.#jsonAnswer(Array.isArray(payload) ? responses : responses[0]!, authInfo, numericIds)
    }
    const stream = new Stream('stateless', { store: undefined, numericIds, onerror: this.#report })
    const conn = this.#keepAlive.open()
    stream.attach(conn)
    // The client closing the stream cancels what is still running.
    stream.ondisconnect = () => controller.abort('the client closed the response stream')
    serve((m) => (stream.write(m), Promise.resolve()))
      .then((responses) => {
        if (responses.length > 0) stream.write(Array.isArray(payload) ? responses : responses[0]!)
      })
      .catch(this.#report)
      .finally(() => stream.finish())
    return { status: 200, headers: { ...SSE_HEADERS }, sse: conn }
  }

  async #get(req: IncomingRequest, authInfo: AuthInfo | undefined): Promise<OutgoingResponse> {
    if (!accepts(req.header('accept'), 'text/event-stream')) return httpError(406, ErrorCode.InvalidRequest, 'Not Acceptable: the client must accept text/event-stream')
    if (this.#options.stateless || this.#options.enableGetStream === false) {
      return httpError(405, ErrorCode.InvalidRequest, 'Method Not Allowed: this server offers no SSE stream on GET', { allow: this.#allowed() })
    }
    const session = this.#session(req, authInfo)
    if (!(session instanceof HttpSession)) return session
    const refused = this.#versionError(req)
    if (refused) return refused
    const headers = { ...SSE_HEADERS, 'mcp-session-id': session.id }
    const lastEventId = req.header('last-event-id')
    if (lastEventId !== undefined && this.#store) {
      const streamId = await streamOfEvent(this.#store, lastEventId)
      // Never replay another session's stream: its id must name this session.
      if (streamId === undefined || !session.owns(streamId) || session.closed) {
        return httpError(400, ErrorCode.InvalidRequest, 'Bad Request: unknown Last-Event-ID (the events may have expired)', { 'mcp-session-id': session.id })
      }
      const conn = this.#keepAlive.open()
      session.resumeStream(streamId).attach(conn, { after: lastEventId })
      return { status: 200, headers, sse: conn }
    }
    // One standalone stream per session, as the official SDK does: a second would split messages.
    if (session.listening) return httpError(409, ErrorCode.InvalidRequest, 'Conflict: this session already has a GET stream open', { 'mcp-session-id': session.id })
    const conn = this.#keepAlive.open()
    session.standalone.attach(conn, { prime: this.#primes(session.protocolVersion) ? { retryMs: this.#retryMs } : undefined })
    return { status: 200, headers, sse: conn }
  }

  async #delete(req: IncomingRequest, authInfo: AuthInfo | undefined): Promise<OutgoingResponse> {
    if (this.#options.stateless || this.#options.enableDelete === false) {
      return httpError(405, ErrorCode.InvalidRequest, 'Method Not Allowed: sessions cannot be ended with DELETE here', { allow: this.#allowed() })
    }
    const session = this.#session(req, authInfo)
    if (!(session instanceof HttpSession)) return session
    const refused = this.#versionError(req)
    if (refused) return refused
    await session.connection.close()
    return { status: 200, headers: {} }
  }

  closeSSEStream(sessionId: string, requestId: RequestId): boolean {
    return this.#sessions.get(sessionId)?.requestStream(requestId)?.disconnect(this.#retryMs) ?? false
  }

  closeStandaloneSSEStream(sessionId: string): boolean {
    const session = this.#sessions.get(sessionId)
    return session?.listening === true && session.standalone.disconnect(this.#retryMs)
  }

  async close(): Promise<void> {
    this.#closed = true
    const sessions = [...this.#sessions.values()]
    await Promise.all(sessions.map((s) => (s.connection ? s.connection.close() : Promise.resolve(s.end())).catch(this.#report)))
    this.#modern.close()
    await this.#legacy?.close()
    this.#keepAlive.close()
  }
}
