import { ErrorCode } from '@plugboard/protocol'
import { McpServer } from '@plugboard/server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SseReader, callTool, closeAndCheck, initializeRequest, openSession, post, recordHandles, responses, serve } from '../../packages/transport-http/test/server/harness.js'
import { modernPost, modernRequest } from '../../packages/transport-http/test/server/modern-harness.js'

beforeEach(recordHandles)
afterEach(closeAndCheck)

/** A server whose tools return what JSON.stringify cannot write. */
function unserializable(): McpServer {
  const server = new McpServer({ name: 'unserializable', version: '1.0.0' }, { capabilities: { tools: {} } })
  const cycle: Record<string, unknown> = { name: 'loop' }
  cycle.self = cycle
  let deep: Record<string, unknown> = {}
  for (let i = 0; i < 100_000; i++) deep = { next: deep }
  // A text block of its own: with none, the server writes structuredContent as text itself and fails first.
  const content = [{ type: 'text' as const, text: 'see structuredContent' }]
  server.registerTool('bigint', {}, () => ({ content, structuredContent: { n: 10n as unknown as number } }))
  server.registerTool('cycle', {}, () => ({ content, structuredContent: cycle }))
  server.registerTool('deep', {}, () => ({ content, structuredContent: deep }))
  server.registerTool('fine', {}, () => ({ content: [{ type: 'text', text: 'still here' }] }))
  return server
}

describe.each([
  ['SSE', false],
  ['JSON', true],
])('a tool result JSON cannot serialize (%s responses)', (_mode, enableJsonResponse) => {
  it.each(['bigint', 'cycle', 'deep'])('answers a %s result with -32603 and keeps the session usable', async (tool) => {
    const { url } = await serve({ enableJsonResponse }, unserializable())
    const { headers } = await openSession(url)
    const response = await post(url, callTool(7, tool), headers)
    if (enableJsonResponse) expect(response.status).toBe(500)
    const [answer] = await responses(response)
    expect(answer).toMatchObject({ jsonrpc: '2.0', error: { code: ErrorCode.InternalError } })
    if (!enableJsonResponse) expect(answer).toMatchObject({ id: 7 })
    const next = await responses(await post(url, callTool(8, 'fine'), headers))
    expect(next).toMatchObject([{ id: 8, result: { content: [{ text: 'still here' }] } }])
  })
})

describe.each([
  ['SSE', false],
  ['JSON', true],
])('a tool result JSON cannot serialize, 2026-07-28 request (%s responses)', (_mode, enableJsonResponse) => {
  it.each(['bigint', 'cycle'])('answers a %s result with -32603 for its id', async (tool) => {
    const { url } = await serve({ enableJsonResponse }, unserializable())
    const response = await modernPost(url, modernRequest(3, 'tools/call', { name: tool, arguments: {} }))
    const [answer] = await responses(response)
    expect(answer).toMatchObject({ jsonrpc: '2.0', id: 3, error: { code: ErrorCode.InternalError } })
  })
})

describe('a tool result JSON cannot serialize, 2024-11-05 HTTP+SSE', () => {
  it('answers it with -32603 on the stream and keeps the connection', async () => {
    const { url } = await serve({ legacySse: true }, unserializable())
    const reader = new SseReader(await fetch(url, { headers: { accept: 'text/event-stream' } }))
    const messages = new URL((await reader.next())!.data, url).href
    const send = (message: unknown) => post(messages, message, { accept: 'application/json' })
    const next = async () => JSON.parse((await reader.next())!.data)
    await send(initializeRequest('2024-11-05'))
    await next()
    await send({ jsonrpc: '2.0', method: 'notifications/initialized' })
    await send(callTool(5, 'bigint'))
    expect(await next()).toMatchObject({ id: 5, error: { code: ErrorCode.InternalError } })
    await send(callTool(6, 'fine'))
    expect(await next()).toMatchObject({ id: 6, result: { content: [{ text: 'still here' }] } })
    await reader.cut()
  })
})
