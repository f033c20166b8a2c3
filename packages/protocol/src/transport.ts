import type { JSONRPCPayload, RequestId } from './jsonrpc/messages.js'

/** What a transport knows about an inbound message beyond its JSON: who sent it and how. */
export interface MessageInfo {
  /** The verified token's claims, when an auth layer (HTTP) accepted the request. */
  authInfo?: AuthInfo
  /** The transport's session id (Streamable HTTP `Mcp-Session-Id`), when it has one. */
  sessionId?: string
  /** The revision the transport carries (HTTP `MCP-Protocol-Version`), for requests served without a connection. */
  protocolVersion?: string
  /** For a request served without a connection: fires when its response can no longer be delivered (HTTP: the response stream closed), which cancels it. */
  signal?: AbortSignal
  /** The HTTP request the message came in, when there was one. */
  request?: { headers: Record<string, string | string[] | undefined>; url?: string }
  /**
   * Streamable HTTP (2025-11-25 polling): ends the connection carrying this request's SSE stream
   * without ending the stream; the client waits the `retry` delay and resumes with `Last-Event-ID`.
   * Returns false where that is not possible (JSON responses, no event store, an older client).
   * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#sending-messages-to-the-server
   */
  closeSSEStream?: () => boolean
}

/** Verified credentials, as an authentication hook returns them. */
export interface AuthInfo {
  token: string
  clientId?: string
  scopes?: string[]
  expiresAt?: number
  /**
   * The token's confirmation claim (RFC 7800): `jkt` is the SHA-256 thumbprint of the DPoP key the
   * token is bound to (RFC 9449 §6). A bound token is accepted only with a proof signed by that key.
   */
  cnf?: { jkt?: string }
  extra?: Record<string, unknown>
}

/** Per-message hints a transport may use; a need of one transport goes here, never a new member. */
export interface SendOptions {
  /** The inbound request this message belongs to (routes it onto that request's stream). */
  relatedRequestId?: RequestId
  /** The protocol revision in force, for transports whose framing depends on it (HTTP headers). */
  protocolVersion?: string
  /**
   * 2026-07-28 `tools/call`: the argument values the tool's `inputSchema` marks with `x-mcp-header`,
   * by header name. Streamable HTTP mirrors each as an `Mcp-Param-{Name}` header; others ignore them.
   * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http#custom-headers
   */
  headerParams?: Record<string, string | number | boolean>
}

/**
 * Moves JSON-RPC messages between two MCP peers. Implementations: `StdioServerTransport`,
 * `StdioClientTransport`, `InMemoryTransport`, and the HTTP transports.
 */
export interface Transport {
  /** Starts reading. Called once by `connect()`; messages may arrive after it resolves. */
  start(): Promise<void>
  /** Sends a message (or a 2025-03-26 batch). Rejects if the transport is closed. */
  send(message: JSONRPCPayload, options?: SendOptions): Promise<void>
  /** Closes the transport; `onclose` fires once. */
  close(): Promise<void>
  onmessage?: (message: JSONRPCPayload, info?: MessageInfo) => void
  onclose?: () => void
  onerror?: (error: Error) => void
}
