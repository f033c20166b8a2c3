import { createHash, randomUUID } from 'node:crypto'
import { McpServer } from '@plugboard/server'
import { createMcpHandler, toNodeHandler, type McpHandler } from '@plugboard/transport-http'
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { bearerAuth, jwtVerifier, protectedResourceMetadata, protectedResourceMetadataUrl, wellKnownRoute, type DPoPOptions } from '../src/index.js'
import { closeAll, listen } from './listen.js'

const ISSUER = 'https://auth.example.test'

interface Key {
  privateKey: CryptoKey
  jwk: JWK
  jkt: string
}

let issuerKey: CryptoKey
let jwks: { keys: JWK[] }
let client: Key
let stranger: Key

async function newKey(): Promise<Key> {
  // Extractable, so a test can put the private half where a public key belongs.
  const pair = await generateKeyPair('ES256', { extractable: true })
  const { kty, crv, x, y } = await exportJWK(pair.publicKey)
  const jwk = { kty, crv, x, y } as JWK
  return { privateKey: pair.privateKey, jwk, jkt: await calculateJwkThumbprint(jwk, 'sha256') }
}

beforeAll(async () => {
  const pair = await generateKeyPair('ES256')
  issuerKey = pair.privateKey
  jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'as', alg: 'ES256' }] }
  client = await newKey()
  stranger = await newKey()
})

let handlers: McpHandler[] = []
afterEach(async () => {
  await Promise.all(handlers.map((h) => h.close()))
  handlers = []
  await closeAll()
})

const now = () => Math.floor(Date.now() / 1000)

/** A protected server (endpoint at `/mcp`, metadata beside it) whose tool answers who called, as `ctx.auth` says. */
async function protectedServer(dpop: boolean | DPoPOptions = true) {
  const { origin, http } = await listen(() => {})
  const resource = `${origin}/mcp`
  const metadataUrl = protectedResourceMetadataUrl(resource)
  const server = new McpServer({ name: 'dpop', version: '1.0.0' })
  server.registerTool('whoami', {}, (_args, ctx) => ({ content: [{ type: 'text', text: JSON.stringify({ clientId: ctx.auth?.clientId, cnf: ctx.auth?.cnf }) }] }))
  const handler = createMcpHandler(server, {
    path: '/mcp',
    stateless: true,
    enableJsonResponse: true,
    onRequest: wellKnownRoute(protectedResourceMetadata({ resource, authorizationServers: [ISSUER] })),
    authenticate: bearerAuth({ verifyToken: jwtVerifier({ issuer: ISSUER, audience: resource, jwks }), resourceMetadataUrl: metadataUrl, dpop }),
  })
  handlers.push(handler)
  http.on('request', toNodeHandler(handler))

  /** An access token for this server, bound to `boundTo` (its `cnf.jkt`) unless that is null. */
  const token = (boundTo: Key | null = client) => {
    const claims: Record<string, unknown> = { scope: 'mcp', client_id: 'client-7' }
    if (boundTo) claims.cnf = { jkt: boundTo.jkt }
    return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'as', typ: 'at+jwt' }).setIssuer(ISSUER).setAudience(resource).setExpirationTime('5m').sign(issuerKey)
  }

  /** A DPoP proof (RFC 9449 §4.2) for a POST to the endpoint with `accessToken`, every part overridable. */
  const proof = (accessToken: string, o: { key?: Key; signer?: CryptoKey; htm?: string; htu?: string; iat?: number; jti?: string; ath?: string; nonce?: string; typ?: string; jwk?: JWK; alg?: string } = {}) => {
    const key = o.key ?? client
    const claims: Record<string, unknown> = {
      htm: o.htm ?? 'POST',
      htu: o.htu ?? resource,
      iat: o.iat ?? now(),
      jti: o.jti ?? randomUUID(),
      ath: o.ath ?? createHash('sha256').update(accessToken).digest('base64url'),
    }
    if (o.nonce !== undefined) claims.nonce = o.nonce
    return new SignJWT(claims).setProtectedHeader({ alg: o.alg ?? 'ES256', typ: o.typ ?? 'dpop+jwt', jwk: o.jwk ?? key.jwk }).sign(o.signer ?? key.privateKey)
  }

  const call = (headers: Record<string, string> | Headers = {}) => {
    const all = new Headers(headers)
    all.set('accept', 'application/json, text/event-stream')
    all.set('content-type', 'application/json')
    all.set('mcp-protocol-version', '2025-11-25')
    return fetch(resource, { method: 'POST', headers: all, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } }) })
  }
  const dpopCall = async (accessToken: string, dpopProof: string) => call({ authorization: `DPoP ${accessToken}`, dpop: dpopProof })
  return { resource, origin, metadataUrl, token, proof, call, dpopCall }
}

async function expectServed(response: Response): Promise<{ clientId: string; cnf: { jkt: string } }> {
  expect(response.status).toBe(200)
  const body = (await response.json()) as { result: { content: Array<{ text: string }> } }
  return JSON.parse(body.result.content[0]!.text) as { clientId: string; cnf: { jkt: string } }
}

/**
 * A 401 whose challenge names `error` (and a description matching `description`), with `algs` and
 * `resource_metadata` — and whose header and body never quote the token.
 */
async function expectRefused(response: Response, token: string, scheme: 'DPoP' | 'Bearer', error: string, description: RegExp): Promise<string> {
  expect(response.status).toBe(401)
  const challenge = response.headers.get('www-authenticate')!
  expect(challenge.startsWith(`${scheme} error="${error}", error_description="`), challenge).toBe(true)
  const said = /error_description="([^"]*)"/.exec(challenge)![1]!
  expect(said).toMatch(description)
  expect(challenge).toMatch(/algs="ES256 [^"]*", resource_metadata="http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-protected-resource\/mcp"/)
  const body = await response.text()
  expect(JSON.parse(body)).toMatchObject({ jsonrpc: '2.0', error: { code: -32600, message: expect.stringContaining('Unauthorized') } })
  expect(`${challenge} ${body}`).not.toContain(token)
  return challenge
}

describe('bearerAuth({ dpop }) over node:http: DPoP-bound tokens (RFC 9449)', () => {
  it('serves a DPoP-bound token with a valid proof, and the tool sees the binding in ctx.auth.cnf', async () => {
    const s = await protectedServer()
    const accessToken = await s.token()
    expect(await expectServed(await s.dpopCall(accessToken, await s.proof(accessToken)))).toEqual({ clientId: 'client-7', cnf: { jkt: client.jkt } })
  })

  it('refuses a proof older than the window (default 300 s) with 401 invalid_dpop_proof, offering Bearer beside DPoP', async () => {
    const s = await protectedServer()
    const accessToken = await s.token()
    const challenge = await expectRefused(await s.dpopCall(accessToken, await s.proof(accessToken, { iat: now() - 301 })), accessToken, 'DPoP', 'invalid_dpop_proof', /too old/)
    expect(challenge).toMatch(/, Bearer resource_metadata="[^"]+"$/)
    await expectServed(await s.dpopCall(accessToken, await s.proof(accessToken, { iat: now() - 250 })))
  })

  it('refuses a proof issued in the future beyond clock skew', async () => {
    const s = await protectedServer()
    const accessToken = await s.token()
    await expectRefused(await s.dpopCall(accessToken, await s.proof(accessToken, { iat: now() + 120 })), accessToken, 'DPoP', 'invalid_dpop_proof', /future/)
  })

  it('refuses a replayed proof: the second use of one jti is answered 401', async () => {
    const s = await protectedServer()
    const accessToken = await s.token()
    const once = await s.proof(accessToken)
    await expectServed(await s.dpopCall(accessToken, once))
    await expectRefused(await s.dpopCall(accessToken, once), accessToken, 'DPoP', 'invalid_dpop_proof', /already used/)
    // Another proof with a fresh jti is fine.
    await expectServed(await s.dpopCall(accessToken, await s.proof(accessToken)))
  })

  it.each<[string, (s: Awaited<ReturnType<typeof protectedServer>>) => { htm?: string; htu?: string }, RegExp]>([
    ['htm of another method', () => ({ htm: 'GET' }), /htm does not match the request method POST/],
    ['htu of another path', (s) => ({ htu: `${s.origin}/other` }), /htu does not match the request URL http:\/\/127\.0\.0\.1:\d+\/mcp$/],
    ['htu of another host', (s) => ({ htu: s.resource.replace('127.0.0.1', 'localhost') }), /htu does not match/],
    ['htu of another scheme', (s) => ({ htu: s.resource.replace('http:', 'https:') }), /htu does not match/],
    ['htu that is no URL', () => ({ htu: 'mcp' }), /htu does not match/],
  ])('refuses a proof with %s', async (_name, override, description) => {
    const s = await protectedServer()
    const accessToken = await s.token()
    await expectRefused(await s.dpopCall(accessToken, await s.proof(accessToken, override(s))), accessToken, 'DPoP', 'invalid_dpop_proof', description)
  })

  it('compares htu without query and fragment, scheme and host case-insensitively', async () => {
    const s = await protectedServer()
    const accessToken = await s.token()
    const htu = `${s.resource.replace('http://', 'HTTP://')}?session=1#frag`
    await expectServed(await s.dpopCall(accessToken, await s.proof(accessToken, { htu })))
  })

  it('refuses a proof made for another access token (ath)', async () => {
    const s = await protectedServer()
    const accessToken = await s.token()
    const ath = createHash('sha256').update(await s.token()).digest('base64url')
    await expectRefused(await s.dpopCall(accessToken, await s.proof(accessToken, { ath })), accessToken, 'DPoP', 'invalid_dpop_proof', /another access token \(ath/)
  })

  it('refuses a valid proof signed by a key the token is not bound to (cnf.jkt)', async () => {
    const s = await protectedServer()
    const accessToken = await s.token(client)
    await expectRefused(await s.dpopCall(accessToken, await s.proof(accessToken, { key: stranger })), accessToken, 'DPoP', 'invalid_dpop_proof', /not bound to \(cnf\.jkt\)/)
  })

  it('refuses a DPoP-bound token presented as a Bearer token with 401 invalid_token', async () => {
    const s = await protectedServer()
    const accessToken = await s.token()
    const response = await s.call({ authorization: `Bearer ${accessToken}` })
    expect(response.status).toBe(401)
    const challenge = response.headers.get('www-authenticate')!
    expect(challenge).toMatch(/^Bearer error="invalid_token", error_description="The access token is DPoP-bound: send it with the DPoP scheme and a DPoP proof", resource_metadata="[^"]+", DPoP algs="/)
    expect(`${challenge} ${await response.text()}`).not.toContain(accessToken)
  })

  it('refuses a DPoP-bound token as Bearer even on a server that does not accept DPoP', async () => {
    const s = await protectedServer(false)
    const accessToken = await s.token()
    const response = await s.call({ authorization: `Bearer ${accessToken}` })
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token", error_description="The access token is DPoP-bound, and this server does not accept DPoP", resource_metadata="[^"]+"$/)
    // And the DPoP scheme is not understood there: a request with no credentials it accepts.
    const dpop = await s.dpopCall(accessToken, await s.proof(accessToken))
    expect(dpop.status).toBe(401)
    expect(dpop.headers.get('www-authenticate')).toMatch(/^Bearer resource_metadata="[^"]+"$/)
  })

  it('refuses a token that is not DPoP-bound when sent with the DPoP scheme, and serves it as Bearer', async () => {
    const s = await protectedServer()
    const accessToken = await s.token(null)
    const response = await s.dpopCall(accessToken, await s.proof(accessToken))
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_token", error_description="The access token is not DPoP-bound \(it has no cnf\.jkt\)"/)
    expect(await expectServed(await s.call({ authorization: `Bearer ${accessToken}` }))).toEqual({ clientId: 'client-7' })
  })

  it.each<[string, (s: Awaited<ReturnType<typeof protectedServer>>, accessToken: string) => Promise<Headers>, RegExp]>([
    ['no DPoP header', async () => new Headers(), /needs a DPoP proof in the DPoP header/],
    ['two DPoP headers', async (s, t) => {
      const headers = new Headers()
      headers.append('dpop', await s.proof(t))
      headers.append('dpop', await s.proof(t))
      return headers
    }, /more than one DPoP header/],
    ['a DPoP header that is no JWT', async () => new Headers({ dpop: 'not-a-jwt' }), /not a JWT/],
    ['typ JWT instead of dpop+jwt', async (s, t) => new Headers({ dpop: await s.proof(t, { typ: 'JWT' }) }), /typ must be dpop\+jwt/],
    ['a symmetric alg (HS256)', async (s, t) => {
      const secret = new Uint8Array(32).fill(7)
      const jwt = await new SignJWT({ htm: 'POST', htu: s.resource, iat: now(), jti: randomUUID(), ath: createHash('sha256').update(t).digest('base64url') })
        .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: { kty: 'oct', k: Buffer.from(secret).toString('base64url') } as JWK })
        .sign(secret)
      return new Headers({ dpop: jwt })
    }, /alg must be one of ES256 /],
    ['a jwk with its private part', async (s, t) => new Headers({ dpop: await s.proof(t, { jwk: { ...(await exportJWK(client.privateKey)) } }) }), /must be a public key/],
    ['a signature by another key than its jwk', async (s, t) => new Headers({ dpop: await s.proof(t, { signer: stranger.privateKey }) }), /signature does not verify/],
  ])('refuses a request with %s', async (_name, build, description) => {
    const s = await protectedServer()
    const accessToken = await s.token()
    const headers = await build(s, accessToken)
    headers.set('authorization', `DPoP ${accessToken}`)
    await expectRefused(await s.call(headers), accessToken, 'DPoP', 'invalid_dpop_proof', description)
  })

  it('asks for its nonce with 401 use_dpop_nonce and a DPoP-Nonce header, then serves the proof that carries it', async () => {
    let nonce = 'n-1'
    const s = await protectedServer({ nonce: () => nonce })
    const accessToken = await s.token()
    const first = await s.dpopCall(accessToken, await s.proof(accessToken))
    await expectRefused(first, accessToken, 'DPoP', 'use_dpop_nonce', /requires a DPoP nonce/)
    expect(first.headers.get('dpop-nonce')).toBe('n-1')
    await expectServed(await s.dpopCall(accessToken, await s.proof(accessToken, { nonce: first.headers.get('dpop-nonce')! })))
    // Rotated: the old nonce is stale, and the answer carries the new one.
    nonce = 'n-2'
    const stale = await s.dpopCall(accessToken, await s.proof(accessToken, { nonce: 'n-1' }))
    await expectRefused(stale, accessToken, 'DPoP', 'use_dpop_nonce', /stale/)
    expect(stale.headers.get('dpop-nonce')).toBe('n-2')
    await expectServed(await s.dpopCall(accessToken, await s.proof(accessToken, { nonce: 'n-2' })))
  })

  it('with required: true, challenges DPoP alone and refuses a Bearer token', async () => {
    const s = await protectedServer({ required: true })
    const bare = await s.call()
    expect(bare.status).toBe(401)
    expect(bare.headers.get('www-authenticate')).toMatch(/^DPoP algs="ES256 [^"]+", resource_metadata="[^"]+"$/)
    const unbound = await s.token(null)
    const bearer = await s.call({ authorization: `Bearer ${unbound}` })
    expect(bearer.status).toBe(401)
    expect(bearer.headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_token", error_description="This server accepts DPoP-bound access tokens only", algs=/)
    const accessToken = await s.token()
    await expectServed(await s.dpopCall(accessToken, await s.proof(accessToken)))
  })

  it('offers both schemes to a request without credentials when DPoP is optional', async () => {
    const s = await protectedServer()
    const response = await s.call()
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${s.metadataUrl.href}", DPoP algs="ES256 ES384 ES512 EdDSA Ed25519 PS256 PS384 PS512 RS256 RS384 RS512", resource_metadata="${s.metadataUrl.href}"`)
  })
})
