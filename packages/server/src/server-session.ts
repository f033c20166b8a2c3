import type {
  ClientCapabilities,
  CreateMessageResult,
  ElicitResult,
  Implementation,
  ListRootsResult,
  LoggingLevel,
  LoggingMessageNotificationParams,
  NotificationMethod,
  ParamsOf,
  RequestMethod,
  RequestOptions,
  ResultOf,
  Session,
} from '@plugboard/protocol'
import type { ClientLink } from './context.js'
import { elicit, type ElicitParams } from './features/elicitation.js'
import { shouldLog } from './features/logging.js'
import { listRoots } from './features/roots.js'
import { createMessage, type CreateMessageParams } from './features/sampling.js'

/**
 * One client connection of an `McpServer`, as `connect()` returns it: who the client is, what it
 * negotiated, and the calls a server may make of it outside any request. Holds only per-connection
 * state (ids, negotiated revision, log level, subscriptions); tools and schemas live in the server.
 */
export class ServerSession implements ClientLink {
  /** The protocol session underneath, for what this class does not wrap. */
  readonly session: Session
  /** The transport's session id (Streamable HTTP `Mcp-Session-Id`), when it has one. */
  sessionId: string | undefined
  #subscriptions: Set<string> | undefined

  /** @internal `McpServer.connect()` creates sessions. */
  constructor(session: Session, sessionId?: string) {
    this.session = session
    this.sessionId = sessionId
  }

  /** The minimum level the client asked for with `logging/setLevel`; `undefined` sends every level. */
  get logLevel(): LoggingLevel | undefined {
    return this.session.state.logLevel
  }
  set logLevel(level: LoggingLevel | undefined) {
    this.session.state.logLevel = level
  }

  /** The client's `clientInfo`, once it has sent `initialize`. */
  get clientInfo(): Implementation | undefined {
    return this.session.state.peer.info as Implementation | undefined
  }

  /** The capabilities the client declared in `initialize` (`{}` before). */
  get clientCapabilities(): ClientCapabilities {
    return (this.session.state.peer.capabilities ?? {}) as ClientCapabilities
  }

  /** The negotiated protocol revision, once `initialize` has been answered. */
  get protocolVersion(): string | undefined {
    return this.session.state.protocolVersion
  }

  /** URIs this client subscribed to with `resources/subscribe`. */
  get subscriptions(): ReadonlySet<string> {
    return (this.#subscriptions ??= new Set())
  }

  /** @internal Records a `resources/subscribe`. */
  subscribe(uri: string): void {
    ;(this.#subscriptions ??= new Set()).add(uri)
  }

  /** @internal Records a `resources/unsubscribe`. */
  unsubscribe(uri: string): void {
    this.#subscriptions?.delete(uri)
  }

  /** Sends a request to the client; rejects with `McpError(CapabilityNotSupported)` if it did not declare what the method needs. */
  sendRequest<M extends RequestMethod>(method: M, params: ParamsOf<M>, options?: RequestOptions): Promise<ResultOf<M>> {
    return this.session.request(method, params as never, options) as Promise<ResultOf<M>>
  }

  /** Sends a notification to the client. */
  notify<M extends NotificationMethod>(method: M, params: ParamsOf<M>): Promise<void> {
    return this.session.notify(method, params as never)
  }

  /** Asks the client to sample its LLM (`sampling/createMessage`). Inside a handler prefer `ctx.sample()`, which ties the request to the call. */
  createMessage(params: CreateMessageParams, options?: RequestOptions): Promise<CreateMessageResult> {
    return createMessage(this, params, options)
  }

  /** Asks the client to collect input from its user (`elicitation/create`). Inside a handler prefer `ctx.elicit()`. */
  elicitInput(params: ElicitParams, options?: RequestOptions): Promise<ElicitResult> {
    return elicit(this, params, options)
  }

  /** Asks the client for its roots (`roots/list`). */
  listRoots(options?: RequestOptions): Promise<ListRootsResult> {
    return listRoots(this, options)
  }

  /** Sends `notifications/message` unless it is below the level the client set. */
  async sendLoggingMessage(params: LoggingMessageNotificationParams): Promise<void> {
    if (shouldLog(params.level, this.logLevel)) await this.session.notify('notifications/message', params)
  }

  /** Tells the client a URL-mode elicitation finished (`notifications/elicitation/complete`, 2025-11-25). */
  sendElicitationComplete(elicitationId: string): Promise<void> {
    return this.session.notify('notifications/elicitation/complete', { elicitationId })
  }

  /** Closes this connection only; the server goes on serving others. */
  close(): Promise<void> {
    return this.session.close()
  }
}
