// The auth hook of the HTTP client transports against hand-written node:http servers: the
// WWW-Authenticate challenge of a 401 reaches `onUnauthorized(ctx)`, a 403 insufficient_scope is
// a step-up, a request is sent again at most MAX_AUTH_RETRIES times and then rejects with the
// challenge, `headers()` authorizes each request by method and URL (DPoP), and the token never shows
// in an error.
// @see https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization
import { McpError, type JSONRPCMessage } from '@plugboard/protocol'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { MAX_AUTH_RETRIES, SSEClientTransport, StreamableHTTPClientTransport, type AuthProvider, type UnauthorizedContext } from '../../src/index.js'
import { closeServers, event, expectNoLeaks, json, messageOf, observe, resourceBaseline, result, sse, startServer, type TestServer } from './helpers.js'

const METADATA = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp'
const SECRET = 'tok-very-secret-123'

let baseline: Record<string, number>
const transports: { close(): Promise<void> }[] = []

beforeEach(() => {
  baseline = resourceBaseline()
})

afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close()))
  await closeServers()
  await expectNoLeaks(baseline)
})

async function open(server: TestServer, authProvider: AuthProvider) {
  const transport = new StreamableHTTPClientTransport(server.url, { authProvider })
  transports.push(transport)
  const observed = observe(transport)
  await transport.start()
  return observed
}

/** Answers a POST carrying `Bearer <good>` with a result; anything else with `refuse`. */
const guarded = (good: string, refuse: (res: import('node:http').ServerResponse) => void) =>
  startServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${good}`) return refuse(res)
    json(res, result((messageOf(req) as { id: number }).id, { ok: true }))
  })

describe('StreamableHTTPClientTransport: the auth hook', () => {
  it('hands the 401 challenge (resource_metadata, scope, error) to onUnauthorized, then retries with the new token', async () => {
    let token = 'stale'
    const onUnauthorized = vi.fn((_ctx: UnauthorizedContext) => void (token = 'fresh'))
    const challenge = `Bearer resource_metadata="${METADATA}", scope="files:read", error="invalid_token", error_description="expired, \\"old\\""`
    const server = await guarded('fresh', (res) => void res.writeHead(401, { 'www-authenticate': challenge }).end())
    const { request } = await open(server, { token: () => token, onUnauthorized })
    expect(await request('tools/list')).toEqual(result(1, { ok: true }))
    expect(onUnauthorized).toHaveBeenCalledTimes(1)
    expect(onUnauthorized.mock.calls[0]![0]).toEqual({
      status: 401,
      url: server.url.href,
      method: 'POST',
      scheme: 'bearer',
      resourceMetadata: METADATA,
      scope: 'files:read',
      error: 'invalid_token',
      errorDescription: 'expired, "old"',
      wwwAuthenticate: challenge,
    })
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(['Bearer stale', 'Bearer fresh'])
  })

  it('calls onUnauthorized with just the status and URL when a 401 has no WWW-Authenticate', async () => {
    let token = 'stale'
    const onUnauthorized = vi.fn((_ctx: UnauthorizedContext) => void (token = 'fresh'))
    const server = await guarded('fresh', (res) => void res.writeHead(401).end())
    const { request } = await open(server, { token: () => token, onUnauthorized })
    expect(await request('tools/list')).toEqual(result(1, { ok: true }))
    expect(onUnauthorized.mock.calls).toEqual([[{ status: 401, url: server.url.href, method: 'POST' }]])
  })

  it('steps up on 403 insufficient_scope: the hook gets the new scope and the retry carries the new token', async () => {
    let token = 'narrow'
    const onUnauthorized = vi.fn((ctx: UnauthorizedContext) => void (token = ctx.scope === 'files:read files:write' ? 'wide' : 'wrong'))
    const server = await guarded('wide', (res) =>
      json(res, { error: 'insufficient_scope' }, { 'www-authenticate': `Bearer error="insufficient_scope", scope="files:read files:write", resource_metadata="${METADATA}"` }, 403),
    )
    const { request } = await open(server, { token: () => token, onUnauthorized })
    expect(await request('tools/call', { name: 'write' })).toEqual(result(1, { ok: true }))
    expect(onUnauthorized.mock.calls[0]![0]).toMatchObject({ status: 403, error: 'insufficient_scope', scope: 'files:read files:write', resourceMetadata: METADATA })
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(['Bearer narrow', 'Bearer wide'])
  })

  it(`after ${MAX_AUTH_RETRIES} retries rejects with an McpError carrying the status and challenge, and asks no more`, async () => {
    const onUnauthorized = vi.fn()
    const server = await guarded('never', (res) => void res.writeHead(401, { 'www-authenticate': `Bearer resource_metadata="${METADATA}", scope="mcp"` }).end('go away'))
    const { request } = await open(server, { token: () => SECRET, onUnauthorized })
    const error = await request('tools/list').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpError)
    expect(error).toMatchObject({ data: { status: 401, body: 'go away', challenge: { status: 401, resourceMetadata: METADATA, scope: 'mcp', url: server.url.href } } })
    expect(onUnauthorized).toHaveBeenCalledTimes(MAX_AUTH_RETRIES)
    expect(server.requests).toHaveLength(MAX_AUTH_RETRIES + 1)
    // Each request gets its own retries; the next one is not refused forever either.
    await expect(request('tools/list')).rejects.toMatchObject({ data: { status: 401 } })
    expect(server.requests).toHaveLength(2 * (MAX_AUTH_RETRIES + 1))
  })

  it('gives up as soon as onUnauthorized throws, with its error', async () => {
    const server = await guarded('never', (res) => void res.writeHead(401, { 'www-authenticate': 'Bearer scope="mcp"' }).end())
    const { request } = await open(server, {
      token: () => SECRET,
      onUnauthorized: () => {
        throw new Error('the user refused')
      },
    })
    await expect(request('tools/list')).rejects.toThrow('the user refused')
    expect(server.requests).toHaveLength(1)
  })

  it('with only token(), sends again once (the token may have rotated), without a hook', async () => {
    let token = 'old'
    const server = await guarded('new', (res) => {
      token = 'new'
      res.writeHead(401).end()
    })
    const { request } = await open(server, { token: () => token })
    expect(await request('tools/list')).toEqual(result(1, { ok: true }))
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(['Bearer old', 'Bearer new'])
  })

  it('headers() authorizes each request by method and URL, and a DPoP use_dpop_nonce challenge hands over the DPoP-Nonce', async () => {
    const asked: { method: string; url: string }[] = []
    let nonce: string | undefined
    const seen: UnauthorizedContext[] = []
    const server = await startServer((req, res) => {
      if (req.headers.dpop !== 'proof-with-n1') {
        return json(res, { error: 'use_dpop_nonce' }, { 'www-authenticate': `DPoP error="use_dpop_nonce", resource_metadata="${METADATA}", Bearer resource_metadata="${METADATA}"`, 'dpop-nonce': 'n1' }, 401)
      }
      json(res, result((messageOf(req) as { id: number }).id, { ok: true }))
    })
    const { request } = await open(server, {
      headers: (r) => (asked.push(r), { Authorization: 'DPoP tok', DPoP: nonce ? `proof-with-${nonce}` : 'proof' }),
      onUnauthorized: (ctx) => void (seen.push(ctx), (nonce = ctx.dpopNonce)),
    })
    expect(await request('tools/list')).toEqual(result(1, { ok: true }))
    expect(asked).toEqual([
      { method: 'POST', url: server.url.href },
      { method: 'POST', url: server.url.href },
    ])
    expect(seen).toMatchObject([{ status: 401, scheme: 'dpop', error: 'use_dpop_nonce', dpopNonce: 'n1', resourceMetadata: METADATA }])
    expect(server.requests.map((r) => [r.headers.authorization, r.headers.dpop])).toEqual([
      ['DPoP tok', 'proof'],
      ['DPoP tok', 'proof-with-n1'],
    ])
  })

  it('rejects a repeated 403 insufficient_scope with the challenge, and never puts the token in the error', async () => {
    const server = await guarded('never', (res) =>
      json(res, { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Forbidden' } }, { 'www-authenticate': 'Bearer error="insufficient_scope", scope="admin"' }, 403),
    )
    const { request } = await open(server, { token: () => SECRET, onUnauthorized: () => {} })
    const error = (await request('tools/list').catch((e: unknown) => e)) as McpError
    expect(error.data).toMatchObject({ status: 403, challenge: { status: 403, error: 'insufficient_scope', scope: 'admin' } })
    expect(server.requests).toHaveLength(MAX_AUTH_RETRIES + 1)
    expect(server.requests[1]!.headers.authorization).toBe(`Bearer ${SECRET}`)
    for (const text of [error.message, JSON.stringify(error.data), String(error.stack)]) expect(text).not.toContain(SECRET)
  })

  it('surfaces any other 403 at once, without calling the hook', async () => {
    const onUnauthorized = vi.fn()
    const server = await guarded('never', (res) => void res.writeHead(403, { 'www-authenticate': 'Bearer error="invalid_token"' }).end('no'))
    const { request } = await open(server, { token: () => SECRET, onUnauthorized })
    await expect(request('tools/list')).rejects.toMatchObject({ data: { status: 403, challenge: { status: 403, error: 'invalid_token' } } })
    const plain = await guarded('never', (res) => void res.writeHead(403).end('forbidden'))
    const second = await open(plain, { token: () => SECRET, onUnauthorized })
    const error = (await second.request('tools/list').catch((e: unknown) => e)) as McpError
    expect(error.data).toEqual({ status: 403, body: 'forbidden' })
    expect(onUnauthorized).not.toHaveBeenCalled()
    expect(server.requests).toHaveLength(1)
    expect(plain.requests).toHaveLength(1)
  })

  it('on the modern wire, steps up a 403 and reports a final 401 with its challenge rather than as a JSON-RPC error', async () => {
    const meta = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} }
    let token = 'narrow'
    const server = await startServer((req, res) => {
      const m = messageOf(req) as JSONRPCMessage & { id: number }
      if (req.headers.authorization === 'Bearer narrow') return json(res, { jsonrpc: '2.0', id: m.id, error: { code: -32600, message: 'scope' } }, { 'www-authenticate': 'Bearer error="insufficient_scope", scope="b"' }, 403)
      if (m.id === 1) return json(res, result(m.id, { resultType: 'complete' }))
      json(res, { jsonrpc: '2.0', id: m.id, error: { code: -32600, message: 'Unauthorized' } }, { 'www-authenticate': 'Bearer error="invalid_token"' }, 401)
    })
    const seen: UnauthorizedContext[] = []
    const { request } = await open(server, { token: () => token, onUnauthorized: (ctx) => void (seen.push(ctx), (token = 'wide')) })
    expect(await request('tools/list', { _meta: meta })).toEqual(result(1, { resultType: 'complete' }))
    await expect(request('tools/list', { _meta: meta })).rejects.toMatchObject({ data: { status: 401, challenge: { error: 'invalid_token' } } })
    expect(seen.map((c) => [c.status, c.scope ?? c.error])).toEqual([
      [403, 'b'],
      ...Array.from({ length: MAX_AUTH_RETRIES }, () => [401, 'invalid_token']),
    ])
  })
})

describe('SSEClientTransport: the auth hook', () => {
  it('hands the challenge of a 401 on the GET to onUnauthorized and connects with the new token', async () => {
    let token = 'old'
    const seen: UnauthorizedContext[] = []
    const server = await startServer((req, res) => {
      if (req.method !== 'GET') return void res.writeHead(202).end()
      if (req.headers.authorization !== 'Bearer new') return void res.writeHead(401, { 'www-authenticate': `Bearer resource_metadata="${METADATA}", scope="mcp"` }).end()
      sse(res)
      event(res, { event: 'endpoint', data: '/messages' })
    }, '/sse')
    const transport = new SSEClientTransport(server.url, { authProvider: { token: () => token, onUnauthorized: (ctx) => void (seen.push(ctx), (token = 'new')) } })
    transports.push(transport)
    await transport.start()
    expect(seen).toEqual([{ status: 401, url: server.url.href, method: 'GET', scheme: 'bearer', resourceMetadata: METADATA, scope: 'mcp', wwwAuthenticate: `Bearer resource_metadata="${METADATA}", scope="mcp"` }])
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(['Bearer old', 'Bearer new'])
  })
})
