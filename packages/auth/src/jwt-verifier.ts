import type { AuthInfo } from '@plugboard/protocol'
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose'
import { confirmationOf } from './confirmation.js'

/** Options of {@link jwtVerifier}. */
export interface JwtVerifierOptions {
  /** The authorization server's issuer identifier; the token's `iss` must equal it. */
  issuer: string | URL
  /** This server's resource URI (or several); the token's `aud` must contain one (RFC 8707). */
  audience: string | URL | Array<string | URL>
  /** The issuer's keys: its `jwks_uri` (fetched on demand and cached) or a JWK Set. */
  jwks: URL | JSONWebKeySet
  /** Accepted signing algorithms. Default: the asymmetric JWS algorithms (never `none`, never HMAC). */
  algorithms?: string[]
  /** Leeway for `exp`/`nbf`, in seconds. Default 0. */
  clockToleranceSec?: number
}

const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']

/**
 * Makes a `verifyToken` for JWT access tokens (RFC 9068) with `jose`: checks the signature against
 * the issuer's keys, `iss`, `aud` (the token must have been issued for this server), `exp` (required)
 * and `nbf`, then maps `scope`/`scp` to `scopes`, `client_id`/`azp` to `clientId`, and a DPoP
 * binding `cnf.jkt` to `cnf` (which `bearerAuth` then holds the token's proofs to).
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization#token-audience-binding-and-validation
 * @example
 * const verifyToken = jwtVerifier({ issuer: 'https://auth.example.com', audience: 'https://mcp.example.com/mcp',
 *   jwks: new URL('https://auth.example.com/.well-known/jwks.json') })
 */
export function jwtVerifier(options: JwtVerifierOptions): (token: string) => Promise<AuthInfo> {
  const keys = options.jwks instanceof URL ? createRemoteJWKSet(options.jwks) : createLocalJWKSet(options.jwks)
  const audience = (Array.isArray(options.audience) ? options.audience : [options.audience]).map(String)
  const verifyOptions = {
    issuer: String(options.issuer),
    audience,
    algorithms: options.algorithms ?? ASYMMETRIC,
    clockTolerance: options.clockToleranceSec ?? 0,
    // An access token without an expiry would be valid forever (RFC 9068 §2.2 requires `exp`).
    requiredClaims: ['exp'],
  }
  return async (token) => {
    const { payload } = await jwtVerify(token, keys, verifyOptions)
    return toAuthInfo(token, payload)
  }
}

function toAuthInfo(token: string, payload: JWTPayload): AuthInfo {
  const info: AuthInfo = { token, scopes: scopesOf(payload), extra: { claims: payload } }
  const clientId = payload['client_id'] ?? payload['azp']
  if (typeof clientId === 'string') info.clientId = clientId
  if (typeof payload.exp === 'number') info.expiresAt = payload.exp
  if (typeof payload.sub === 'string') info.extra!['sub'] = payload.sub
  const cnf = confirmationOf(payload['cnf'])
  if (cnf) info.cnf = cnf
  return info
}

/** RFC 9068 `scope` is space-separated; some issuers (Azure AD, Okta) send `scp` as an array or string. */
function scopesOf(payload: JWTPayload): string[] {
  const raw = payload['scope'] ?? payload['scp']
  if (typeof raw === 'string') return raw.split(' ').filter(Boolean)
  if (Array.isArray(raw)) return raw.filter((s): s is string => typeof s === 'string')
  return []
}
