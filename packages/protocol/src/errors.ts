import type { JSONRPCErrorObject } from './jsonrpc/messages.js'

/**
 * Every error code a Plugboard call can reject with, in one literal-typed object:
 * JSON-RPC's, MCP's, and local failures that never cross the wire.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic#responses
 */
export const ErrorCode = {
  // JSON-RPC 2.0
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  // MCP (on the wire)
  /** Resources: unknown URI (revisions up to 2025-11-25; 2026-07-28 answers -32602). */
  ResourceNotFound: -32002,
  /** 2025-11-25: the server needs a URL-mode elicitation completed first. */
  URLElicitationRequired: -32042,
  /** 2026-07-28: an HTTP header disagrees with the body. */
  HeaderMismatch: -32020,
  /** 2026-07-28: the request needs a client capability it did not declare. */
  MissingRequiredClientCapability: -32021,
  /** 2026-07-28: the server does not speak the requested protocol version. */
  UnsupportedProtocolVersion: -32022,
  // Local failures (never sent by us; a catch sees them on the calling side)
  /** The transport closed before the response arrived. */
  ConnectionClosed: -32000,
  /** No response within the request's timeout. */
  RequestTimeout: -32001,
  /** The caller aborted the request (its AbortSignal fired). */
  RequestCancelled: -32003,
  /** The peer did not declare the capability this call needs. */
  CapabilityNotSupported: -32004,
} as const

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode]

/**
 * The one error class of Plugboard: a JSON-RPC error received from the peer, or a local failure
 * (timeout, closed connection, cancellation, missing capability). A handler may throw it to send
 * that exact error; anything else a handler throws is answered as InternalError without its stack.
 *
 * @example
 * try { await client.callTool({ name: 'add', arguments: {} }) }
 * catch (e) { if (e instanceof McpError && e.code === ErrorCode.RequestTimeout) retry() }
 */
export class McpError extends Error {
  override readonly name = 'McpError'
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message)
  }

  /** Builds an McpError from a JSON-RPC error object received from the peer. */
  static fromError(error: JSONRPCErrorObject): McpError {
    return new McpError(error.code, error.message, error.data)
  }

  /** The JSON-RPC error object to put on the wire. */
  toJSON(): JSONRPCErrorObject {
    return this.data === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, data: this.data }
  }
}

/**
 * Refuses a request whose access token lacks scopes it needs (a tool's `requiredScopes`): an
 * `InvalidRequest` error whose `data.requiredScopes` lists every scope the request needs. Where the
 * HTTP status can still change, `createMcpHandler` answers it as the spec's 403
 * `insufficient_scope` challenge, so the client can step up; elsewhere it is this JSON-RPC error.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization#scope-challenge-handling
 */
export class InsufficientScopeError extends McpError {
  /** Every scope the request needs, granted or not. */
  readonly requiredScopes: string[]

  constructor(requiredScopes: string[], message = `Insufficient scope: this request needs the scopes ${requiredScopes.join(' ')}`) {
    super(ErrorCode.InvalidRequest, message, { requiredScopes })
    this.requiredScopes = requiredScopes
  }

  /** The InsufficientScopeError a JSON-RPC error object carries, or `undefined` when it is another error. */
  static from(error: JSONRPCErrorObject): InsufficientScopeError | undefined {
    if (error.code !== ErrorCode.InvalidRequest) return undefined
    const scopes = (error.data as { requiredScopes?: unknown } | undefined)?.requiredScopes
    if (!Array.isArray(scopes) || scopes.length === 0 || !scopes.every((s): s is string => typeof s === 'string')) return undefined
    return new InsufficientScopeError(scopes, error.message)
  }
}
