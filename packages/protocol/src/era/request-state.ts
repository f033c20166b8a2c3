import { ErrorCode, McpError } from '../errors.js'

/**
 * `requestState` of multi round-trip requests: what a server needs to resume a request, carried by
 * the client between rounds. The spec makes it attacker-controlled input that "MUST" be integrity
 * protected when it influences behaviour, and asks for the principal, a short expiry and the
 * originating request to be bound into it. Ours is `base64url(JSON payload) "." base64url(HMAC-SHA256)`:
 * integrity-protected, not encrypted (it holds only what the client itself answered).
 * Web Crypto only, so it runs on every runtime the server does.
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/patterns/mrtr#server-requirements-basic-workflow
 */
export interface RequestStatePayload {
  /** The method the state was issued for. */
  m: string
  /** A digest of the request's salient params (all but `_meta`, `inputResponses`, `requestState`). */
  d: string
  /** The authenticated principal it was issued to, if any. */
  p?: string
  /** Expiry, ms since the epoch. */
  e: number
  /** Answers gathered in earlier rounds, by input request key. */
  a: Record<string, unknown>
}

export interface RequestStateOptions {
  /**
   * HMAC keys: the first signs, all verify (rotate by putting the new key first and dropping the
   * oldest later). Servers behind a load balancer must share them. Default: a random key per
   * process, so state is only good on the process that issued it.
   */
  keys?: readonly (string | Uint8Array)[]
  /** How long a state stays good, in ms. Default 10 minutes. */
  ttlMs?: number
}

const encoder = new TextEncoder()
const DEFAULT_TTL = 10 * 60_000

const toBase64Url = (bytes: Uint8Array): string => {
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}
const fromBase64Url = (text: string): Uint8Array => {
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'))
  return Uint8Array.from(binary, (c) => c.charCodeAt(0))
}

/** JSON with object keys sorted, so that equal values digest equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
    return `{${entries.join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/** SHA-256 of `text`, base64url. */
export async function digest(text: string): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text))))
}

const invalid = (why: string) => new McpError(ErrorCode.InvalidParams, `Invalid requestState: ${why}`)

/** Signs and verifies `requestState` with the server's keys. */
export class RequestStateCodec {
  readonly ttlMs: number
  readonly #keys: Promise<CryptoKey[]>

  constructor(options: RequestStateOptions = {}) {
    this.ttlMs = options.ttlMs ?? DEFAULT_TTL
    const raw = options.keys?.length ? options.keys : [crypto.getRandomValues(new Uint8Array(32))]
    this.#keys = Promise.all(
      raw.map((key) => crypto.subtle.importKey('raw', typeof key === 'string' ? encoder.encode(key) : (key as Uint8Array<ArrayBuffer>), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])),
    )
  }

  async sign(payload: Omit<RequestStatePayload, 'e'>, now = Date.now()): Promise<string> {
    const body = toBase64Url(encoder.encode(JSON.stringify({ ...payload, e: now + this.ttlMs })))
    const [key] = await this.#keys
    return `${body}.${toBase64Url(new Uint8Array(await crypto.subtle.sign('HMAC', key!, encoder.encode(body))))}`
  }

  /** The payload of a state this server issued for this request and principal; McpError(InvalidParams) otherwise. */
  async verify(state: string, expect: { m: string; d: string; p?: string }, now = Date.now()): Promise<RequestStatePayload> {
    const dot = state.indexOf('.')
    if (dot <= 0 || state.length > 1_000_000) throw invalid('malformed')
    const body = state.slice(0, dot)
    let signature: Uint8Array
    try {
      signature = fromBase64Url(state.slice(dot + 1))
    } catch {
      throw invalid('malformed')
    }
    let good = false
    for (const key of await this.#keys) {
      if (await crypto.subtle.verify('HMAC', key, signature as Uint8Array<ArrayBuffer>, encoder.encode(body))) good = true
    }
    if (!good) throw invalid('its signature does not verify (tampered, or issued by another server)')
    let payload: RequestStatePayload
    try {
      payload = JSON.parse(new TextDecoder().decode(fromBase64Url(body))) as RequestStatePayload
    } catch {
      throw invalid('malformed')
    }
    if (payload.e <= now) throw invalid('expired; send the request again without it')
    if (payload.m !== expect.m || payload.d !== expect.d) throw invalid('it was issued for a different request')
    if (payload.p !== expect.p) throw invalid('it was issued to a different principal')
    return payload
  }
}
