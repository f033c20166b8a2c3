import { ErrorCode, type JSONRPCMessage } from '@plugboard/protocol'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { SseReader, callTool, closeAndCheck, initializeRequest, openSession, post, recordHandles, responses, serve, toolText } from './harness.js'

beforeEach(recordHandles)
afterEach(closeAndCheck)

const next = async (reader: SseReader) => JSON.parse((await reader.next())!.data) as JSONRPCMessage

/** Opens a 2024-11-05 connection: the GET stream, and the POST endpoint its first event names. */
async function connectLegacy(sseUrl: string) {
  const reader = new SseReader(await fetch(sseUrl, { headers: { accept: 'text/event-stream' } }))
  const endpoint = await reader.next()
  expect(endpoint).toMatchObject({ event: 'endpoint', data: expect.stringMatching(/^\/messages\?sessionId=[^&]+$/) })
  const messagesUrl = new URL(endpoint!.data, sseUrl).href
  return { reader, messagesUrl, send: (message: unknown) => post(messagesUrl, message, { accept: 'application/json' }) }
}

describe('the 2024-11-05 HTTP+SSE transport (legacySse)', () => {
  it('opens on a GET without a session, names its POST endpoint, and answers on the stream', async () => {
    const { url, server } = await serve({ legacySse: true })
    const { reader, send } = await connectLegacy(url)
    const accepted = await send(initializeRequest('2024-11-05'))
    expect(accepted.status).toBe(202)
    expect(await accepted.text()).toBe('')
    expect(await next(reader)).toMatchObject({ id: 0, result: { protocolVersion: '2024-11-05', serverInfo: { name: 'http-test' } } })
    expect((await send({ jsonrpc: '2.0', method: 'notifications/initialized' })).status).toBe(202)
    await send(callTool(1, 'progress', { steps: 1 }, { progressToken: 'p' }))
    expect(await next(reader)).toMatchObject({ method: 'notifications/progress', params: { progressToken: 'p' } })
    expect(toolText(await next(reader))).toBe('did 1 steps')
    expect(server.sessions.size).toBe(1)
    await reader.cut()
    await vi.waitFor(() => expect(server.sessions.size).toBe(0))
  })

  it('serves on a separate ssePath and messagesPath, beside Streamable HTTP on the MCP path', async () => {
    const { url, origin } = await serve({ legacySse: { ssePath: '/sse', messagesPath: '/legacy/messages' } })
    const reader = new SseReader(await fetch(`${origin}/sse`, { headers: { accept: 'text/event-stream' } }))
    const endpoint = await reader.next()
    expect(endpoint!.data).toMatch(/^\/legacy\/messages\?sessionId=/)
    await post(new URL(endpoint!.data, origin).href, initializeRequest('2024-11-05'))
    expect(await next(reader)).toMatchObject({ result: { protocolVersion: '2024-11-05' } })
    const { headers } = await openSession(url)
    expect(toolText((await responses(await post(url, callTool(1, 'echo', { text: 'modern' }), headers)))[0])).toBe('modern')
  })

  it('answers a POST without sessionId with 400, an unknown one with 404, bad JSON with 400 and -32700', async () => {
    const { url, origin } = await serve({ legacySse: true })
    const { send, messagesUrl } = await connectLegacy(url)
    expect((await post(`${origin}/messages`, initializeRequest())).status).toBe(400)
    const unknown = await post(`${origin}/messages?sessionId=nope`, initializeRequest())
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toMatchObject({ error: { code: ErrorCode.InvalidRequest } })
    const garbage = await post(messagesUrl, '{nope')
    expect(garbage.status).toBe(400)
    expect(await garbage.json()).toMatchObject({ error: { code: ErrorCode.ParseError } })
    expect((await send(initializeRequest('2024-11-05'))).status).toBe(202)
  })

  it('stays off unless asked: a session-less GET is then a Streamable HTTP error', async () => {
    const { url } = await serve()
    expect((await fetch(url, { headers: { accept: 'text/event-stream' } })).status).toBe(400)
  })
})
