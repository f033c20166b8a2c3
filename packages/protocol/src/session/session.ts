import type * as z from 'zod'
import { legacyEra } from '../era/legacy.js'
import type { Era } from '../era/era.js'
import { ErrorCode, McpError } from '../errors.js'
import {
  isJSONRPCErrorResponse,
  isJSONRPCNotification,
  isJSONRPCRequest,
  type JSONRPCMessage,
  type JSONRPCNotification,
  type JSONRPCPayload,
  type JSONRPCRequest,
  type RequestId,
} from '../jsonrpc/messages.js'
import { hasCapability, methodEntry, type NotificationMethod, type ParamsOf, type RequestMethod, type ResultOf } from '../methods.js'
import type { LoggingLevel } from '../revisions/index.js'
import type { MessageInfo, SendOptions, Transport } from '../transport.js'
import { InFlight } from './cancellation.js'
import type { PeerInfo } from './context.js'
import { acceptedAsIs } from './fast-paths.js'
import { PendingRequests, type RequestOptions } from './pending.js'
import { assertCanSend, Router, type Inbound, type Middleware, type MiddlewareCall, type NotificationHandler, type RequestHandler } from './router.js'

export type Role = 'client' | 'server'
export type Reply = (message: JSONRPCPayload, options?: SendOptions) => Promise<void>
export type { Middleware, MiddlewareCall, NotificationHandler, RequestHandler }

type AnyParams = Record<string, unknown> & { _meta?: Record<string, unknown> }
/** Options of `Session.request`: a request's own, where its response goes, and the schema its result is held to. */
type SessionRequestOptions = RequestOptions & {
  reply?: Reply
  /**
   * Checks the result against this schema instead of the method table's: for a request whose params
   * ask for another shape of result (2025-11-25's `params.task` on `tools/call` is answered with a
   * `CreateTaskResult`, not a `CallToolResult`).
   */
  resultSchema?: z.ZodType
}
/** Turns a response's result into what the caller gets (validated; settled by the era). */
type Finish = (result: Record<string, unknown>) => Record<string, unknown> | Promise<Record<string, unknown>>

/** What a legacy connection negotiated. Modern (2026-07-28) requests carry their own in `_meta`. */
export interface SessionState {
  protocolVersion?: string
  peer: PeerInfo
  /** What we declared. Inbound requests needing an undeclared capability answer -32601. */
  localCapabilities: Record<string, unknown>
  /** Server side: the lowest level the client asked for with `logging/setLevel` (legacy); `undefined` sends every level. */
  logLevel?: LoggingLevel
  /** Client side: our `clientInfo`, which a modern era stamps on every request. */
  localInfo?: { name: string; version: string; [key: string]: unknown }
}

export interface SessionOptions {
  role: Role
  /** Default timeout of outbound requests in ms (60 000). */
  timeout?: number
  localCapabilities?: Record<string, unknown>
  /** The router shared by every connection of one server or client; by default the session makes its own. */
  router?: Router
  /** The eras of the session's own router (default: legacy). */
  eras?: readonly Era[]
  /** Called with errors that have no caller to reject: handler crashes, transport errors, stray responses. */
  onerror?: (error: Error) => void
  /**
   * Most outbound requests awaiting a response at once (10 000). One more gives up on the oldest:
   * it rejects with `McpError(RequestCancelled)` (`data.maxPendingRequests`) and the peer is sent
   * `notifications/cancelled`.
   */
  maxPendingRequests?: number
  /**
   * Most inbound requests being handled at once on this connection (10 000). One more is answered
   * at once with -32603 (`data.maxInflightRequests`), so a peer cannot pile up handlers without bound.
   */
  maxInflightRequests?: number
}

const DEFAULT_TIMEOUT = 60_000
/** Default {@link SessionOptions.maxPendingRequests}. */
export const DEFAULT_MAX_PENDING_REQUESTS = 10_000
/** Default {@link SessionOptions.maxInflightRequests}. */
export const DEFAULT_MAX_INFLIGHT_REQUESTS = 10_000

/**
 * A connection of either role: correlates requests and responses, checks capabilities of what it
 * sends, cancels, reports progress and times out. Inbound requests are answered by its `Router`
 * (shared by every connection of one server), under the scope their era decides. `McpServer` and
 * `Client` hold sessions; a connection-less request (modern HTTP) goes to the router directly.
 */
export class Session {
  readonly role: Role
  readonly state: SessionState
  readonly router: Router
  /** Client side: the era this connection speaks, chosen when it was opened. */
  era: Era | undefined
  onclose?: () => void
  /** Per-connection data of whoever holds the session (`McpServer` keeps its `ServerSession` here). */
  owner: unknown
  readonly #options: SessionOptions
  readonly #pending: PendingRequests
  readonly #inflight = new InFlight()
  #inbound: Inbound | undefined
  #transport?: Transport
  #nextId = 0
  #closed = false
  /** The last error the transport reported: often why it closed (a stdio server's exit code). */
  #lastTransportError?: Error

  constructor(options: SessionOptions) {
    this.role = options.role
    this.#options = options
    this.#pending = new PendingRequests(options.maxPendingRequests ?? DEFAULT_MAX_PENDING_REQUESTS)
    this.state = { peer: {}, localCapabilities: options.localCapabilities ?? {} }
    if (options.router) {
      this.router = options.router
    } else {
      this.router = new Router({ role: options.role, eras: options.eras ?? [legacyEra], capabilities: () => this.state.localCapabilities, onerror: options.onerror })
      this.router.setRequestHandler('ping', () => ({}))
    }
  }

  get transport(): Transport | undefined {
    return this.#transport
  }

  /** Wires a transport to `dispatch()` and starts it. */
  async connect(transport: Transport): Promise<void> {
    if (this.#transport) throw new Error('Session is already connected; create a new one per connection')
    this.#transport = transport
    this.#closed = false
    this.#lastTransportError = undefined
    transport.onmessage = (message, info) => void this.dispatch(message, undefined, info)
    transport.onclose = () => this.#onTransportClosed()
    transport.onerror = (error) => {
      this.#lastTransportError = error
      this.#report(error)
    }
    await transport.start()
  }

  async close(): Promise<void> {
    await this.#transport?.close()
    this.#onTransportClosed()
  }

  #onTransportClosed(): void {
    if (this.#closed) return
    this.#closed = true
    const cause = this.#lastTransportError
    const error = cause
      ? new McpError(ErrorCode.ConnectionClosed, `Connection closed: ${cause.message}`, { cause: cause.message })
      : new McpError(ErrorCode.ConnectionClosed, 'Connection closed')
    this.#lastTransportError = undefined
    this.#pending.rejectAll(error)
    this.#inflight.cancelAll(error)
    this.#transport = undefined
    this.onclose?.()
  }

  #report(error: Error): void {
    this.#options.onerror?.(error)
  }

  #send: Reply = (message, options) => {
    if (!this.#transport) return Promise.reject(new McpError(ErrorCode.ConnectionClosed, 'Not connected'))
    return this.#transport.send(message, options)
  }

  /** Handles `method` on this session's router (shared with every connection of the same server). */
  setRequestHandler<M extends RequestMethod | (string & {})>(method: M, handler: RequestHandler<M>): () => void {
    return this.router.setRequestHandler(method, handler)
  }

  setNotificationHandler<M extends NotificationMethod | (string & {})>(method: M, handler: NotificationHandler<M>): () => void {
    return this.router.setNotificationHandler(method, handler)
  }

  /** Adds middleware around every inbound and outbound request of the router; returns a remover. */
  use(middleware: Middleware): () => void {
    return this.router.use(middleware)
  }

  /** Throws McpError(CapabilityNotSupported) if we may not send this method to this peer now. */
  assertCanSend(method: string, version = this.state.protocolVersion, peerCapabilities = this.state.peer.capabilities): void {
    assertCanSend(this.role, method, version, peerCapabilities, this.state.localCapabilities)
  }

  /** Sends a request and resolves with its validated result. */
  request<M extends RequestMethod | (string & {})>(method: M, params?: M extends RequestMethod ? ParamsOf<M> : AnyParams, options: SessionRequestOptions = {}): Promise<M extends RequestMethod ? ResultOf<M> : Record<string, unknown>> {
    type R = M extends RequestMethod ? ResultOf<M> : Record<string, unknown>
    try {
      // A server may not ask a client that never opened a legacy session: 2026-07-28 has no
      // server-to-client requests (a handler asks with an input_required round instead).
      if (this.role === 'server' && this.state.protocolVersion === undefined && method !== 'ping') {
        throw new McpError(ErrorCode.CapabilityNotSupported, `Cannot send ${method}: no session was negotiated on this connection (a client without one is asked inside a handler, with ctx.elicit/sample/listRoots)`)
      }
      // A name an extension claimed is its own where the core table has no such method.
      if (!this.router.claims(method, this.state.protocolVersion)) this.assertCanSend(method)
      const required = options.requiredCapability
      if (required && !hasCapability(this.state.peer.capabilities, required)) {
        throw new McpError(ErrorCode.CapabilityNotSupported, `${this.role === 'client' ? 'Server' : 'Client'} did not declare the ${required} capability needed for this ${method}`, { capability: required })
      }
    } catch (e) {
      return Promise.reject(e)
    }
    if (options.signal?.aborted) return Promise.reject(new McpError(ErrorCode.RequestCancelled, `Request ${method} was cancelled before it was sent`, { reason: String(options.signal.reason) }))
    const call: MiddlewareCall = { direction: 'outbound', method, params: { ...(params as AnyParams | undefined) } }
    return this.router.run(call, () => {
      const era = this.era
      // The final result is made in the response's own resolution: no extra promise per request.
      return this.#sendRequest(method, era ? (era.stamp(call.params, this) as AnyParams) : call.params, options, (first) => {
        // An extension's method is not the table's: its results are the extension's to check.
        const schema = options.resultSchema ?? (this.router.claims(method, this.state.protocolVersion) ? undefined : resultSchemaOf(method))
        if (!era?.settle) return schema ? validateResult(method, schema, first) : first
        const check = (result: Record<string, unknown>) => (schema ? validateResult(method, schema, result) : result)
        const resend = (p: AnyParams) => this.#sendRequest(method, era.stamp(p, this) as AnyParams, options)
        const settled = era.settle(this, { method, params: call.params }, first, resend, options.signal)
        return settled instanceof Promise ? settled.then(check) : check(settled)
      })
    }) as Promise<R>
  }

  #sendRequest(method: string, params: AnyParams, options: SessionRequestOptions, finish?: Finish): Promise<Record<string, unknown>> {
    const id = this.#nextId++
    const send = options.reply ?? this.#send
    const sendOptions: SendOptions = { relatedRequestId: options.relatedRequestId, protocolVersion: this.state.protocolVersion }
    if (options.headerParams) sendOptions.headerParams = options.headerParams
    if (options.onprogress) params = { ...params, _meta: { ...params._meta, progressToken: id } }
    const message: JSONRPCRequest = { jsonrpc: '2.0', id, method, params }
    if (Object.keys(params).length === 0) delete message.params
    return new Promise((resolve, reject) => {
      const cancel = (reason: unknown) => {
        // The spec forbids cancelling initialize.
        if (method === 'initialize') return
        void send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: String(reason) } }, sendOptions).catch(() => {})
      }
      const signal = options.signal
      const onAbort = signal
        ? () => {
            cancel(signal.reason ?? 'aborted')
            this.#pending.reject(id, new McpError(ErrorCode.RequestCancelled, `Request ${method} was cancelled`, { reason: String(signal.reason) }))
          }
        : undefined
      if (onAbort) signal!.addEventListener('abort', onAbort, { once: true })
      this.#pending.add(
        {
          id,
          method,
          onprogress: options.onprogress,
          reject,
          resolve: (result) => {
            if (!finish) return resolve(result as Record<string, unknown>)
            try {
              resolve(finish(result as Record<string, unknown>))
            } catch (error) {
              reject(error)
            }
          },
        },
        {
          timeout: options.timeout ?? this.#options.timeout ?? DEFAULT_TIMEOUT,
          maxTotalTimeout: options.maxTotalTimeout,
          resetTimeoutOnProgress: options.resetTimeoutOnProgress,
          onGiveUp: cancel,
          detach: onAbort ? () => signal!.removeEventListener('abort', onAbort) : undefined,
        },
      )
      send(message, sendOptions).catch((error: unknown) => {
        this.#pending.reject(id, error instanceof McpError ? error : new McpError(ErrorCode.ConnectionClosed, `Could not send ${method}: ${(error as Error)?.message ?? error}`))
      })
    })
  }

  /** Sends a notification. */
  async notify<M extends NotificationMethod | (string & {})>(method: M, params?: M extends NotificationMethod ? ParamsOf<M> : AnyParams, options: SendOptions & { reply?: Reply } = {}): Promise<void> {
    this.assertCanSend(method)
    const message: JSONRPCNotification = { jsonrpc: '2.0', method }
    if (params !== undefined) message.params = params as AnyParams
    await (options.reply ?? this.#send)(message, { protocolVersion: this.state.protocolVersion, ...options })
  }

  /**
   * Handles one inbound payload. `reply` is where responses and related messages go (defaults to the
   * connected transport); HTTP passes the POST's own stream.
   */
  async dispatch(payload: JSONRPCPayload, reply: Reply = this.#send, info?: MessageInfo): Promise<void> {
    if (!Array.isArray(payload)) return this.#dispatchOne(payload, reply, info)
    // JSON-RPC batches exist only in revision 2025-03-26.
    if (this.state.protocolVersion !== '2025-03-26') {
      await reply({ jsonrpc: '2.0', id: null, error: { code: ErrorCode.InvalidRequest, message: `Invalid Request: JSON-RPC batches are not supported in protocol revision ${this.state.protocolVersion ?? '(none negotiated)'}` } }).catch((e: Error) => this.#report(e))
      return
    }
    const responses: JSONRPCMessage[] = []
    const collect: Reply = async (message, options) => {
      if (!Array.isArray(message) && !('method' in message)) responses.push(message)
      else await reply(message, options)
    }
    await Promise.all(payload.map((message) => this.#dispatchOne(message, collect, info)))
    if (responses.length > 0) await reply(responses).catch((e: Error) => this.#report(e))
  }

  async #dispatchOne(message: JSONRPCMessage, reply: Reply, info?: MessageInfo): Promise<void> {
    if (isJSONRPCRequest(message)) return this.#onRequest(message, reply, info)
    if (isJSONRPCNotification(message)) return this.#onNotification(message, info)
    if (isJSONRPCErrorResponse(message)) {
      if (message.id == null || !this.#pending.reject(message.id, McpError.fromError(message.error))) {
        this.#report(new McpError(message.error.code, `Error from peer not matching a pending request: ${message.error.message}`, message.error.data))
      }
      return
    }
    // A response to a request we no longer wait for (timed out, cancelled) is dropped on purpose.
    this.#pending.resolve(message.id, message.result)
  }

  async #onRequest(request: JSONRPCRequest, reply: Reply, info?: MessageInfo): Promise<void> {
    const { id } = request
    const answer = (message: JSONRPCMessage) => reply(message, { relatedRequestId: id, protocolVersion: this.state.protocolVersion }).catch((e: Error) => this.#report(e))
    if (this.#inflight.has(id)) {
      return void answer({ jsonrpc: '2.0', id, error: new McpError(ErrorCode.InvalidRequest, `Request id ${JSON.stringify(id)} is already in use by a request in flight`).toJSON() })
    }
    const max = this.#options.maxInflightRequests ?? DEFAULT_MAX_INFLIGHT_REQUESTS
    if (this.#inflight.size >= max) {
      return void answer({ jsonrpc: '2.0', id, error: new McpError(ErrorCode.InternalError, `Too many requests in flight: ${max} from this peer are still unanswered (maxInflightRequests); retry once some are answered`, { maxInflightRequests: max }).toJSON() })
    }
    this.#inflight.begin(id)
    // Most requests come on the connection's own transport with nothing said about them: one shared Inbound.
    const inbound = reply === this.#send && info === undefined ? (this.#inbound ??= { reply, connection: this }) : { reply, info, connection: this }
    const response = await this.router.handle(request, inbound)
    // No response at all for a request the peer cancelled.
    if (!this.#inflight.cancelled(id)) await answer(response)
    this.#inflight.end(id)
  }

  /** The signal of an inbound request in flight: fires when the peer cancels it or the connection closes. */
  signalOf(id: RequestId): AbortSignal {
    return this.#inflight.signal(id)
  }

  /** Whether the peer cancelled an inbound request still in flight (its handler should stop, its answer is not sent). */
  cancelledInbound(id: RequestId): boolean {
    return this.#inflight.cancelled(id)
  }

  /** Resolves once an inbound request has been answered (or dropped, if cancelled). */
  answered(id: RequestId): Promise<void> {
    return this.#inflight.ended(id)
  }

  async #onNotification(notification: JSONRPCNotification, info?: MessageInfo): Promise<void> {
    const { method } = notification
    const params = (notification.params ?? {}) as AnyParams
    if (method === 'notifications/cancelled') {
      const requestId = params.requestId as RequestId | undefined
      if (requestId !== undefined) this.#inflight.cancel(requestId, params.reason ?? 'cancelled by peer')
      return
    }
    if (method === 'notifications/progress') {
      const { progressToken, progress, total, message } = params as { progressToken: RequestId; progress: number; total?: number; message?: string }
      if (typeof progress === 'number') this.#pending.progress(progressToken, { progress, total, message })
      return
    }
    await this.router.notify(notification, { messageInfo: info, connection: this })
  }
}

/** The method table's schema of `method`'s result (none for unknown methods: their results pass as they are). */
function resultSchemaOf(method: string): z.ZodType | undefined {
  const entry = methodEntry(method)
  return entry?.kind === 'request' ? entry.result : undefined
}

/** A result checked against `schema` (results of a type an extension added pass as they are). */
function validateResult(method: string, schema: z.ZodType, result: Record<string, unknown>): Record<string, unknown> {
  if (result.resultType !== undefined || acceptedAsIs(schema, result)) return result
  const parsed = schema.safeParse(result)
  if (parsed.success) return parsed.data as Record<string, unknown>
  throw new McpError(ErrorCode.InternalError, `Invalid result for ${method}: ${parsed.error.message}`, { issues: parsed.error.issues })
}
