import { ErrorCode } from '@plugboard/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createMcpHandler, type AuthenticateHook } from '../../packages/transport-http/src/index.js'
import { closeAndCheck, initializeRequest, post, recordHandles, serve, testServer } from '../../packages/transport-http/test/server/harness.js'

beforeEach(recordHandles)
afterEach(closeAndCheck)

const APP = 'https://app.example'

const preflight = (url: string, origin: string, headers = 'content-type, mcp-session-id, mcp-protocol-version, authorization') =>
  fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': headers } })

// Refuses every request without `Authorization: Bearer ok`, as bearerAuth() would.
const authenticate: AuthenticateHook = (request) =>
  request.headers.get('authorization') === 'Bearer ok'
    ? { token: 'ok', clientId: 'c', scopes: [] }
    : new Response(JSON.stringify({ error: 'invalid_token' }), { status: 401, headers: { 'www-authenticate': 'Bearer resource_metadata="https://app.example/.well-known"' } })

describe('CORS (opt-in)', () => {
  it('answers a preflight from a listed origin with 204 before authentication, allowing the MCP request headers', async () => {
    const { url } = await serve({ cors: { origins: [APP], credentials: true }, authenticate })
    const response = await preflight(url, APP, 'content-type, mcp-session-id, mcp-protocol-version, last-event-id, authorization, mcp-method, mcp-name, mcp-param-region')
    expect(response.status).toBe(204)
    expect(response.headers.get('access-control-allow-origin')).toBe(APP)
    expect(response.headers.get('access-control-allow-credentials')).toBe('true')
    expect(response.headers.get('vary')).toMatch(/origin/i)
    expect(response.headers.get('access-control-allow-methods')).toMatch(/POST/)
    const allowed = response.headers.get('access-control-allow-headers')!.split(', ')
    for (const h of ['content-type', 'mcp-session-id', 'mcp-protocol-version', 'last-event-id', 'authorization', 'mcp-method', 'mcp-name', 'mcp-param-region']) expect(allowed).toContain(h)
  })

  it('lets a page on a listed origin read Mcp-Session-Id, and WWW-Authenticate on a 401', async () => {
    const { url } = await serve({ cors: { origins: [APP], credentials: true }, authenticate })
    const refused = await post(url, initializeRequest(), { origin: APP })
    expect(refused.status).toBe(401)
    expect(refused.headers.get('access-control-allow-origin')).toBe(APP)
    expect(refused.headers.get('access-control-expose-headers')).toMatch(/www-authenticate/)
    const ok = await post(url, initializeRequest(), { origin: APP, authorization: 'Bearer ok' })
    expect(ok.status).toBe(200)
    expect(ok.headers.get('access-control-allow-origin')).toBe(APP)
    const exposed = ok.headers.get('access-control-expose-headers')!.split(', ')
    for (const h of ['mcp-session-id', 'mcp-protocol-version', 'www-authenticate']) expect(exposed).toContain(h)
    await ok.body?.cancel()
  })

  it('keeps the Origin check: a listed origin passes on a loopback server, an unlisted one gets 403 even on a preflight', async () => {
    const { url } = await serve({ cors: { origins: [APP] } })
    expect((await post(url, initializeRequest(), { origin: APP })).status).toBe(200)
    const unlisted = await preflight(url, 'https://attacker.example')
    expect(unlisted.status).toBe(403)
    expect(unlisted.headers.get('access-control-allow-origin')).toBeNull()
    const posted = await post(url, initializeRequest(), { origin: 'https://attacker.example' })
    expect(posted.status).toBe(403)
    expect((await posted.json()).error.code).toBe(ErrorCode.InvalidRequest)
  })

  it('answers any origin with * when told to, and refuses * with credentials at construction', async () => {
    const { url } = await serve({ cors: { origins: '*' } })
    const response = await preflight(url, 'https://anywhere.example')
    expect(response.status).toBe(204)
    expect(response.headers.get('access-control-allow-origin')).toBe('*')
    expect(response.headers.get('access-control-allow-credentials')).toBeNull()
    expect(() => createMcpHandler(testServer(), { cors: { origins: '*', credentials: true } })).toThrow(/credentials/)
  })

  it('is off by default: a preflight gets 405 and responses carry no CORS headers', async () => {
    const { url } = await serve()
    const response = await preflight(url, 'http://localhost')
    expect(response.status).toBe(405)
    expect(response.headers.get('access-control-allow-origin')).toBeNull()
  })
})
