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
import {
  existsIn,
  hasCapability,
  methodEntry,
  type HandlerParamsOf,
  type HandlerResultOf,
  type MethodName,
  type NotificationMethod,
  type ParamsOf,
  type RequestMethod,
  type ResultOf,
} from '../methods.js'
import type { MessageInfo, SendOptions, Transport } from '../transport.js'
import { InFlight } from './cancellation.js'
import type { PeerInfo, RequestContext } from './context.js'
import { PendingRequests, type RequestOptions } from './pending.js'

export type Role = 'client' | 'server'
export type Reply = (message: JSONRPCPayload, options?: SendOptions) => Promise<void>

type AnyParams = Record<string, unknown> & { _meta?: Record<string, unknown> }
type Params<M extends string> = M extends MethodName ? HandlerParamsOf<M> : AnyParams
type Result<M extends string> = M extends RequestMethod ? HandlerResultOf<M> : Record<string, unknown>

export type RequestHandler<M extends string = string> = (params: Params<M>, ctx: RequestContext) => Result<M> | Promise<Result<M>>
export type NotificationHandler<M extends string = string> = (params: Params<M>, info: { messageInfo?: MessageInfo }) => void | Promise<void>

/** One call passing through middleware: an inbound request being handled or an outbound one being sent. */
export interface MiddlewareCall {
  readonly direction: 'inbound' | 'outbound'
  readonly method: string
  params: AnyParams
  /** Inbound only: the handler's context. */
  readonly ctx?: RequestContext
}
/** Onion middleware over every request: `(call, next) => next()` passes through; return a result to short-circuit. */
export type Middleware = (call: MiddlewareCall, next: () => Promise<Record<string, unknown>>) => Promise<Record<string, unknown>>

/** Negotiated state of a connection. Stateless (2026-07-28) requests carry their own instead. */
export interface SessionState {
  protocolVersion?: string
  peer: PeerInfo
  /** What we declared. Inbound requests needing an undeclared capability answer -32601. */
  localCapabilities: Record<string, unknown>
}

export interface SessionOptions {
  role: Role
  /** Default timeout of outbound requests in ms (60 000). */
  timeout?: number
  localCapabilities?: Record<string, unknown>
  /** Called with errors that have no caller to reject: handler crashes, transport errors, stray responses. */
  onerror?: (error: Error) => void
}

const DEFAULT_TIMEOUT = 60_000
const LOCAL_CODES = new Set<number>([ErrorCode.ConnectionClosed, ErrorCode.RequestTimeout, ErrorCode.RequestCancelled, ErrorCode.CapabilityNotSupported])

/**
 * THE engine, for either role: correlates requests and responses, routes inbound messages by the
 * method table, checks capabilities both ways, cancels, reports progress and times out.
 * `McpServer` and `Client` hold one; stateless HTTP calls `dispatch()` per POST.
 */
export class Session {
  readonly role: Role
  readonly state: SessionState
  onclose?: () => void
  /** Rejects an inbound request before its handler runs (set by the era: lifecycle rules). */
  admit?: (method: string) => McpError | undefined
  readonly #options: SessionOptions
  readonly #pending = new PendingRequests()
  readonly #inflight = new InFlight()
  readonly #requestHandlers = new Map<string, RequestHandler>()
  readonly #notificationHandlers = new Map<string, NotificationHandler>()
  readonly #middleware: Middleware[] = []
  #transport?: Transport
  #nextId = 0
  #closed = false
  /** The last error the transport reported: often why it closed (a stdio server's exit code). */
  #lastTransportError?: Error

  constructor(options: SessionOptions) {
    this.role = options.role
    this.#options = options
    this.state = { peer: {}, localCapabilities: options.localCapabilities ?? {} }
    this.setRequestHandler('ping', () => ({}))
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

  setRequestHandler<M extends RequestMethod | (string & {})>(method: M, handler: RequestHandler<M>): () => void {
    this.#requestHandlers.set(method, handler as RequestHandler)
    return () => this.#requestHandlers.get(method) === handler && this.#requestHandlers.delete(method)
  }

  setNotificationHandler<M extends NotificationMethod | (string & {})>(method: M, handler: NotificationHandler<M>): () => void {
    this.#notificationHandlers.set(method, handler as NotificationHandler)
    return () => this.#notificationHandlers.get(method) === handler && this.#notificationHandlers.delete(method)
  }

  /** Adds middleware around every inbound and outbound request; returns a remover. */
  use(middleware: Middleware): () => void {
    this.#middleware.push(middleware)
    return () => {
      const i = this.#middleware.indexOf(middleware)
      if (i >= 0) this.#middleware.splice(i, 1)
    }
  }

  #run(call: MiddlewareCall, last: () => Promise<Record<string, unknown>>): Promise<Record<string, unknown>> {
    if (this.#middleware.length === 0) return last()
    const chain = this.#middleware.slice()
    const step = (i: number): Promise<Record<string, unknown>> => (i === chain.length ? last() : chain[i]!(call, () => step(i + 1)))
    return step(0)
  }

  /** Throws McpError(CapabilityNotSupported) if we may not send this method to this peer now. */
  assertCanSend(method: string, version = this.state.protocolVersion, peerCapabilities = this.state.peer.capabilities): void {
    const entry = methodEntry(method)
    if (!entry) return // custom/experimental methods are the caller's business
    if (entry.from !== 'either' && entry.from !== this.role) {
      throw new McpError(ErrorCode.CapabilityNotSupported, `A ${this.role} cannot send ${method}`)
    }
    if (!existsIn(entry, version)) {
      throw new McpError(ErrorCode.CapabilityNotSupported, `${method} does not exist in protocol revision ${version}`)
    }
    if (!entry.capability) return
    const owner = entry.kind === 'request' ? peerCapabilities : this.state.localCapabilities
    if (owner !== undefined && !hasCapability(owner, entry.capability)) {
      const whose = entry.kind === 'request' ? (this.role === 'client' ? 'Server' : 'Client') : 'We'
      throw new McpError(ErrorCode.CapabilityNotSupported, `${whose} did not declare the ${entry.capability} capability needed for ${method}`)
    }
  }

  /** Sends a request and resolves with its validated result. */
  request<M extends RequestMethod | (string & {})>(method: M, params?: M extends RequestMethod ? ParamsOf<M> : AnyParams, options: RequestOptions & { reply?: Reply } = {}): Promise<M extends RequestMethod ? ResultOf<M> : Record<string, unknown>> {
    type R = M extends RequestMethod ? ResultOf<M> : Record<string, unknown>
    try {
      this.assertCanSend(method)
    } catch (e) {
      return Promise.reject(e)
    }
    if (options.signal?.aborted) return Promise.reject(new McpError(ErrorCode.RequestCancelled, `Request ${method} was cancelled before it was sent`, { reason: String(options.signal.reason) }))
    const call: MiddlewareCall = { direction: 'outbound', method, params: { ...(params as AnyParams | undefined) } }
    return this.#run(call, () => this.#sendRequest(method, call.params, options)) as Promise<R>
  }

  #sendRequest(method: string, params: AnyParams, options: RequestOptions & { reply?: Reply }): Promise<Record<string, unknown>> {
    const id = this.#nextId++
    const send = options.reply ?? this.#send
    const sendOptions: SendOptions = { relatedRequestId: options.relatedRequestId, protocolVersion: this.state.protocolVersion }
    if (options.onprogress) params = { ...params, _meta: { ...params._meta, progressToken: id } }
    const message: JSONRPCRequest = { jsonrpc: '2.0', id, method, params }
    if (Object.keys(params).length === 0) delete message.params
    return new Promise((resolve, reject) => {
      const cancel = (reason: unknown) => {
        // The spec forbids cancelling initialize.
        if (method === 'initialize') return
        void send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: String(reason) } }, sendOptions).catch(() => {})
      }
      const onAbort = () => {
        cancel(options.signal?.reason ?? 'aborted')
        this.#pending.reject(id, new McpError(ErrorCode.RequestCancelled, `Request ${method} was cancelled`, { reason: String(options.signal?.reason) }))
      }
      options.signal?.addEventListener('abort', onAbort, { once: true })
      const entry = methodEntry(method)
      this.#pending.add(
        {
          id,
          method,
          onprogress: options.onprogress,
          reject,
          resolve: (result) => {
            if (entry?.kind !== 'request') return resolve(result as Record<string, unknown>)
            const parsed = entry.result.safeParse(result)
            if (parsed.success) resolve(parsed.data as Record<string, unknown>)
            else reject(new McpError(ErrorCode.InternalError, `Invalid result for ${method}: ${parsed.error.message}`, { issues: parsed.error.issues }))
          },
        },
        {
          timeout: options.timeout ?? this.#options.timeout ?? DEFAULT_TIMEOUT,
          maxTotalTimeout: options.maxTotalTimeout,
          resetTimeoutOnProgress: options.resetTimeoutOnProgress,
          onTimeout: () => cancel('timeout'),
          detach: options.signal ? () => options.signal?.removeEventListener('abort', onAbort) : undefined,
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
    const { id, method } = request
    const answer = (message: JSONRPCMessage) => reply(message, { relatedRequestId: id, protocolVersion: this.state.protocolVersion }).catch((e: Error) => this.#report(e))
    const fail = (error: McpError) => answer({ jsonrpc: '2.0', id, error: error.toJSON() })
    if (this.#inflight.has(id)) return void fail(new McpError(ErrorCode.InvalidRequest, `Request id ${JSON.stringify(id)} is already in use by a request in flight`))
    const entry = methodEntry(method)
    const handler = this.#requestHandlers.get(method)
    const local = this.state.localCapabilities
    const declared = !entry?.capability || hasCapability(local, entry.capability)
    if (!handler || (entry && (entry.kind !== 'request' || (entry.from !== 'either' && entry.from === this.role) || !declared || !existsIn(entry, this.state.protocolVersion)))) {
      return void fail(new McpError(ErrorCode.MethodNotFound, `Method not found: ${method}`))
    }
    const refused = this.admit?.(method)
    if (refused) return void fail(refused)
    let params = (request.params ?? {}) as AnyParams
    if (entry) {
      const parsed = entry.params.safeParse(params)
      if (!parsed.success) return void fail(new McpError(ErrorCode.InvalidParams, `Invalid params for ${method}: ${parsed.error.message}`, { issues: parsed.error.issues }))
      params = parsed.data as AnyParams
    }
    this.#inflight.begin(id)
    const ctx = this.#context(request, params, reply, info)
    try {
      const result = await this.#run({ direction: 'inbound', method, params, ctx }, async () => (await handler(params as never, ctx)) as Record<string, unknown>)
      if (!this.#inflight.end(id)) await answer({ jsonrpc: '2.0', id, result: result ?? {} })
    } catch (error) {
      // No response at all for a request the peer cancelled.
      if (this.#inflight.end(id)) return
      // Our local codes (timeout, closed, cancelled, missing capability) describe *our* calls failing
      // inside the handler; on the wire they would mislead the peer, so they become InternalError.
      if (error instanceof McpError) return void (await fail(LOCAL_CODES.has(error.code) ? new McpError(ErrorCode.InternalError, error.message) : error))
      this.#report(error instanceof Error ? error : new Error(String(error)))
      await fail(new McpError(ErrorCode.InternalError, 'Internal error'))
    }
  }

  #context(request: JSONRPCRequest, params: AnyParams, reply: Reply, info?: MessageInfo): RequestContext {
    const id = request.id
    const inflight = this.#inflight
    const meta = params._meta
    const progressToken = meta?.progressToken as string | number | undefined
    const related: SendOptions & { reply: Reply } = { relatedRequestId: id, reply }
    return {
      requestId: id,
      method: request.method,
      get signal() {
        return inflight.signal(id)
      },
      meta,
      progressToken,
      protocolVersion: this.state.protocolVersion,
      peer: this.state.peer,
      sessionId: info?.sessionId,
      authInfo: info?.authInfo,
      messageInfo: info,
      sendProgress: async (progress, total, message) => {
        if (progressToken === undefined) return
        const p: Record<string, unknown> = { progressToken, progress }
        if (total !== undefined) p.total = total
        if (message !== undefined) p.message = message
        await this.notify('notifications/progress', p as ParamsOf<'notifications/progress'>, related)
      },
      sendNotification: (method, params) => this.notify(method, params as never, related),
      sendRequest: (method, params, options) => this.request(method, params as never, { ...options, relatedRequestId: id, reply }) as never,
    }
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
    const handler = this.#notificationHandlers.get(method)
    if (!handler) return // unknown notifications are ignored, as the spec asks
    const entry = methodEntry(method)
    let checked = params
    if (entry) {
      const parsed = entry.params.safeParse(params)
      if (!parsed.success) return this.#report(new McpError(ErrorCode.InvalidParams, `Invalid params for ${method}: ${parsed.error.message}`))
      checked = parsed.data as AnyParams
    }
    try {
      await handler(checked as never, { messageInfo: info })
    } catch (error) {
      this.#report(error instanceof Error ? error : new Error(String(error)))
    }
  }
}
