import type { RequestId, ProgressToken } from '../jsonrpc/messages.js'
import type { AuthInfo, MessageInfo } from '../transport.js'
import type { NotificationMethod, ParamsOf, RequestMethod, ResultOf } from '../methods.js'
import type { RequestScope } from '../era/era.js'
import type { RequestOptions } from './pending.js'
import type { Session } from './session.js'

/** What the peer told us about itself: negotiated once (legacy) or carried per request (2026-07-28). */
export interface PeerInfo {
  /** `clientInfo` / `serverInfo`. */
  info?: { name: string; version: string; [key: string]: unknown }
  capabilities?: Record<string, unknown>
}

/**
 * What every request handler receives besides its params: the request's identity, an AbortSignal
 * that fires on `notifications/cancelled` or when the connection closes, the revision in force,
 * the peer, auth and session info — passed explicitly, never read from global session state, so
 * that a stateless (2026-07-28) request carries its own.
 */
export interface RequestContext {
  readonly requestId: RequestId
  readonly method: string
  /** Fires when the peer cancels the request or the connection closes. */
  readonly signal: AbortSignal
  /** The request's `_meta`, as sent. */
  readonly meta: Record<string, unknown> | undefined
  readonly progressToken: ProgressToken | undefined
  /** The protocol revision this request is handled under. */
  readonly protocolVersion: string | undefined
  readonly peer: PeerInfo
  /** Everything the request's era decided: revision, peer, what we declared, log level. */
  readonly scope: RequestScope
  /** The connection the request came on; `undefined` for a request served on its own (modern HTTP, stateless HTTP). */
  readonly connection: Session | undefined
  readonly sessionId: string | undefined
  readonly authInfo: AuthInfo | undefined
  readonly messageInfo: MessageInfo | undefined
  /** Sends `notifications/progress` for this request; a no-op when the peer sent no progressToken. */
  sendProgress(progress: number, total?: number, message?: string): Promise<void>
  /** Sends a notification related to this request (routed onto its stream where the transport has one). */
  sendNotification<M extends NotificationMethod>(method: M, params: ParamsOf<M>): Promise<void>
  /**
   * Asks the peer for something related to this request (sampling, elicitation, roots): a request
   * on the connection (legacy) or an `input_required` round trip (modern), as the era decides.
   */
  sendRequest<M extends RequestMethod>(method: M, params: ParamsOf<M>, options?: RequestOptions): Promise<ResultOf<M>>
}
