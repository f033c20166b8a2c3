import type { AuthInfo } from '@plugboard/protocol'
import { confirmationOf } from './confirmation.js'

/** Options of {@link introspectionVerifier}. */
export interface IntrospectionVerifierOptions {
  /** The authorization server's RFC 7662 introspection endpoint. */
  endpoint: string | URL
  /** This server's client credentials at the authorization server, sent as HTTP Basic (`client_secret_basic`). */
  clientId: string
  clientSecret: string
  /** This server's resource URI (or several); when given, the answer's `aud` must contain one. */
  audience?: string | URL | Array<string | URL>
  /** Gives up on the endpoint after this long. Default 10 000. */
  timeoutMs?: number
}

interface IntrospectionResponse {
  active?: unknown
  scope?: unknown
  client_id?: unknown
  exp?: unknown
  aud?: unknown
  sub?: unknown
  [field: string]: unknown
}

/**
 * Makes a `verifyToken` for opaque tokens: asks the authorization server's introspection endpoint
 * (RFC 7662) and accepts only an `active` token, issued for `audience` when that is given. An endpoint
 * that fails or answers anything but a JSON object makes the token invalid. A DPoP binding
 * (`cnf.jkt`) in the answer becomes `AuthInfo.cnf`.
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2
 */
export function introspectionVerifier(options: IntrospectionVerifierOptions): (token: string) => Promise<AuthInfo> {
  const endpoint = String(options.endpoint)
  // RFC 6749 §2.3.1: client_secret_basic form-encodes id and secret before base64.
  const basic = Buffer.from(`${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`).toString('base64')
  const audience = options.audience === undefined ? undefined : (Array.isArray(options.audience) ? options.audience : [options.audience]).map(String)
  return async (token) => {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ token, token_type_hint: 'access_token' }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    })
    if (!response.ok) throw new Error(`introspection endpoint answered HTTP ${response.status}`)
    const body = (await response.json()) as IntrospectionResponse
    if (typeof body !== 'object' || body === null || body.active !== true) throw new Error('the token is not active')
    if (audience) {
      const aud = typeof body.aud === 'string' ? [body.aud] : Array.isArray(body.aud) ? body.aud : []
      if (!aud.some((a) => audience.includes(a as string))) throw new Error('the token was not issued for this resource')
    }
    const info: AuthInfo = { token, scopes: typeof body.scope === 'string' ? body.scope.split(' ').filter(Boolean) : [], extra: { introspection: body } }
    if (typeof body.client_id === 'string') info.clientId = body.client_id
    if (typeof body.exp === 'number') info.expiresAt = body.exp
    if (typeof body.sub === 'string') info.extra!['sub'] = body.sub
    // RFC 9449 §6.2: a DPoP-bound token's introspection answer carries its key's thumbprint.
    const cnf = confirmationOf(body.cnf)
    if (cnf) info.cnf = cnf
    return info
  }
}
