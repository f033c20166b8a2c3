import { InsufficientScopeError, isJSONRPCErrorResponse, type AuthInfo, type JSONRPCPayload } from '@plugboard/protocol'
import { jsonBody, type OutgoingResponse } from './http.js'

/**
 * Phrases the `WWW-Authenticate` value of a 403 `insufficient_scope` answer for a request
 * authenticated as `authInfo` that also needs `requiredScopes` (a tool's). `bearerAuth()` of
 * `@plugboard/auth` has one as its `challenge` method.
 */
export type ScopeChallenge = (requiredScopes: string[], authInfo: AuthInfo) => string

/**
 * Step-up over HTTP: a single response refused with {@link InsufficientScopeError} becomes a 403
 * with the authenticate hook's challenge, so the client can ask for the scopes and send the request
 * again. The body stays the JSON-RPC error, for a client that does not step up. Only where the
 * status is still free (a JSON body, not an SSE stream already answered 200), for a request that
 * carried credentials, and when the hook can phrase the challenge; otherwise `undefined`. `body`:
 * the response's JSON when the caller has it already (its ids as the client sent them).
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization#runtime-insufficient-scope-errors
 */
export function scopeRefusal(
  response: JSONRPCPayload,
  authInfo: AuthInfo | undefined,
  challenge: ScopeChallenge | undefined,
  headers?: Record<string, string>,
  body?: string,
): OutgoingResponse | undefined {
  if (!authInfo || !challenge || Array.isArray(response) || !isJSONRPCErrorResponse(response)) return undefined
  const refused = InsufficientScopeError.from(response.error)
  if (!refused) return undefined
  return jsonBody(403, body ?? JSON.stringify(response), { ...headers, 'www-authenticate': challenge(refused.requiredScopes, authInfo) })
}
