// subscriptions/listen over HTTP (2026-07-28): one long-lived POST whose SSE response carries the
// change notifications the client opted into, while legacy sessions share the endpoint.
import type { JSONRPCMessage } from '@plugboard/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SseReader, closeAndCheck, deferred, openSession, post, recordHandles, responses, serve, toolText } from './harness.js'
import { expectSpecValid, modernAnswer, modernPost, modernRequest } from './modern-harness.js'

beforeEach(recordHandles)
afterEach(closeAndCheck)

const SUBSCRIPTION_ID = 'io.modelcontextprotocol/subscriptionId'
const listen = (id: number | string) => modernRequest(id, 'subscriptions/listen', { notifications: { toolsListChanged: true } })

/** The next message event of a stream, checked against the 2026-07-28 schema. */
async function nextMessage(reader: SseReader, method?: string): Promise<JSONRPCMessage & Record<string, unknown>> {
  for (let event = await reader.next(); event; event = await reader.next()) {
    if (event.data === '') continue
    const message = JSON.parse(event.data) as JSONRPCMessage
    expectSpecValid(message, method)
    return message as JSONRPCMessage & Record<string, unknown>
  }
  throw new Error('the stream ended')
}

describe('subscriptions/listen over HTTP', () => {
  it('acknowledges first, then delivers tools/list_changed stamped with the listen request id, beside a legacy session', async () => {
    const { url, server } = await serve()
    const response = await modernPost(url, listen('sub-1'))
    expect(response.status).toBe(200)
    expect(response.headers.get('mcp-session-id')).toBeNull()
    const reader = new SseReader(response)
    expect(await nextMessage(reader)).toMatchObject({
      method: 'notifications/subscriptions/acknowledged',
      params: { notifications: { toolsListChanged: true }, _meta: { [SUBSCRIPTION_ID]: 'sub-1' } },
    })

    // A legacy client on the same endpoint, at the same time: initialize, a call, its GET stream.
    const { headers } = await openSession(url)
    expect(toolText((await responses(await post(url, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { text: 'legacy' } } }, headers)))[0])).toBe('legacy')
    const legacyStream = new SseReader(await fetch(url, { headers: { ...headers, accept: 'text/event-stream' } }))

    server.registerTool('added', {}, () => ({ content: [] }))
    expect(await nextMessage(reader)).toMatchObject({ method: 'notifications/tools/list_changed', params: { _meta: { [SUBSCRIPTION_ID]: 'sub-1' } } })
    let legacyEvent = await legacyStream.next()
    while (legacyEvent?.data === '') legacyEvent = await legacyStream.next() // the 2025-11-25 priming event
    expect(JSON.parse(legacyEvent!.data)).toMatchObject({ method: 'notifications/tools/list_changed' })

    // Both eras keep working while the listen stream stays open.
    const answer = await modernAnswer(await modernPost(url, modernRequest(2, 'tools/call', { name: 'added', arguments: {} })), 'tools/call')
    expect(answer).toMatchObject({ id: 2, result: { resultType: 'complete' } })
    await reader.cut()
    await legacyStream.cut()
  })

  it('stays open until the client closes it, which ends that listen request on the server', async () => {
    const { url, server } = await serve()
    const ended = deferred<unknown>()
    server.use(async (call, next) => {
      const result = await next()
      if (call.method === 'subscriptions/listen') ended.resolve(call.ctx?.requestId)
      return result
    })
    const first = new SseReader(await modernPost(url, listen(1)))
    const second = new SseReader(await modernPost(url, listen(2)))
    await nextMessage(first)
    await nextMessage(second)
    await first.cut()
    expect(await ended.promise).toBe(1)
    server.registerTool('added', {}, () => ({ content: [] }))
    expect(await nextMessage(second)).toMatchObject({ params: { _meta: { [SUBSCRIPTION_ID]: 2 } } })
    await second.cut()
  })

  it('ends with its result when the server closes', async () => {
    const { url, server } = await serve()
    const reader = new SseReader(await modernPost(url, listen(5)))
    await nextMessage(reader)
    await server.close()
    expect(await nextMessage(reader, 'subscriptions/listen')).toMatchObject({ id: 5, result: { _meta: { [SUBSCRIPTION_ID]: 5 } } })
    expect(await reader.rest()).toEqual([])
  })

  it('streams even when the handler answers JSON otherwise', async () => {
    const { url, server } = await serve({ enableJsonResponse: true })
    const response = await modernPost(url, listen(1))
    expect(response.headers.get('content-type')).toBe('text/event-stream')
    const reader = new SseReader(response)
    await nextMessage(reader)
    server.registerTool('added', {}, () => ({ content: [] }))
    expect(await nextMessage(reader)).toMatchObject({ method: 'notifications/tools/list_changed' })
    await reader.cut()
  })
})
