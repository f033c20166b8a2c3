import {
  traceContextOf,
  type AuthInfo,
  type ClientCapabilities,
  type CreateMessageResult,
  type ElicitResult,
  type Implementation,
  type ListRootsResult,
  type LoggingMessageNotificationParams,
  type NotificationMethod,
  type ParamsOf,
  type RequestContext,
  type RequestId,
  type RequestMethod,
  type RequestOptions,
  type ResultOf,
  type TraceContext,
} from '@plugboard/protocol'
import { elicit, type ElicitParams } from './features/elicitation.js'
import { Logger, shouldLog } from './features/logging.js'
import { listRoots } from './features/roots.js'
import { createMessage, type CreateMessageParams } from './features/sampling.js'
import type { ServerSession } from './server-session.js'

/** A request sender bound to one client, plus what that client declared: how features reach it. */
export interface ClientLink {
  readonly clientCapabilities: ClientCapabilities
  sendRequest<M extends RequestMethod>(method: M, params: ParamsOf<M>, options?: RequestOptions): Promise<ResultOf<M>>
}

/**
 * What every tool, resource, prompt and completion handler receives as `ctx`: the request's
 * identity and cancellation signal, the client, and the calls a server makes while handling a
 * request — progress, logging, sampling, elicitation, roots. Requests and notifications sent
 * through it are tied to the request being handled (on Streamable HTTP they travel on its stream).
 */
export interface ServerContext {
  /** Fires when the client cancels the request (`notifications/cancelled`) or the connection closes. */
  readonly signal: AbortSignal
  readonly requestId: RequestId
  /** The transport's session id, when it has one (Streamable HTTP). */
  readonly sessionId: string | undefined
  /**
   * The verified principal: the credentials an HTTP auth layer (`bearerAuth()` of `@plugboard/auth`)
   * accepted for this request — token, `clientId`, `scopes`, `expiresAt`, `cnf`. `undefined` where
   * nothing authenticates the request (stdio, an HTTP endpoint without `authenticate`).
   */
  readonly auth: AuthInfo | undefined
  /** The same object as {@link auth}, under the official SDK's name. */
  readonly authInfo: AuthInfo | undefined
  /** The protocol revision the request is handled under. */
  readonly protocolVersion: string | undefined
  /** The request's `_meta`, as sent. */
  readonly meta: Record<string, unknown> | undefined
  /** The caller's W3C trace context (`traceparent`, `tracestate`, `baggage` in `_meta`), to continue its trace. */
  readonly traceContext: TraceContext | undefined
  /** Who is calling: `clientInfo` and declared capabilities. */
  readonly client: { readonly info: Implementation | undefined; readonly capabilities: ClientCapabilities }
  /** The connection the request came in on; `undefined` for a request served without one (a modern or stateless HTTP POST). */
  readonly session: ServerSession | undefined
  /**
   * `ctx.log.info(data, logger?)`: log messages to the client, on this request's stream, at or above
   * the level it asked for (`logging/setLevel` on a legacy connection, where nothing set sends all;
   * the request's `io.modelcontextprotocol/logLevel` in 2026-07-28, where nothing set sends none).
   */
  readonly log: Logger
  /** Reports progress; a no-op when the client sent no `progressToken`. Never rejects. */
  progress(progress: number, total?: number, message?: string): Promise<void>
  /** Asks the client to sample its LLM (`sampling/createMessage`); needs the client's `sampling` capability. */
  sample(params: CreateMessageParams, options?: RequestOptions): Promise<CreateMessageResult>
  /** Asks the client to collect user input (`elicitation/create`), form or URL mode. */
  elicit(params: ElicitParams, options?: RequestOptions): Promise<ElicitResult>
  /** Asks the client for its roots (`roots/list`); needs the client's `roots` capability. */
  listRoots(options?: RequestOptions): Promise<ListRootsResult>
  sendNotification<M extends NotificationMethod>(method: M, params: ParamsOf<M>): Promise<void>
  /**
   * Streamable HTTP (2025-11-25): closes the connection carrying this request's SSE stream, not
   * the stream — the client reconnects and gets what follows (polling a long call). False where
   * the transport cannot (stdio, JSON responses, an older client).
   */
  closeSSEStream(): boolean
  /** Sends a request to the client, tied to this request and cancelled with it unless `options.signal` says otherwise. */
  sendRequest<M extends RequestMethod>(method: M, params: ParamsOf<M>, options?: RequestOptions): Promise<ResultOf<M>>
}

/** @internal Builds the `ctx` of one request: one small object, its logger made on first use (STYLE §8). */
export function createContext(request: RequestContext, session: ServerSession | undefined): ServerContext {
  return new Context(request, session)
}

class Context implements ServerContext, ClientLink {
  readonly #request: RequestContext
  readonly session: ServerSession | undefined
  #log: Logger | undefined

  constructor(request: RequestContext, session: ServerSession | undefined) {
    this.#request = request
    this.session = session
  }

  get signal(): AbortSignal {
    return this.#request.signal
  }
  get requestId(): RequestId {
    return this.#request.requestId
  }
  get sessionId(): string | undefined {
    return this.#request.sessionId ?? this.session?.sessionId
  }
  get auth(): AuthInfo | undefined {
    return this.#request.authInfo
  }
  get authInfo(): AuthInfo | undefined {
    return this.#request.authInfo
  }
  get protocolVersion(): string | undefined {
    return this.#request.protocolVersion
  }
  get meta(): Record<string, unknown> | undefined {
    return this.#request.meta
  }
  get traceContext(): TraceContext | undefined {
    return traceContextOf(this.#request.meta)
  }
  get client(): ServerContext['client'] {
    return { info: this.#request.peer.info as Implementation | undefined, capabilities: this.clientCapabilities }
  }
  get clientCapabilities(): ClientCapabilities {
    return (this.#request.peer.capabilities ?? {}) as ClientCapabilities
  }

  get log(): Logger {
    return (this.#log ??= new Logger((params) => this.#emitLog(params)))
  }

  #emitLog(params: LoggingMessageNotificationParams): Promise<void> {
    const minimum = this.#request.scope.logLevel
    if (minimum === undefined || !shouldLog(params.level, minimum)) return Promise.resolve()
    return this.#request.sendNotification('notifications/message', params)
  }

  progress(progress: number, total?: number, message?: string): Promise<void> {
    // Handlers report progress without awaiting it; a closed connection must not become an unhandled rejection.
    return this.#request.sendProgress(progress, total, message).catch(() => {})
  }

  sample(params: CreateMessageParams, options?: RequestOptions): Promise<CreateMessageResult> {
    return createMessage(this, params, options)
  }

  elicit(params: ElicitParams, options?: RequestOptions): Promise<ElicitResult> {
    return elicit(this, params, options)
  }

  listRoots(options?: RequestOptions): Promise<ListRootsResult> {
    return listRoots(this, options)
  }

  sendNotification<M extends NotificationMethod>(method: M, params: ParamsOf<M>): Promise<void> {
    return this.#request.sendNotification(method, params)
  }

  closeSSEStream(): boolean {
    return this.#request.messageInfo?.closeSSEStream?.() ?? false
  }

  sendRequest<M extends RequestMethod>(method: M, params: ParamsOf<M>, options?: RequestOptions): Promise<ResultOf<M>> {
    // A request made on behalf of a call is cancelled with it: the client gave up on the answer.
    return this.#request.sendRequest(method, params, options?.signal ? options : { ...options, signal: this.signal })
  }
}
