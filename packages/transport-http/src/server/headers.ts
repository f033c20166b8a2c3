import { ErrorCode, McpError, PROTOCOL_VERSION_META_KEY, type JSONRPCRequest } from '@plugboard/protocol'
import type { IncomingRequest } from './http.js'
import { MCP_NAME_SOURCE } from '../mcp-name.js'

/**
 * Server validation of the request metadata headers of the modern Streamable HTTP wire (SEP-2243):
 * `MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name` and the `Mcp-Param-{Name}` headers mirrored
 * from `x-mcp-header` tool arguments must match the body, so that a load balancer routing on a
 * header and the server acting on the body never disagree. Every failure is `HeaderMismatch`
 * (-32020), answered with HTTP 400.
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http#server-validation
 */

const SENTINEL = /^=\?base64\?([\s\S]*)\?=$/
// Strict Base64: the standard alphabet, padded to a multiple of 4 (the conformance suite rejects
// `=?base64?SGVsbG8?=`, which lacks its padding).
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/
// RFC 9110 field values: visible ASCII, space and horizontal tab.
const FIELD_VALUE = /^[\t\x20-\x7e]*$/
// RFC 9110 token (1*tchar): what an `x-mcp-header` name must be.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const utf8 = new TextDecoder('utf-8', { fatal: true })

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** A `HeaderMismatch` error, worded as the spec's example is. */
export const headerMismatch = (message: string): McpError => new McpError(ErrorCode.HeaderMismatch, `Header mismatch: ${message}`)

/**
 * A header's value as the client meant it: surrounding whitespace dropped (RFC 9110 §5.5) and a
 * `=?base64?…?=` value decoded from Base64 UTF-8. `undefined` when the header is absent; a
 * `HeaderMismatch` error when it holds characters a field value may not, or broken Base64.
 * A value that only starts or only ends like the sentinel is taken literally.
 */
export function headerValue(req: IncomingRequest, name: string, encoded = true): string | undefined | McpError {
  const raw = req.header(name.toLowerCase())
  if (raw === undefined) return undefined
  const value = raw.replace(/^[\t ]+|[\t ]+$/g, '')
  if (!FIELD_VALUE.test(value)) return headerMismatch(`${name} header value contains invalid characters`)
  const sentinel = encoded ? SENTINEL.exec(value) : null
  if (!sentinel) return value
  const base64 = sentinel[1]!
  if (!BASE64.test(base64)) return headerMismatch(`${name} header value is not valid Base64`)
  try {
    return utf8.decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)))
  } catch {
    return headerMismatch(`${name} header value is not Base64 of UTF-8 text`)
  }
}


/**
 * Checks the standard headers of a modern request against its body: `MCP-Protocol-Version`
 * against `_meta`'s protocol version, `Mcp-Method` against `method`, and — for `tools/call`,
 * `prompts/get`, `resources/read` and `tasks/get|update|cancel` — `Mcp-Name` against
 * `params.name`/`params.uri`/`params.taskId`. Values are
 * compared case-sensitively; header names are not (the adapters lower-case them).
 */
export function checkStandardHeaders(req: IncomingRequest, request: JSONRPCRequest): McpError | undefined {
  const version = headerValue(req, 'MCP-Protocol-Version', false)
  if (version instanceof McpError) return version
  if (version === undefined) return headerMismatch('the MCP-Protocol-Version header is required')
  const metaVersion = (request.params?._meta as Record<string, unknown> | undefined)?.[PROTOCOL_VERSION_META_KEY]
  if (version !== metaVersion) return headerMismatch(`MCP-Protocol-Version header value '${version}' does not match _meta value '${String(metaVersion)}'`)
  const method = headerValue(req, 'Mcp-Method', false)
  if (method instanceof McpError) return method
  if (method === undefined) return headerMismatch('the Mcp-Method header is required')
  if (method !== request.method) return headerMismatch(`Mcp-Method header value '${method}' does not match body value '${request.method}'`)
  const source = MCP_NAME_SOURCE[request.method]
  if (source === undefined) return undefined
  const name = headerValue(req, 'Mcp-Name')
  if (name instanceof McpError) return name
  const body = request.params?.[source]
  // A body without the field is malformed: the server's params check answers it (-32602).
  if (typeof body !== 'string') return name === undefined ? undefined : headerMismatch(`Mcp-Name header is sent but params.${source} is missing`)
  if (name === undefined) return headerMismatch(`the Mcp-Name header is required for ${request.method}`)
  if (name !== body) return headerMismatch(`Mcp-Name header value '${name}' does not match body value '${body}'`)
  return undefined
}

/** The `x-mcp-header` annotations of one tool: each header name and the `properties` path of its argument. */
export type HeaderAnnotations = ReadonlyArray<{ readonly name: string; readonly path: readonly string[] }>

/**
 * The `x-mcp-header` annotations of a tool's `inputSchema`, found where the spec lets them stand:
 * on properties reachable from the root through `properties` keys alone. Annotations whose value
 * is not an HTTP token are skipped (a conforming client excludes such a tool anyway).
 */
export function headerAnnotations(inputSchema: unknown): HeaderAnnotations {
  const found: Array<{ name: string; path: string[] }> = []
  const walk = (schema: Record<string, unknown>, path: string[]): void => {
    const name = schema['x-mcp-header']
    if (path.length > 0 && typeof name === 'string' && TOKEN.test(name)) found.push({ name, path })
    if (!isObject(schema.properties)) return
    for (const [key, property] of Object.entries(schema.properties)) if (isObject(property)) walk(property, [...path, key])
  }
  if (isObject(inputSchema)) walk(inputSchema, [])
  return found
}

/** Whether the request carries any `Mcp-Param-*` header. */
export function hasParamHeaders(req: IncomingRequest): boolean {
  for (const name of Object.keys(req.headers)) if (name.toLowerCase().startsWith('mcp-param-')) return true
  return false
}

/**
 * Checks the `Mcp-Param-{Name}` headers of a `tools/call` against its arguments: an argument
 * present and not null needs its header, equal to it (strings as they are, numbers compared
 * numerically so `42.0` matches `42`, booleans as `true`/`false`); a header for an argument that
 * is absent or null does not match the body either. Headers no annotation names are ignored.
 */
export function checkParamHeaders(req: IncomingRequest, annotations: HeaderAnnotations, args: unknown): McpError | undefined {
  for (const { name, path } of annotations) {
    let value: unknown = args
    for (const key of path) value = isObject(value) ? value[key] : undefined
    const header = `Mcp-Param-${name}`
    const sent = headerValue(req, header)
    if (sent instanceof McpError) return sent
    if (value === undefined || value === null) {
      if (sent !== undefined) return headerMismatch(`${header} header is sent but arguments.${path.join('.')} is absent`)
      continue
    }
    if (sent === undefined) return headerMismatch(`the ${header} header is required: arguments.${path.join('.')} is present`)
    if (!matches(sent, value)) return headerMismatch(`${header} header value '${sent}' does not match body value ${JSON.stringify(value)}`)
  }
  return undefined
}

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/

function matches(header: string, value: unknown): boolean {
  if (typeof value === 'string') return header === value
  if (typeof value === 'number') return NUMBER.test(header) && Number(header) === value
  if (typeof value === 'boolean') return header === String(value)
  return false
}
