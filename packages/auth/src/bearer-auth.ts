import { ErrorCode, type AuthInfo } from '@plugboard/protocol'

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
}

// RFC 6750 §2.1: the b64token syntax; the scheme name is case-insensitive.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i

/**
 * Makes `createMcpHandler`'s `authenticate` hook for an MCP server acting as an OAuth 2.1 resource
 * server: a request without a Bearer token is answered 401 with `WWW-Authenticate: Bearer
 * resource_metadata="…"`, an invalid or expired token 401 `invalid_token`, a token without
 * `requiredScopes` 403 `insufficient_scope`. The token never appears in a response.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization#error-handling
 * @example
 * createMcpHandler(server, { authenticate: bearerAuth({ verifyToken: jwtVerifier({ … }), resourceMetadataUrl }) })
 */
export function bearerAuth(options: BearerAuthOptions): (request: Request) => Promise<AuthInfo | Response> {
  const metadataUrl = String(options.resourceMetadataUrl)
  const required = options.requiredScopes ?? []
  const scope = required.length > 0 ? required.join(' ') : undefined
  return async (request) => {
    const match = BEARER.exec(request.headers.get('authorization') ?? '')
    // RFC 6750 §3.1: a request with no credentials gets a challenge without an error code.
    if (!match) return challenge(401, { scope }, metadataUrl, 'Unauthorized: a Bearer access token is required')
    let info: AuthInfo | undefined
    try {
      info = await options.verifyToken(match[1]!)
    } catch {
      // The verifier's message stays here: it may describe the token, and the client only needs to re-authorize.
      info = undefined
    }
    if (!info) return challenge(401, { error: 'invalid_token', error_description: 'The access token is invalid', scope }, metadataUrl, 'Unauthorized: invalid access token')
    if (info.expiresAt !== undefined && info.expiresAt * 1000 <= Date.now()) {
      return challenge(401, { error: 'invalid_token', error_description: 'The access token expired', scope }, metadataUrl, 'Unauthorized: the access token expired')
    }
    const granted = new Set(info.scopes ?? [])
    if (required.some((s) => !granted.has(s))) {
      return challenge(403, { error: 'insufficient_scope', error_description: `This request needs the scopes: ${scope}`, scope }, metadataUrl, 'Forbidden: insufficient scope')
    }
    return info
  }
}

function challenge(status: 401 | 403, params: Record<string, string | undefined>, metadataUrl: string, message: string): Response {
  const fields = Object.entries({ ...params, resource_metadata: metadataUrl })
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `${name}="${value.replace(/["\\]/g, '\\$&')}"`)
  return new Response(JSON.stringify({ jsonrpc: '2.0', error: { code: ErrorCode.InvalidRequest, message }, id: null }), {
    status,
    headers: { 'content-type': 'application/json', 'www-authenticate': `Bearer ${fields.join(', ')}` },
  })
}
