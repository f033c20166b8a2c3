// HttpClientTransport: Streamable HTTP first, and the spec's backwards-compatibility fallback to
// HTTP+SSE when the initialize POST is refused with 400, 404 or 405 — invisible to our Client.
import type { ServerResponse } from 'node:http'
import { Client } from '@plugboard/client'
import { ErrorCode, McpError, type JSONRPCMessage } from '@plugboard/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { HttpClientTransport } from '../../src/index.js'
import { closeServers, event, expectNoLeaks, INITIALIZE_RESULT, json, mcpHandler, methodOf, resourceBaseline, result, sse, startServer } from './helpers.js'

let baseline: Record<string, number>
const clients: Client[] = []

beforeEach(() => {
  baseline = resourceBaseline()
})

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()))
  await closeServers()
  await expectNoLeaks(baseline)
})

const newClient = () => {
  // The initialize handshake only: these servers speak no modern revision to probe for.
  const client = new Client({ name: 'fallback-test', version: '0.0.0' }, { versionNegotiation: { mode: 'legacy' } })
  clients.push(client)
  return client
}

/** A server with only the 2024-11-05 transport: SSE at /sse, messages POSTed to /messages; POST /sse answers `refuse`. */
function legacyOnly(refuse: number) {
  let stream: ServerResponse | undefined
  return startServer((req, res) => {
    if (req.path === '/sse' && req.method === 'GET') {
      sse(res)
      stream = res
      return event(res, { event: 'endpoint', data: '/messages?sessionId=legacy' })
    }
    if (!req.path.startsWith('/messages')) return void res.writeHead(refuse, { 'content-type': 'text/plain' }).end(`Cannot ${req.method} ${req.path}`)
    res.writeHead(202).end()
    const m = req.json as JSONRPCMessage
    if (!('method' in m) || !('id' in m)) return
    const answer = m.method === 'initialize' ? { ...INITIALIZE_RESULT, protocolVersion: '2024-11-05' } : m.method === 'tools/list' ? { tools: [{ name: 'legacy-tool', inputSchema: { type: 'object' } }] } : {}
    event(stream!, { event: 'message', data: result(m.id, answer) })
  }, '/sse')
}

describe('HttpClientTransport', () => {
  it('stays on Streamable HTTP when the server accepts the initialize POST', async () => {
    const server = await startServer(mcpHandler({ sessionId: 'modern', onRequest: (m, res) => json(res, result(m.id, { tools: [] })) }))
    const transport = new HttpClientTransport(server.url)
    const client = newClient()
    await client.connect(transport)
    expect(transport.kind).toBe('streamable')
    expect(transport.sessionId).toBe('modern')
    expect((await client.listTools()).tools).toEqual([])
    expect(server.requests.some((r) => r.method === 'GET' && r.headers.accept === 'text/event-stream' && !r.headers['mcp-session-id'])).toBe(false)
  })

  it.each([400, 404, 405])('falls back to HTTP+SSE when the initialize POST is refused with %i, re-sending that initialize there', async (status) => {
    const server = await legacyOnly(status)
    const transport = new HttpClientTransport(server.url)
    const client = newClient()
    await client.connect(transport)
    expect(transport.kind).toBe('sse')
    expect(transport.sessionId).toBeUndefined()
    expect(client.getNegotiatedProtocolVersion()).toBe('2024-11-05')
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['legacy-tool'])

    const [refused, get, initialize] = server.requests
    expect(refused).toMatchObject({ method: 'POST', path: '/sse' })
    expect(get).toMatchObject({ method: 'GET', path: '/sse' })
    expect(initialize).toMatchObject({ method: 'POST', path: '/messages?sessionId=legacy' })
    expect(initialize!.json).toEqual(refused!.json)
    expect(server.requests.slice(3).map(methodOf)).toEqual(['notifications/initialized', 'tools/list'])
  })

  it('lets a dual-era client probe the modern wire first: the refused probe carries no modern error, so initialize follows, then HTTP+SSE', async () => {
    const server = await legacyOnly(405)
    const transport = new HttpClientTransport(server.url)
    const client = new Client({ name: 'fallback-test', version: '0.0.0' })
    clients.push(client)
    await client.connect(transport)
    expect(transport.kind).toBe('sse')
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['legacy-tool'])
    const [probe, refused, get] = server.requests
    expect(probe).toMatchObject({ method: 'POST', path: '/sse', headers: { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'server/discover' } })
    expect(probe!.headers).not.toHaveProperty('mcp-session-id')
    expect(methodOf(refused!)).toBe('initialize')
    expect(refused!.headers).not.toHaveProperty('mcp-protocol-version')
    expect(get).toMatchObject({ method: 'GET', path: '/sse' })
  })

  it('does not fall back on other errors: a 500 rejects connect with its status', async () => {
    const server = await startServer((_req, res) => void res.writeHead(500).end('broken'))
    const client = newClient()
    const error = await client.connect(new HttpClientTransport(server.url)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpError)
    expect(error).toMatchObject({ data: { status: 500, body: 'broken' } })
    expect(server.requests.map((r) => r.method)).toEqual(['POST'])
  })

  it('reports both refusals when the server speaks neither transport', async () => {
    const server = await startServer((req, res) => void res.writeHead(404).end(`Cannot ${req.method} ${req.path}`))
    const transport = new HttpClientTransport(server.url)
    const error = await newClient().connect(transport).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: ErrorCode.ConnectionClosed, message: expect.stringMatching(/refused the Streamable HTTP initialize \(HTTP 404\) and is not an HTTP\+SSE server either: .*404/) })
    expect(server.requests.map((r) => r.method)).toEqual(['POST', 'GET'])
  })

  it('fires onclose once when the client closes over the legacy transport', async () => {
    const server = await legacyOnly(405)
    const transport = new HttpClientTransport(server.url)
    let closes = 0
    const client = newClient()
    await client.connect(transport)
    const inner = transport.onclose
    transport.onclose = () => {
      closes++
      inner?.()
    }
    await client.close()
    await transport.close()
    expect(closes).toBe(1)
  })
})
