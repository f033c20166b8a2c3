import { ErrorCode, type JSONRPCMessage } from '@plugboard/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ACCEPT_BOTH, SseReader, callTool, closeAndCheck, initializeRequest, openSession, post, recordHandles, responses, serve, toolText } from './harness.js'

beforeEach(recordHandles)
afterEach(closeAndCheck)

describe('POST in SSE mode (the default)', () => {
  it('answers initialize on an SSE stream with a session id, then a tools/call with its progress before the response', async () => {
    const { url } = await serve()
    const { headers } = await openSession(url)
    const response = await post(url, callTool(1, 'progress', { steps: 2 }, { progressToken: 'p' }), headers)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/event-stream')
    expect(response.headers.get('mcp-session-id')).toBe(headers['mcp-session-id'])
    const messages = await responses(response)
    expect(messages.map((m) => ('method' in m ? m.method : `response ${'id' in m ? m.id : ''}`))).toEqual(['notifications/progress', 'notifications/progress', 'response 1'])
    expect(toolText(messages[2])).toBe('did 2 steps')
  })

  it('sends a priming event (id, empty data, retry) first to a 2025-11-25 client', async () => {
    const { url: byDefault } = await serve()
    const session = await openSession(byDefault)
    const primed = new SseReader(await post(byDefault, callTool(1, 'echo', { text: 'hi' }), session.headers))
    expect(await primed.next()).toMatchObject({ data: '', id: expect.any(String) })
    expect(primed.retries).toEqual([1000])
    await primed.rest()
    const { url } = await serve({ retryMs: 250 })
    const { headers } = await openSession(url)
    const reader = new SseReader(await post(url, callTool(1, 'echo', { text: 'hi' }), headers))
    const first = await reader.next()
    expect(first).toMatchObject({ data: '', id: expect.any(String) })
    expect(reader.retries).toEqual([250])
    const [answer] = await reader.rest()
    expect(answer!.id).toEqual(expect.any(String))
    expect(toolText(JSON.parse(answer!.data))).toBe('hi')
  })

  it('sends no priming event to a client that negotiated a revision before 2025-11-25', async () => {
    const { url } = await serve()
    const { headers } = await openSession(url, { protocolVersion: '2025-06-18' })
    const events = await new SseReader(await post(url, callTool(1, 'echo', { text: 'hi' }), headers)).rest()
    expect(events).toHaveLength(1)
    expect(events[0]!.data).not.toBe('')
  })

  it('answers 202 with no body to a notification or a response', async () => {
    const { url } = await serve()
    const { headers } = await openSession(url)
    const notification = await post(url, { jsonrpc: '2.0', method: 'notifications/roots/list_changed' }, headers)
    expect(notification.status).toBe(202)
    expect(await notification.text()).toBe('')
    const stray = await post(url, { jsonrpc: '2.0', id: 99, result: {} }, headers)
    expect(stray.status).toBe(202)
    expect(await stray.text()).toBe('')
  })
})

describe('POST in JSON mode (enableJsonResponse)', () => {
  it('answers each request with one JSON body', async () => {
    const { url } = await serve({ enableJsonResponse: true })
    const { headers } = await openSession(url)
    const response = await post(url, callTool(7, 'echo', { text: 'json' }), headers)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json')
    const body = await response.json()
    expect(body).toMatchObject({ jsonrpc: '2.0', id: 7 })
    expect(toolText(body)).toBe('json')
  })

  it('answers a 2025-03-26 batch with an array of responses', async () => {
    const { url } = await serve({ enableJsonResponse: true })
    const { headers } = await openSession(url, { protocolVersion: '2025-03-26' })
    const response = await post(url, [callTool(1, 'echo', { text: 'a' }), { jsonrpc: '2.0', method: 'notifications/roots/list_changed' }, callTool(2, 'echo', { text: 'b' })], headers)
    const body = (await response.json()) as JSONRPCMessage[]
    expect(body.map((m) => (m as { id: number }).id).sort()).toEqual([1, 2])
    expect(body.map((m) => toolText(m)).sort()).toEqual(['a', 'b'])
  })
})

describe('POST errors: a status and a JSON-RPC error body, and the session survives', () => {
  const errorOf = async (response: Response) => (await response.json()) as { jsonrpc: string; id?: unknown; error: { code: number; message: string } }

  it('answers invalid JSON with 400 and -32700', async () => {
    const { url } = await serve()
    const { headers } = await openSession(url)
    const response = await post(url, '{"jsonrpc": "2.0", "id": 1, "meth', headers)
    expect(response.status).toBe(400)
    const body = await errorOf(response)
    expect(body).toMatchObject({ jsonrpc: '2.0', error: { code: ErrorCode.ParseError } })
    expect(body).not.toHaveProperty('id')
  })

  it('answers JSON that is not JSON-RPC with 400 and -32600', async () => {
    const { url } = await serve()
    const { headers } = await openSession(url)
    const response = await post(url, { hello: 'world' }, headers)
    expect(response.status).toBe(400)
    expect(await errorOf(response)).toMatchObject({ error: { code: ErrorCode.InvalidRequest } })
  })

  it('answers a batch with 400 and -32600 unless the session negotiated 2025-03-26', async () => {
    const { url } = await serve()
    const { headers } = await openSession(url, { protocolVersion: '2025-06-18' })
    const response = await post(url, [callTool(1, 'echo', { text: 'a' })], headers)
    expect(response.status).toBe(400)
    expect(await errorOf(response)).toMatchObject({ error: { code: ErrorCode.InvalidRequest, message: expect.stringContaining('batches') } })
  })

  it('answers an initialize inside a batch with 400 and opens no session', async () => {
    const { url, server } = await serve()
    const response = await post(url, [initializeRequest('2025-03-26')])
    expect(response.status).toBe(400)
    expect(await errorOf(response)).toMatchObject({ error: { code: ErrorCode.InvalidRequest, message: expect.stringContaining('alone') } })
    expect(server.sessions.size).toBe(0)
  })

  it('answers 406 unless Accept lists both application/json and text/event-stream', async () => {
    const { url } = await serve()
    const { headers } = await openSession(url)
    for (const accept of ['application/json', 'text/event-stream', 'text/html']) {
      const response = await post(url, callTool(1, 'echo', { text: 'x' }), { ...headers, accept })
      expect(response.status, accept).toBe(406)
      expect(await errorOf(response)).toMatchObject({ error: { code: ErrorCode.InvalidRequest } })
    }
    expect((await post(url, callTool(2, 'echo', { text: 'x' }), { ...headers, accept: 'text/event-stream;q=0.9, application/json' })).status).toBe(200)
  })

  it('answers 415 unless Content-Type is application/json', async () => {
    const { url } = await serve()
    const { headers } = await openSession(url)
    const response = await post(url, JSON.stringify(callTool(1, 'echo', { text: 'x' })), { ...headers, 'content-type': 'text/plain' })
    expect(response.status).toBe(415)
    expect(await errorOf(response)).toMatchObject({ error: { code: ErrorCode.InvalidRequest } })
    expect((await post(url, callTool(2, 'echo', { text: 'x' }), { ...headers, 'content-type': 'application/json; charset=utf-8' })).status).toBe(200)
  })

  it('answers 413 to a body over maxBodyBytes, then serves the session as before', async () => {
    const { url } = await serve({ maxBodyBytes: 1024 })
    const { headers } = await openSession(url)
    const response = await post(url, callTool(1, 'echo', { text: 'x'.repeat(2000) }), headers)
    expect(response.status).toBe(413)
    expect(await errorOf(response)).toMatchObject({ error: { code: ErrorCode.InvalidRequest, message: expect.stringContaining('1024') } })
    expect(toolText((await responses(await post(url, callTool(2, 'echo', { text: 'small' }), headers)))[0])).toBe('small')
  })

  it('answers a JSON-RPC error for an unknown tool on the stream, with 200, and keeps serving', async () => {
    const { url } = await serve()
    const { headers } = await openSession(url)
    const [answer] = await responses(await post(url, { jsonrpc: '2.0', id: 1, method: 'no/such/method' }, headers))
    expect(answer).toMatchObject({ id: 1, error: { code: ErrorCode.MethodNotFound } })
    expect(toolText((await responses(await post(url, callTool(2, 'echo', { text: 'still here' }), headers)))[0])).toBe('still here')
  })

  it('answers other methods with 405 and the allowed ones', async () => {
    const { url } = await serve()
    const response = await fetch(url, { method: 'PUT', headers: { accept: ACCEPT_BOTH } })
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('POST, GET, DELETE')
    expect(await errorOf(response)).toMatchObject({ error: { code: ErrorCode.InvalidRequest } })
  })

  it('answers 404 on a path other than the endpoint', async () => {
    const { origin } = await serve()
    const response = await post(`${origin}/elsewhere`, initializeRequest())
    expect(response.status).toBe(404)
    expect(await errorOf(response)).toMatchObject({ error: { code: ErrorCode.InvalidRequest } })
  })
})
