import type { JSONRPCNotification, JSONRPCPayload } from '@plugboard/protocol'
import { describe, expect, it } from 'vitest'
import { InMemoryEventStore, Stream, type EventStore } from './events.js'
import { SseConnection } from './sse.js'

const note = (n: number): JSONRPCNotification => ({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: n } })

async function replay(store: EventStore, after: string) {
  const seen: Array<[string, JSONRPCPayload]> = []
  const streamId = await store.replayEventsAfter(after, { send: async (id, m) => void seen.push([id, m]) })
  return { streamId, seen }
}

describe('InMemoryEventStore', () => {
  it('replays the events after an id, of that stream only, in order', async () => {
    const store = new InMemoryEventStore()
    const a0 = store.storeEvent('a', note(0))
    store.storeEvent('b', note(100))
    const a1 = store.storeEvent('a', note(1))
    const a2 = store.storeEvent('a', note(2))
    const { streamId, seen } = await replay(store, a0)
    expect(streamId).toBe('a')
    expect(seen).toEqual([
      [a1, note(1)],
      [a2, note(2)],
    ])
    expect(new Set([a0, a1, a2]).size).toBe(3)
  })

  it('answers undefined for an id it does not know', async () => {
    const store = new InMemoryEventStore()
    expect(store.getStreamIdForEventId('nope')).toBeUndefined()
    expect((await replay(store, 'nope')).streamId).toBeUndefined()
  })

  it('evicts the oldest events past maxEvents and past maxBytes', async () => {
    const byCount = new InMemoryEventStore({ maxEvents: 3 })
    const ids = [0, 1, 2, 3, 4].map((n) => byCount.storeEvent('s', note(n)))
    expect(byCount.size).toBe(3)
    expect(byCount.getStreamIdForEventId(ids[1]!)).toBeUndefined()
    expect((await replay(byCount, ids[2]!)).seen.map(([, m]) => (m as JSONRPCNotification).params!.data)).toEqual([3, 4])
    const bySize = new InMemoryEventStore({ maxBytes: 100 })
    for (let n = 0; n < 10; n++) bySize.storeEvent('s', note(n), 40)
    expect(bySize.size).toBe(2)
  })

  it("evicts a busy session's own oldest events past its quota, not a neighbour's", () => {
    const store = new InMemoryEventStore({ maxEventsPerSession: 3, maxBytesPerSession: 1000 })
    const mine = store.storeEvent('quiet.1', note(0))
    const busy = [0, 1, 2, 3, 4].map((n) => store.storeEvent(`busy.${1 + (n % 2)}`, note(n)))
    expect(store.getStreamIdForEventId(mine)).toBe('quiet.1')
    expect(busy.map((id) => store.getStreamIdForEventId(id) !== undefined)).toEqual([false, false, true, true, true])
    for (let n = 0; n < 5; n++) store.storeEvent('big.1', note(n), 400)
    expect(store.size).toBe(1 + 3 + 2)
    expect(store.getStreamIdForEventId(mine)).toBe('quiet.1')
  })

  it("forgets every stream of a deleted session, finished ones included, and no other session's", () => {
    const store = new InMemoryEventStore()
    for (const stream of ['gone.0', 'gone.1', 'gone.2', 'kept.1']) store.storeEvent(stream, note(0))
    expect(store.sessions).toBe(2)
    store.deleteSession('gone')
    expect(store.size).toBe(1)
    expect(store.sessions).toBe(1)
    store.deleteSession('kept')
    expect(store.size).toBe(0)
    expect(store.sessions).toBe(0)
  })

  it('forgets a deleted stream', () => {
    const store = new InMemoryEventStore()
    const id = store.storeEvent('s', note(0))
    store.storeEvent('t', note(1))
    store.deleteStream('s')
    expect(store.getStreamIdForEventId(id)).toBeUndefined()
    expect(store.size).toBe(1)
  })
})

/** A connection whose sink records what was written. */
function connection() {
  const conn = new SseConnection()
  const chunks: string[] = []
  let ended = false
  conn.attach({ write: (c) => (chunks.push(c), true), end: () => void (ended = true), destroy: () => void (ended = true) })
  return { conn, chunks, ended: () => ended, data: () => chunks.join('').match(/^data: .+$/gm)?.map((l) => JSON.parse(l.slice(6)).params.data) ?? [] }
}

/** A store whose every call resolves a tick later, as a remote one would. */
function slowStore(): EventStore {
  const inner = new InMemoryEventStore()
  const later = <T>(value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), 1))
  return {
    storeEvent: (s, m) => later(inner.storeEvent(s, m)),
    replayEventsAfter: async (id, options) => later(await inner.replayEventsAfter(id, options)),
  }
}

describe('Stream', () => {
  it('keeps order with a store that answers asynchronously', async () => {
    const stream = new Stream('s', { store: slowStore(), onerror: (e) => expect.fail(e.message) })
    const c = connection()
    stream.attach(c.conn, { prime: { retryMs: undefined } })
    for (let n = 0; n < 5; n++) stream.write(note(n))
    stream.finish()
    await expect.poll(c.ended).toBe(true)
    expect(c.chunks[0]).toMatch(/^id: .+\ndata: \n\n$/)
    expect(c.data()).toEqual([0, 1, 2, 3, 4])
  })

  it('resumes on a new connection with nothing lost or repeated while writes race the replay', async () => {
    const store = slowStore()
    const stream = new Stream('s', { store, onerror: (e) => expect.fail(e.message) })
    const first = connection()
    stream.attach(first.conn, { prime: { retryMs: undefined } })
    stream.write(note(0))
    stream.write(note(1))
    await expect.poll(() => first.data()).toEqual([0, 1])
    const cursor = first.chunks[1]!.match(/^id: (.+)$/m)![1]!
    first.conn.abort()
    stream.write(note(2))
    const second = connection()
    stream.attach(second.conn, { after: cursor })
    stream.write(note(3))
    stream.finish()
    await expect.poll(second.ended).toBe(true)
    expect(second.data()).toEqual([1, 2, 3])
  })

  it('holds what a standalone stream could not deliver for the next connection', () => {
    const stream = new Stream('g', { store: undefined, hold: true, onerror: (e) => expect.fail(e.message) })
    stream.write(note(0))
    stream.write(note(1))
    const c = connection()
    stream.attach(c.conn)
    stream.write(note(2))
    expect(c.data()).toEqual([0, 1, 2])
  })

  it('holds at most maxHeldBytes for the next connection, dropping the oldest', () => {
    const stream = new Stream('g', { store: undefined, hold: true, maxHeldBytes: 10_000, onerror: (e) => expect.fail(e.message) })
    const big = (n: number): JSONRPCNotification => ({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: n, pad: 'x'.repeat(3000) } })
    for (let n = 0; n < 20; n++) stream.write(big(n))
    const c = connection()
    stream.attach(c.conn)
    expect(c.data()).toEqual([17, 18, 19])
  })

  it('answers a response JSON cannot serialize with -32603 for its id, and stores that instead', async () => {
    const errors: Error[] = []
    const store = new InMemoryEventStore()
    const stream = new Stream('s.1', { store, onerror: (e) => void errors.push(e) })
    const c = connection()
    stream.attach(c.conn, { prime: { retryMs: undefined } })
    stream.write({ jsonrpc: '2.0', id: 4, result: { n: 1n } } as unknown as JSONRPCPayload)
    const sent = c.chunks.join('').match(/^data: (.+)$/m)![1]!
    expect(JSON.parse(sent)).toMatchObject({ id: 4, error: { code: -32603 } })
    const priming = c.chunks[0]!.match(/^id: (.+)$/m)![1]!
    const { seen } = await replay(store, priming)
    expect(seen[0]![1]).toMatchObject({ id: 4, error: { code: -32603 } })
    expect(errors[0]!.message).toMatch(/BigInt/)
  })

  it('does not let a stream close early unless its client can resume it', () => {
    const unprimed = new Stream('a', { store: new InMemoryEventStore(), onerror: () => {} })
    unprimed.attach(connection().conn)
    expect(unprimed.disconnect(100)).toBe(false)
    const primed = new Stream('b', { store: new InMemoryEventStore(), onerror: () => {} })
    const c = connection()
    primed.attach(c.conn, { prime: { retryMs: 50 } })
    expect(primed.disconnect(100)).toBe(true)
    expect(c.ended()).toBe(true)
    expect(c.chunks.join('')).toMatch(/retry: 50\n[\s\S]*retry: 100\n\n$/)
  })
})

describe('Stream with a failing store', () => {
  it('still delivers every message, without an id, and reports the failure', async () => {
    const errors: Error[] = []
    const failing: EventStore = {
      storeEvent: (_s, m) => ((m as JSONRPCNotification).params?.data === 1 ? Promise.reject(new Error('disk full')) : Promise.resolve('ok')),
      replayEventsAfter: () => undefined,
    }
    const stream = new Stream('s', { store: failing, onerror: (e) => void errors.push(e) })
    const c = connection()
    stream.attach(c.conn)
    for (let n = 0; n < 3; n++) stream.write(note(n))
    stream.finish()
    await expect.poll(c.ended).toBe(true)
    expect(c.data()).toEqual([0, 1, 2])
    expect(c.chunks[1]).not.toMatch(/^id:/m)
    expect(errors.map((e) => e.message)).toEqual(['disk full'])
  })
})
