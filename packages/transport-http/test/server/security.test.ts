import { request as httpRequest } from 'node:http'
import { ErrorCode } from '@plugboard/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createMcpHandler } from '../../src/index.js'
import { ACCEPT_BOTH, callTool, closeAndCheck, initializeRequest, openSession, post, recordHandles, responses, serve, testServer, toolText } from './harness.js'

beforeEach(recordHandles)
afterEach(closeAndCheck)

/** A POST with exactly these headers — `Host` included, which fetch will not let a caller set. */
function rawPost(url: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { accept: ACCEPT_BOTH, 'content-type': 'application/json', ...headers } }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => (text += chunk))
      res.on('end', () => resolve({ status: res.statusCode!, body: text }))
    })
    req.on('error', reject)
    req.end(JSON.stringify(body))
  })
}

describe('DNS rebinding protection (on by default for a server on loopback)', () => {
  it('refuses a request whose Host is not a loopback name with 403 and a JSON-RPC error', async () => {
    const { url, port } = await serve()
    const refused = await rawPost(url, initializeRequest(), { host: `evil.example:${port}` })
    expect(refused.status).toBe(403)
    expect(JSON.parse(refused.body)).toMatchObject({ jsonrpc: '2.0', error: { code: ErrorCode.InvalidRequest, message: expect.stringContaining('Host') } })
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`]) expect((await rawPost(url, initializeRequest(), { host })).status, host).toBe(200)
  })

  it('refuses a request from a page on another origin with 403', async () => {
    const { url, port } = await serve()
    const refused = await post(url, initializeRequest(), { origin: 'http://evil.example' })
    expect(refused.status).toBe(403)
    expect(await refused.json()).toMatchObject({ error: { code: ErrorCode.InvalidRequest, message: expect.stringContaining('Origin') } })
    expect((await post(url, initializeRequest(), { origin: `http://localhost:${port}` })).status).toBe(200)
  })

  it('guards the GET stream and DELETE too', async () => {
    const { url, port } = await serve()
    const { headers } = await openSession(url)
    const get = await fetch(url, { headers: { ...headers, accept: 'text/event-stream', origin: 'https://evil.example' } })
    expect(get.status).toBe(403)
    const del = await fetch(url, { method: 'DELETE', headers: { ...headers, origin: `http://evil.example:${port}` } })
    expect(del.status).toBe(403)
  })

  it('accepts the hosts and origins it is told to, and can be turned off', async () => {
    const configured = await serve({ allowedHosts: ['mcp.example.com'], allowedOrigins: ['https://app.example.com'] })
    expect((await rawPost(configured.url, initializeRequest(), { host: 'mcp.example.com', origin: 'https://app.example.com' })).status).toBe(200)
    expect((await rawPost(configured.url, initializeRequest(), { host: `127.0.0.1:${configured.port}` })).status).toBe(403)
    const off = await serve({ dnsRebindingProtection: false })
    expect((await rawPost(off.url, initializeRequest(), { host: 'anything.example' })).status).toBe(200)
  })

  it('protects a fetch-runtime handler when asked (the runtime cannot say it is on loopback)', async () => {
    const handler = createMcpHandler(testServer(), { dnsRebindingProtection: true })
    const init = { method: 'POST', headers: { accept: ACCEPT_BOTH, 'content-type': 'application/json' }, body: JSON.stringify(initializeRequest()) }
    expect((await handler.fetch(new Request('http://evil.example/mcp', init))).status).toBe(403)
    const ok = await handler.fetch(new Request('http://localhost:8787/mcp', init))
    expect(ok.status).toBe(200)
    await ok.body?.cancel()
    await handler.close()
  })
})

describe('authenticate and onRequest hooks', () => {
  const bearer = (request: Request) => {
    const token = request.headers.get('authorization')?.replace(/^Bearer /, '')
    if (!token) return new Response(JSON.stringify({ error: 'unauthorized' }), { status: 401, headers: { 'www-authenticate': 'Bearer realm="mcp"' } })
    return { token, clientId: token.split('-')[0], scopes: ['tools'] }
  }

  it('answers with the hook\'s 401 when it refuses, headers and all', async () => {
    const { url } = await serve({ authenticate: bearer })
    const refused = await post(url, initializeRequest())
    expect(refused.status).toBe(401)
    expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="mcp"')
    expect(await refused.json()).toEqual({ error: 'unauthorized' })
  })

  it('hands the verified AuthInfo to handlers as ctx.authInfo', async () => {
    const { url } = await serve({ authenticate: bearer })
    const { headers, sessionId } = await openSession(url, { headers: { authorization: 'Bearer alice-1' } })
    const [answer] = await responses(await post(url, callTool(1, 'whoami'), headers))
    expect(JSON.parse(toolText(answer))).toEqual({ sessionId, authInfo: { token: 'alice-1', clientId: 'alice', scopes: ['tools'] }, protocolVersion: '2025-11-25' })
  })

  it('binds a session to the client that opened it: another client\'s token gets 404 for it', async () => {
    const { url } = await serve({ authenticate: bearer })
    const { headers } = await openSession(url, { headers: { authorization: 'Bearer alice-1' } })
    expect((await post(url, callTool(1, 'echo', { text: 'x' }), { ...headers, authorization: 'Bearer mallory-1' })).status).toBe(404)
    // A fresh token of the same client keeps the session.
    expect((await post(url, callTool(2, 'echo', { text: 'x' }), { ...headers, authorization: 'Bearer alice-2' })).status).toBe(200)
  })

  it('lets onRequest answer first, e.g. to rate-limit', async () => {
    let calls = 0
    const { url } = await serve({ onRequest: () => (++calls > 2 ? new Response('slow down', { status: 429, headers: { 'retry-after': '1' } }) : undefined) })
    const { headers } = await openSession(url)
    const limited = await post(url, callTool(1, 'echo', { text: 'x' }), headers)
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('1')
    expect(await limited.text()).toBe('slow down')
  })
})
