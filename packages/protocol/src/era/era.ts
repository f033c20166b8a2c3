import type { Session } from '../session/session.js'

/** What a client says of itself when it opens a connection. */
export interface ClientHello {
  clientInfo: { name: string; version: string; [key: string]: unknown }
  capabilities: Record<string, unknown>
  /** The revision to ask for; defaults to the latest supported. */
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
}

/** How a server describes itself to its era; `protocolVersion` is chosen by negotiation. */
export interface ServerIdentity {
  serverInfo: ServerHello['serverInfo']
  capabilities: Record<string, unknown>
  instructions?: string
  supportedVersions?: readonly string[]
  /** Called once the client has sent `notifications/initialized` (legacy) — the session is ready. */
  oninitialized?: () => void
}

/** How a server connection is served, beyond who the server is. */
export interface ServeOptions {
  /**
   * Stateless HTTP: no handshake is bound to this connection (it lives for one HTTP request).
   * Every request is served under `protocolVersion` — the `MCP-Protocol-Version` header's, or
   * 2025-03-26 without one — and `initialize` is answered whenever it comes, never required.
   * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#protocol-version-header
   */
  stateless?: { protocolVersion: string }
}

/**
 * Everything that differs between the legacy revisions (initialize handshake, sessions) and
 * 2026-07-28 (per-request `_meta`, no handshake) lives behind this interface, so features never
 * check a revision themselves.
 */
export interface Era {
  readonly name: 'legacy' | 'modern'
  /** Client side: opens the connection and returns what the server said of itself. */
  open(session: Session, hello: ClientHello, options?: { signal?: AbortSignal; timeout?: number }): Promise<ServerHello>
  /** Server side: installs the lifecycle on a session (legacy: initialize, initialized, the gate). */
  serve(session: Session, identity: ServerIdentity, options?: ServeOptions): void
}
