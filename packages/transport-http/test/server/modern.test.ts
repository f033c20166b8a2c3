// The modern wire (2026-07-28) on the same endpoint as the legacy one: a POST per request, served
// with no session; errors carry the HTTP status the spec gives them; closing the response cancels.
import { ErrorCode } from '@plugboard/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as z from 'zod'
import { SseReader, closeAndCheck, deferred, openSession, post, recordHandles, serve, testServer, toolText } from './harness.js'
import { MODERN, modernAnswer, modernMeta, modernPost, modernRequest, modernResponses } from './modern-harness.js'

beforeEach(recordHandles)
afterEach(closeAndCheck)

const echo = (id: number, text: string) => modernRequest(id, 'tools/call', { name: 'echo', arguments: { text } })

describe('a modern request', () => {
  it('answers a modern tools/call with no session id and resultType complete, whatever the endpoint\'s options', async () => {
    for (const options of [{}, { enableJsonResponse: true }, { stateless: true }]) {
      const { url } = await serve(options)
      const response = await modernPost(url, echo(1, 'hello'))
      expect(response.status).toBe(200)
      expect(response.headers.get('mcp-session-id')).toBeNull()
      const answer = await modernAnswer(response, 'tools/call')
      expect(answer).toMatchObject({ id: 1, result: { resultType: 'complete', _meta: { 'io.modelcontextprotocol/serverInfo': { name: 'http-test' } } } })
      expect(toolText(answer)).toBe('hello')
    }
  })

  it('ignores an Mcp-Session-Id sent along, known or not, and mints none', async () => {
    const { url, server } = await serve()
    const { sessionId } = await openSession(url)
    for (const id of [sessionId, 'no-such-session']) {
      const response = await modernPost(url, echo(1, 'x'), { 'mcp-session-id': id })
      expect(response.status).toBe(200)
      expect(response.headers.get('mcp-session-id')).toBeNull()
      expect(toolText(await modernAnswer(response, 'tools/call'))).toBe('x')
    }
    expect(server.sessions.size).toBe(1)
  })

  it('streams related notifications, then the response, on an SSE stream that proxies must not buffer', async () => {
    const { url } = await serve()
    const message = modernRequest(7, 'tools/call', { name: 'progress', arguments: { steps: 2 }, _meta: modernMeta({ progressToken: 'p' }) })
    const response = await modernPost(url, message)
    expect(response.status).toBe(200)
    expect(response.headers.get('x-accel-buffering')).toBe('no')
    const messages = await modernResponses(response, 'tools/call')
    expect(messages.map((m) => ('method' in m ? m.method : `response ${m.id}`))).toEqual(['notifications/progress', 'notifications/progress', 'response 7'])
    expect(toolText(messages[2])).toBe('did 2 steps')
  })

  it('answers one JSON body with enableJsonResponse, dropping what only a stream could carry', async () => {
    const { url } = await serve({ enableJsonResponse: true })
    const message = modernRequest(7, 'tools/call', { name: 'progress', arguments: { steps: 2 }, _meta: modernMeta({ progressToken: 'p' }) })
    expect(toolText(await modernAnswer(await modernPost(url, message), 'tools/call'))).toBe('did 2 steps')
  })

  it('accepts a notification with 202 and no body', async () => {
    const { url } = await serve()
    const response = await post(url, { jsonrpc: '2.0', method: 'notifications/roots/list_changed' }, { 'mcp-protocol-version': MODERN, 'mcp-method': 'notifications/roots/list_changed' })
    expect(response.status).toBe(202)
    expect(await response.text()).toBe('')
  })

  it('refuses a batch and a response with 400 and -32600', async () => {
    const { url } = await serve()
    const batch = await post(url, [echo(1, 'a'), echo(2, 'b')], { 'mcp-protocol-version': MODERN, 'mcp-method': 'tools/call' })
    expect(batch.status).toBe(400)
    expect(await modernAnswer(batch)).toMatchObject({ error: { code: ErrorCode.InvalidRequest, message: expect.stringContaining('batch') } })
    const answer = await post(url, { jsonrpc: '2.0', id: 1, result: {} }, { 'mcp-protocol-version': MODERN })
    expect(answer.status).toBe(400)
    expect(await modernAnswer(answer)).toMatchObject({ error: { code: ErrorCode.InvalidRequest } })
  })
})

describe('the HTTP status of a modern error', () => {
  it('answers an unknown method with 404 and -32601', async () => {
    const { url } = await serve()
    const response = await modernPost(url, modernRequest(1, 'nope/nothing'))
    expect(response.status).toBe(404)
    expect(await modernAnswer(response)).toMatchObject({ id: 1, error: { code: ErrorCode.MethodNotFound } })
  })

  it('answers an unsupported version with 400 and -32022 listing supported and requested, even one that is no revision at all', async () => {
    const { url } = await serve()
    for (const version of ['1999-01-01', '2026-99-99']) {
      const message = modernRequest(1, 'tools/list', { _meta: modernMeta({}, version) })
      const response = await modernPost(url, message, { 'mcp-protocol-version': version })
      expect(response.status).toBe(400)
      const answer = await modernAnswer(response)
      expect(answer).toMatchObject({ id: 1, error: { code: ErrorCode.UnsupportedProtocolVersion, data: { requested: version } } })
      expect((answer.error as { data: { supported: string[] } }).data.supported).toEqual([MODERN])
    }
  })

  it('answers a request missing a required _meta field with 400 and -32602', async () => {
    const { url } = await serve()
    const { 'io.modelcontextprotocol/clientCapabilities': _, ...withoutCapabilities } = modernMeta()
    const noCapabilities = await modernPost(url, modernRequest(1, 'tools/list', { _meta: withoutCapabilities }))
    expect(noCapabilities.status).toBe(400)
    expect(await modernAnswer(noCapabilities)).toMatchObject({ id: 1, error: { code: ErrorCode.InvalidParams, message: expect.stringContaining('clientCapabilities') } })
    // The header says modern; the body names no version at all.
    const noVersion = await post(url, { jsonrpc: '2.0', id: 2, method: 'tools/list' }, { 'mcp-protocol-version': MODERN, 'mcp-method': 'tools/list' })
    expect(noVersion.status).toBe(400)
    expect(await modernAnswer(noVersion)).toMatchObject({ id: 2, error: { code: ErrorCode.InvalidParams, message: expect.stringContaining('protocolVersion') } })
  })

  it('answers a request needing a capability the client did not declare with 400 and -32021', async () => {
    const server = testServer()
    server.registerPrompt('ask-model', { argsSchema: { topic: z.string() } }, async ({ topic }, ctx) => {
      const sampled = await ctx.sample({ messages: [{ role: 'user', content: { type: 'text', text: topic } }], maxTokens: 5 })
      return { messages: [{ role: 'user', content: sampled.content as { type: 'text'; text: string } }] }
    })
    const { url } = await serve({}, server)
    const response = await modernPost(url, modernRequest(1, 'prompts/get', { name: 'ask-model', arguments: { topic: 'x' } }))
    expect(response.status).toBe(400)
    expect(await modernAnswer(response)).toMatchObject({ id: 1, error: { code: ErrorCode.MissingRequiredClientCapability, data: { requiredCapabilities: { sampling: {} } } } })
  })

  it('keeps 200 for other errors: an unknown tool is -32602 in the body', async () => {
    const { url } = await serve()
    const response = await modernPost(url, modernRequest(1, 'tools/call', { name: 'missing', arguments: {} }))
    expect(response.status).toBe(200)
    expect(await modernAnswer(response)).toMatchObject({ id: 1, error: { code: ErrorCode.InvalidParams } })
  })

  it('answers a modern GET or DELETE with 405, on a stateful and a stateless endpoint', async () => {
    for (const stateless of [false, true]) {
      const { url } = await serve({ stateless })
      for (const method of ['GET', 'DELETE']) {
        const response = await fetch(url, { method, headers: { accept: 'text/event-stream', 'mcp-protocol-version': MODERN } })
        expect(response.status).toBe(405)
        expect(response.headers.get('allow')).toContain('POST')
        await response.body?.cancel()
      }
    }
  })
})

describe('cancelling a modern request', () => {
  function waitingServer() {
    const aborted = deferred<string>()
    const started = deferred()
    const server = testServer()
    server.registerTool('wait', { inputSchema: { notify: z.boolean() } }, async ({ notify }, ctx) => {
      started.resolve()
      if (notify) await ctx.progress(1, 2, 'waiting')
      await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }))
      aborted.resolve(String(ctx.signal.reason))
      return { content: [{ type: 'text', text: 'too late' }] }
    })
    return { server, aborted: aborted.promise, started: started.promise }
  }

  it('closing an SSE response aborts the handler', async () => {
    const { server, aborted } = waitingServer()
    const { url } = await serve({}, server)
    const message = modernRequest(1, 'tools/call', { name: 'wait', arguments: { notify: true }, _meta: modernMeta({ progressToken: 1 }) })
    const reader = new SseReader(await modernPost(url, message))
    expect(JSON.parse((await reader.next())!.data)).toMatchObject({ method: 'notifications/progress' })
    await reader.cut()
    expect(await aborted).toContain('closed')
  })

  it('closing the connection before any answer aborts the handler too', async () => {
    const { server, aborted, started } = waitingServer()
    const { url } = await serve({}, server)
    const controller = new AbortController()
    const message = modernRequest(1, 'tools/call', { name: 'wait', arguments: { notify: false } })
    const pending = fetch(url, { method: 'POST', headers: { accept: 'application/json, text/event-stream', 'content-type': 'application/json', 'mcp-protocol-version': MODERN, 'mcp-method': 'tools/call', 'mcp-name': 'wait' }, body: JSON.stringify(message), signal: controller.signal })
    pending.catch(() => {})
    await started
    controller.abort()
    expect(await aborted).toContain('closed')
  })

  it('ends requests still in flight when the handler closes', async () => {
    const { server, aborted } = waitingServer()
    const served = await serve({}, server)
    const message = modernRequest(1, 'tools/call', { name: 'wait', arguments: { notify: true }, _meta: modernMeta({ progressToken: 1 }) })
    const reader = new SseReader(await modernPost(served.url, message))
    await reader.next()
    await served.close()
    expect(await aborted).toContain('shutting down')
    expect(await reader.rest()).toEqual([])
  })
})

describe('the guards of the endpoint', () => {
  it('apply to modern POSTs: Host/Origin, onRequest, authentication and the body limit', async () => {
    const seen: string[] = []
    const { url } = await serve({
      maxBodyBytes: 2048,
      onRequest: (request) => void seen.push(request.headers.get('mcp-method') ?? '-'),
      authenticate: (request) => (request.headers.get('authorization') === 'Bearer ok' ? { token: 'ok', clientId: 'c1' } : new Response('no', { status: 401 })),
    })
    const whoami = modernRequest(1, 'tools/call', { name: 'whoami', arguments: {} })
    expect((await modernPost(url, whoami, { origin: 'https://evil.example' })).status).toBe(403)
    expect((await modernPost(url, whoami)).status).toBe(401)
    const answer = await modernAnswer(await modernPost(url, whoami, { authorization: 'Bearer ok' }), 'tools/call')
    expect(JSON.parse(toolText(answer))).toMatchObject({ sessionId: null, authInfo: { clientId: 'c1' }, protocolVersion: MODERN })
    expect((await modernPost(url, echo(2, 'x'.repeat(4096)), { authorization: 'Bearer ok' })).status).toBe(413)
    // The Origin check comes first; onRequest runs for everything past it.
    expect(seen).toEqual(['tools/call', 'tools/call', 'tools/call'])
  })
})
