import { ErrorCode } from '@plugboard/protocol'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ACCEPT_BOTH, callTool, closeAndCheck, initializeRequest, openSession, post, recordHandles, responses, serve, testServer, toolText } from './harness.js'

beforeEach(recordHandles)
afterEach(async () => {
  vi.useRealTimers()
  await closeAndCheck()
})

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const del = (url: string, headers: Record<string, string>) => fetch(url, { method: 'DELETE', headers })

describe('sessions', () => {
  it('issues a random session id with the initialize response, a new one per initialize', async () => {
    const { url, server } = await serve()
    const a = await openSession(url)
    const b = await openSession(url)
    expect(a.sessionId).toMatch(UUID)
    expect(b.sessionId).toMatch(UUID)
    expect(a.sessionId).not.toBe(b.sessionId)
    expect([...server.sessions].map((s) => s.sessionId).sort()).toEqual([a.sessionId, b.sessionId].sort())
  })

  it('uses sessionIdGenerator, and refuses with 500 an id that is not visible ASCII', async () => {
    let n = 0
    const { url } = await serve({ sessionIdGenerator: () => (n++ === 0 ? 'custom-id-1' : 'has space') })
    expect((await openSession(url)).sessionId).toBe('custom-id-1')
    const refused = await post(url, initializeRequest())
    expect(refused.status).toBe(500)
    expect(await refused.json()).toMatchObject({ error: { code: ErrorCode.InternalError } })
  })

  it('answers a request without Mcp-Session-Id with 400, and an unknown one with 404', async () => {
    const { url } = await serve()
    const { headers } = await openSession(url)
    const missing = await post(url, callTool(1, 'echo', { text: 'x' }), { 'mcp-protocol-version': headers['mcp-protocol-version']! })
    expect(missing.status).toBe(400)
    expect(await missing.json()).toMatchObject({ error: { code: ErrorCode.InvalidRequest, message: expect.stringContaining('Mcp-Session-Id') } })
    const unknown = await post(url, callTool(1, 'echo', { text: 'x' }), { ...headers, 'mcp-session-id': 'no-such-session' })
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toMatchObject({ error: { code: ErrorCode.InvalidRequest } })
  })

  it('ends a session on DELETE: 200, then 404 for it, while other sessions go on', async () => {
    const { url, server } = await serve()
    const a = await openSession(url)
    const b = await openSession(url)
    expect((await del(url, a.headers)).status).toBe(200)
    expect(server.sessions.size).toBe(1)
    expect((await post(url, callTool(1, 'echo', { text: 'x' }), a.headers)).status).toBe(404)
    expect((await del(url, a.headers)).status).toBe(404)
    expect(toolText((await responses(await post(url, callTool(1, 'echo', { text: 'b' }), b.headers)))[0])).toBe('b')
  })

  it('answers DELETE with 405 when enableDelete is false, and keeps the session', async () => {
    const { url } = await serve({ enableDelete: false })
    const { headers } = await openSession(url)
    const response = await del(url, headers)
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('POST, GET')
    expect((await post(url, callTool(1, 'echo', { text: 'x' }), headers)).status).toBe(200)
  })

  it('ends a DELETEd session\'s open streams, ending its requests\' SSE responses', async () => {
    const gates = [new Promise<void>(() => {})]
    const { url, server } = await serve({}, testServer(gates))
    const { headers } = await openSession(url)
    const running = post(url, callTool(1, 'gated', { steps: 0 }), headers)
    const stream = await running
    expect((await del(url, headers)).status).toBe(200)
    // The stream ends without a response: the session is gone.
    expect((await responses(stream)).filter((m) => 'id' in m)).toEqual([])
    expect(server.sessions.size).toBe(0)
  })

  it('answers a second initialize on a session with a JSON-RPC error and keeps the session', async () => {
    const { url } = await serve()
    const { headers } = await openSession(url)
    const [answer] = await responses(await post(url, initializeRequest(), headers))
    expect(answer).toMatchObject({ error: { code: ErrorCode.InvalidRequest, message: expect.stringContaining('initialize') } })
    expect(toolText((await responses(await post(url, callTool(1, 'echo', { text: 'alive' }), headers)))[0])).toBe('alive')
  })

  it('forgets a session whose initialize failed', async () => {
    const { url, server } = await serve({ enableJsonResponse: true })
    const response = await post(url, { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25' } })
    const sessionId = response.headers.get('mcp-session-id')!
    expect(await response.json()).toMatchObject({ id: 0, error: { code: ErrorCode.InvalidParams } })
    await vi.waitFor(() => expect(server.sessions.size).toBe(0))
    expect((await post(url, callTool(1, 'echo', { text: 'x' }), { 'mcp-session-id': sessionId })).status).toBe(404)
  })

  it('expires a session idle for sessionIdleTimeoutMs; later requests get 404', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const { url, server } = await serve({ sessionIdleTimeoutMs: 60_000, enableJsonResponse: true })
    const { headers } = await openSession(url)
    await vi.advanceTimersByTimeAsync(50_000)
    // A request counts as use: the session lives 60 s from here.
    expect((await post(url, callTool(1, 'echo', { text: 'x' }), headers)).status).toBe(200)
    await vi.advanceTimersByTimeAsync(50_000)
    expect(server.sessions.size).toBe(1)
    await vi.advanceTimersByTimeAsync(10_001)
    expect(server.sessions.size).toBe(0)
    expect((await post(url, callTool(2, 'echo', { text: 'x' }), headers)).status).toBe(404)
  })

  it('does not expire a session while its GET stream is open', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const { url, server } = await serve({ sessionIdleTimeoutMs: 1000 })
    const { headers } = await openSession(url)
    const get = await fetch(url, { headers: { ...headers, accept: 'text/event-stream' } })
    expect(get.status).toBe(200)
    await vi.advanceTimersByTimeAsync(5000)
    expect(server.sessions.size).toBe(1)
    await get.body!.cancel()
    await vi.waitFor(() => vi.advanceTimersByTime(1001) && expect(server.sessions.size).toBe(0))
  })
})

describe('stateless', () => {
  it('serves each POST on its own: no session id, no initialize needed, nothing left open', async () => {
    const { url, server } = await serve({ stateless: true })
    const init = await post(url, initializeRequest())
    expect(init.headers.get('mcp-session-id')).toBeNull()
    expect((await responses(init))[0]).toMatchObject({ result: { protocolVersion: '2025-11-25' } })
    const call = await post(url, callTool(1, 'whoami'), { 'mcp-protocol-version': '2025-11-25' })
    expect(call.headers.get('mcp-session-id')).toBeNull()
    expect(JSON.parse(toolText((await responses(call))[0]))).toMatchObject({ sessionId: null, protocolVersion: '2025-11-25' })
    expect((await post(url, { jsonrpc: '2.0', method: 'notifications/initialized' })).status).toBe(202)
    await vi.waitFor(() => expect(server.sessions.size).toBe(0))
  })

  it('answers in JSON mode too, and GET and DELETE with 405', async () => {
    const { url } = await serve({ stateless: true, enableJsonResponse: true })
    const call = await post(url, callTool(1, 'echo', { text: 'plain' }))
    expect(call.headers.get('content-type')).toBe('application/json')
    expect(toolText(await call.json())).toBe('plain')
    const get = await fetch(url, { headers: { accept: 'text/event-stream' } })
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST')
    expect((await fetch(url, { method: 'DELETE', headers: { accept: ACCEPT_BOTH } })).status).toBe(405)
  })

  it('refuses a server-to-client request it has no stream for, rather than hanging', async () => {
    const { url } = await serve({ stateless: true, enableJsonResponse: true })
    const answer = await (await post(url, callTool(1, 'sample'), { 'mcp-protocol-version': '2025-11-25' })).json()
    expect(answer).toMatchObject({ id: 1, result: { isError: true } })
    expect(toolText(answer)).toContain('no connection to the client')
  })
})
