// SSEClientTransport (2024-11-05 HTTP+SSE) against hand-written node:http servers: the endpoint
// event, POSTs to it with answers arriving on the stream, the same-origin rule, failures before
// the endpoint, the stream ending, auth, and a clean close.
import type { ServerResponse } from 'node:http'
import { ErrorCode, McpError, type JSONRPCMessage } from '@plugboard/protocol'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { SSEClientTransport, type SSEClientTransportOptions } from '../../src/index.js'
import { closeServers, event, expectNoLeaks, observe, resourceBaseline, result, sse, startServer, type Handler, type TestServer } from './helpers.js'

let baseline: Record<string, number>
const transports: SSEClientTransport[] = []

beforeEach(() => {
  baseline = resourceBaseline()
})

afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close()))
  await closeServers()
  await expectNoLeaks(baseline)
})

/**
 * A legacy server: GET /sse opens the stream and names `endpoint`; POSTs there answer 202 and the
 * echo of each request goes out on the stream.
 */
function legacyServer(options: { endpoint?: string; onGet?: Handler; onPost?: Handler } = {}): Promise<TestServer & { stream?: ServerResponse }> {
  const state: { stream?: ServerResponse } = {}
  return startServer(async (req, res) => {
    if (req.method === 'GET') {
      if (options.onGet) return options.onGet(req, res)
      sse(res)
      state.stream = res
      return event(res, { event: 'endpoint', data: options.endpoint ?? '/messages?sessionId=abc' })
    }
    if (options.onPost) return options.onPost(req, res)
    res.writeHead(202).end('Accepted')
    const m = req.json as JSONRPCMessage
    if ('method' in m && 'id' in m) event(state.stream!, { event: 'message', data: result(m.id, { echo: m.method, path: req.path }) })
  }, '/sse').then((server) => Object.defineProperty(server, 'stream', { get: () => state.stream }))
}

const open = async (server: TestServer, options: SSEClientTransportOptions = {}) => {
  const transport = new SSEClientTransport(server.url, options)
  transports.push(transport)
  const observed = observe(transport)
  await transport.start()
  return observed
}

describe('SSEClientTransport', () => {
  it('waits for the endpoint event, POSTs each message there, and delivers what arrives on the stream', async () => {
    const server = await legacyServer()
    const { transport, request } = await open(server)
    expect(transport.endpoint?.href).toBe(new URL('/messages?sessionId=abc', server.url).href)
    expect(await request('tools/list')).toEqual(result(1, { echo: 'tools/list', path: '/messages?sessionId=abc' }))
    expect(server.requests[0]).toMatchObject({ method: 'GET', path: '/sse', headers: { accept: 'text/event-stream' } })
    expect(server.requests[1]).toMatchObject({ method: 'POST', path: '/messages?sessionId=abc', headers: { 'content-type': 'application/json' } })
  })

  it('accepts an absolute endpoint on the same origin', async () => {
    let base = ''
    const server = await legacyServer({
      onGet: (_req, res) => {
        sse(res)
        event(res, { event: 'endpoint', data: `${base}/elsewhere` })
      },
    })
    base = server.url.origin
    const { transport } = await open(server)
    expect(transport.endpoint?.href).toBe(`${server.url.origin}/elsewhere`)
  })

  it('refuses an endpoint on another origin and sends nothing there', async () => {
    const server = await legacyServer({ endpoint: 'http://evil.example:8080/steal' })
    const transport = new SSEClientTransport(server.url)
    transports.push(transport)
    await expect(transport.start()).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed, message: expect.stringContaining('outside') })
    await expect(transport.send({ jsonrpc: '2.0', id: 1, method: 'ping' })).rejects.toMatchObject({ message: 'Not connected' })
  })

  it('rejects start() when the GET is refused, with the status, or when the stream ends before the endpoint', async () => {
    const refused = await legacyServer({ onGet: (_req, res) => void res.writeHead(404).end('Cannot GET /sse') })
    const a = new SSEClientTransport(refused.url)
    transports.push(a)
    await expect(a.start()).rejects.toMatchObject({ data: { status: 404, body: 'Cannot GET /sse' } })

    const silent = await legacyServer({ onGet: (_req, res) => void (sse(res), res.end()) })
    const b = new SSEClientTransport(silent.url)
    transports.push(b)
    await expect(b.start()).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed, message: expect.stringContaining('before sending its endpoint event') })
  })

  it('rejects a send the endpoint refuses, with status and body', async () => {
    const server = await legacyServer({ onPost: (_req, res) => void res.writeHead(400).end('Invalid message') })
    const { transport } = await open(server)
    const error = await transport.send({ jsonrpc: '2.0', id: 1, method: 'ping' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpError)
    expect(error).toMatchObject({ data: { status: 400, body: 'Invalid message' } })
  })

  it('reports and closes when the server ends the stream', async () => {
    const server = await legacyServer()
    const { errors, closes } = await open(server)
    server.stream!.end()
    await vi.waitFor(() => expect(closes()).toBe(1))
    expect(errors).toEqual([expect.objectContaining({ code: ErrorCode.ConnectionClosed, message: expect.stringContaining('closed the SSE stream') })])
  })

  it('retries the GET once after 401 with a fresh token, and sends it on every POST', async () => {
    let token = 'old'
    const server = await legacyServer({
      onGet: (req, res) => {
        if (req.headers.authorization !== 'Bearer new') return void res.writeHead(401).end()
        sse(res)
        event(res, { event: 'endpoint', data: '/messages' })
      },
      onPost: (_req, res) => void res.writeHead(202).end(),
    })
    const { transport } = await open(server, { authProvider: { token: () => token, onUnauthorized: () => void (token = 'new') }, headers: { 'X-Extra': '1' } })
    await transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' }, { protocolVersion: '2024-11-05' })
    expect(server.requests.map((r) => [r.method, r.headers.authorization])).toEqual([
      ['GET', 'Bearer old'],
      ['GET', 'Bearer new'],
      ['POST', 'Bearer new'],
    ])
    expect(server.requests[2]!.headers).toMatchObject({ 'x-extra': '1', 'mcp-protocol-version': '2024-11-05' })
  })

  it('close() ends the stream, fires onclose once and leaves no socket open on either side', async () => {
    const server = await legacyServer()
    const { transport, closes } = await open(server)
    await Promise.all([transport.close(), transport.close()])
    expect(closes()).toBe(1)
    await vi.waitFor(() => expect(server.openSockets).toBe(0))
  })
})
