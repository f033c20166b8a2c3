import { ErrorCode } from '../errors.js'
import type { JSONRPCErrorResponse, JSONRPCMessage, JSONRPCPayload, RequestId } from './messages.js'

export type ParseOutcome =
  /**
   * `numericIds`: integer ids too big for a JS number (beyond 2^53), which the payload carries as
   * their exact digits in a string. Pass them to {@link serializeMessage} so each is answered as
   * the number it was sent as, not a rounded one.
   */
  | { ok: true; payload: JSONRPCPayload; numericIds?: string[] }
  | { ok: false; error: JSONRPCErrorResponse }

const isId = (v: unknown): v is RequestId =>
  typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

function errorResponse(code: number, message: string, id: RequestId | null = null, data?: unknown): JSONRPCErrorResponse {
  return { jsonrpc: '2.0', id, error: data === undefined ? { code, message } : { code, message, data } }
}

/**
 * Checks that a parsed JSON value is a JSON-RPC 2.0 message (request, notification, result or
 * error response). Returns a reason when it is not. Only the envelope is checked here.
 */
export function checkEnvelope(value: unknown): string | undefined {
  if (!isObject(value)) return 'a JSON-RPC message must be an object'
  if (value.jsonrpc !== '2.0') return '"jsonrpc" must be "2.0"'
  const hasId = 'id' in value
  if ('method' in value) {
    if (typeof value.method !== 'string') return '"method" must be a string'
    if (hasId && !isId(value.id)) return '"id" must be a string or a number'
    if ('params' in value && value.params !== undefined && !isObject(value.params)) return '"params" must be an object'
    return undefined
  }
  if ('result' in value) {
    if (!isId(value.id)) return '"id" must be a string or a number'
    if (!isObject(value.result)) return '"result" must be an object'
    return undefined
  }
  if ('error' in value) {
    // 2025-11-25 lets an error response omit `id` when the request's id could not be read.
    if ('id' in value && value.id !== null && !isId(value.id)) return '"id" must be a string, a number or null'
    const e = value.error
    if (!isObject(e) || typeof e.code !== 'number' || typeof e.message !== 'string') return '"error" must have a numeric "code" and a string "message"'
    return undefined
  }
  return 'not a request, notification or response'
}

/**
 * Parses one JSON text into a JSON-RPC payload (a message or a batch), or into the error response
 * the receiver should send back: -32700 for bad JSON, -32600 for a well-formed value that is not
 * a JSON-RPC message. Transports call this so every transport answers garbage the same way.
 */
export function parseMessage(text: string): ParseOutcome {
  // A UTF-8 byte order mark some writers put first (Windows tools, .NET's default encoder).
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    return { ok: false, error: errorResponse(ErrorCode.ParseError, 'Parse error', null, { reason: (e as Error).message }) }
  }
  const outcome = checkPayload(value)
  if (!outcome.ok) return outcome
  // Only an id JSON.parse rounded costs anything more: a number past 2^53 is read again from the text.
  const { payload } = outcome
  if (!Array.isArray(payload)) {
    const digits = exactId(payload, text)
    return digits === undefined ? outcome : { ...outcome, numericIds: [digits] }
  }
  let numericIds: string[] | undefined
  for (const message of payload) {
    const digits = exactId(message, text)
    if (digits !== undefined) (numericIds ??= []).push(digits)
  }
  return numericIds ? { ...outcome, numericIds } : outcome
}

/** Replaces a message's integer id past 2^53 by its exact digits from `text`; returns them. */
function exactId(message: JSONRPCMessage, text: string): string | undefined {
  const id = (message as { id?: unknown }).id
  if (typeof id !== 'number' || Number.isSafeInteger(id) || !Number.isInteger(id)) return undefined
  const digits = exactDigits(text, id)
  if (digits !== undefined) (message as { id: RequestId }).id = digits
  return digits
}

/**
 * The digits of the `"id"` member that parsed as `id`, if exactly one spelling in the text does.
 * JSON-RPC lets an id be any number; a peer in a language with 64-bit integers may use one past
 * 2^53, and must get it back exactly to match our answer to its request.
 */
function exactDigits(text: string, id: number): string | undefined {
  let found: string | undefined
  for (const match of text.matchAll(/"id"\s*:\s*(-?\d{16,})\s*[,}]/g)) {
    const digits = match[1]!
    if (Number(digits) !== id || digits === found) continue
    if (found !== undefined) return undefined // two spellings round alike: keep the number
    found = digits
  }
  return found
}

/** Like {@link parseMessage}, for a value that is already parsed JSON. */
export function checkPayload(value: unknown): ParseOutcome {
  if (Array.isArray(value)) {
    if (value.length === 0) return { ok: false, error: errorResponse(ErrorCode.InvalidRequest, 'Invalid Request: empty batch') }
    for (const item of value) {
      const why = checkEnvelope(item)
      if (why) return { ok: false, error: errorResponse(ErrorCode.InvalidRequest, `Invalid Request: ${why}`, idOf(item)) }
    }
    return { ok: true, payload: value as JSONRPCMessage[] }
  }
  const why = checkEnvelope(value)
  if (why) return { ok: false, error: errorResponse(ErrorCode.InvalidRequest, `Invalid Request: ${why}`, idOf(value)) }
  return { ok: true, payload: value as JSONRPCMessage }
}

function idOf(value: unknown): RequestId | null {
  return isObject(value) && isId(value.id) ? value.id : null
}

/**
 * Serializes a payload as one line of newline-delimited JSON (stdio framing). A response whose id
 * is in `numericIds` (from {@link parseMessage}) is written with that id as a number, and the id
 * leaves the set: each request is answered once.
 */
export function serializeMessage(payload: JSONRPCPayload, numericIds?: Set<string>): string {
  if (!numericIds?.size) return JSON.stringify(payload) + '\n'
  const one = (m: JSONRPCMessage): string => {
    if ('method' in m || typeof m.id !== 'string' || !numericIds.delete(m.id)) return JSON.stringify(m)
    const { id, ...rest } = m
    const body = JSON.stringify(rest)
    return `{"id":${id}${body === '{}' ? '}' : ',' + body.slice(1)}`
  }
  return (Array.isArray(payload) ? `[${payload.map(one).join(',')}]` : one(payload)) + '\n'
}
