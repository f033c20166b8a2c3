import { afterEach, describe, expect, it } from 'vitest'
import { introspectionVerifier } from '../src/index.js'
import { closeAll, jsonServer } from './listen.js'

const RESOURCE = 'https://mcp.example.test/mcp'

afterEach(closeAll)

const exp = () => Math.floor(Date.now() / 1000) + 300

describe('introspectionVerifier', () => {
  it('POSTs the token with client_secret_basic and maps an active answer to AuthInfo', async () => {
    const expiry = exp()
    const { origin, seen } = await jsonServer(() => ({ status: 200, body: { active: true, scope: 'tools:call', client_id: 'client-9', exp: expiry, aud: [RESOURCE], sub: 'u1' } }))
    const verify = introspectionVerifier({ endpoint: `${origin}/introspect`, clientId: 'rs id', clientSecret: 's3cr:t', audience: RESOURCE })
    const info = await verify('opaque-token-1')
    expect(info).toMatchObject({ token: 'opaque-token-1', clientId: 'client-9', scopes: ['tools:call'], expiresAt: expiry })
    expect(info.extra?.['sub']).toBe('u1')
    const request = seen[0]!
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(Buffer.from(request.headers.authorization!.replace(/^Basic /, ''), 'base64').toString()).toBe('rs%20id:s3cr%3At')
    expect(new URLSearchParams(request.body).get('token')).toBe('opaque-token-1')
  })

  it('exposes the DPoP binding of an active answer (RFC 9449 §6.2) as AuthInfo.cnf', async () => {
    const answers = [{ active: true, token_type: 'DPoP', cnf: { jkt: 'thumb-2' } }, { active: true, cnf: 'not an object' }]
    const { origin } = await jsonServer(() => ({ status: 200, body: answers.shift() }))
    const verify = introspectionVerifier({ endpoint: origin, clientId: 'rs', clientSecret: 's' })
    expect((await verify('bound')).cnf).toEqual({ jkt: 'thumb-2' })
    expect(await verify('odd')).not.toHaveProperty('cnf')
  })

  it('rejects a token the server reports inactive', async () => {
    const { origin } = await jsonServer(() => ({ status: 200, body: { active: false } }))
    const verify = introspectionVerifier({ endpoint: origin, clientId: 'rs', clientSecret: 's' })
    await expect(verify('t')).rejects.toThrow(/not active/)
  })

  it('rejects an active token issued for another resource, and one with no aud, when audience is set', async () => {
    const answers = [{ active: true, aud: 'https://other.example.test/mcp' }, { active: true }]
    const { origin } = await jsonServer(() => ({ status: 200, body: answers.shift() }))
    const verify = introspectionVerifier({ endpoint: origin, clientId: 'rs', clientSecret: 's', audience: RESOURCE })
    await expect(verify('t')).rejects.toThrow(/not issued for this resource/)
    await expect(verify('t')).rejects.toThrow(/not issued for this resource/)
  })

  it('rejects when the endpoint answers an error status or a body that is not a JSON object', async () => {
    const answers = [{ status: 500, body: { error: 'server_error' } }, { status: 200, body: 'not json' }]
    const { origin } = await jsonServer(() => answers.shift()!)
    const verify = introspectionVerifier({ endpoint: origin, clientId: 'rs', clientSecret: 's' })
    await expect(verify('t')).rejects.toThrow(/HTTP 500/)
    await expect(verify('t')).rejects.toThrow()
  })

  it('rejects when the endpoint cannot be reached', async () => {
    const { origin } = await jsonServer(() => ({ status: 200, body: { active: true } }))
    await closeAll()
    const verify = introspectionVerifier({ endpoint: origin, clientId: 'rs', clientSecret: 's' })
    await expect(verify('t')).rejects.toThrow()
  })
})
