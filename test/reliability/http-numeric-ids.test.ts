// Integer ids past 2^53 over HTTP: every wire answers with the exact number the client sent,
// neither rounded (a JS number cannot hold it) nor turned into a string.
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Client } from '@plugboard/client'
import { StreamableHTTPClientTransport } from '@plugboard/transport-http'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SseReader, callTool, closeAndCheck, deferred, initializeRequest, openSession, post, recordHandles, serve, testServer } from '../../packages/transport-http/test/server/harness.js'
import { modernRequest, standardHeaders } from '../../packages/transport-http/test/server/modern-harness.js'

beforeEach(recordHandles)
afterEach(closeAndCheck)

const BIG = '9007199254740993' // 2^53 + 1: JSON.parse reads it as 9007199254740992
const EXACT = `"id":${BIG}`

/** The JSON of `message` with its id `"BIG"` written as the bare number. */
const withBigId = (message: { id?: unknown }) => JSON.stringify({ ...message, id: 'BIG' }).replace('"id":"BIG"', EXACT)

describe.each([
  ['SSE', false],
  ['JSON', true],
])('an id past 2^53 on Streamable HTTP (%s responses)', (_mode, enableJsonResponse) => {
  it('answers a request of a session with the id as the exact number sent', async () => {
    const { url } = await serve({ enableJsonResponse })
    const { headers } = await openSession(url)
    const response = await post(url, withBigId(callTool(0, 'echo', { text: 'hi' })), headers)
    expect(response.status).toBe(200)
    const text = await response.text()
    expect(text).toContain(EXACT)
    expect(text).toContain('"text":"hi"')
  })

  it('answers an initialize with the id as the exact number sent', async () => {
    const { url } = await serve({ enableJsonResponse })
    const response = await post(url, withBigId(initializeRequest()))
    expect(await response.text()).toContain(EXACT)
  })

  it('answers a stateless POST with the id as the exact number sent', async () => {
    const { url } = await serve({ enableJsonResponse, stateless: true })
    const response = await post(url, withBigId(callTool(0, 'echo', { text: 'hi' })), { 'mcp-protocol-version': '2025-11-25' })
    expect(response.status).toBe(200)
    expect(await response.text()).toContain(EXACT)
  })

  it('answers a 2026-07-28 request with the id as the exact number sent, as one body and on a stream', async () => {
    const { url } = await serve({ enableJsonResponse })
    const echo = modernRequest(0, 'tools/call', { name: 'echo', arguments: { text: 'hi' } })
    const plain = await post(url, withBigId(echo), standardHeaders(echo))
    expect(plain.headers.get('content-type')).toMatch(/application\/json/)
    expect(await plain.text()).toContain(EXACT)
    // Progress opens the response stream (in SSE mode): the response then comes as its last event.
    const progress = modernRequest(0, 'tools/call', { name: 'progress', arguments: { steps: 1 }, _meta: { ...echo.params._meta as object, progressToken: 'p' } })
    const streamed = await post(url, withBigId(progress), standardHeaders(progress))
    const text = await streamed.text()
    expect(text).toContain(EXACT)
    expect(text).toContain('did 1 steps')
  })

  it('answers a 2026-07-28 request refused 400 with the id as the exact number sent', async () => {
    const { url } = await serve({ enableJsonResponse })
    const echo = modernRequest(0, 'tools/call', { name: 'echo', arguments: { text: 'hi' } })
    const response = await post(url, withBigId(echo), standardHeaders(echo, { 'mcp-name': 'not-echo' }))
    expect(response.status).toBe(400)
    expect(await response.text()).toContain(EXACT)
  })
})

describe('an id past 2^53 on a resumed stream', () => {
  it('replays the response of a stream that finished while the client was away with the id as the exact number sent', async () => {
    const gate = deferred()
    const { url, handler } = await serve({}, testServer([gate.promise]))
    const { sessionId, headers } = await openSession(url)
    const reader = new SseReader(await post(url, withBigId(callTool(0, 'gated', { steps: 1 }, { progressToken: 'p' })), headers))
    const priming = await reader.next()
    expect(priming!.data).toBe('')
    await reader.cut()
    gate.resolve()
    // The stream leaves the session once its response is written (and stored).
    while (handler.closeSSEStream(sessionId, BIG)) await new Promise((r) => setImmediate(r))
    const resumed = await fetch(url, { headers: { ...headers, accept: 'text/event-stream', 'last-event-id': priming!.id! } })
    const replay = (await new SseReader(resumed).rest()).map((e) => e.data).join('\n')
    expect(replay).toContain(EXACT)
    expect(replay).toContain('through the gate')
  })
})

describe('an id past 2^53 on the 2024-11-05 HTTP+SSE transport', () => {
  it('answers on the SSE stream with the id as the exact number sent', async () => {
    const { url } = await serve({ legacySse: true })
    const stream = await fetch(url, { headers: { accept: 'text/event-stream' } })
    const reader = new SseReader(stream)
    const messages = new URL((await reader.next())!.data, url).href
    const send = (body: string) => post(messages, body, { accept: 'application/json' })
    expect((await send(withBigId(initializeRequest('2024-11-05')))).status).toBe(202)
    expect((await reader.next())!.data).toContain(EXACT)
    await send(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }))
    await send(withBigId(callTool(0, 'echo', { text: 'again' })))
    const answer = (await reader.next())!.data
    expect(answer).toContain(EXACT)
    expect(answer).toContain('again')
    await reader.cut()
  })
})

describe('an id past 2^53 in a request the server sends the client', () => {
  it('StreamableHTTPClientTransport answers it with the id as the exact number the server sent', async () => {
    // A raw server: its ping to the client carries an id no JS number holds.
    const answers: string[] = []
    let stream: ServerResponse | undefined
    const http = createServer((req, res) => {
      let body = ''
      req.on('data', (c) => (body += c))
      req.on('end', () => {
        if (req.method !== 'POST') return void res.writeHead(405).end()
        const message = JSON.parse(body) as { id?: number; method?: string }
        if (message.method === 'initialize') {
          res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': 's1' })
          return void res.end(JSON.stringify({ jsonrpc: '2.0', id: message.id, result: { protocolVersion: '2025-11-25', capabilities: { tools: {} }, serverInfo: { name: 'raw', version: '0' } } }))
        }
        if (message.method === 'tools/list') {
          res.writeHead(200, { 'content-type': 'application/json' })
          return void res.end(JSON.stringify({ jsonrpc: '2.0', id: message.id, result: { tools: [{ name: 'x', inputSchema: { type: 'object' } }] } }))
        }
        if (message.method === 'tools/call') {
          res.writeHead(200, { 'content-type': 'text/event-stream' })
          res.write(`event: message\ndata: {"jsonrpc":"2.0","${EXACT.slice(1)},"method":"ping"}\n\n`)
          stream = res
          ;(stream as ServerResponse & { callId?: number }).callId = message.id
          return
        }
        if (!message.method) {
          answers.push(body)
          const call = stream as ServerResponse & { callId?: number }
          call.end(`event: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', id: call.callId, result: { content: [{ type: 'text', text: 'pinged' }] } })}\n\n`)
        }
        res.writeHead(202).end()
      })
    })
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
    const { port } = http.address() as AddressInfo
    const client = new Client({ name: 'c', version: '0' }, { versionNegotiation: { mode: { pin: '2025-11-25' } } })
    await client.connect(new StreamableHTTPClientTransport(`http://127.0.0.1:${port}/mcp`, { openGetStream: false }))
    expect(await client.callTool({ name: 'x', arguments: {} })).toMatchObject({ content: [{ text: 'pinged' }] })
    expect(answers).toHaveLength(1)
    expect(answers[0]).toContain(EXACT)
    await client.close()
    http.closeAllConnections()
    await new Promise<void>((resolve) => http.close(() => resolve()))
  })
})
