/**
 * JSON-RPC 2.0 message shapes as MCP uses them.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic#messages
 */
export const JSONRPC_VERSION = '2.0' as const

/** A request id: a string or a number, never null, never reused by its sender within a session. */
export type RequestId = string | number
/** A progress token: attached in `_meta.progressToken`, echoed by `notifications/progress`. */
export type ProgressToken = string | number

export interface JSONRPCRequest {
  jsonrpc: typeof JSONRPC_VERSION
  id: RequestId
  method: string
  params?: { _meta?: Record<string, unknown>; [key: string]: unknown }
}

export interface JSONRPCNotification {
  jsonrpc: typeof JSONRPC_VERSION
  method: string
  params?: { _meta?: Record<string, unknown>; [key: string]: unknown }
}

export interface JSONRPCResultResponse {
  jsonrpc: typeof JSONRPC_VERSION
  id: RequestId
  result: { _meta?: Record<string, unknown>; [key: string]: unknown }
}

export interface JSONRPCErrorObject {
  code: number
  message: string
  data?: unknown
}

export interface JSONRPCErrorResponse {
  jsonrpc: typeof JSONRPC_VERSION
  /** `null` only when the request's id could not be read (parse error, invalid request). */
  id: RequestId | null
  error: JSONRPCErrorObject
}

export type JSONRPCResponse = JSONRPCResultResponse | JSONRPCErrorResponse
export type JSONRPCMessage = JSONRPCRequest | JSONRPCNotification | JSONRPCResponse
/** One message, or a JSON-RPC batch (allowed only by revision 2025-03-26). */
export type JSONRPCPayload = JSONRPCMessage | JSONRPCMessage[]

// Guards check the envelope only, cheaply: params and results are validated against
// the method table where they are used.
export const isJSONRPCRequest = (m: JSONRPCMessage): m is JSONRPCRequest =>
  'method' in m && 'id' in m && m.id !== undefined
export const isJSONRPCNotification = (m: JSONRPCMessage): m is JSONRPCNotification =>
  'method' in m && !('id' in m && m.id !== undefined)
export const isJSONRPCResultResponse = (m: JSONRPCMessage): m is JSONRPCResultResponse =>
  'result' in m && !('method' in m)
export const isJSONRPCErrorResponse = (m: JSONRPCMessage): m is JSONRPCErrorResponse =>
  'error' in m && !('method' in m)
export const isJSONRPCResponse = (m: JSONRPCMessage): m is JSONRPCResponse =>
  isJSONRPCResultResponse(m) || isJSONRPCErrorResponse(m)
