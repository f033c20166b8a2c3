import type { McpError } from '../errors.js'
import type { JSONRPCRequest, RequestId } from '../jsonrpc/messages.js'
import type { LoggingLevel } from '../revisions/index.js'
import type { PeerInfo } from '../session/context.js'
import type { RequestOptions } from '../session/pending.js'
import type { Inbound, Router } from '../session/router.js'
import type { Session } from '../session/session.js'

/** What a client says of itself when it opens a connection. */
export interface ClientHello {
  clientInfo: { name: string; version: string; [key: string]: unknown }
  capabilities: Record<string, unknown>
  /** The revision to ask for; defaults to the era's latest. */
  protocolVersion?: string
  /** Revisions the client accepts in the server's answer. */
  supportedVersions?: readonly string[]
}

/** What a server says of itself. */
export interface ServerHello {
  protocolVersion: string
  serverInfo: { name: string; version: string; [key: string]: unknown }
  capabilities: Record<string, unknown>
  instructions?: string
  /** Modern servers: every revision the server speaks (`server/discover`). */
  supportedVersions?: readonly string[]
}

/**
 * How a server describes itself to its eras. `capabilities` is read per request, so a modern
 * request sees what is registered now; a legacy connection keeps what it was told at `initialize`.
 */
export interface ServerIdentity {
  serverInfo: ServerHello['serverInfo']
  capabilities: () => Record<string, unknown>
  instructions?: string
  /** Every revision this server speaks, of every era it serves. */
  supportedVersions: readonly string[]
  /** Caching hints of `server/discover` (2026-07-28); unset, the era's careful default. */
  discoverCache?: { ttlMs: number; cacheScope: 'public' | 'private' }
}

/** What one inbound request is served under: decided by its era, from the message or the connection. */
export interface RequestScope {
  readonly era: Era
  /** The revision the request speaks (legacy: negotiated; modern: its `_meta`). */
  readonly protocolVersion: string | undefined
  /** Who sent it: `clientInfo`/`serverInfo` and declared capabilities. */
  readonly peer: PeerInfo
  /** What we declared to this peer; a request needing something undeclared answers -32601. */
  readonly localCapabilities: Record<string, unknown>
  /** The lowest level of log notifications to send for this request; `undefined` sends none. */
  readonly logLevel: LoggingLevel | undefined
}

/** How a handler asks the peer for sampling, elicitation or roots: a request (legacy) or an MRTR round (modern). */
export type Asker = (method: string, params: Record<string, unknown>, options?: RequestOptions) => Promise<Record<string, unknown>>

/** What a handler's outcome becomes on the wire: a result, or an error to answer instead. */
export type Finished = { result: Record<string, unknown> } | { error: McpError }

/** One inbound request as its era sees it. */
export interface EraCall {
  readonly request: JSONRPCRequest
  readonly inbound: Inbound
  readonly router: Router
}

/**
 * Everything that differs between the legacy revisions (initialize handshake, sessions) and
 * 2026-07-28 (per-request `_meta`, `input_required`, `subscriptions/listen`) lives behind this
 * interface, so features never ask which revision they serve. A server or client takes the eras
 * it speaks (default: both); each inbound request is given to the first era that `accepts` it.
 */
export interface Era {
  readonly name: 'legacy' | 'modern'
  /** Revisions of this era, newest first. */
  readonly versions: readonly string[]
  /** Whether an inbound request belongs to this era (modern: its `_meta` names a protocol version). */
  accepts(request: JSONRPCRequest): boolean
  /** The request's scope; throws `McpError` to refuse it (lifecycle, unsupported version, malformed `_meta`). */
  scope(call: EraCall): RequestScope | Promise<RequestScope>
  /** How this request's handler reaches the peer for sampling, elicitation and roots. */
  asker(call: EraCall, scope: RequestScope): Asker
  /** Turns a handler's result or thrown error into what goes on the wire. */
  finish(call: EraCall, scope: RequestScope, outcome: { result: Record<string, unknown> } | { thrown: unknown }): Finished | Promise<Finished>
  /** Server side: installs this era's own methods (legacy: `initialize`; modern: `server/discover`). */
  serve(router: Router, identity: ServerIdentity): void
  /** Client side: opens the connection and returns what the server said of itself. */
  open(session: Session, hello: ClientHello, options?: { signal?: AbortSignal; timeout?: number }): Promise<ServerHello>
  /** Client side: what an outbound request's params carry in this era (modern: `_meta` with version and capabilities). */
  stamp(params: Record<string, unknown>, session: Session): Record<string, unknown>
  /**
   * Client side: the final result of an outbound request from its first answer — modern: while it
   * is `input_required`, fulfil the input requests and `resend` with the answers. An era without
   * one (legacy) takes results as they come.
   */
  settle?(
    session: Session,
    request: { method: string; params: Record<string, unknown> },
    result: Record<string, unknown>,
    resend: (params: Record<string, unknown>) => Promise<Record<string, unknown>>,
    signal?: AbortSignal,
  ): Record<string, unknown> | Promise<Record<string, unknown>>
}

/** The id of a request, as eras and features quote it. */
export type { RequestId }
