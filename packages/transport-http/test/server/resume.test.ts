import { ErrorCode } from '@plugboard/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SseReader, callTool, closeAndCheck, deferred, openSession, post, recordHandles, serve, testServer, toolText } from './harness.js'

beforeEach(recordHandles)
afterEach(closeAndCheck)

const resume = (url: string, headers: Record<string, string>, lastEventId: string) => fetch(url, { headers: { ...headers, accept: 'text/event-stream', 'last-event-id': lastEventId } })
const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] })

/** A compact view of SSE events: `progress n`, `response: <text>`, or the method name. */
const describeEvents = (events: Array<{ data: string }>) =>
  events
    .filter((e) => e.data !== '')
    .map((e) => JSON.parse(e.data))
    .map((m) => (m.method === 'notifications/progress' ? `progress ${m.params.progress}` : 'result' in m ? `response: ${toolText(m)}` : m.method))

describe('resuming a POST stream with Last-Event-ID', () => {
  it('replays what was sent after the last event the client saw: nothing lost, nothing twice', async () => {
    const gate = deferred()
    const { url } = await serve({}, testServer([gate.promise]))
    const { headers } = await openSession(url)
    const reader = new SseReader(await post(url, callTool(1, 'gated', { steps: 3 }, { progressToken: 't' }), headers))
    const priming = await reader.next()
    const first = await reader.next()
    expect(describeEvents([first!])).toEqual(['progress 1'])
    await reader.cut()
    gate.resolve()
    const resumed = await resume(url, headers, first!.id!)
    expect(resumed.status).toBe(200)
    const rest = await new SseReader(resumed).rest()
    expect(describeEvents(rest)).toEqual(['progress 2', 'progress 3', 'response: through the gate'])
    // Every event id is distinct, and the priming event's is one of them.
    const ids = [priming!.id, first!.id, ...rest.map((e) => e.id)]
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('resumes from the priming event before anything else was sent, and carries the live rest', async () => {
    const gate = deferred()
    const { url } = await serve({}, testServer([gate.promise]))
    const { headers } = await openSession(url)
    const reader = new SseReader(await post(url, callTool(1, 'gated', { steps: 0 }), headers))
    const priming = await reader.next()
    expect(priming).toMatchObject({ data: '' })
    await reader.cut()
    const resumed = new SseReader(await resume(url, headers, priming!.id!))
    gate.resolve()
    expect(describeEvents(await resumed.rest())).toEqual(['response: through the gate'])
  })

  it('lets a handler end its connection early with ctx.closeSSEStream(), sending retry first; the client polls back', async () => {
    const gate = deferred()
    const { url } = await serve({ retryMs: 40 }, testServer([gate.promise]))
    const { headers } = await openSession(url)
    const reader = new SseReader(await post(url, callTool(1, 'poll', {}, { progressToken: 't' }), headers))
    const events = await reader.rest()
    // Priming (with retry), then the connection closes without a response.
    expect(events).toHaveLength(1)
    expect(reader.retries).toEqual([40, 40])
    gate.resolve()
    const resumed = await new SseReader(await resume(url, headers, events[0]!.id!)).rest()
    expect(describeEvents(resumed)).toEqual(['progress 1', 'response: polled: true'])
  })

  it('lets the server close a request stream from outside with handler.closeSSEStream()', async () => {
    const gate = deferred()
    const { url, handler } = await serve({}, testServer([gate.promise]))
    const { headers, sessionId } = await openSession(url)
    const reader = new SseReader(await post(url, callTool('r1', 'gated', { steps: 0 }), headers))
    const priming = await reader.next()
    expect(handler.closeSSEStream(sessionId, 'r1')).toBe(true)
    expect(await reader.rest()).toEqual([])
    expect(handler.closeSSEStream(sessionId, 'no-such-request')).toBe(false)
    gate.resolve()
    expect(describeEvents(await new SseReader(await resume(url, headers, priming!.id!)).rest())).toEqual(['response: through the gate'])
  })

  it('refuses a Last-Event-ID of another session with 400 and replays nothing', async () => {
    const { url } = await serve()
    const a = await openSession(url)
    const b = await openSession(url)
    const priming = await new SseReader(await post(url, callTool(1, 'echo', { text: 'secret' }), a.headers)).next()
    const stolen = await resume(url, b.headers, priming!.id!)
    expect(stolen.status).toBe(400)
    expect(await stolen.json()).toMatchObject({ error: { code: ErrorCode.InvalidRequest } })
    expect((await resume(url, a.headers, 'no-such-event')).status).toBe(400)
  })
})

describe('resuming the standalone GET stream', () => {
  it('delivers what was sent while the client was away', async () => {
    const { url, server } = await serve()
    const { headers } = await openSession(url)
    const reader = new SseReader(await fetch(url, { headers: { ...headers, accept: 'text/event-stream' } }))
    const priming = await reader.next()
    await reader.cut()
    server.registerTool('while-away', {}, () => text('x'))
    await new Promise((resolve) => setImmediate(resolve))
    const resumed = new SseReader(await resume(url, headers, priming!.id!))
    expect(describeEvents([(await resumed.next())!])).toEqual(['notifications/tools/list_changed'])
  })

  it('can be closed from outside with handler.closeStandaloneSSEStream()', async () => {
    const { url, handler } = await serve({ retryMs: 10 })
    const { headers, sessionId } = await openSession(url)
    const reader = new SseReader(await fetch(url, { headers: { ...headers, accept: 'text/event-stream' } }))
    await reader.next()
    expect(handler.closeStandaloneSSEStream(sessionId)).toBe(true)
    expect(await reader.rest()).toEqual([])
    expect(reader.retries).toEqual([10, 10])
  })
})

describe('without an event store (eventStore: false)', () => {
  it('sends no ids and no priming event, and a handler cannot close its stream early', async () => {
    const gate = deferred()
    const { url } = await serve({ eventStore: false }, testServer([gate.promise]))
    const { headers } = await openSession(url)
    const reader = new SseReader(await post(url, callTool(1, 'poll'), headers))
    gate.resolve()
    const events = await reader.rest()
    expect(events.map((e) => e.id)).toEqual([undefined])
    expect(describeEvents(events)).toEqual(['response: polled: false'])
  })
})
