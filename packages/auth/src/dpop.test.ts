import { createHash, randomUUID } from 'node:crypto'
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { DPoPProofError, dpopVerifier } from './dpop.js'

const RESOURCE = 'https://mcp.example.com/mcp'
const TOKEN = 'access-token-value'
let privateKey: CryptoKey
let jwk: JWK
let jkt: string

beforeAll(async () => {
  const pair = await generateKeyPair('ES256')
  privateKey = pair.privateKey
  const { kty, crv, x, y } = await exportJWK(pair.publicKey)
  jwk = { kty, crv, x, y } as JWK
  jkt = await calculateJwkThumbprint(jwk, 'sha256')
})

afterEach(() => vi.useRealTimers())

const now = () => Math.floor(Date.now() / 1000)

function proof(claims: { htu?: string; iat?: number; jti?: string } = {}): Promise<string> {
  return new SignJWT({ htm: 'POST', htu: claims.htu ?? RESOURCE, iat: claims.iat ?? now(), jti: claims.jti ?? randomUUID(), ath: createHash('sha256').update(TOKEN).digest('base64url') })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
    .sign(privateKey)
}

const request = (dpop: string, url = RESOURCE) => new Request(url, { method: 'POST', headers: { dpop } })

async function refusal(promise: Promise<void>): Promise<DPoPProofError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(DPoPProofError)
  return error as DPoPProofError
}

describe('dpopVerifier', () => {
  it('refuses new proofs while its replay cache is full of live ones, and takes them again once those expire', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const verify = dpopVerifier({ replayCacheSize: 2, maxAgeSeconds: 60 })
    await verify(request(await proof()), TOKEN, jkt)
    await verify(request(await proof()), TOKEN, jkt)
    const full = await refusal(verify(request(await proof()), TOKEN, jkt))
    expect(full).toMatchObject({ error: 'invalid_dpop_proof', message: expect.stringContaining('too many recent DPoP proofs') })
    // The first two age out of the window (and so out of the cache): room again.
    vi.setSystemTime(Date.now() + 61_000)
    await verify(request(await proof()), TOKEN, jkt)
  })

  it('remembers a jti as long as its proof is acceptable: a replay just inside the window is still refused', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const verify = dpopVerifier({ maxAgeSeconds: 60 })
    const once = await proof()
    await verify(request(once), TOKEN, jkt)
    vi.setSystemTime(Date.now() + 59_000)
    expect((await refusal(verify(request(once), TOKEN, jkt))).message).toMatch(/already used/)
    vi.setSystemTime(Date.now() + 2_000)
    expect((await refusal(verify(request(once), TOKEN, jkt))).message).toMatch(/too old/)
  })

  it('takes maxAgeSeconds as the window for iat', async () => {
    const verify = dpopVerifier({ maxAgeSeconds: 10 })
    expect((await refusal(verify(request(await proof({ iat: now() - 11 })), TOKEN, jkt))).message).toMatch(/more than 10 seconds ago/)
    await verify(request(await proof({ iat: now() - 5 })), TOKEN, jkt)
  })

  it('compares htu with requestUrl when a proxy in front changes the URL the server sees', async () => {
    const verify = dpopVerifier({ requestUrl: (r) => new URL(new URL(r.url).pathname, 'https://mcp.example.com') })
    await verify(request(await proof(), 'http://10.0.0.5:8080/mcp'), TOKEN, jkt)
    const plain = dpopVerifier()
    expect((await refusal(plain(request(await proof(), 'http://10.0.0.5:8080/mcp'), TOKEN, jkt))).message).toMatch(/htu does not match the request URL http:\/\/10\.0\.0\.5:8080\/mcp/)
  })

  it('refuses a jti longer than 256 characters, so the replay cache stays small', async () => {
    const verify = dpopVerifier()
    expect((await refusal(verify(request(await proof({ jti: 'x'.repeat(257) })), TOKEN, jkt))).message).toMatch(/jti of 1 to 256/)
  })

  it('refuses to be configured with a symmetric algorithm or none', () => {
    expect(() => dpopVerifier({ algorithms: ['ES256', 'HS256'] })).toThrow(/HS256 is not an asymmetric algorithm/)
    expect(() => dpopVerifier({ algorithms: ['none'] })).toThrow(/none is not an asymmetric algorithm/)
    expect(() => dpopVerifier({ replayCacheSize: 0 })).toThrow(RangeError)
  })
})
