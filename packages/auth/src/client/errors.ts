/** Why the OAuth client gave up. */
export type OAuthClientErrorCode =
  /** A metadata document is missing, malformed, or not JSON. */
  | 'invalid_metadata'
  /** The Protected Resource Metadata names another resource than the server being accessed. */
  | 'resource_mismatch'
  /** The authorization server metadata names another issuer than the one it was fetched for. */
  | 'issuer_mismatch'
  /** The authorization server does not offer what the flow needs (PKCE S256, a grant, a way to register). */
  | 'unsupported'
  /** Registration was refused, or the credentials given do not belong to this authorization server. */
  | 'registration_failed'
  /** The authorization response was refused: error, wrong state, wrong or missing `iss`. */
  | 'authorization_failed'
  /** The token endpoint refused the grant. */
  | 'token_failed'
  /** The server still refuses after the scopes it asked for were granted. */
  | 'insufficient_scope'
  /** No way to reach the user (no redirect handler) for a flow that needs one. */
  | 'interaction_required'

/**
 * An OAuth client failure, with a code to branch on and a message fit for a user. It never carries a
 * token, a secret or an authorization code.
 */
export class OAuthClientError extends Error {
  override readonly name = 'OAuthClientError'
  constructor(
    readonly code: OAuthClientErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}
