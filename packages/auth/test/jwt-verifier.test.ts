import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { jwtVerifier } from '../src/index.js'
import { closeAll, listen } from './listen.js'

const ISSUER = 'https://auth.example.test'
const RESOURCE = 'https://mcp.example.test/mcp'

let privateKey: CryptoKey
let publicJwk: JWK
let otherKey: CryptoKey

beforeAll(async () => {
  otherKey = (await generateKeyPair('ES256')).privateKey
  // The JWKS holds only this pair's public half, under kid "k1".
  const first = await generateKeyPair('ES256')
  privateKey = first.privateKey
  publicJwk = { ...(await exportJWK(first.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }
})

afterEach(closeAll)

function token(claims: Record<string, unknown> = {}, options: { key?: CryptoKey; iss?: string; aud?: string | string[]; exp?: number | string; nbf?: number } = {}) {
  const jwt = new SignJWT({ scope: 'tools:read tools:call', client_id: 'client-1', ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' })
    .setIssuer(options.iss ?? ISSUER)
    .setAudience(options.aud ?? RESOURCE)
    .setSubject('user-7')
    .setIssuedAt()
    .setExpirationTime(options.exp ?? '5m')
  if (options.nbf !== undefined) jwt.setNotBefore(options.nbf)
  return jwt.sign(options.key ?? privateKey)
}

/** Serves the JWKS over real HTTP and counts how often it was fetched. */
async function jwksServer() {
  const state = { fetches: 0 }
  const { origin } = await listen((_req, res) => {
    state.fetches++
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] }))
  })
  return { url: new URL('/jwks.json', origin), state }
}

const now = () => Math.floor(Date.now() / 1000)

describe('jwtVerifier against a remote JWKS', () => {
  it('accepts a valid token and maps scope, client_id, exp and sub, fetching the JWKS once for several tokens', async () => {
    const { url, state } = await jwksServer()
    const verify = jwtVerifier({ issuer: ISSUER, audience: RESOURCE, jwks: url })
    const info = await verify(await token())
    expect(info.clientId).toBe('client-1')
    expect(info.scopes).toEqual(['tools:read', 'tools:call'])
    expect(info.expiresAt).toBeGreaterThan(now())
    expect(info.extra?.['sub']).toBe('user-7')
    await verify(await token())
    expect(state.fetches).toBe(1)
  })

  it('takes scopes from an scp array and the client from azp when scope and client_id are absent', async () => {
    const { url } = await jwksServer()
    const verify = jwtVerifier({ issuer: ISSUER, audience: RESOURCE, jwks: url })
    const info = await verify(await token({ scope: undefined, client_id: undefined, scp: ['a', 'b'], azp: 'client-azp' }))
    expect(info.scopes).toEqual(['a', 'b'])
    expect(info.clientId).toBe('client-azp')
  })

  it('exposes a DPoP binding (cnf.jkt) as AuthInfo.cnf, and no cnf for an unbound token or another kind of binding', async () => {
    const { url } = await jwksServer()
    const verify = jwtVerifier({ issuer: ISSUER, audience: RESOURCE, jwks: url })
    expect((await verify(await token({ cnf: { jkt: 'thumb-1' } }))).cnf).toEqual({ jkt: 'thumb-1' })
    expect(await verify(await token())).not.toHaveProperty('cnf')
    expect(await verify(await token({ cnf: { 'x5t#S256': 'cert-thumb' } }))).not.toHaveProperty('cnf')
  })

  it('accepts a token whose aud array includes this resource', async () => {
    const { url } = await jwksServer()
    const verify = jwtVerifier({ issuer: ISSUER, audience: RESOURCE, jwks: url })
    await expect(verify(await token({}, { aud: ['https://other.example.test', RESOURCE] }))).resolves.toMatchObject({ clientId: 'client-1' })
  })

  it.each([
    ['a wrong issuer', () => token({}, { iss: 'https://evil.example.test' }), /iss/],
    ['a token issued for another resource', () => token({}, { aud: 'https://other.example.test/mcp' }), /aud/],
    ['an expired token', () => token({}, { exp: now() - 60 }), /exp/],
    ['a token not yet valid', () => token({}, { nbf: now() + 600 }), /nbf/],
    ['a token signed by a key not in the JWKS', () => token({}, { key: otherKey }), /signature/],
  ])('rejects %s', async (_name, make, reason) => {
    const { url } = await jwksServer()
    const verify = jwtVerifier({ issuer: ISSUER, audience: RESOURCE, jwks: url })
    await expect(verify(await make())).rejects.toThrow(reason)
  })

  it('rejects an unsigned alg "none" token carrying otherwise valid claims', async () => {
    const { url } = await jwksServer()
    const verify = jwtVerifier({ issuer: ISSUER, audience: RESOURCE, jwks: url })
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: ISSUER, aud: RESOURCE, exp: now() + 300, scope: 'tools:call' })}.`
    await expect(verify(unsigned)).rejects.toThrow()
  })

  it('rejects a token without exp', async () => {
    const { url } = await jwksServer()
    const verify = jwtVerifier({ issuer: ISSUER, audience: RESOURCE, jwks: url })
    const noExp = await new SignJWT({ scope: 'x' }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer(ISSUER).setAudience(RESOURCE).sign(privateKey)
    await expect(verify(noExp)).rejects.toThrow(/exp/)
  })

  it('accepts an expired token within clockToleranceSec', async () => {
    const { url } = await jwksServer()
    const verify = jwtVerifier({ issuer: ISSUER, audience: RESOURCE, jwks: url, clockToleranceSec: 120 })
    await expect(verify(await token({}, { exp: now() - 30 }))).resolves.toMatchObject({ clientId: 'client-1' })
  })
})

describe('jwtVerifier with a local JWKS', () => {
  it('verifies against the given keys without any fetch, and rejects a foreign signature', async () => {
    const verify = jwtVerifier({ issuer: ISSUER, audience: RESOURCE, jwks: { keys: [publicJwk] } })
    await expect(verify(await token())).resolves.toMatchObject({ clientId: 'client-1' })
    await expect(verify(await token({}, { key: otherKey }))).rejects.toThrow(/signature/)
  })

  it('rejects a token signed with an algorithm outside `algorithms`', async () => {
    const verify = jwtVerifier({ issuer: ISSUER, audience: RESOURCE, jwks: { keys: [publicJwk] }, algorithms: ['RS256'] })
    await expect(verify(await token())).rejects.toThrow(/alg/)
  })
})
