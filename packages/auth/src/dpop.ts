import { createHash } from 'node:crypto'
import { EmbeddedJWK, calculateJwkThumbprint, decodeProtectedHeader, errors, jwtVerify, type JWK, type JWTPayload } from 'jose'

/** Options of DPoP proof checking: {@link dpopVerifier}, and `bearerAuth({ dpop })`. */
export interface DPoPOptions {
  /** Accept DPoP-bound tokens only: a Bearer token is refused. Default false (both schemes). */
  required?: boolean
  /**
   * The server's current DPoP nonce (RFC 9449 §9), read for every request: a proof must carry it,
   * else the answer is 401 `use_dpop_nonce` with the nonce in a `DPoP-Nonce` header. Rotate it
   * to bound how long a proof is usable. Default: no nonce.
   */
  nonce?: () => string
  /** How old a proof's `iat` may be, in seconds; its `jti` is remembered this long. Default 300. */
  maxAgeSeconds?: number
  /** Proof signature algorithms accepted (asymmetric only). Default: ES256, ES384, ES512, EdDSA, Ed25519, PS256…512, RS256…512. */
  algorithms?: string[]
  /**
   * Most proofs remembered against replay. A full cache refuses new proofs until old ones age out,
   * rather than forget one that could still be replayed. Default 50 000.
   */
  replayCacheSize?: number
  /**
   * The URL the client addressed, when a proxy in front rewrites it (TLS ended at a load balancer):
   * the proof's `htu` is compared with it. Default: the request's URL.
   */
  requestUrl?: (request: Request) => string | URL
}

/** Why a proof was refused: `error` is the `WWW-Authenticate` error code, `message` its description. */
export class DPoPProofError extends Error {
  override readonly name = 'DPoPProofError'
  constructor(
    /** `invalid_dpop_proof`, or `use_dpop_nonce` when only the server's nonce is missing or stale. */
    readonly error: 'invalid_dpop_proof' | 'use_dpop_nonce',
    message: string,
    /** With `use_dpop_nonce`: the nonce to send in `DPoP-Nonce`. */
    readonly nonce?: string,
  ) {
    super(message)
  }
}

/** Checks the DPoP proof of one request carrying `accessToken`, bound to the key whose thumbprint is `jkt`; throws {@link DPoPProofError}. */
export type DPoPVerifier = (request: Request, accessToken: string, jkt: string) => Promise<void>

/** The asymmetric JWS algorithms, ES256 first: what `algs` advertises by default. */
export const DPOP_ALGORITHMS: readonly string[] = ['ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512']

const DEFAULT_MAX_AGE = 300
const DEFAULT_CACHE_SIZE = 50_000
// How far in the future `iat` may be: clocks of client and server disagree a little.
const CLOCK_SKEW = 60
const MAX_JTI_LENGTH = 256
// RFC 7517/7518 private (and symmetric) members: a proof's jwk must be the public key alone.
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const

/**
 * Makes the resource server's DPoP proof check (RFC 9449 §4.3, §7.1): exactly one `DPoP` header
 * holding a JWT with `typ` `dpop+jwt`, an accepted asymmetric `alg`, a public `jwk` that verifies
 * its signature and whose thumbprint is the token's `cnf.jkt`; `htm` and `htu` naming this request;
 * `iat` within `maxAgeSeconds`; `ath` the hash of the access token; the server's nonce when one is
 * set; and a `jti` not seen before (remembered in a bounded in-memory cache, per key). Errors never
 * quote the token or the proof.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.3
 */
export function dpopVerifier(options: DPoPOptions = {}): DPoPVerifier {
  const algorithms = [...(options.algorithms ?? DPOP_ALGORITHMS)]
  for (const alg of algorithms) {
    if (alg === 'none' || alg.startsWith('HS')) throw new Error(`dpopVerifier: ${alg} is not an asymmetric algorithm; DPoP proofs are signed with a private key`)
  }
  const maxAge = options.maxAgeSeconds ?? DEFAULT_MAX_AGE
  const seen = new ReplayCache(options.replayCacheSize ?? DEFAULT_CACHE_SIZE)

  return async (request, accessToken, jkt) => {
    const proof = onlyProof(request.headers.get('dpop'))
    const { payload, jwk } = await verifySignature(proof, algorithms)

    if (payload.htm !== request.method) throw invalid(`The DPoP proof's htm does not match the request method ${request.method}`)
    const target = options.requestUrl ? new URL(options.requestUrl(request)) : new URL(request.url)
    if (typeof payload.htu !== 'string' || !sameTarget(payload.htu, target)) throw invalid(`The DPoP proof's htu does not match the request URL ${target.origin}${target.pathname}`)

    const now = Math.floor(Date.now() / 1000)
    if (typeof payload.iat !== 'number') throw invalid('The DPoP proof has no iat')
    if (payload.iat < now - maxAge) throw invalid(`The DPoP proof is too old: iat is more than ${maxAge} seconds ago`)
    if (payload.iat > now + CLOCK_SKEW) throw invalid('The DPoP proof was issued in the future (iat)')
    if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > MAX_JTI_LENGTH) throw invalid(`The DPoP proof needs a jti of 1 to ${MAX_JTI_LENGTH} characters`)

    if (typeof payload.ath !== 'string') throw invalid('The DPoP proof has no ath (the hash of the access token it accompanies)')
    if (payload.ath !== createHash('sha256').update(accessToken, 'ascii').digest('base64url')) throw invalid('The DPoP proof was made for another access token (ath does not match)')
    if ((await calculateJwkThumbprint(jwk, 'sha256')) !== jkt) throw invalid("The DPoP proof is signed with a key the access token is not bound to (cnf.jkt)")

    if (options.nonce) {
      const current = options.nonce()
      // RFC 9449 §9: a proof without the server's current nonce is answered with the nonce to use.
      if (payload.nonce !== current) throw new DPoPProofError('use_dpop_nonce', payload.nonce === undefined ? 'The resource server requires a DPoP nonce in the proof' : 'The DPoP nonce is stale; use the one in DPoP-Nonce', current)
    }

    // Last, and with no await between the check and the record: two requests racing with one
    // proof cannot both pass. A proof stops being accepted at iat + maxAge, so it is kept as long.
    const recorded = seen.add(`${jkt} ${payload.jti}`, (payload.iat + maxAge) * 1000)
    if (recorded === 'replayed') throw invalid('The DPoP proof was already used (jti replayed)')
    if (recorded === 'full') throw invalid('The server is remembering too many recent DPoP proofs; try again shortly')
  }
}

const invalid = (message: string) => new DPoPProofError('invalid_dpop_proof', message)

/** The one `DPoP` header: absent, empty and repeated (joined with `,` by every HTTP stack) are refused. */
function onlyProof(header: string | null): string {
  if (header === null || header.trim() === '') throw invalid('A DPoP-bound access token needs a DPoP proof in the DPoP header')
  // A compact JWS has no comma, so one means the header was sent more than once (RFC 9449 §4.3 check 1).
  if (header.includes(',')) throw invalid('The request carries more than one DPoP header')
  return header.trim()
}

interface ProofPayload extends JWTPayload {
  htm?: unknown
  htu?: unknown
  ath?: unknown
  nonce?: unknown
}

/** Header checks with our own messages, then the signature with the embedded key (jose). */
async function verifySignature(proof: string, algorithms: string[]): Promise<{ payload: ProofPayload; jwk: JWK }> {
  let header: ReturnType<typeof decodeProtectedHeader>
  try {
    header = decodeProtectedHeader(proof)
  } catch {
    throw invalid('The DPoP header is not a JWT')
  }
  if (header.typ !== 'dpop+jwt') throw invalid("The DPoP proof's typ must be dpop+jwt")
  if (typeof header.alg !== 'string' || !algorithms.includes(header.alg)) throw invalid(`The DPoP proof's alg must be one of ${algorithms.join(' ')}`)
  const jwk = header.jwk
  if (typeof jwk !== 'object' || jwk === null) throw invalid('The DPoP proof has no jwk header')
  if (PRIVATE_MEMBERS.some((member) => member in jwk)) throw invalid("The DPoP proof's jwk must be a public key, without private members")
  try {
    const { payload } = await jwtVerify<ProofPayload>(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms })
    return { payload, jwk }
  } catch (error) {
    if (error instanceof errors.JWSSignatureVerificationFailed) throw invalid("The DPoP proof's signature does not verify with its jwk")
    // jose's messages name the check that failed, never a key or a claim's value.
    throw invalid(`The DPoP proof is malformed: ${error instanceof Error ? error.message : 'unreadable'}`)
  }
}

/** `htu` against the request's URL: scheme, host, port and path, normalised by URL parsing; query and fragment ignored. */
function sameTarget(htu: string, target: URL): boolean {
  let claimed: URL
  try {
    claimed = new URL(htu)
  } catch {
    return false
  }
  return claimed.protocol === target.protocol && claimed.host === target.host && claimed.pathname === target.pathname
}

/**
 * The `jti`s seen, each until its proof expires, at most `size` of them. Entries are kept in
 * insertion order, which is nearly expiry order, so the expired ones are dropped from the front
 * as new ones come; a full sweep runs only when the cache is full, at most once a second.
 */
class ReplayCache {
  readonly #entries = new Map<string, number>()
  readonly #size: number
  #swept = 0

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`replayCacheSize must be a positive integer, got ${size}`)
    this.#size = size
  }

  /** Records `key` until `expiresAt` (ms), unless it is already there (`replayed`) or the cache is full of live entries (`full`). */
  add(key: string, expiresAt: number): 'added' | 'replayed' | 'full' {
    const now = Date.now()
    const known = this.#entries.get(key)
    if (known !== undefined) {
      if (known > now) return 'replayed'
      this.#entries.delete(key)
    }
    for (const [k, expiry] of this.#entries) {
      if (expiry > now) break
      this.#entries.delete(k)
    }
    if (this.#entries.size >= this.#size && now - this.#swept >= 1000) {
      this.#swept = now
      for (const [k, expiry] of this.#entries) if (expiry <= now) this.#entries.delete(k)
    }
    if (this.#entries.size >= this.#size) return 'full'
    this.#entries.set(key, expiresAt)
    return 'added'
  }
}
