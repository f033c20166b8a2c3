import type { AuthInfo } from '@plugboard/protocol'
import { describe, expect, it } from 'vitest'
import { bearerAuth, type VerifyToken } from './bearer-auth.js'

const METADATA = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp'
const later = () => Math.floor(Date.now() / 1000) + 300
const request = (authorization?: string) => new Request('https://mcp.example.com/mcp', { method: 'POST', headers: authorization ? { authorization } : {} })

function auth(verifyToken: VerifyToken, requiredScopes?: string[]) {
  return bearerAuth({ verifyToken, resourceMetadataUrl: METADATA, ...(requiredScopes ? { requiredScopes } : {}) })
}

describe('bearerAuth', () => {
  it('answers a request without a token 401 with resource_metadata and the required scope, and a JSON-RPC error body', async () => {
    const result = (await auth(() => ({ token: 'x' }), ['tools:call'])(request())) as Response
    expect(result.status).toBe(401)
    expect(result.headers.get('www-authenticate')).toBe(`Bearer scope="tools:call", resource_metadata="${METADATA}"`)
    expect(await result.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32600 } })
  })

  it.each(['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer two words', 'Token abc'])('answers a malformed Authorization header %j 401 without calling the verifier', async (header) => {
    let called = false
    const result = (await auth(() => ((called = true), { token: 'x' }))(request(header))) as Response
    expect(result.status).toBe(401)
    expect(result.headers.get('www-authenticate')).not.toContain('error=')
    expect(called).toBe(false)
  })

  it('passes the token to the verifier and returns its AuthInfo, with any case of the scheme', async () => {
    const seen: string[] = []
    const result = await auth((token) => (seen.push(token), { token, clientId: 'c', scopes: ['tools:call', 'extra'], expiresAt: later() }), ['tools:call'])(request('bearer abc.DEF-_~+/='))
    expect(result).toMatchObject({ token: 'abc.DEF-_~+/=', clientId: 'c' })
    expect(seen).toEqual(['abc.DEF-_~+/='])
  })

  it.each<[string, VerifyToken]>([
    ['throws', () => { throw new Error('bad token secret-token-value') }],
    ['returns undefined', () => undefined],
  ])('answers 401 invalid_token when the verifier %s, never echoing the token or its error', async (_name, verify) => {
    const result = (await auth(verify)(request('Bearer secret-token-value'))) as Response
    expect(result.status).toBe(401)
    const challenge = result.headers.get('www-authenticate')!
    expect(challenge).toMatch(/^Bearer error="invalid_token", error_description="[^"]+", resource_metadata="/)
    const text = `${challenge} ${await result.text()}`
    expect(text).not.toContain('secret-token-value')
  })

  it('answers 401 invalid_token for a token whose expiresAt has passed', async () => {
    const result = (await auth((token) => ({ token, scopes: ['tools:call'], expiresAt: Math.floor(Date.now() / 1000) - 1 }))(request('Bearer t'))) as Response
    expect(result.status).toBe(401)
    expect(result.headers.get('www-authenticate')).toContain('error="invalid_token", error_description="The access token expired"')
  })

  it('answers 403 insufficient_scope listing every required scope when one is missing', async () => {
    const verify = (token: string): AuthInfo => ({ token, scopes: ['tools:read'] })
    const result = (await auth(verify, ['tools:read', 'tools:call'])(request('Bearer t'))) as Response
    expect(result.status).toBe(403)
    expect(result.headers.get('www-authenticate')).toMatch(/^Bearer error="insufficient_scope", error_description="[^"]*", scope="tools:read tools:call", resource_metadata="https:\/\/mcp\.example\.com\/\.well-known\/oauth-protected-resource\/mcp"$/)
  })
})

describe('bearerAuth().challenge', () => {
  it('phrases a tool\'s step-up: insufficient_scope whose scope is the union of the token\'s and the tool\'s, under the scheme the token was presented with', () => {
    const hook = bearerAuth({ verifyToken: () => undefined, resourceMetadataUrl: METADATA, dpop: true })
    expect(hook.challenge(['files:write'], { token: 't', scopes: ['files:read'] })).toBe(
      `Bearer error="insufficient_scope", error_description="This request needs the scopes files:write", scope="files:read files:write", resource_metadata="${METADATA}"`,
    )
    const bound = hook.challenge(['files:write', 'files:read'], { token: 't', scopes: ['files:read'], cnf: { jkt: 'k' } })
    expect(bound).toMatch(/^DPoP error="insufficient_scope", error_description="This request needs the scopes files:write", scope="files:read files:write", algs="ES256 [^"]+", resource_metadata="/)
  })

  it('treats the DPoP scheme as no credentials when DPoP is not enabled', async () => {
    let called = false
    const result = (await auth(() => ((called = true), { token: 'x' }))(request('DPoP abc'))) as Response
    expect(result.status).toBe(401)
    expect(result.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${METADATA}"`)
    expect(called).toBe(false)
  })
})
