import { afterEach, describe, expect, it } from 'vitest'
import { createMcpHandler, type McpHandler } from '../../src/index.js'
import { ACCEPT_BOTH, SseReader, callTool, initializeRequest, responses, testServer, toolText } from './harness.js'

// The same endpoint with no node:http at all: what Bun, Deno and Workers call (`export default { fetch: handler.fetch }`).
let handler: McpHandler | undefined
afterEach(async () => {
  await handler?.close()
  handler = undefined
})

const request = (body: unknown, headers: Record<string, string> = {}) =>
  new Request('http://localhost:8787/mcp', { method: 'POST', headers: { accept: ACCEPT_BOTH, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })

describe('handler.fetch (web-standard runtimes)', () => {
  it('opens a session and streams a call with its progress, as a plain function of Request', async () => {
    const server = testServer()
    handler = createMcpHandler(server, { path: '/mcp' })
    const { fetch } = handler // bound: usable as `export default { fetch: handler.fetch }`
    const init = await fetch(request(initializeRequest()))
    const sessionId = init.headers.get('mcp-session-id')!
    expect((await responses(init))[0]).toMatchObject({ result: { protocolVersion: '2025-11-25' } })
    const headers = { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' }
    expect((await fetch(request({ jsonrpc: '2.0', method: 'notifications/initialized' }, headers))).status).toBe(202)
    const messages = await responses(await fetch(request(callTool(1, 'progress', { steps: 2 }, { progressToken: 'p' }), headers)))
    expect(messages).toHaveLength(3)
    expect(toolText(messages[2])).toBe('did 2 steps')
    expect(server.sessions.size).toBe(1)
    await handler.close()
    expect(server.sessions.size).toBe(0)
    expect((await fetch(request(callTool(2, 'echo', { text: 'x' }), headers))).status).toBe(503)
  })

  it('keeps a request going when the client cancels its response body, for a later resume', async () => {
    handler = createMcpHandler(testServer(), {})
    const init = await handler.fetch(request(initializeRequest()))
    const headers = { 'mcp-session-id': init.headers.get('mcp-session-id')!, 'mcp-protocol-version': '2025-11-25' }
    await init.body?.cancel()
    const reader = new SseReader(await handler.fetch(request(callTool(1, 'progress', { steps: 3 }, { progressToken: 'p' }), headers)))
    const priming = await reader.next()
    await reader.cut()
    const resumed = await handler.fetch(new Request('http://localhost:8787/mcp', { headers: { ...headers, accept: 'text/event-stream', 'last-event-id': priming!.id! } }))
    const messages = await responses(resumed)
    expect(messages.map((m) => ('method' in m ? m.method : 'response'))).toEqual(['notifications/progress', 'notifications/progress', 'notifications/progress', 'response'])
  })
})
