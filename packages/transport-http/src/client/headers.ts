import { ErrorCode, MODERN_PROTOCOL_VERSIONS, McpError, PROTOCOL_VERSION_META_KEY, type JSONRPCMessage, type JSONRPCPayload, type SendOptions } from '@plugboard/protocol'
import { MCP_NAME_SOURCE } from '../mcp-name.js'

/**
 * The request metadata headers of the modern Streamable HTTP wire (SEP-2243): the body's method,
 * name and protocol version, and the `x-mcp-header` arguments of a `tools/call`, mirrored into
 * headers for intermediaries to route on.
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http#request-metadata
 */

const MODERN: readonly string[] = MODERN_PROTOCOL_VERSIONS
// Visible ASCII with inner spaces: what goes into a header as it is (no leading or trailing
// whitespace, no control characters, nothing beyond ASCII).
const PLAIN = /^(?:[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?)?$/
const SENTINEL = /^=\?base64\?[\s\S]*\?=$/
// RFC 9110 token (1*tchar): an `x-mcp-header` name.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const encoder = new TextEncoder()

/**
 * A value as a header carries it: strings as they are, integers in decimal, booleans as
 * `true`/`false` — unless it cannot travel as plain ASCII (non-ASCII, control characters, leading
 * or trailing whitespace) or would be read as the sentinel, then `=?base64?{UTF-8 in Base64}?=`.
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http#value-encoding
 */
export function encodeHeaderValue(value: string | number | boolean): string {
  const text = String(value)
  if (PLAIN.test(text) && !SENTINEL.test(text)) return text
  let binary = ''
  for (const byte of encoder.encode(text)) binary += String.fromCharCode(byte)
  return `=?base64?${btoa(binary)}?=`
}

/**
 * The revision a message is sent under on the modern wire: its `_meta` protocol version (whatever
 * it is: the server judges it), else a modern `SendOptions.protocolVersion`; `undefined` for a
 * message of a legacy session.
 */
export function modernVersionOf(message: JSONRPCPayload, options?: SendOptions): string | undefined {
  if (Array.isArray(message)) return undefined
  const meta = 'method' in message ? message.params?._meta : undefined
  const version = typeof meta === 'object' && meta !== null ? (meta as Record<string, unknown>)[PROTOCOL_VERSION_META_KEY] : undefined
  if (typeof version === 'string') return version
  const sent = options?.protocolVersion
  return sent !== undefined && MODERN.includes(sent) ? sent : undefined
}

/**
 * The headers of a modern POST: `MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name` (`params.name` of
 * `tools/call` and `prompts/get`, `params.uri` of `resources/read`) and an `Mcp-Param-{Name}` per
 * entry of `headerParams`. Rejects a header name that is not an HTTP token.
 */
export function modernHeaders(message: JSONRPCMessage, version: string, headerParams?: SendOptions['headerParams']): Record<string, string> {
  const headers: Record<string, string> = { 'mcp-protocol-version': version }
  if (!('method' in message)) return headers
  headers['mcp-method'] = message.method
  const source = MCP_NAME_SOURCE[message.method]
  const name = source === undefined ? undefined : message.params?.[source]
  if (typeof name === 'string') headers['mcp-name'] = encodeHeaderValue(name)
  for (const [param, value] of Object.entries(headerParams ?? {})) {
    if (!TOKEN.test(param)) throw new McpError(ErrorCode.InvalidParams, `Cannot send ${message.method}: x-mcp-header ${JSON.stringify(param)} is not an HTTP header name`)
    headers[`mcp-param-${param.toLowerCase()}`] = encodeHeaderValue(value)
  }
  return headers
}
