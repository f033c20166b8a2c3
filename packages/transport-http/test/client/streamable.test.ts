// StreamableHTTPClientTransport against hand-written node:http servers on 127.0.0.1: the wire
// format (headers, JSON and SSE bodies, batches, 202), the standalone GET stream, resumption with
// Last-Event-ID after the server's `retry`, backoff, session expiry, auth retry, HTTP errors and
// a clean close. Every test ends by proving no socket, server or timer is left.
import { Client } from '@plugboard/client'
import { ErrorCode, McpError, type JSONRPCMessage } from '@plugboard/protocol'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { StreamableHTTPClientTransport, type StreamableHTTPClientTransportOptions } from '../../src/index.js'
import {
  closeServers,
  event,
  expectNoLeaks,
  json,
  mcpHandler,
  methodOf,
  observe,
  resourceBaseline,
  result,
  sse,
  startServer,
  type TestServer,
} from './helpers.js'

let baseline: Record<string, number>
const transports: StreamableHTTPClientTransport[] = []

const open = async (server: TestServer, options: StreamableHTTPClientTransportOptions = {}) => {
  const transport = new StreamableHTTPClientTransport(server.url, options)
  transports.push(transport)
  const observed = observe(transport)
  await transport.start()
  return observed
}

const progress = (token: number, value: number): JSONRPCMessage => ({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: token, progress: value } })
const gets = (server: TestServer) => server.requests.filter((r) => r.method === 'GET')

beforeEach(() => {
  baseline = resourceBaseline()
})

afterEach(async () => {
  vi.restoreAllMocks()
  await Promise.all(transports.splice(0).map((t) => t.close()))
  await closeServers()
  await expectNoLeaks(baseline)
})

describe('StreamableHTTPClientTransport: the wire format', () => {
  it('POSTs every message with both Accept types and JSON Content-Type, then Mcp-Session-Id and MCP-Protocol-Version once known', async () => {
    const server = await startServer(mcpHandler({ sessionId: 'sess-1', onRequest: (m, res) => json(res, result(m.id, { tools: [] })) }))
    const transport = new StreamableHTTPClientTransport(server.url)
    transports.push(transport)
    const client = new Client({ name: 'headers', version: '0.0.0' }, { versionNegotiation: { mode: 'legacy' } })
    await client.connect(transport)
    await client.listTools()
    expect(transport.sessionId).toBe('sess-1')
    expect(transport.protocolVersion).toBe('2025-11-25')

    const posts = server.requests.filter((r) => r.method === 'POST')
    expect(posts.map(methodOf)).toEqual(['initialize', 'notifications/initialized', 'tools/list'])
    for (const post of posts) expect(post.headers).toMatchObject({ accept: 'application/json, text/event-stream', 'content-type': 'application/json' })
    expect(posts[0]!.headers).not.toHaveProperty('mcp-session-id')
    expect(posts[0]!.headers).not.toHaveProperty('mcp-protocol-version')
    for (const post of posts.slice(1)) expect(post.headers).toMatchObject({ 'mcp-session-id': 'sess-1', 'mcp-protocol-version': '2025-11-25' })

    await client.close()
    expect(server.requests.at(-1)).toMatchObject({ method: 'DELETE', headers: { 'mcp-session-id': 'sess-1', 'mcp-protocol-version': '2025-11-25' } })
  })

  it('reads a JSON body and an SSE body alike, delivering notifications that precede the response in order', async () => {
    const server = await startServer(
      mcpHandler({
        onRequest: async (m, res) => {
          if (m.method === 'as/json') return json(res, result(m.id, { via: 'json' }))
          sse(res)
          event(res, { data: { jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'working' } } })
          // One event split across two chunks: the parser must wait for the rest.
          const text = `data: ${JSON.stringify(result(m.id, { via: 'sse' }))}\n\n`
          res.write(text.slice(0, 20))
          await new Promise((resolve) => setTimeout(resolve, 10))
          res.end(text.slice(20))
        },
      }),
    )
    const { request, messages, errors } = await open(server)
    expect(await request('as/json')).toEqual(result(1, { via: 'json' }))
    expect(await request('as/sse')).toEqual(result(2, { via: 'sse' }))
    expect(messages).toEqual([result(1, { via: 'json' }), { jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'working' } }, result(2, { via: 'sse' })])
    expect(errors).toEqual([])
  })

  it('POSTs a batch as one array and delivers a batch answer as one array, from JSON or SSE', async () => {
    const server = await startServer((req, res) => {
      const batch = req.json as JSONRPCMessage[]
      const answers = batch.map((m) => result((m as { id: number }).id, { n: (m as { id: number }).id }))
      if ((batch[0] as { method: string }).method === 'as/json') return json(res, answers)
      sse(res)
      event(res, { data: answers })
      res.end()
    })
    const { transport, messages } = await open(server)
    await transport.send([
      { jsonrpc: '2.0', id: 1, method: 'as/json' },
      { jsonrpc: '2.0', id: 2, method: 'as/json' },
    ])
    await transport.send([
      { jsonrpc: '2.0', id: 3, method: 'as/sse' },
      { jsonrpc: '2.0', id: 4, method: 'as/sse' },
    ])
    await vi.waitFor(() => expect(messages).toHaveLength(2))
    expect(messages).toEqual([
      [result(1, { n: 1 }), result(2, { n: 2 })],
      [result(3, { n: 3 }), result(4, { n: 4 })],
    ])
    expect(Array.isArray(server.requests[0]!.json)).toBe(true)
  })

  it('resolves a notification or response on 202 Accepted, with nothing delivered', async () => {
    const server = await startServer((_req, res) => void res.writeHead(202).end())
    const { transport, messages } = await open(server)
    await transport.send({ jsonrpc: '2.0', method: 'notifications/roots/list_changed' })
    await transport.send(result('server-1', {}))
    expect(server.requests.map((r) => r.method)).toEqual(['POST', 'POST'])
    expect(messages).toEqual([])
  })

  it('answers a request with ConnectionClosed at once when the JSON body holds no response to it', async () => {
    const server = await startServer((_req, res) => json(res, result('someone-else')))
    const { request } = await open(server)
    expect(await request('tools/list')).toMatchObject({ id: 1, error: { code: ErrorCode.ConnectionClosed, message: expect.stringContaining('did not contain it') } })
  })

  it('rejects a request answered with neither JSON nor an SSE stream', async () => {
    const server = await startServer((_req, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end('<p>hi</p>'))
    const { request } = await open(server)
    const error = await request('tools/list').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpError)
    expect((error as McpError).message).toMatch(/Content-Type text\/html/)
  })

  it('sends the sessionId option from the first request on', async () => {
    const server = await startServer(mcpHandler({ onRequest: (m, res) => json(res, result(m.id)) }))
    const { request, transport } = await open(server, { sessionId: 'resumed-session' })
    expect(transport.sessionId).toBe('resumed-session')
    await request('ping')
    expect(server.requests[0]!.headers['mcp-session-id']).toBe('resumed-session')
  })

  it('adds custom headers (fixed or computed per request) and the bearer token to POST, GET and DELETE', async () => {
    let n = 0
    const server = await startServer(mcpHandler({ sessionId: 's', onGet: (_req, res) => void res.writeHead(405).end() }))
    for (const headers of [{ 'X-Tenant': 'acme' }, () => ({ 'X-Tenant': 'acme', 'X-Call': String(++n) })]) {
      server.requests.length = 0
      const { request, transport } = await open(server, { headers, authProvider: { token: async () => 'tok' } })
      await request('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'c', version: '0' } })
      await transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' }, { protocolVersion: '2025-11-25' })
      await vi.waitFor(() => expect(gets(server)).toHaveLength(1))
      await transport.close()
      expect(server.requests.map((r) => r.method)).toEqual(['POST', 'POST', 'GET', 'DELETE'])
      for (const r of server.requests) expect(r.headers).toMatchObject({ 'x-tenant': 'acme', authorization: 'Bearer tok' })
    }
    expect(n).toBe(4)
  })
})

describe('StreamableHTTPClientTransport: the standalone GET stream', () => {
  it('opens it after notifications/initialized is accepted, delivers server requests from it, and POSTs the answers', async () => {
    const server = await startServer(
      mcpHandler({
        sessionId: 's-get',
        onGet: (_req, res) => {
          sse(res)
          event(res, { id: 'g-1', data: { jsonrpc: '2.0', id: 'srv-1', method: 'ping' } })
        },
      }),
    )
    const { transport, messages, request } = await open(server)
    await request('initialize', {})
    await transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' }, { protocolVersion: '2025-11-25' })
    await vi.waitFor(() => expect(messages).toContainEqual({ jsonrpc: '2.0', id: 'srv-1', method: 'ping' }))
    expect(gets(server)[0]!.headers).toMatchObject({ accept: 'text/event-stream', 'mcp-session-id': 's-get', 'mcp-protocol-version': '2025-11-25' })
    await transport.send(result('srv-1'), { relatedRequestId: 'srv-1', protocolVersion: '2025-11-25' })
    expect(server.requests.at(-1)!.json).toEqual(result('srv-1'))
  })

  it('does not open it with openGetStream: false', async () => {
    const server = await startServer(mcpHandler({ onRequest: (m, res) => json(res, result(m.id)) }))
    const { transport, request } = await open(server, { openGetStream: false })
    await transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' })
    await request('ping')
    expect(gets(server)).toEqual([])
  })

  it('takes a 405 as "no stream offered": no retry, no error', async () => {
    const server = await startServer(mcpHandler({ onRequest: (m, res) => json(res, result(m.id)) }))
    const { transport, request, errors } = await open(server, { reconnection: { initialDelayMs: 1 } })
    await transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' })
    await vi.waitFor(() => expect(gets(server)).toHaveLength(1))
    await request('ping')
    await request('ping')
    expect(gets(server)).toHaveLength(1)
    expect(errors).toEqual([])
  })

  it('reconnects it with Last-Event-ID after the server closes it, waiting the server’s retry', async () => {
    const timers = vi.spyOn(globalThis, 'setTimeout')
    const server = await startServer(
      mcpHandler({
        onGet: (req, res) => {
          sse(res)
          if (!req.headers['last-event-id']) {
            event(res, { id: 'g-1', retry: 37, data: { jsonrpc: '2.0', method: 'notifications/tools/list_changed' } })
            return void res.end()
          }
          event(res, { id: 'g-2', data: { jsonrpc: '2.0', method: 'notifications/prompts/list_changed' } })
        },
      }),
    )
    const { transport, messages } = await open(server)
    await transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' })
    await vi.waitFor(() => expect(messages).toHaveLength(2))
    expect(messages.map((m) => (m as { method: string }).method)).toEqual(['notifications/tools/list_changed', 'notifications/prompts/list_changed'])
    expect(gets(server)[1]!.headers['last-event-id']).toBe('g-1')
    expect(timers.mock.calls.map((call) => call[1])).toContain(37)
  })

  it('gives up on it after maxRetries failed attempts and says so on onerror, staying open for requests', async () => {
    const server = await startServer(mcpHandler({ onGet: (_req, res) => void res.writeHead(409).end('Conflict'), onRequest: (m, res) => json(res, result(m.id)) }))
    const { transport, errors, request, closes } = await open(server, { reconnection: { initialDelayMs: 2, maxRetries: 2 } })
    await transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' })
    await vi.waitFor(() => expect(errors).toHaveLength(1))
    expect(errors[0]).toMatchObject({ code: ErrorCode.ConnectionClosed, message: expect.stringMatching(/gave up reconnecting the standalone GET SSE stream after 2 attempt\(s\).*HTTP 409/) })
    expect(gets(server)).toHaveLength(3)
    expect(await request('ping')).toEqual(result(1))
    expect(closes()).toBe(0)
  })
})

describe('StreamableHTTPClientTransport: resuming a response stream', () => {
  /**
   * A server whose POST stream sends a priming event (with `retry`), one progress notification,
   * then goes away (`end`: closes the connection, as in 2025-11-25 SSE polling; `cut`: the socket
   * dies). Its GET with Last-Event-ID replays from one event too early (the progress again) and
   * then sends the response, so the client must drop the duplicate.
   */
  const resumable = (how: 'end' | 'cut', retry?: number) =>
    startServer(
      mcpHandler({
        sessionId: 's-resume',
        onRequest: (_m, res) => {
          sse(res)
          event(res, { id: 'e-0', retry, data: '' })
          event(res, { id: 'e-1', data: progress(7, 1) })
          if (how === 'end') return void res.end()
          res.write('', () => res.socket?.destroy())
        },
        onGet: (req, res) => {
          if (req.headers['last-event-id'] !== 'e-1') return void res.writeHead(400).end('unexpected Last-Event-ID')
          sse(res)
          event(res, { id: 'e-1', data: progress(7, 1) })
          event(res, { id: 'e-2', data: progress(7, 2) })
          event(res, { id: 'e-3', data: result(1, { done: true }) })
          res.end()
        },
      }),
    )

  it.each(['end', 'cut'] as const)('after the server %ss the stream: GET with Last-Event-ID after its retry, nothing lost or duplicated', async (how) => {
    const timers = vi.spyOn(globalThis, 'setTimeout')
    const server = await resumable(how, 41)
    const { request, messages, errors } = await open(server, { sessionId: 's-resume', reconnection: { initialDelayMs: 10_000 } })
    expect(await request('tools/call', { name: 'slow' })).toEqual(result(1, { done: true }))
    expect(messages).toEqual([progress(7, 1), progress(7, 2), result(1, { done: true })])
    expect(gets(server)).toHaveLength(1)
    expect(gets(server)[0]!.headers).toMatchObject({ 'last-event-id': 'e-1', 'mcp-session-id': 's-resume', accept: 'text/event-stream' })
    expect(timers.mock.calls.map((call) => call[1])).toContain(41)
    expect(errors).toEqual([])
  })

  it('without a retry field, waits an exponential backoff with jitter, and gives up after maxRetries with ConnectionClosed', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1)
    const timers = vi.spyOn(globalThis, 'setTimeout')
    const server = await startServer(
      mcpHandler({
        onRequest: (_m, res) => {
          sse(res)
          event(res, { id: 'only', data: '' })
          res.end()
        },
        onGet: (_req, res) => void res.writeHead(503).end('down for maintenance'),
      }),
    )
    const { request } = await open(server, { reconnection: { initialDelayMs: 16, growFactor: 2, maxDelayMs: 50, maxRetries: 3 } })
    const answer = await request('tools/call', { name: 'x' })
    expect(answer).toMatchObject({ id: 1, error: { code: ErrorCode.ConnectionClosed, message: expect.stringMatching(/gave up reconnecting the POST SSE stream after 3 attempt\(s\).*HTTP 503/) } })
    expect(gets(server)).toHaveLength(3)
    // Math.random() = 1 puts each delay at the top of its jitter range: 16, 32, then capped at 50.
    const delays = timers.mock.calls.map((call) => call[1]).filter((d) => d === 16 || d === 32 || d === 50)
    expect(delays).toEqual([16, 32, 50])
  })

  it('never waits less than the server’s retry, even when backing off', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0)
    const timers = vi.spyOn(globalThis, 'setTimeout')
    const server = await startServer(
      mcpHandler({
        onRequest: (_m, res) => {
          sse(res)
          event(res, { id: 'only', retry: 23, data: '' })
          res.end()
        },
        onGet: (_req, res) => void res.writeHead(503).end(),
      }),
    )
    const { request } = await open(server, { reconnection: { initialDelayMs: 2, maxRetries: 2 } })
    await request('tools/call', { name: 'x' })
    expect(timers.mock.calls.map((call) => call[1]).filter((d) => d === 23)).toEqual([23, 23])
  })

  it('answers the request with ConnectionClosed at once when its stream ends without an event id to resume from', async () => {
    const server = await startServer(
      mcpHandler({
        onRequest: (_m, res) => {
          sse(res)
          event(res, { data: progress(1, 1) })
          res.end()
        },
      }),
    )
    const { request } = await open(server)
    expect(await request('tools/call', { name: 'x' })).toMatchObject({
      id: 1,
      error: { code: ErrorCode.ConnectionClosed, message: expect.stringContaining('with no event id to resume from') },
    })
    expect(gets(server)).toEqual([])
  })

  it('does not reconnect once the response arrived, even if the stream breaks after it', async () => {
    const server = await startServer(
      mcpHandler({
        onRequest: (m, res) => {
          sse(res)
          event(res, { id: 'a', data: result(m.id, { ok: true }) })
          res.write('', () => res.socket?.destroy())
        },
      }),
    )
    const { request, errors } = await open(server, { reconnection: { initialDelayMs: 1 } })
    expect(await request('tools/call', { name: 'x' })).toEqual(result(1, { ok: true }))
    await request('tools/call', { name: 'y' })
    expect(gets(server)).toEqual([])
    expect(errors).toEqual([])
  })

  it('fails the request when the server does not allow GET to resume (405)', async () => {
    const server = await startServer(
      mcpHandler({
        onRequest: (_m, res) => {
          sse(res)
          event(res, { id: 'p', retry: 1, data: '' })
          res.end()
        },
      }),
    )
    const { request } = await open(server)
    expect(await request('tools/call', { name: 'x' })).toMatchObject({ error: { code: ErrorCode.ConnectionClosed, message: expect.stringContaining('does not allow GET') } })
  })
})

describe('StreamableHTTPClientTransport: HTTP errors', () => {
  it('takes a 404 to a request with a session id as an expired session: rejects clearly, reports, closes, sends no DELETE', async () => {
    const server = await startServer(
      mcpHandler({ sessionId: 'gone', onRequest: (_m, res) => json(res, { jsonrpc: '2.0', id: null, error: { code: -32001, message: 'Session not found' } }, {}, 404) }),
    )
    const { request, transport, errors, closes } = await open(server)
    await request('initialize', {})
    const error = await request('tools/list').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpError)
    expect(error).toMatchObject({ code: ErrorCode.ConnectionClosed, message: expect.stringMatching(/MCP session gone expired.*HTTP 404/), data: { status: 404 } })
    expect(errors).toEqual([error])
    await vi.waitFor(() => expect(closes()).toBe(1))
    expect(transport.sessionId).toBeUndefined()
    await expect(transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' })).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed, message: 'Not connected' })
    expect(server.requests.map((r) => r.method)).toEqual(['POST', 'POST'])
  })

  it('on 401 calls onUnauthorized, reads the token again and retries once', async () => {
    let token = 'stale'
    const onUnauthorized = vi.fn(() => void (token = 'fresh'))
    const server = await startServer((req, res) => {
      if (req.headers.authorization !== 'Bearer fresh') return void res.writeHead(401, { 'www-authenticate': 'Bearer' }).end()
      json(res, result(1, { ok: true }))
    })
    const { request } = await open(server, { authProvider: { token: () => token, onUnauthorized } })
    expect(await request('tools/list')).toEqual(result(1, { ok: true }))
    expect(onUnauthorized).toHaveBeenCalledTimes(1)
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(['Bearer stale', 'Bearer fresh'])
  })

  it('rejects with status 401 when the retry is refused too, and without an auth provider at once', async () => {
    const server = await startServer((_req, res) => void res.writeHead(401).end('no entry'))
    const withAuth = await open(server, { authProvider: { token: () => 'never-good' } })
    await expect(withAuth.request('tools/list')).rejects.toMatchObject({ data: { status: 401, body: 'no entry' } })
    expect(server.requests).toHaveLength(2)
    const without = await open(server)
    await expect(without.request('tools/list')).rejects.toMatchObject({ data: { status: 401 } })
    expect(server.requests).toHaveLength(3)
  })

  it('rejects that send with an McpError carrying the status and body, and stays usable', async () => {
    let calls = 0
    const server = await startServer((req, res) => {
      calls++
      if (calls === 1) return void res.writeHead(500, { 'content-type': 'text/plain' }).end('database on fire')
      if (calls === 2) return json(res, { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Bad Request: unsupported protocol version' } }, {}, 400)
      json(res, result((req.json as { id: number }).id, { ok: true }))
    })
    const { request, closes } = await open(server)
    const first = await request('tools/list').catch((e: unknown) => e)
    expect(first).toBeInstanceOf(McpError)
    expect(first).toMatchObject({ code: ErrorCode.InternalError, message: expect.stringContaining('HTTP 500'), data: { status: 500, body: 'database on fire' } })
    expect((first as Error).message).toContain('database on fire')
    await expect(request('tools/list')).rejects.toMatchObject({ code: -32600, message: expect.stringContaining('unsupported protocol version'), data: { status: 400 } })
    expect(await request('tools/list', undefined, 9)).toEqual(result(9, { ok: true }))
    expect(closes()).toBe(0)
  })

  it('rejects with ConnectionClosed when the server cannot be reached', async () => {
    const server = await startServer(() => {})
    const url = server.url
    await server.close()
    const transport = new StreamableHTTPClientTransport(url)
    transports.push(transport)
    await transport.start()
    await expect(transport.send({ jsonrpc: '2.0', id: 1, method: 'ping' })).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed, message: expect.stringContaining('POST') })
  })
})

describe('StreamableHTTPClientTransport: closing', () => {
  it('ends the streams and a pending reconnection, DELETEs the session, fires onclose once and leaves nothing open', async () => {
    const server = await startServer(
      mcpHandler({
        sessionId: 's-close',
        onGet: (_req, res) => sse(res),
        onRequest: (m, res) => {
          sse(res)
          if (m.method === 'hangs') return
          event(res, { id: 'x', retry: 60_000, data: '' })
          res.end()
        },
        onDelete: (_req, res) => void res.writeHead(405).end(),
      }),
    )
    const { transport, request, closes } = await open(server)
    await request('initialize', {})
    await transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' })
    void request('waits/for/reconnect')
    void request('hangs')
    await vi.waitFor(() => expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(4))
    await vi.waitFor(() => expect(gets(server)).toHaveLength(1))
    await Promise.all([transport.close(), transport.close()])
    expect(closes()).toBe(1)
    expect(server.requests.at(-1)).toMatchObject({ method: 'DELETE', headers: { 'mcp-session-id': 's-close' } })
    await vi.waitFor(() => expect(server.openSockets).toBe(0))
    await expect(transport.send({ jsonrpc: '2.0', method: 'x' })).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed })
  })

  it('rejects a POST still waiting for its response with ConnectionClosed', async () => {
    const server = await startServer(() => {})
    const { request, transport } = await open(server)
    const pending = request('tools/call').catch((e: unknown) => e)
    await vi.waitFor(() => expect(server.requests).toHaveLength(1))
    await transport.close()
    expect(await pending).toMatchObject({ code: ErrorCode.ConnectionClosed })
  })

  it('terminateSession() DELETEs and forgets the session; 405 means the server keeps it, which is fine', async () => {
    const server = await startServer(mcpHandler({ sessionId: 'to-end', onDelete: (_req, res) => void res.writeHead(405).end() }))
    const { transport, request } = await open(server)
    await request('initialize', {})
    await transport.terminateSession()
    expect(transport.sessionId).toBeUndefined()
    expect(server.requests.at(-1)).toMatchObject({ method: 'DELETE', headers: { 'mcp-session-id': 'to-end' } })
  })
})

describe('StreamableHTTPClientTransport: with a given fetch', () => {
  it('carries every request through it, JSON and SSE alike, and closing aborts its streams', async () => {
    const calls: string[] = []
    const fetch: typeof globalThis.fetch = (input, init) => {
      calls.push(init?.method ?? 'GET')
      return globalThis.fetch(input, init)
    }
    const server = await startServer(
      mcpHandler({
        sessionId: 'f',
        onGet: (_req, res) => sse(res),
        onRequest: (m, res) => {
          if (m.method === 'as/json') return json(res, result(m.id))
          sse(res)
          event(res, { id: '1', data: result(m.id, { sse: true }) })
          res.end()
        },
      }),
    )
    const { request, transport } = await open(server, { fetch })
    await request('initialize', {})
    await transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' })
    expect(await request('as/json')).toEqual(result(2))
    expect(await request('as/sse')).toEqual(result(3, { sse: true }))
    await vi.waitFor(() => expect(gets(server)).toHaveLength(1))
    await transport.close()
    expect(calls.filter((c) => c === 'POST')).toHaveLength(4)
    expect(calls.filter((c) => c === 'GET')).toHaveLength(1)
    expect(calls.at(-1)).toBe('DELETE')
  })

  it('gives each request its own signal, so thousands of calls never pile listeners onto one', async () => {
    const signals = new Set<AbortSignal>()
    const warnings: Error[] = []
    const onWarning = (warning: Error) => void warnings.push(warning)
    process.on('warning', onWarning)
    const fetch: typeof globalThis.fetch = (input, init) => {
      signals.add(init!.signal!)
      return globalThis.fetch(input, init)
    }
    const server = await startServer((req, res) => json(res, result((req.json as { id: number }).id)))
    const { request } = await open(server, { fetch })
    for (let round = 0; round < 20; round++) await Promise.all(Array.from({ length: 100 }, (_, i) => request('ping', undefined, round * 100 + i)))
    process.off('warning', onWarning)
    expect(signals.size).toBe(2000)
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([])
  })
})
