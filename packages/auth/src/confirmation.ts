import type { AuthInfo } from '@plugboard/protocol'

/**
 * The confirmation claim (RFC 7800) of a token or an introspection answer, as far as MCP uses it: a
 * DPoP-bound token's `cnf.jkt` (RFC 9449 §6), the thumbprint of the key its proofs must be signed with.
 * A `cnf` of another kind (`x5t#S256`, mTLS) is kept out of `AuthInfo.cnf`, as it binds nothing DPoP checks.
 */
export function confirmationOf(cnf: unknown): AuthInfo['cnf'] {
  if (typeof cnf !== 'object' || cnf === null) return undefined
  const jkt = (cnf as { jkt?: unknown }).jkt
  return typeof jkt === 'string' && jkt.length > 0 ? { jkt } : undefined
}
