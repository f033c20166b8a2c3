import { createHash, randomUUID, type webcrypto } from 'node:crypto'
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose'

// WebCrypto's key types by Node's names: the global `CryptoKey` is the DOM lib's (and only recent
// @types/node's), so a Node project without the DOM lib and with `skipLibCheck: false` could not
// read our .d.ts. The DOM's CryptoKey and CryptoKeyPair are assignable to these.
/** A WebCrypto key (`CryptoKey`). */
export type CryptoKey = webcrypto.CryptoKey
/** A WebCrypto key pair (`CryptoKeyPair`). */
export type CryptoKeyPair = webcrypto.CryptoKeyPair

/** A DPoP key (RFC 9449): the pair proofs are signed with, and its public JWK and thumbprint. */
export interface DPoPKey {
  keyPair: CryptoKeyPair
  alg: 'ES256'
  jwk: JWK
  /** The JWK SHA-256 thumbprint (RFC 7638): what a bound token's `cnf.jkt` names. */
  thumbprint: string
}

/** A new ES256 DPoP key, or the one given (a key kept across restarts keeps its tokens usable). */
export async function dpopKey(keyPair?: CryptoKeyPair): Promise<DPoPKey> {
  const pair = keyPair ?? ((await generateKeyPair('ES256', { extractable: false })) as CryptoKeyPair)
  const { kty, crv, x, y } = await exportJWK(pair.publicKey)
  const jwk: JWK = { kty, crv, x, y }
  return { keyPair: pair, alg: 'ES256', jwk, thumbprint: await calculateJwkThumbprint(jwk, 'sha256') }
}

/** The `htu` of a request: its URL without query and fragment (RFC 9449 §4.2). */
export function htu(url: string): string {
  const u = new URL(url)
  u.search = ''
  u.hash = ''
  return u.href
}

/**
 * A fresh DPoP proof for one resource request: a new `jti`, `htm`/`htu` of the request, `ath` of the
 * access token it accompanies, and the server's nonce when it asked for one (RFC 9449 §4.2, §7.1, §9).
 */
export async function dpopProof(key: DPoPKey, method: string, url: string, accessToken?: string, nonce?: string): Promise<string> {
  const claims: Record<string, string> = { htm: method.toUpperCase(), htu: htu(url) }
  if (accessToken !== undefined) claims.ath = createHash('sha256').update(accessToken, 'ascii').digest('base64url')
  if (nonce !== undefined) claims.nonce = nonce
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, typ: 'dpop+jwt', jwk: key.jwk })
    .setJti(randomUUID())
    .setIssuedAt()
    .sign(key.keyPair.privateKey)
}
