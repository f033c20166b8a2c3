import { ErrorCode, type AuthInfo } from '@plugboard/protocol'
import { DPOP_ALGORITHMS, DPoPProofError, dpopVerifier, type DPoPOptions } from './dpop.js'

/**
 * Verifies an access token: returns its `AuthInfo`, or throws / returns `undefined` when it is not
 * valid for this server. {@link jwtVerifier} and {@link introspectionVerifier} make one.
 */
export type VerifyToken = (token: string) => AuthInfo | undefined | Promise<AuthInfo | undefined>

/** Options of {@link bearerAuth}. */
export interface BearerAuthOptions {
  /** Checks the token, including that it was issued for this server (its audience). */
  verifyToken: VerifyToken
  /** Where this server's Protected Resource Metadata is served ({@link protectedResourceMetadataUrl}); sent in every challenge. */
  resourceMetadataUrl: string | URL
  /** Scopes every request needs; a token lacking one is answered 403 `insufficient_scope`. */
  requiredScopes?: string[]
  /**
   * Also accept DPoP-bound tokens (RFC 9449): `Authorization: DPoP <token>` with a `DPoP` proof
   * signed by the key the token's `cnf.jkt` names. `true` for the defaults, or {@link DPoPOptions}
   * (`required` to refuse Bearer tokens, a server `nonce`, `maxAgeSeconds`…). Whatever this says,
   * a token the verifier reports as bound (`cnf.jkt`) is refused as a Bearer token.
   */
  dpop?: boolean | DPoPOptions
}

/**
 * `createMcpHandler`'s `authenticate` hook made by {@link bearerAuth}: verifies a request, and
 * phrases the step-up challenge the handler sends when a tool's `requiredScopes` are missing.
 */
export interface BearerAuth {
  (request: Request): Promise<AuthInfo | Response>
  /**
   * The `WWW-Authenticate` value of a 403 `insufficient_scope` for a request authenticated as
   * `authInfo` that also needs `requiredScopes`. Its `scope` is the union of the token's scopes and
   * those, so a client that re-authorizes with it keeps what it had (the spec's recommended
   * approach); the scheme is the one the token was presented with.
   */
  challenge(requiredScopes: string[], authInfo: AuthInfo): string
}

type Scheme = 'Bearer' | 'DPoP'

interface ChallengeParams {
  error?: string
  error_description?: string
  scope?: string
}

// RFC 6750 §2.1 and RFC 9449 §7.1: the token68 syntax after a case-insensitive scheme name.
const CREDENTIALS = /^(Bearer|DPoP) +([A-Za-z0-9\-._~+/]+=*) *$/i

/**
 * Makes `createMcpHandler`'s `authenticate` hook for an MCP server acting as an OAuth 2.1 resource
 * server: a request without a token is answered 401 with `WWW-Authenticate: Bearer
 * resource_metadata="…"`, an invalid or expired token 401 `invalid_token`, a token without
 * `requiredScopes` 403 `insufficient_scope`. With `dpop`, DPoP-bound tokens are accepted with a
 * valid proof, and a bad proof is answered 401 `DPoP error="invalid_dpop_proof"` (or
 * `use_dpop_nonce` with a `DPoP-Nonce` header). The token never appears in a response.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization#error-handling
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-7.1
 * @example
 * createMcpHandler(server, { authenticate: bearerAuth({ verifyToken: jwtVerifier({ … }), resourceMetadataUrl, dpop: true }) })
 */
export function bearerAuth(options: BearerAuthOptions): BearerAuth {
  const metadataUrl = String(options.resourceMetadataUrl)
  const required = options.requiredScopes ?? []
  const scope = required.length > 0 ? required.join(' ') : undefined
  const dpopOptions = options.dpop === true ? {} : options.dpop || undefined
  const verifyProof = dpopOptions ? dpopVerifier(dpopOptions) : undefined
  const accepted: Scheme[] = !dpopOptions ? ['Bearer'] : dpopOptions.required ? ['DPoP'] : ['Bearer', 'DPoP']
  const algs = (dpopOptions?.algorithms ?? DPOP_ALGORITHMS).join(' ')

  /** One challenge per scheme given, the first carrying `params`' error (RFC 9110 §11.6.1: several in one header). */
  const challengeOf = (schemes: Scheme[], params: ChallengeParams): string =>
    schemes
      .map((scheme, i) => {
        const fields: Record<string, string | undefined> = i === 0 ? { ...params } : { scope: params.scope }
        if (scheme === 'DPoP') fields.algs = algs
        fields.resource_metadata = metadataUrl
        return `${scheme} ${formatParams(fields)}`
      })
      .join(', ')

  /** A 401 naming every accepted scheme, the one the request used (if accepted) first, with the error. */
  const unauthorized = (used: Scheme | undefined, params: ChallengeParams, message: string, headers?: Record<string, string>): Response => {
    const first = used !== undefined && accepted.includes(used) ? used : accepted[0]!
    const schemes = [first, ...accepted.filter((s) => s !== first)]
    return refusal(401, message, { ...headers, 'www-authenticate': challengeOf(schemes, { ...params, scope }) })
  }

  const insufficient = (requiredScopes: string[], info: AuthInfo): string => {
    const granted = info.scopes ?? []
    const missing = requiredScopes.filter((s) => !granted.includes(s))
    const union = [...new Set([...granted, ...requiredScopes])].join(' ')
    // A bound token was necessarily presented with the DPoP scheme (bound-as-Bearer is refused).
    const scheme: Scheme = info.cnf?.jkt !== undefined ? 'DPoP' : 'Bearer'
    return challengeOf([scheme], { error: 'insufficient_scope', error_description: `This request needs the scopes ${missing.join(' ')}`, scope: union })
  }

  const authenticate = async (request: Request): Promise<AuthInfo | Response> => {
    const match = CREDENTIALS.exec(request.headers.get('authorization') ?? '')
    const used: Scheme | undefined = match ? (match[1]!.toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer') : undefined
    // RFC 6750 §3.1: a request with no credentials (of a scheme accepted here) gets challenges without an error code.
    if (!match || used === undefined || (used === 'DPoP' && !verifyProof)) return unauthorized(undefined, {}, 'Unauthorized: an access token is required')
    if (!accepted.includes(used)) {
      return unauthorized('DPoP', { error: 'invalid_token', error_description: 'This server accepts DPoP-bound access tokens only' }, 'Unauthorized: a DPoP-bound access token is required')
    }
    const token = match[2]!
    let info: AuthInfo | undefined
    try {
      info = await options.verifyToken(token)
    } catch {
      // The verifier's message stays here: it may describe the token, and the client only needs to re-authorize.
      info = undefined
    }
    if (!info) return unauthorized(used, { error: 'invalid_token', error_description: 'The access token is invalid' }, 'Unauthorized: invalid access token')
    if (info.expiresAt !== undefined && info.expiresAt * 1000 <= Date.now()) {
      return unauthorized(used, { error: 'invalid_token', error_description: 'The access token expired' }, 'Unauthorized: the access token expired')
    }
    const jkt = info.cnf?.jkt
    if (used === 'Bearer' && jkt !== undefined) {
      // RFC 9449 §7.2: a bound token sent as Bearer may have been stolen; only its key holder can use it.
      const description = verifyProof ? 'The access token is DPoP-bound: send it with the DPoP scheme and a DPoP proof' : 'The access token is DPoP-bound, and this server does not accept DPoP'
      return unauthorized('Bearer', { error: 'invalid_token', error_description: description }, `Unauthorized: ${description}`)
    }
    if (used === 'DPoP') {
      if (jkt === undefined) {
        return unauthorized('DPoP', { error: 'invalid_token', error_description: 'The access token is not DPoP-bound (it has no cnf.jkt)' }, 'Unauthorized: the access token is not DPoP-bound')
      }
      try {
        await verifyProof!(request, token, jkt)
      } catch (error) {
        if (!(error instanceof DPoPProofError)) throw error
        const headers = error.nonce !== undefined ? { 'dpop-nonce': error.nonce } : undefined
        return unauthorized('DPoP', { error: error.error, error_description: error.message }, `Unauthorized: ${error.message}`, headers)
      }
    }
    const granted = new Set(info.scopes ?? [])
    if (required.some((s) => !granted.has(s))) {
      return refusal(403, 'Forbidden: insufficient scope', { 'www-authenticate': insufficient(required, info) })
    }
    return info
  }
  return Object.assign(authenticate, { challenge: insufficient })
}

/** RFC 9110 §11.2 auth-params: every value quoted, `"` and `\` escaped, absent ones left out. */
function formatParams(params: Record<string, string | undefined>): string {
  return Object.entries(params)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `${name}="${value.replace(/["\\]/g, '\\$&')}"`)
    .join(', ')
}

function refusal(status: 401 | 403, message: string, headers: Record<string, string>): Response {
  return new Response(JSON.stringify({ jsonrpc: '2.0', error: { code: ErrorCode.InvalidRequest, message }, id: null }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  })
}
