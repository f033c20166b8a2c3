// End to end, with oidc-provider: step-up authorization on a tool's required scope, and
// DPoP-bound tokens (RFC 9449) from the authorization server to the MCP server — proof per request,
// a server nonce, and the refusals a stolen token or a replayed proof get.
import { dpopKey, dpopProof, memoryTokenStore, type RedirectHandler } from '@plugboard/auth/client'
import { createHash, randomUUID } from 'node:crypto'
import { decodeJwt, SignJWT } from 'jose'
import { afterEach, describe, expect, it } from 'vitest'
import { browser, call, cleanup, connect, setup } from './harness.js'

afterEach(cleanup)

/** A request the server authenticates before anything else; only whether it gets past authentication matters. */
const ping = (authorization: Record<string, string>) => ({
  method: 'POST',
  headers: { ...authorization, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' },
  body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
})

describe('step-up authorization', () => {
  it("a tool needing mcp:write answers 403 insufficient_scope; the client signs in again with the union of scopes, and the call goes through", async () => {
    const { as, resource } = await setup()
    const opened: URL[] = []
    const client = await connect(resource, { redirect: browser(as, opened), store: memoryTokenStore() })
    expect(await call(client, 'whoami')).not.toBe('nobody')
    expect(await call(client, 'write')).toBe('written with mcp:read mcp:write')
    expect(opened.map((u) => u.searchParams.get('scope'))).toEqual(['mcp:read offline_access', 'mcp:read offline_access mcp:write'])
  })

  it('when the user grants less than the tool needs, the call fails with the challenge instead of looping', async () => {
    const { as, resource } = await setup()
    const opened: URL[] = []
    // The "user" strips mcp:write from every authorization request.
    const redirect = browser(as, opened)
    const stingy: RedirectHandler = {
      get redirectUrl() {
        return redirect.redirectUrl
      },
      prepare: () => redirect.prepare(),
      close: () => redirect.close(),
      authorize: (url, options) => {
        url.searchParams.set('scope', url.searchParams.get('scope')!.split(' ').filter((s) => s !== 'mcp:write').join(' '))
        return redirect.authorize(url, options)
      },
    }
    const client = await connect(resource, { redirect: stingy, store: memoryTokenStore() })
    await expect(call(client, 'write')).rejects.toThrow(/insufficient_scope|still refuses/)
    // One sign-in, one step-up, then a refusal: a second step-up for the same scopes could not help.
    expect(opened).toHaveLength(2)
    expect(await call(client, 'whoami')).not.toBe('nobody')
  })
})

describe('DPoP-bound tokens', () => {
  it('the client gets a DPoP-bound token (cnf.jkt of its key) and presents it with a fresh proof on each request', async () => {
    const { as, resource } = await setup({ dpop: true })
    const store = memoryTokenStore()
    const client = await connect(resource, { redirect: browser(as, []), store, dpop: true })
    expect(await call(client, 'whoami')).not.toBe('nobody')
    expect(await call(client, 'whoami')).not.toBe('nobody')
    const tokens = (await store.getTokens({ issuer: as.issuer, resource }))!
    expect(tokens.token_type).toBe('DPoP')
    expect(decodeJwt(tokens.access_token).cnf).toEqual({ jkt: tokens.dpop_jkt })
    // Without its key the token is worth nothing: presented as Bearer, or with a proof of another key, it is refused.
    const asBearer = await fetch(resource, ping({ authorization: `Bearer ${tokens.access_token}` }))
    expect(asBearer.status).toBe(401)
    expect(asBearer.headers.get('www-authenticate')).toContain('invalid_token')
    const thief = await dpopKey()
    const stolen = await fetch(resource, ping({ authorization: `DPoP ${tokens.access_token}`, dpop: await dpopProof(thief, 'POST', resource, tokens.access_token) }))
    expect(stolen.status).toBe(401)
    expect(stolen.headers.get('www-authenticate')).toContain('invalid_dpop_proof')
  })

  it('a server nonce: the client takes it up from the use_dpop_nonce challenge and goes on', async () => {
    let nonce = 'n-1'
    const { as, resource } = await setup({ dpop: { nonce: () => nonce } })
    const client = await connect(resource, { redirect: browser(as, []), store: memoryTokenStore(), dpop: true })
    expect(await call(client, 'whoami')).not.toBe('nobody')
    nonce = 'n-2'
    expect(await call(client, 'whoami')).not.toBe('nobody')
  })

  it('refuses a replayed proof and an expired one', async () => {
    const { as, resource } = await setup({ dpop: true })
    const store = memoryTokenStore()
    const key = await dpopKey()
    const pair = key.keyPair
    await call(await connect(resource, { redirect: browser(as, []), store, dpop: pair }), 'whoami')
    const token = (await store.getTokens({ issuer: as.issuer, resource }))!.access_token
    const proof = await dpopProof(key, 'POST', resource, token)
    expect((await fetch(resource, ping({ authorization: `DPoP ${token}`, dpop: proof }))).status).not.toBe(401)
    const replayed = await fetch(resource, ping({ authorization: `DPoP ${token}`, dpop: proof }))
    expect(replayed.status).toBe(401)
    expect(replayed.headers.get('www-authenticate')).toContain('invalid_dpop_proof')
    // A proof made ten minutes ago (iat outside the server's window), otherwise exactly as the client makes them.
    const old = await new SignJWT({ htm: 'POST', htu: resource, ath: createHash('sha256').update(token).digest('base64url') })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.jwk })
      .setJti(randomUUID())
      .setIssuedAt(Math.floor(Date.now() / 1000) - 600)
      .sign(key.keyPair.privateKey)
    const expired = await fetch(resource, ping({ authorization: `DPoP ${token}`, dpop: old }))
    expect(expired.status).toBe(401)
    expect(expired.headers.get('www-authenticate')).toContain('invalid_dpop_proof')
  })
})
