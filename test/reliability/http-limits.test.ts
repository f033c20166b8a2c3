import { request as httpRequest, type IncomingMessage } from 'node:http'
import { ErrorCode } from '@plugboard/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createMcpHandler } from '../../packages/transport-http/src/index.js'
import { ACCEPT_BOTH, callTool, closeAndCheck, deferred, initializeRequest, openSession, post, recordHandles, responses, serve, testServer, toolText } from '../../packages/transport-http/test/server/harness.js'
import { modernPost, modernRequest } from '../../packages/transport-http/test/server/modern-harness.js'

beforeEach(recordHandles)
afterEach(closeAndCheck)

interface Raw {
  status: number
  headers: IncomingMessage['headers']
  body: string
  /** Whether the server closed the connection after answering. */
  closed: Promise<void>
}

/**
 * A POST over node:http where the test controls the body: `chunks` are written one by one, and the
 * request is left unfinished when `finish` is false (a client trickling its body in).
 */
function rawPost(url: string, chunks: string[], options: { headers?: Record<string, string>; finish?: boolean } = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { accept: ACCEPT_BOTH, 'content-type': 'application/json', ...options.headers } }, (res) => {
      const closed = new Promise<void>((done) => res.socket.once('close', () => done()))
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body, closed }))
    })
    req.on('error', reject)
    for (const chunk of chunks) req.write(chunk)
    if (options.finish !== false) req.end()
  })
}

const rpcError = (body: string) => (JSON.parse(body) as { error: { code: number; message: string } }).error

describe('request bodies', () => {
  it('answers a body over maxBodyBytes with 413 and a JSON-RPC error, declared or streamed', async () => {
    const { url } = await serve({ maxBodyBytes: 1024 })
    const big = JSON.stringify({ ...initializeRequest(), pad: 'x'.repeat(4096) })
    const declared = await post(url, big)
    expect(declared.status).toBe(413)
    expect(await declared.json()).toMatchObject({ jsonrpc: '2.0', error: { code: ErrorCode.InvalidRequest, message: expect.stringContaining('1024') } })
    const streamed = await rawPost(url, [big.slice(0, 1000), big.slice(1000)], { headers: { 'transfer-encoding': 'chunked' } })
    expect(streamed.status).toBe(413)
    expect(rpcError(streamed.body).code).toBe(ErrorCode.InvalidRequest)
  })

  it('answers a body that does not arrive within bodyTimeoutMs with 408 and closes the connection (node handler)', async () => {
    const { url } = await serve({ bodyTimeoutMs: 100 })
    const slow = await rawPost(url, ['{"jsonrpc":'], { headers: { 'transfer-encoding': 'chunked' }, finish: false })
    expect(slow.status).toBe(408)
    expect(rpcError(slow.body)).toMatchObject({ code: ErrorCode.InvalidRequest, message: expect.stringContaining('100 ms') })
    expect(slow.headers.connection).toBe('close')
    await slow.closed
  })

  it('answers a body that does not arrive within bodyTimeoutMs with 408 (web-standard handler)', async () => {
    const handler = createMcpHandler(testServer(), { bodyTimeoutMs: 100 })
    let cancelled = false
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => controller.enqueue(new TextEncoder().encode('{"jsonrpc":')),
      cancel: () => void (cancelled = true),
    })
    const request = new Request('http://127.0.0.1/mcp', { method: 'POST', headers: { accept: ACCEPT_BOTH, 'content-type': 'application/json' }, body, duplex: 'half' } as RequestInit)
    const response = await handler.fetch(request)
    expect(response.status).toBe(408)
    expect((await response.json()).error.code).toBe(ErrorCode.InvalidRequest)
    expect(cancelled).toBe(true)
    await handler.close()
  })

  it('accepts a body that starts with a UTF-8 byte order mark', async () => {
    const { url } = await serve()
    const response = await rawPost(url, ['\ufeff' + JSON.stringify(initializeRequest())])
    expect(response.status).toBe(200)
    const sessionId = response.headers['mcp-session-id'] as string
    const headers = { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' }
    const call = new TextEncoder().encode('\ufeff' + JSON.stringify(callTool(1, 'echo', { text: 'bom' })))
    const answer = await fetch(url, { method: 'POST', headers: { accept: ACCEPT_BOTH, 'content-type': 'application/json', ...headers }, body: call })
    expect(toolText((await responses(answer))[0])).toBe('bom')
  })
})

describe('content negotiation', () => {
  it('answers a non-JSON Content-Type with 415 and a POST that does not accept SSE with 406', async () => {
    const { url } = await serve()
    const text = await post(url, initializeRequest(), { 'content-type': 'text/plain' })
    expect(text.status).toBe(415)
    expect((await text.json()).error.code).toBe(ErrorCode.InvalidRequest)
    const jsonOnly = await post(url, initializeRequest(), { accept: 'application/json' })
    expect(jsonOnly.status).toBe(406)
    expect((await jsonOnly.json()).error.code).toBe(ErrorCode.InvalidRequest)
  })

  it('answers a GET that does not accept text/event-stream with 406', async () => {
    const { url } = await serve()
    const { headers } = await openSession(url)
    const get = await fetch(url, { headers: { ...headers, accept: 'application/json' } })
    expect(get.status).toBe(406)
    expect((await get.json()).error.code).toBe(ErrorCode.InvalidRequest)
  })
})

describe('DNS rebinding', () => {
  it('refuses a rebound Host and a foreign Origin with 403 on every method', async () => {
    const { url, port } = await serve()
    const rebound = await rawPost(url, [JSON.stringify(initializeRequest())], { headers: { host: `attacker.example:${port}` } })
    expect(rebound.status).toBe(403)
    expect(rpcError(rebound.body).message).toContain('Host')
    const { headers } = await openSession(url)
    for (const method of ['POST', 'GET', 'DELETE']) {
      const response = await fetch(url, { method, headers: { ...headers, accept: ACCEPT_BOTH, 'content-type': 'application/json', origin: 'https://attacker.example' }, body: method === 'POST' ? '{}' : undefined })
      expect(response.status, method).toBe(403)
      expect((await response.json()).error.message, method).toContain('Origin')
    }
  })
})

describe('sessions', () => {
  it('answers an initialize past maxSessions with 503, a JSON-RPC error and Retry-After, until one ends', async () => {
    const { url } = await serve({ maxSessions: 2 })
    const first = await openSession(url)
    await openSession(url)
    const full = await post(url, initializeRequest())
    expect(full.status).toBe(503)
    expect(full.headers.get('retry-after')).toBeTruthy()
    expect(await full.json()).toMatchObject({ jsonrpc: '2.0', error: { code: ErrorCode.InternalError, message: expect.stringContaining('too many sessions') } })
    expect((await fetch(url, { method: 'DELETE', headers: first.headers })).status).toBe(200)
    await openSession(url)
  })

  it('ends a session idle for sessionIdleTimeoutMs; its id then gets 404', async () => {
    const { url, server } = await serve({ sessionIdleTimeoutMs: 50 })
    const { headers } = await openSession(url)
    await expect.poll(() => server.sessions.size, { timeout: 5000 }).toBe(0)
    const late = await post(url, callTool(1, 'echo', { text: 'late' }), headers)
    expect(late.status).toBe(404)
  })
})

describe('requests served without a session', () => {
  const modes: Array<[string, { stateless?: boolean }]> = [
    ['2026-07-28', {}],
    ['a stateless handler', { stateless: true }],
  ]
  it.each(modes)('answers one past maxConcurrentRequests with 503 and Retry-After (%s), and serves again once one ends', async (_name, options) => {
    const gate = deferred()
    const { url } = await serve({ ...options, enableJsonResponse: true, maxConcurrentRequests: 1 }, testServer([gate.promise]))
    const send = (id: number, name: string, args: Record<string, unknown>) =>
      options.stateless ? post(url, callTool(id, name, args), { 'mcp-protocol-version': '2025-11-25' }) : modernPost(url, modernRequest(id, 'tools/call', { name, arguments: args }))
    const first = send(1, 'gated', { steps: 0 })
    // The first is being served (it waits at the gate) before the second comes.
    await expect.poll(async () => (await send(99, 'echo', { text: 'probe' })).status).toBe(503)
    const refused = await send(2, 'echo', { text: 'too many' })
    expect(refused.status).toBe(503)
    expect(refused.headers.get('retry-after')).toBe('1')
    expect(rpcError(await refused.text())).toMatchObject({ code: ErrorCode.InternalError, message: expect.stringContaining('too many requests') })
    gate.resolve()
    expect(toolText((await responses(await first))[0])).toBe('through the gate')
    const again = await send(3, 'echo', { text: 'again' })
    expect(again.status).toBe(200)
    expect(toolText((await responses(again))[0])).toBe('again')
  })
})
