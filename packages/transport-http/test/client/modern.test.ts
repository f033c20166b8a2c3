// StreamableHTTPClientTransport on the modern wire (2026-07-28), against hand-written node:http
// servers: the SEP-2243 headers and their value encoding, no session and no GET stream, 4xx
// JSON-RPC errors delivered as responses, no resumption, cancellation by aborting the POST.
import type { IncomingMessage } from 'node:http'
import { ErrorCode, McpError, type JSONRPCMessage, type SendOptions } from '@plugboard/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { StreamableHTTPClientTransport, type StreamableHTTPClientTransportOptions } from '../../src/index.js'
import { closeServers, event, expectNoLeaks, json, messageOf, observe, resourceBaseline, result, sse, startServer, type Handler, type TestServer } from './helpers.js'

const MODERN = '2026-07-28'
const meta = { 'io.modelcontextprotocol/protocolVersion': MODERN, 'io.modelcontextprotocol/clientCapabilities': {} }
const request = (id: number, method: string, params: Record<string, unknown> = {}): JSONRPCMessage => ({ jsonrpc: '2.0', id, method, params: { ...params, _meta: meta } })
const b64 = (text: string) => `=?base64?${Buffer.from(text, 'utf8').toString('base64')}?=`

let baseline: Record<string, number>
const transports: StreamableHTTPClientTransport[] = []

async function open(server: TestServer, options: StreamableHTTPClientTransportOptions = {}) {
  const transport = new StreamableHTTPClientTransport(server.url, options)
  transports.push(transport)
  const observed = observe(transport)
  await transport.start()
  /** Sends `message` and resolves with the response delivered for it. */
  const call = (message: JSONRPCMessage, sendOptions?: SendOptions) =>
    new Promise<JSONRPCMessage>((resolve, reject) => {
      const id = (message as { id: number }).id
      const before = transport.onmessage!
      transport.onmessage = (m) => {
        before(m)
        if (!Array.isArray(m) && !('method' in m) && m.id === id) resolve(m)
      }
      transport.send(message, sendOptions).catch(reject)
    })
  return { ...observed, call }
}

/** Answers every request with an empty complete result, as JSON; notifications with 202. */
const answering: Handler = (req, res) => {
  const m = messageOf(req)
  if (req.method !== 'POST') return void res.writeHead(405).end()
  if (m && 'method' in m && 'id' in m) return json(res, result(m.id, { resultType: 'complete' }))
  res.writeHead(202).end()
}

beforeEach(() => {
  baseline = resourceBaseline()
})

afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close()))
  await closeServers()
  await expectNoLeaks(baseline)
})

describe('the modern wire: request metadata headers', () => {
  it('sends MCP-Protocol-Version, Mcp-Method, Mcp-Name and one Mcp-Param per headerParams entry, and no session id', async () => {
    const server = await startServer(answering)
    const { call } = await open(server)
    await call(request(1, 'tools/call', { name: 'execute_sql', arguments: { region: 'us-west1', limit: 42, dry: false } }), { headerParams: { Region: 'us-west1', Limit: 42, Dry: false } })
    await call(request(2, 'resources/read', { uri: 'file:///projects/myapp/config.json' }))
    await call(request(3, 'prompts/get', { name: 'review' }))
    await call(request(4, 'tools/list'))
    const [tool, read, prompt, list] = server.requests
    expect(tool!.headers).toMatchObject({
      accept: 'application/json, text/event-stream',
      'content-type': 'application/json',
      'mcp-protocol-version': MODERN,
      'mcp-method': 'tools/call',
      'mcp-name': 'execute_sql',
      'mcp-param-region': 'us-west1',
      'mcp-param-limit': '42',
      'mcp-param-dry': 'false',
    })
    expect(read!.headers).toMatchObject({ 'mcp-method': 'resources/read', 'mcp-name': 'file:///projects/myapp/config.json' })
    expect(prompt!.headers).toMatchObject({ 'mcp-method': 'prompts/get', 'mcp-name': 'review' })
    expect(list!.headers['mcp-method']).toBe('tools/list')
    expect(list!.headers).not.toHaveProperty('mcp-name')
    for (const r of server.requests) expect(r.headers).not.toHaveProperty('mcp-session-id')
  })

  it('encodes values per the spec: Base64 for non-ASCII, control characters, outer whitespace and the sentinel itself', async () => {
    const server = await startServer(answering)
    const { call } = await open(server)
    const values: Record<string, string | number> = {
      Plain: 'us-west1',
      Inner: 'a b c',
      Empty: '',
      Greeting: 'Hello, 世界',
      Padded: ' padded ',
      Newline: 'line1\nline2',
      Tab: '\tx',
      Val: '=?base64?literal?=',
      Negative: -7,
    }
    await call(request(1, 'tools/call', { name: 'grüße', arguments: {} }), { headerParams: values })
    const headers = server.requests[0]!.headers
    expect(headers['mcp-name']).toBe(b64('grüße'))
    expect(headers).toMatchObject({
      'mcp-param-plain': 'us-west1',
      'mcp-param-inner': 'a b c',
      'mcp-param-empty': '',
      'mcp-param-greeting': '=?base64?SGVsbG8sIOS4lueVjA==?=',
      'mcp-param-padded': '=?base64?IHBhZGRlZCA=?=',
      'mcp-param-newline': '=?base64?bGluZTEKbGluZTI=?=',
      'mcp-param-tab': b64('\tx'),
      'mcp-param-val': '=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?=',
      'mcp-param-negative': '-7',
    })
  })

  it('refuses to send an Mcp-Param header whose name is not an HTTP token', async () => {
    const server = await startServer(answering)
    const { transport } = await open(server)
    await expect(transport.send(request(1, 'tools/call', { name: 't', arguments: {} }), { headerParams: { 'My Region': 'x' } })).rejects.toMatchObject({ code: ErrorCode.InvalidParams })
    expect(server.requests).toEqual([])
  })

  it('takes a message as modern from SendOptions.protocolVersion when it has no _meta (a notification)', async () => {
    const server = await startServer(answering)
    const { transport } = await open(server)
    await transport.send({ jsonrpc: '2.0', method: 'notifications/roots/list_changed' }, { protocolVersion: MODERN })
    expect(server.requests[0]!.headers).toMatchObject({ 'mcp-protocol-version': MODERN, 'mcp-method': 'notifications/roots/list_changed' })
  })
})

describe('the modern wire: no session', () => {
  it('ignores an Mcp-Session-Id the server sends, opens no GET stream and sends no DELETE on close', async () => {
    const server = await startServer((req, res) => {
      const m = messageOf(req)
      if (m && 'id' in m && 'method' in m) return json(res, result(m.id, { resultType: 'complete' }), { 'mcp-session-id': 'should-not-stick' })
      res.writeHead(req.method === 'POST' ? 202 : 405).end()
    })
    const { call, transport } = await open(server)
    await call(request(1, 'server/discover'))
    await call(request(2, 'tools/list'))
    expect(transport.sessionId).toBeUndefined()
    expect(transport.protocolVersion).toBeUndefined()
    await transport.close()
    expect(server.requests.map((r) => r.method)).toEqual(['POST', 'POST'])
    expect(server.requests[1]!.headers).not.toHaveProperty('mcp-session-id')
  })

  it('does not resume a broken SSE response: the request fails at once with ConnectionClosed, and no GET is sent', async () => {
    const server = await startServer((req, res) => {
      if (req.method !== 'POST') return void res.writeHead(405).end()
      sse(res)
      event(res, { id: 'e1', retry: 5, data: { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 1 } } })
      res.end()
    })
    const { call } = await open(server)
    const answer = await call(request(1, 'tools/call', { name: 'slow', arguments: {} }))
    expect(answer).toMatchObject({ id: 1, error: { code: ErrorCode.ConnectionClosed, message: expect.stringContaining('not resumed') } })
    expect(server.requests.map((r) => r.method)).toEqual(['POST'])
  })
})

describe('the modern wire: HTTP errors', () => {
  it('delivers a 4xx JSON-RPC error body as the response to the request, filling in a missing id', async () => {
    const unsupported = { code: -32022, message: 'Unsupported protocol version', data: { supported: ['2025-11-25'], requested: MODERN } }
    const server = await startServer((req, res) => {
      const m = messageOf(req) as { id: number; method: string }
      if (m.method === 'nope') return json(res, { jsonrpc: '2.0', id: m.id, error: { code: -32601, message: 'Method not found' } }, {}, 404)
      if (m.method === 'tools/list') return json(res, { jsonrpc: '2.0', id: m.id, error: unsupported }, {}, 400)
      json(res, { jsonrpc: '2.0', error: { code: -32020, message: 'Header mismatch' } }, {}, 400)
    })
    const { call, errors } = await open(server)
    expect(await call(request(1, 'nope'))).toEqual({ jsonrpc: '2.0', id: 1, error: { code: -32601, message: 'Method not found' } })
    expect(await call(request(2, 'tools/list'))).toEqual({ jsonrpc: '2.0', id: 2, error: unsupported })
    expect(await call(request(3, 'tools/call', { name: 'x' }))).toEqual({ jsonrpc: '2.0', id: 3, error: { code: -32020, message: 'Header mismatch' } })
    expect(errors).toEqual([])
  })

  it('rejects the send as before for a 4xx without a JSON-RPC body, and for a 5xx', async () => {
    const server = await startServer((req, res) => {
      const m = messageOf(req) as { id: number; method: string }
      if (m.method === 'tools/list') return void res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found')
      json(res, { jsonrpc: '2.0', id: m.id, error: { code: -32603, message: 'boom' } }, {}, 500)
    })
    const { transport, messages } = await open(server)
    const refused = await transport.send(request(1, 'tools/list')).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(McpError)
    expect(refused).toMatchObject({ data: { status: 404, body: 'Not Found' } })
    await expect(transport.send(request(2, 'tools/call', { name: 'x' }))).rejects.toMatchObject({ code: -32603, data: { status: 500 } })
    expect(messages).toEqual([])
  })
})

describe('the modern wire: cancellation', () => {
  for (const viaFetch of [false, true]) {
    it(`aborts the POST of a cancelled request and sends no notifications/cancelled (${viaFetch ? 'fetch' : 'undici'})`, async () => {
      let received!: () => void
      let closed!: () => void
      const server = await startServer((req, res) => {
        if (req.method !== 'POST') return void res.writeHead(405).end()
        // Never answers: the client must give up on its own.
        ;(res as unknown as { req: IncomingMessage }).req.socket.once('close', closed)
        if ((req.json as unknown as { params: { name: string } }).params.name === 'streaming') {
          sse(res)
          event(res, { data: { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 1 } } })
        }
        received()
      })
      const { transport, messages } = await open(server, viaFetch ? { fetch: (url, init) => fetch(url, init) } : {})
      for (const [id, name] of [[1, 'waiting'], [2, 'streaming']] as const) {
        const arrived = new Promise<void>((resolve) => (received = resolve))
        const serverSawClose = new Promise<void>((resolve) => (closed = resolve))
        const sent = transport.send(request(id, 'tools/call', { name, arguments: {} }))
        await arrived
        if (name === 'streaming') {
          await sent
          while (messages.length === 0) await new Promise((resolve) => setImmediate(resolve))
        }
        await transport.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: 'user' } }, { protocolVersion: MODERN })
        await serverSawClose
        await sent
      }
      expect(server.requests.map((r) => (messageOf(r) as { method: string }).method)).toEqual(['tools/call', 'tools/call'])
      // The progress of the streaming call, and no response for either: the session already rejected them.
      expect(messages).toEqual([{ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 1 } }])
    })
  }
})
