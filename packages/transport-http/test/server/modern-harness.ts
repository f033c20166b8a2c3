// Helpers for the modern (2026-07-28) wire: requests with their `_meta` and SEP-2243 headers, and
// responses read and checked against the official 2026-07-28 schema.
import type { JSONRPCMessage, RequestId } from '@plugboard/protocol'
import { validateAgainstSpec } from '@plugboard/protocol/testing'
import { expect } from 'vitest'
import { SseReader, post } from './harness.js'

export const MODERN = '2026-07-28'

/** The per-request `_meta` of a modern client. */
export const modernMeta = (extra: Record<string, unknown> = {}, version = MODERN): Record<string, unknown> => ({
  'io.modelcontextprotocol/protocolVersion': version,
  'io.modelcontextprotocol/clientInfo': { name: 'raw-modern-client', version: '1.0.0' },
  'io.modelcontextprotocol/clientCapabilities': {},
  ...extra,
})

/** A modern request: `params` with `_meta` (pass `_meta` in params to replace it). */
export function modernRequest(id: RequestId, method: string, params: Record<string, unknown> = {}): { jsonrpc: '2.0'; id: RequestId; method: string; params: Record<string, unknown> } {
  return { jsonrpc: '2.0', id, method, params: { _meta: modernMeta(), ...params } }
}

const NAME_OF: Record<string, string> = { 'tools/call': 'name', 'prompts/get': 'name', 'resources/read': 'uri' }

/** The SEP-2243 headers a conforming client sends with `message` (override or drop with `headers`: `undefined` drops). */
export function standardHeaders(message: { method: string; params?: Record<string, unknown> }, headers: Record<string, string | undefined> = {}): Record<string, string> {
  const out: Record<string, string | undefined> = { 'mcp-protocol-version': MODERN, 'mcp-method': message.method }
  const source = NAME_OF[message.method]
  if (source && typeof message.params?.[source] === 'string') out['mcp-name'] = message.params[source] as string
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value
  return Object.fromEntries(Object.entries(out).filter((e): e is [string, string] => e[1] !== undefined))
}

/** POSTs a modern message with the standard headers (adjusted by `headers`). */
export function modernPost(url: string, message: { method: string; params?: Record<string, unknown>; id?: unknown }, headers: Record<string, string | undefined> = {}): Promise<Response> {
  return post(url, message, standardHeaders(message, headers))
}

// What each result and error of the modern wire must satisfy in the official schema.
const RESULT_DEF: Record<string, string> = {
  'tools/call': 'CallToolResult',
  'tools/list': 'ListToolsResult',
  'server/discover': 'DiscoverResult',
  'subscriptions/listen': 'SubscriptionsListenResult',
  'prompts/get': 'GetPromptResult',
  'resources/read': 'ReadResourceResult',
}
// MCP's own errors are whole responses in the schema; JSON-RPC's are error objects.
const ERROR_DEF: Record<number, { def: string; whole: boolean }> = {
  [-32020]: { def: 'HeaderMismatchError', whole: true },
  [-32021]: { def: 'MissingRequiredClientCapabilityError', whole: true },
  [-32022]: { def: 'UnsupportedProtocolVersionError', whole: true },
  [-32601]: { def: 'MethodNotFoundError', whole: false },
  [-32602]: { def: 'InvalidParamsError', whole: false },
  [-32600]: { def: 'InvalidRequestError', whole: false },
}

/** Fails the test unless `message` is valid 2026-07-28 JSON-RPC, its result or error checked against its own definition. */
export function expectSpecValid(message: JSONRPCMessage, method?: string): void {
  expect(validateAgainstSpec(message, MODERN), JSON.stringify(message)).toEqual([])
  if ('result' in message && method && RESULT_DEF[method]) {
    const def = (message.result as { resultType?: string }).resultType === 'input_required' ? 'InputRequiredResult' : RESULT_DEF[method]!
    expect(validateAgainstSpec(message.result, MODERN, def), JSON.stringify(message)).toEqual([])
  }
  const error = 'error' in message ? ERROR_DEF[message.error.code] : undefined
  if (error) expect(validateAgainstSpec(error.whole ? message : (message as { error: unknown }).error, MODERN, error.def), JSON.stringify(message)).toEqual([])
}

/** The messages of a modern response (JSON body or SSE events), each checked against the schema. */
export async function modernResponses(response: Response, method?: string): Promise<JSONRPCMessage[]> {
  let messages: JSONRPCMessage[]
  if (response.headers.get('content-type') === 'application/json') {
    messages = [(await response.json()) as JSONRPCMessage]
  } else {
    const events = await new SseReader(response).rest()
    messages = events.filter((e) => e.data !== '').map((e) => JSON.parse(e.data) as JSONRPCMessage)
  }
  for (const m of messages) expectSpecValid(m, 'method' in m ? undefined : method)
  return messages
}

/** The one message of a JSON answer, checked against the schema. */
export async function modernAnswer(response: Response, method?: string): Promise<JSONRPCMessage & Record<string, unknown>> {
  expect(response.headers.get('content-type')).toBe('application/json')
  const [message] = await modernResponses(response, method)
  return message as JSONRPCMessage & Record<string, unknown>
}
