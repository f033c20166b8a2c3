import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  ErrorCode,
  MODERN_PROTOCOL_VERSIONS,
  McpError,
  PROTOCOL_VERSION_META_KEY,
  isJSONRPCRequest,
  type AuthInfo,
  type JSONRPCMessage,
  type JSONRPCPayload,
  type JSONRPCRequest,
  type JSONRPCResponse,
  type MessageInfo,
  type Reply,
  type RequestId,
} from '@plugboard/protocol'
import { stringify } from '../numeric-ids.js'
import { Stream, serialize } from './events.js'
import { checkParamHeaders, checkStandardHeaders, hasParamHeaders, headerAnnotations, type HeaderAnnotations } from './headers.js'
import { httpError, jsonBody, type IncomingRequest, type OutgoingResponse } from './http.js'
import { PostInfo } from './post-info.js'
import { scopeRefusal, type ScopeChallenge } from './scope-challenge.js'
import type { ServerLike } from './sessions.js'
import { SSE_HEADERS, type KeepAlive } from './sse.js'

const MODERN: readonly string[] = MODERN_PROTOCOL_VERSIONS
// The statuses the spec fixes for modern errors: an unknown method is 404 (its JSON-RPC body tells
// it from a legacy server's 404), version, header and capability refusals are 400. Others are 200.
const STATUS = new Map<number, number>([
  [ErrorCode.MethodNotFound, 404],
  [ErrorCode.UnsupportedProtocolVersion, 400],
  [ErrorCode.HeaderMismatch, 400],
  [ErrorCode.MissingRequiredClientCapability, 400],
])
// A listing bigger than this many pages is not scanned for `x-mcp-header` annotations.
const MAX_TOOL_PAGES = 100

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const metaOf = (m: JSONRPCMessage): Record<string, unknown> | undefined => {
  const meta = 'method' in m ? m.params?._meta : undefined
  return isObject(meta) ? meta : undefined
}
const answer = (status: number, id: RequestId | undefined, error: McpError, numericIds?: readonly string[]): OutgoingResponse =>
  jsonBody(status, id === undefined ? JSON.stringify({ jsonrpc: '2.0', error: error.toJSON() }) : stringify({ jsonrpc: '2.0', id, error: error.toJSON() }, numericIds && new Set(numericIds)))

/** Whether an `MCP-Protocol-Version` value names a modern revision (no handshake, no session). */
export const isModernVersion = (version: string | undefined): boolean => version !== undefined && MODERN.includes(version.trim())

/** Options of {@link ModernPost}: the handler's. */
export interface ModernPostOptions {
  enableJsonResponse: boolean
  keepAlive: KeepAlive
  retryMs: number
  onerror: (error: Error) => void
  /** The authenticate hook's challenge: a call refused for scope is answered 403 with it. */
  scopeChallenge: ScopeChallenge | undefined
}

/**
 * The Streamable HTTP wire of the modern era (2026-07-28), beside the legacy one on the same
 * endpoint: each POST carries one request, served on its own through `server.dispatch()` — no
 * session, no GET stream, no resumption; closing the response stream cancels the request.
 *
 * The HTTP status must say what kind of error a request met (404 for an unknown method, 400 for
 * a refused version, header or capability), and an SSE response fixes its status at the first
 * byte. So the answer waits: a response that comes before any related notification is sent as one
 * JSON body with its status; the first notification (progress, a log, a subscription's
 * acknowledgement) opens the SSE stream, with 200, and the response ends it. The refusals that
 * carry a status (version, headers, `_meta`, unknown method) come before a handler runs, so they
 * always find the stream unopened; only an error a handler raises after it streamed (a capability
 * it asked for late) travels on the stream, under the 200 already sent. The cost: a handler that
 * sends nothing holds the response headers back until it answers.
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http
 */
export class ModernPost {
  readonly #server: ServerLike
  readonly #options: ModernPostOptions
  /** `x-mcp-header` annotations by tool name, from the server's own `tools/list`. */
  readonly #toolHeaders = new Map<string, HeaderAnnotations>()
  /** How to end each request in flight when the handler closes. */
  readonly #inflight = new Set<() => void>()
  #internalIds = 0

  constructor(server: ServerLike, options: ModernPostOptions) {
    this.#server = server
    this.#options = options
  }

  /**
   * Whether a POST speaks the modern wire: its `MCP-Protocol-Version` names a modern revision, or
   * its message's `_meta` names a protocol version (whichever — an unsupported one is refused
   * with `UnsupportedProtocolVersion` and the revisions this server speaks).
   */
  static claims(req: IncomingRequest, payload: JSONRPCPayload): boolean {
    if (isModernVersion(req.header('mcp-protocol-version'))) return true
    const messages = Array.isArray(payload) ? payload : [payload]
    return messages.some((m) => metaOf(m)?.[PROTOCOL_VERSION_META_KEY] !== undefined)
  }

  /** Serves one POST; `numericIds`: its request's id if past 2^53 (see `parseMessage`), answered as a number. */
  async post(req: IncomingRequest, payload: JSONRPCPayload, authInfo: AuthInfo | undefined, numericIds?: readonly string[]): Promise<OutgoingResponse> {
    if (Array.isArray(payload)) return httpError(400, ErrorCode.InvalidRequest, 'Invalid Request: a POST carries one JSON-RPC request or notification, not a batch')
    if (!('method' in payload)) return httpError(400, ErrorCode.InvalidRequest, 'Invalid Request: a client sends no JSON-RPC responses in this revision')
    const version = req.header('mcp-protocol-version')?.trim()
    if (!isJSONRPCRequest(payload)) {
      // No header rules are defined for notifications (and none is expected over HTTP).
      const info = new PostInfo(undefined, authInfo, req, undefined, this.#options.retryMs, { protocolVersion: version })
      this.#server.dispatch(payload, () => Promise.resolve(), info).catch(this.#options.onerror)
      return { status: 202, headers: {} }
    }
    const malformed = checkMeta(payload)
    if (malformed) return answer(400, payload.id, malformed, numericIds)
    const mismatch = checkStandardHeaders(req, payload)
    if (mismatch) return answer(400, payload.id, mismatch, numericIds)
    const controller = new AbortController()
    const info = new PostInfo(undefined, authInfo, req, undefined, this.#options.retryMs, { protocolVersion: version, signal: controller.signal })
    if (payload.method === 'tools/call') {
      const refused = await this.#checkToolHeaders(req, payload, info)
      if (refused) return answer(400, payload.id, refused, numericIds)
    }
    return this.#serve(req, payload, info, controller, numericIds)
  }

  /** Requests being served now. */
  get size(): number {
    return this.#inflight.size
  }

  /** Ends every request in flight: its handler is cancelled and its stream closed (or a 503 answered). */
  close(): void {
    for (const end of [...this.#inflight]) end()
    this.#inflight.clear()
  }

  #serve(req: IncomingRequest, request: JSONRPCRequest, info: MessageInfo, controller: AbortController, numericIds: readonly string[] | undefined): Promise<OutgoingResponse> {
    return new Promise((resolve) => {
      let settled = false
      let done = false
      let stream: Stream | undefined
      const settle = (out: OutgoingResponse) => {
        if (settled) return
        settled = true
        resolve(out)
      }
      const cancel = (reason: string) => {
        if (!done) controller.abort(reason)
      }
      const open = (): Stream => {
        const s = new Stream('modern', { store: undefined, numericIds, onerror: this.#options.onerror })
        const conn = this.#options.keepAlive.open()
        s.attach(conn)
        s.ondisconnect = () => cancel('the client closed the response stream')
        settle({ status: 200, headers: { ...SSE_HEADERS }, sse: conn })
        return s
      }
      const end = () => {
        cancel('the server is shutting down')
        if (stream) stream.close()
        else settle(httpError(503, ErrorCode.InternalError, 'Service Unavailable: the server is shutting down'))
      }
      this.#inflight.add(end)
      req.onAbort(() => cancel('the client closed the connection'))
      // A JSON body carries the response alone; a subscriptions/listen response is its stream, always.
      const streams = !this.#options.enableJsonResponse || request.method === 'subscriptions/listen'
      // Related notifications only: in this era a server sends no requests on a response stream.
      const reply: Reply = (message) => {
        if (done || !streams) return Promise.resolve()
        ;(stream ??= open()).write(message)
        return Promise.resolve()
      }
      const finish = (response: JSONRPCResponse | undefined) => {
        done = true
        this.#inflight.delete(end)
        if (stream) {
          if (response && !controller.signal.aborted) stream.write(response)
          stream.finish()
        } else if (response) {
          // A result JSON cannot write is answered -32603 here too, not left hanging.
          const [sent, data] = serialize(response, this.#options.onerror, numericIds && new Set(numericIds)) as [JSONRPCResponse, string]
          settle(scopeRefusal(sent, info.authInfo, this.#options.scopeChallenge, undefined, data) ?? jsonBody(statusOf(sent), data))
        } else {
          settle({ status: 202, headers: {} })
        }
      }
      this.#server.dispatch(request, reply, info).then(finish, (error: unknown) => {
        this.#options.onerror(error instanceof Error ? error : new Error(String(error)))
        finish({ jsonrpc: '2.0', id: request.id, error: { code: ErrorCode.InternalError, message: 'Internal error' } })
      })
    })
  }

  /**
   * `Mcp-Param-{Name}` validation needs the tool's `inputSchema`, which only the server knows: it is
   * asked with a `tools/list` of its own (paged, under the request's `_meta` and credentials, so
   * middleware sees what a client would), and the annotations are kept by tool name. The listing
   * is asked again for a tool not known yet, for a request carrying any `Mcp-Param-*` header (so a
   * changed schema is always checked fresh), and before refusing a request the kept annotations
   * would refuse. A cached tool whose calls carry no such header is checked against what was kept:
   * if the tool has gained an annotation since, such a call passes unchecked — it carries no
   * header that could disagree with its body.
   */
  async #checkToolHeaders(req: IncomingRequest, request: JSONRPCRequest, info: MessageInfo): Promise<McpError | undefined> {
    const name = request.params?.name
    if (typeof name !== 'string') return undefined
    const args = request.params?.arguments
    const kept = this.#toolHeaders.get(name)
    if (kept !== undefined && !hasParamHeaders(req)) {
      const refused = checkParamHeaders(req, kept, args)
      if (!refused) return undefined
    }
    const fresh = await this.#listToolHeaders(name, request, info)
    return fresh === undefined ? undefined : checkParamHeaders(req, fresh, args)
  }

  /** Pages through the server's `tools/list` until `name` is found, keeping every tool's annotations seen. */
  async #listToolHeaders(name: string, request: JSONRPCRequest, info: MessageInfo): Promise<HeaderAnnotations | undefined> {
    const meta = metaOf(request)!
    const scope: Record<string, unknown> = { [PROTOCOL_VERSION_META_KEY]: meta[PROTOCOL_VERSION_META_KEY], [CLIENT_CAPABILITIES_META_KEY]: meta[CLIENT_CAPABILITIES_META_KEY] }
    if (meta[CLIENT_INFO_META_KEY] !== undefined) scope[CLIENT_INFO_META_KEY] = meta[CLIENT_INFO_META_KEY]
    const listing: MessageInfo = { authInfo: info.authInfo, request: info.request, protocolVersion: info.protocolVersion }
    let cursor: unknown
    for (let page = 0; page < MAX_TOOL_PAGES; page++) {
      const params: Record<string, unknown> = { _meta: scope }
      if (cursor !== undefined) params.cursor = cursor
      const id = `plugboard/x-mcp-header/${this.#internalIds++}`
      const response = await this.#server.dispatch({ jsonrpc: '2.0', id, method: 'tools/list', params }, () => Promise.resolve(), listing)
      const result = response && 'result' in response ? response.result : undefined
      // No listing to check against (tools not offered, a middleware refused): the call goes on unchecked.
      if (!result || !Array.isArray(result.tools)) return undefined
      for (const tool of result.tools as Array<{ name?: unknown; inputSchema?: unknown }>) {
        if (typeof tool?.name === 'string') this.#toolHeaders.set(tool.name, headerAnnotations(tool.inputSchema))
      }
      if (result.tools.some((t: { name?: unknown }) => t?.name === name)) return this.#toolHeaders.get(name)
      cursor = result.nextCursor
      if (typeof cursor !== 'string') break
    }
    this.#toolHeaders.delete(name)
    return undefined
  }
}

/**
 * A request missing a required `_meta` field is malformed: -32602, and on HTTP a 400 (basic,
 * "Per-request protocol fields"). Checked here, before the server, because the status must be
 * known before a response stream opens; everything else about `_meta` is the era's to judge.
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/index#meta
 */
function checkMeta(request: JSONRPCRequest): McpError | undefined {
  const meta = metaOf(request)
  if (typeof meta?.[PROTOCOL_VERSION_META_KEY] !== 'string') {
    return new McpError(ErrorCode.InvalidParams, `Invalid params: _meta.${PROTOCOL_VERSION_META_KEY} is required (the protocol version, as in the MCP-Protocol-Version header)`)
  }
  if (!isObject(meta[CLIENT_CAPABILITIES_META_KEY])) {
    return new McpError(ErrorCode.InvalidParams, `Invalid params: _meta.${CLIENT_CAPABILITIES_META_KEY} is required (an object; {} declares none)`)
  }
  return undefined
}

function statusOf(response: JSONRPCResponse): number {
  return 'error' in response ? (STATUS.get(response.error.code) ?? 200) : 200
}
