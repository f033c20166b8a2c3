import { ErrorCode, type JSONRPCMessage } from '@plugboard/protocol'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { SseReader, callTool, closeAndCheck, deferred, openSession, post, recordHandles, responses, serve, testServer, toolText } from './harness.js'

beforeEach(recordHandles)
afterEach(closeAndCheck)

const listen = (url: string, headers: Record<string, string>, extra: Record<string, string> = {}) => fetch(url, { headers: { ...headers, accept: 'text/event-stream', ...extra } })
const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] })

/** The next event on a GET stream that carries a message (priming events skipped). */
async function nextMessage(reader: SseReader): Promise<JSONRPCMessage & { method?: string; id?: number | string; params?: Record<string, unknown> }> {
  for (;;) {
    const event = await reader.next()
    if (!event) throw new Error('the stream ended')
    if (event.data !== '') return JSON.parse(event.data)
  }
}

describe('the standalone GET stream', () => {
  it('carries notifications unrelated to any request: tools/list_changed', async () => {
    const { url, server } = await serve()
    const { headers } = await openSession(url)
    const get = await listen(url, headers)
    expect(get.status).toBe(200)
    expect(get.headers.get('mcp-session-id')).toBe(headers['mcp-session-id'])
    const reader = new SseReader(get)
    expect(await reader.next()).toMatchObject({ data: '', id: expect.any(String) })
    server.registerTool('late', {}, () => text('late'))
    expect(await nextMessage(reader)).toMatchObject({ method: 'notifications/tools/list_changed' })
  })

  it('puts each message on one stream only: progress on its POST, list_changed on the GET', async () => {
    const { url, server } = await serve()
    const { headers } = await openSession(url)
    const reader = new SseReader(await listen(url, headers))
    await reader.next() // priming
    const call = await post(url, callTool(1, 'progress', { steps: 3 }, { progressToken: 'tok' }), headers)
    const onPost = await responses(call)
    server.registerTool('late', {}, () => text('late'))
    const onGet = await nextMessage(reader)
    expect(onGet).toMatchObject({ method: 'notifications/tools/list_changed' })
    expect(onPost.map((m) => ('method' in m ? m.method : 'response'))).toEqual(['notifications/progress', 'notifications/progress', 'notifications/progress', 'response'])
  })

  it('holds unrelated messages sent before the first GET and delivers them when it comes', async () => {
    const { url, server } = await serve()
    const { headers } = await openSession(url)
    server.registerTool('early', {}, () => text('early'))
    await new Promise((resolve) => setImmediate(resolve))
    const reader = new SseReader(await listen(url, headers))
    expect(await nextMessage(reader)).toMatchObject({ method: 'notifications/tools/list_changed' })
  })

  it('carries a server request outside any call (roots/list), answered by a POST', async () => {
    const { url, server } = await serve()
    const { headers } = await openSession(url, { capabilities: { roots: {} } })
    const reader = new SseReader(await listen(url, headers))
    const [conn] = server.sessions
    const roots = conn!.listRoots()
    const request = await nextMessage(reader)
    expect(request).toMatchObject({ method: 'roots/list', id: expect.anything() })
    const answered = await post(url, { jsonrpc: '2.0', id: request.id, result: { roots: [{ uri: 'file:///here', name: 'here' }] } }, headers)
    expect(answered.status).toBe(202)
    await expect(roots).resolves.toEqual({ roots: [{ uri: 'file:///here', name: 'here' }] })
  })

  it('carries what a JSON-mode call cannot: its sampling request goes on the open GET stream', async () => {
    const { url } = await serve({ enableJsonResponse: true })
    const { headers } = await openSession(url, { capabilities: { sampling: {} } })
    const reader = new SseReader(await listen(url, headers))
    const call = post(url, callTool(1, 'sample'), headers)
    const request = await nextMessage(reader)
    expect(request).toMatchObject({ method: 'sampling/createMessage' })
    await post(url, { jsonrpc: '2.0', id: request.id, result: { role: 'assistant', model: 'm', content: { type: 'text', text: 'yes' } } }, headers)
    expect(toolText(await (await call).json())).toBe('sampled: yes')
  })

  it('holds a JSON-mode call\'s sampling request for a GET stream that is not open yet', async () => {
    const server = testServer()
    const asked = deferred()
    server.use(async (call, next) => {
      if (call.direction === 'outbound' && call.method === 'sampling/createMessage') asked.resolve()
      return next()
    })
    const { url } = await serve({ enableJsonResponse: true }, server)
    const { headers } = await openSession(url, { capabilities: { sampling: {} } })
    const call = post(url, callTool(1, 'sample'), headers)
    await asked.promise
    const reader = new SseReader(await listen(url, headers))
    const request = await nextMessage(reader)
    expect(request).toMatchObject({ method: 'sampling/createMessage' })
    await post(url, { jsonrpc: '2.0', id: request.id, result: { role: 'assistant', model: 'm', content: { type: 'text', text: 'late' } } }, headers)
    expect(toolText(await (await call).json())).toBe('sampled: late')
  })

  it('answers a second GET on the session with 409 while the first is open, and serves one again once it closed', async () => {
    const { url } = await serve()
    const { headers } = await openSession(url)
    const first = await listen(url, headers)
    const second = await listen(url, headers)
    expect(second.status).toBe(409)
    expect(await second.json()).toMatchObject({ error: { code: ErrorCode.InvalidRequest } })
    await first.body!.cancel()
    // The server learns of the close a moment later.
    await vi.waitFor(async () => {
      const third = await listen(url, headers)
      await third.body?.cancel()
      expect(third.status).toBe(200)
    })
  })

  it('answers GET with 406 without Accept text/event-stream, 400 without a session, 405 when disabled', async () => {
    const { url } = await serve()
    const { headers } = await openSession(url)
    expect((await fetch(url, { headers: { ...headers, accept: 'application/json' } })).status).toBe(406)
    expect((await fetch(url, { headers: { accept: 'text/event-stream' } })).status).toBe(400)
    const off = await serve({ enableGetStream: false })
    const session = await openSession(off.url)
    const refused = await listen(off.url, session.headers)
    expect(refused.status).toBe(405)
    expect(await refused.json()).toMatchObject({ error: { code: ErrorCode.InvalidRequest } })
    // With no stream for them, list_changed notifications are dropped without harm.
    off.server.registerTool('late', {}, () => text('late'))
    expect(toolText((await responses(await post(off.url, callTool(1, 'late'), session.headers)))[0])).toBe('late')
  })
})
