import type { Asker, Era, EraCall, Finished, RequestScope } from '../era/era.js'
import { ErrorCode, McpError } from '../errors.js'
import type { JSONRPCNotification, JSONRPCRequest, JSONRPCResponse } from '../jsonrpc/messages.js'
import { existsIn, hasCapability, methodEntry, type HandlerParamsOf, type HandlerResultOf, type MethodName, type NotificationMethod, type RequestMethod } from '../methods.js'
import type { MessageInfo, SendOptions } from '../transport.js'
import type { RequestContext } from './context.js'
import { acceptedAsIs } from './fast-paths.js'
import type { Reply, Role, Session } from './session.js'

type AnyParams = Record<string, unknown> & { _meta?: Record<string, unknown> }
type Params<M extends string> = M extends MethodName ? HandlerParamsOf<M> : AnyParams
type Result<M extends string> = M extends RequestMethod ? HandlerResultOf<M> : Record<string, unknown>

export type RequestHandler<M extends string = string> = (params: Params<M>, ctx: RequestContext) => Result<M> | Promise<Result<M>>
export type NotificationHandler<M extends string = string> = (params: Params<M>, info: { messageInfo?: MessageInfo; connection?: Session }) => void | Promise<void>

/** One call passing through middleware: an inbound request being handled or an outbound one being sent. */
export interface MiddlewareCall {
  readonly direction: 'inbound' | 'outbound'
  readonly method: string
  params: AnyParams
  /** Inbound only: the handler's context. */
  readonly ctx?: RequestContext
}
/**
 * Onion middleware over every request: `(call, next) => next()` passes through; return a result to
 * short-circuit. An inbound middleware may hand the rest of the chain and the handler a context of
 * its own, `next(ctx)` — its own signal, or its own way of reaching the peer (an extension that lets
 * a handler outlive its request, such as SEP-2663 tasks). Answering before that `next` settles is
 * allowed: the handler keeps running, with no one to answer.
 */
export type Middleware = (call: MiddlewareCall, next: (ctx?: RequestContext) => Promise<Record<string, unknown>>) => Promise<Record<string, unknown>>

/** Where one inbound request came from and where what it causes goes. */
export interface Inbound {
  /** Where related messages go: progress, log notifications, and (legacy) requests to the peer. */
  readonly reply: Reply
  readonly info?: MessageInfo
  /** The connection it came on; absent for a request served on its own (an HTTP POST of the modern era, stateless HTTP). */
  readonly connection?: Session
  /** Fires when the request is cancelled, if the caller decides that (a request served on its own: its response can no longer be delivered); else the connection's cancellation applies. */
  readonly signal?: AbortSignal
}

// Made on first use, not at import: workerd refuses to start a Worker that creates an AbortController in global scope.
let never: AbortSignal | undefined

export interface RouterOptions {
  role: Role
  /** The eras this side speaks; an inbound request goes to the first that accepts it. */
  eras: readonly Era[]
  /** Capabilities we declare now (a legacy connection keeps those of its handshake). */
  capabilities?: () => Record<string, unknown>
  /** Errors with no caller to reject: handler crashes, notification handler failures. */
  onerror?: (error: Error) => void
}

// Our local codes describe *our* calls failing inside a handler (timeout, closed, cancelled, missing
// capability); on the wire they would mislead the peer, so an era that does not map one answers InternalError.
const LOCAL_CODES = new Set<number>([ErrorCode.ConnectionClosed, ErrorCode.RequestTimeout, ErrorCode.RequestCancelled, ErrorCode.CapabilityNotSupported])

/**
 * What is built once per server or client: the method table bound to handlers and middleware.
 * Connections (`Session`) and connection-less requests (a modern HTTP POST) are both served by
 * `handle()`, each with its own scope, decided per request by its era.
 */
export class Router {
  readonly role: Role
  readonly eras: readonly Era[]
  readonly #options: RouterOptions
  readonly #requestHandlers = new Map<string, RequestHandler>()
  readonly #notificationHandlers = new Map<string, NotificationHandler>()
  // Replaced, never mutated, on use/remove: a chain in progress keeps the array it started with, without a copy per request.
  #middleware: readonly Middleware[] = []
  readonly #claimed = new Map<string, number>()

  constructor(options: RouterOptions) {
    this.role = options.role
    this.eras = options.eras
    this.#options = options
  }

  /** What this side declares now. */
  capabilities(): Record<string, unknown> {
    return this.#options.capabilities?.() ?? {}
  }

  report(error: Error): void {
    this.#options.onerror?.(error)
  }

  setRequestHandler<M extends RequestMethod | (string & {})>(method: M, handler: RequestHandler<M>): () => void {
    this.#requestHandlers.set(method, handler as RequestHandler)
    return () => this.#requestHandlers.get(method) === handler && this.#requestHandlers.delete(method)
  }

  setNotificationHandler<M extends NotificationMethod | (string & {})>(method: M, handler: NotificationHandler<M>): () => void {
    this.#notificationHandlers.set(method, handler as NotificationHandler)
    return () => this.#notificationHandlers.get(method) === handler && this.#notificationHandlers.delete(method)
  }

  /** The handler of `method`, if one is set. */
  getRequestHandler(method: string): RequestHandler | undefined {
    return this.#requestHandlers.get(method)
  }

  /**
   * Lets the handler of `method` serve it in the revisions where the method table has no such
   * method: an extension that reuses a name the core dropped (SEP-2663's `tasks/get` in 2026-07-28,
   * after the 2025-11-25 `tasks/get` it replaces). Where the table has the method, its rules still
   * apply. Returns a remover.
   */
  claim(method: string): () => void {
    this.#claimed.set(method, (this.#claimed.get(method) ?? 0) + 1)
    let claimed = true
    return () => {
      if (!claimed) return
      claimed = false
      const n = (this.#claimed.get(method) ?? 1) - 1
      if (n > 0) this.#claimed.set(method, n)
      else this.#claimed.delete(method)
    }
  }

  /** Whether `method` is an extension's in `version`: claimed, and not in the method table there. */
  claims(method: string, version: string | undefined): boolean {
    if (!this.#claimed.has(method)) return false
    const entry = methodEntry(method)
    return entry !== undefined && !existsIn(entry, version)
  }

  /** Adds middleware around every inbound and outbound request; returns a remover. */
  use(middleware: Middleware): () => void {
    this.#middleware = [...this.#middleware, middleware]
    return () => {
      const i = this.#middleware.indexOf(middleware)
      if (i >= 0) this.#middleware = this.#middleware.filter((_, j) => j !== i)
    }
  }

  /** Runs `last` inside the middleware chain; `last` gets the context a middleware handed on, if one did. */
  run(call: MiddlewareCall, last: (ctx: RequestContext | undefined) => Promise<Record<string, unknown>>): Promise<Record<string, unknown>> {
    const chain = this.#middleware
    if (chain.length === 0) return last(call.ctx)
    const step = (i: number, current: MiddlewareCall): Promise<Record<string, unknown>> =>
      i === chain.length ? last(current.ctx) : chain[i]!(current, (ctx) => step(i + 1, ctx ? { ...current, ctx } : current))
    try {
      return step(0, call)
    } catch (error) {
      // Middleware need not be async: whatever throws on the way in still reaches the caller as a rejection.
      return Promise.reject(error)
    }
  }

  /** The era an inbound request belongs to: the first that accepts it, else the last one (the fallback). */
  eraOf(request: JSONRPCRequest): Era {
    for (const era of this.eras) if (era.accepts(request)) return era
    return this.eras[this.eras.length - 1]!
  }

  /**
   * Answers one inbound request. Resolves with the response to send (never rejects). `given` serves
   * it under a scope decided by the caller (a client answering its own input requests) instead of its era's.
   */
  async handle(request: JSONRPCRequest, inbound: Inbound, given?: RequestScope): Promise<JSONRPCResponse> {
    const { id, method } = request
    const fail = (error: McpError) => errorResponse(id, error)
    const call: EraCall = { request, inbound, router: this }
    let scope: RequestScope
    if (given) {
      scope = given
    } else {
      try {
        // Most scopes are decided synchronously: awaiting a plain value would cost a microtask per request.
        const decided = this.eraOf(request).scope(call)
        if (decided instanceof Promise) {
          scope = await decided
          // Cancelled while its scope was being decided (2026-07-28 verifies a requestState first): no
          // handler runs for it. Its answer would not be sent anyway.
          if (inbound.signal?.aborted || inbound.connection?.cancelledInbound(id)) {
            return fail(new McpError(ErrorCode.RequestCancelled, `Request ${method} was cancelled before its handler ran`))
          }
        } else scope = decided
      } catch (error) {
        return fail(error instanceof McpError ? error : new McpError(ErrorCode.InternalError, 'Internal error'))
      }
    }
    const era = scope.era
    const entry = this.claims(method, scope.protocolVersion) ? undefined : methodEntry(method)
    const handler = this.#requestHandlers.get(method)
    const declared = !entry?.capability || hasCapability(scope.localCapabilities, entry.capability)
    if (!handler || (entry && (entry.kind !== 'request' || (entry.from !== 'either' && entry.from === this.role) || !declared || !existsIn(entry, scope.protocolVersion)))) {
      return fail(new McpError(ErrorCode.MethodNotFound, `Method not found: ${method}`))
    }
    let params = (request.params ?? {}) as AnyParams
    if (entry && !acceptedAsIs(entry.params, params)) {
      const parsed = entry.params.safeParse(params)
      if (!parsed.success) return fail(new McpError(ErrorCode.InvalidParams, `Invalid params for ${method}: ${parsed.error.message}`, { issues: parsed.error.issues }))
      params = parsed.data as AnyParams
    }
    const ctx = this.#context(call, params, scope, era)
    let outcome: { result: Record<string, unknown> } | { thrown: unknown }
    try {
      // Without middleware the handler is called directly: no call object, no wrapper per request.
      // A handler that throws synchronously lands in the catch below all the same.
      const returned = this.#middleware.length === 0 ? handler(params as never, ctx) : this.run({ direction: 'inbound', method, params, ctx }, async (given) => (await handler(params as never, given ?? ctx)) as Record<string, unknown>)
      outcome = { result: ((await returned) ?? {}) as Record<string, unknown> }
    } catch (thrown) {
      outcome = { thrown }
    }
    const settled = era.finish(call, scope, outcome)
    const finished = settled instanceof Promise ? await settled : settled
    if ('result' in finished) return { jsonrpc: '2.0', id, result: finished.result }
    return fail(LOCAL_CODES.has(finished.error.code) ? new McpError(ErrorCode.InternalError, finished.error.message) : finished.error)
  }

  /** What an era does with an error a handler threw, unless it knows better: McpErrors as they are, anything else InternalError. */
  static failed(thrown: unknown, router: Router): Finished {
    if (thrown instanceof McpError) return { error: thrown }
    router.report(thrown instanceof Error ? thrown : new Error(String(thrown)))
    return { error: new McpError(ErrorCode.InternalError, 'Internal error') }
  }

  /** Delivers one inbound notification to its handler; unknown ones are ignored, as the spec asks. */
  async notify(notification: JSONRPCNotification, info: { messageInfo?: MessageInfo; connection?: Session }): Promise<void> {
    const { method } = notification
    const handler = this.#notificationHandlers.get(method)
    if (!handler) return
    let params = (notification.params ?? {}) as AnyParams
    const entry = methodEntry(method)
    if (entry) {
      const parsed = entry.params.safeParse(params)
      if (!parsed.success) return this.report(new McpError(ErrorCode.InvalidParams, `Invalid params for ${method}: ${parsed.error.message}`))
      params = parsed.data as AnyParams
    }
    try {
      await handler(params as never, info)
    } catch (error) {
      this.report(error instanceof Error ? error : new Error(String(error)))
    }
  }

  #context(call: EraCall, params: AnyParams, scope: RequestScope, era: Era): RequestContext {
    const { request, inbound } = call
    // The asker is made on first use: most handlers never ask the peer anything.
    let ask: Asker | undefined
    const id = request.id
    const meta = params._meta
    const progressToken = meta?.progressToken as string | number | undefined
    const related: SendOptions = { relatedRequestId: id, protocolVersion: scope.protocolVersion }
    const notify = (method: string, p: unknown) => inbound.reply({ jsonrpc: '2.0', method, params: p as AnyParams }, related)
    return {
      requestId: id,
      method: request.method,
      get signal() {
        return inbound.signal ?? inbound.connection?.signalOf(id) ?? (never ??= new AbortController().signal)
      },
      meta,
      progressToken,
      protocolVersion: scope.protocolVersion,
      peer: scope.peer,
      scope,
      connection: inbound.connection,
      sessionId: inbound.info?.sessionId,
      authInfo: inbound.info?.authInfo,
      messageInfo: inbound.info,
      sendProgress: async (progress, total, message) => {
        if (progressToken === undefined) return
        const p: Record<string, unknown> = { progressToken, progress }
        if (total !== undefined) p.total = total
        if (message !== undefined) p.message = message
        await notify('notifications/progress', p)
      },
      sendNotification: (method, p) => {
        // Capability and revision checks of what we send, as for any outbound notification.
        assertCanSend(this.role, method, scope.protocolVersion, scope.peer.capabilities, scope.localCapabilities)
        return notify(method, p)
      },
      sendRequest: (method, p, options) => (ask ??= era.asker(call, scope))(method, p as Record<string, unknown>, options) as never,
    }
  }
}

function errorResponse(id: JSONRPCRequest['id'], error: McpError): JSONRPCResponse {
  return { jsonrpc: '2.0', id, error: error.toJSON() }
}

/**
 * Throws McpError(CapabilityNotSupported) if `role` may not send `method` under `version` to a peer
 * that declared `peerCapabilities` (requests), or when we did not declare it (notifications).
 */
export function assertCanSend(role: Role, method: string, version: string | undefined, peerCapabilities: Record<string, unknown> | undefined, localCapabilities: Record<string, unknown>): void {
  const entry = methodEntry(method)
  if (!entry) return // custom/experimental methods are the caller's business
  if (entry.from !== 'either' && entry.from !== role) throw new McpError(ErrorCode.CapabilityNotSupported, `A ${role} cannot send ${method}`)
  if (!existsIn(entry, version)) throw new McpError(ErrorCode.CapabilityNotSupported, `${method} does not exist in protocol revision ${version}`)
  if (!entry.capability) return
  const owner = entry.kind === 'request' ? peerCapabilities : localCapabilities
  if (owner !== undefined && !hasCapability(owner, entry.capability)) {
    const whose = entry.kind === 'request' ? (role === 'client' ? 'Server' : 'Client') : 'We'
    throw new McpError(ErrorCode.CapabilityNotSupported, `${whose} did not declare the ${entry.capability} capability needed for ${method}`, { capability: entry.capability })
  }
}
