// The engine against a peer that misbehaves on purpose: floods, stray ids, reused ids, races.
// Each case ends by proving the session still answers a ping.
import { ErrorCode, McpError, type JSONRPCMessage } from '@plugboard/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isResponseTo, ready, withRawPeer } from './fixtures/raw-peer.js'

const unhandled: unknown[] = []
const onUnhandled = (reason: unknown) => void unhandled.push(reason)
beforeEach(() => {
  unhandled.length = 0
  process.on('unhandledRejection', onUnhandled)
})
afterEach(() => {
  process.off('unhandledRejection', onUnhandled)
  expect(unhandled).toEqual([])
})

/** The session still answers: a ping from the peer gets its empty result. */
async function stillAnswers(peer: Awaited<ReturnType<typeof withRawPeer>>, id: string | number = 'alive'): Promise<void> {
  await peer.send({ jsonrpc: '2.0', id, method: 'ping' })
  expect(await peer.next(isResponseTo(id))).toMatchObject({ result: {} })
}

/** A handler that ends only when its request is cancelled. */
const untilCancelled = (_params: unknown, ctx: { signal: AbortSignal }) => new Promise<Record<string, unknown>>((resolve) => ctx.signal.addEventListener('abort', () => resolve({}), { once: true }))

describe('a peer that sends requests and never lets them finish', () => {
  it('answers 10,000 requests beyond maxInflightRequests with -32603 at once and keeps the ones in flight', async () => {
    const peer = await withRawPeer({ role: 'server', maxInflightRequests: 1000 })
    ready(peer.session)
    peer.session.setRequestHandler('x/hang', untilCancelled)
    for (let id = 0; id < 11_000; id++) await peer.send({ jsonrpc: '2.0', id, method: 'x/hang' })
    const refused = await peer.count((m) => 'error' in m, 10_000)
    expect(refused).toHaveLength(10_000)
    expect(refused[0]).toMatchObject({ id: 1000, error: { code: ErrorCode.InternalError, data: { maxInflightRequests: 1000 } } })
    expect((refused[0] as { error: { message: string } }).error.message).toMatch(/maxInflightRequests/)
    // The first 1000 are still in flight: cancelling one frees a slot.
    await peer.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 0 } })
    await peer.session.answered(0)
    peer.session.setRequestHandler('ping', () => ({}))
    await stillAnswers(peer)
  })

  it('caps the requests it waits on at maxPendingRequests: the oldest rejects with RequestCancelled and the peer is told', async () => {
    const peer = await withRawPeer({ role: 'client', maxPendingRequests: 100 })
    ready(peer.session)
    const outcomes: Array<Promise<unknown>> = []
    for (let i = 0; i < 10_000; i++) outcomes.push(peer.session.request('ping').catch((e: unknown) => e))
    const settled = await Promise.all(outcomes.slice(0, 9_900))
    for (const error of settled) {
      expect(error).toBeInstanceOf(McpError)
      expect(error).toMatchObject({ code: ErrorCode.RequestCancelled, data: { maxPendingRequests: 100 } })
    }
    expect((settled[0] as Error).message).toMatch(/oldest/)
    const cancels = await peer.count((m) => 'method' in m && m.method === 'notifications/cancelled', 9_900)
    expect(cancels[0]).toMatchObject({ params: { requestId: 0, reason: 'too many requests pending' } })
    // The newest 100 still wait, and are answered normally.
    const requests = (await peer.count((m) => 'method' in m && m.method === 'ping', 10_000)) as Array<{ id: number }>
    for (const { id } of requests.slice(-100)) await peer.send({ jsonrpc: '2.0', id, result: {} })
    expect(await Promise.all(outcomes.slice(9_900))).toEqual(Array(100).fill({}))
  })
})

describe('responses that match nothing', () => {
  it('ignores a result for an unknown id, reports an error for one, and keeps the session', async () => {
    const errors: Error[] = []
    const peer = await withRawPeer({ role: 'client', onerror: (e) => errors.push(e) })
    ready(peer.session)
    await peer.send({ jsonrpc: '2.0', id: 424242, result: { stray: true } })
    await peer.send({ jsonrpc: '2.0', id: 'never-sent', error: { code: -32000, message: 'stray' } })
    await peer.send({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error on their side' } })
    await stillAnswers(peer)
    expect(errors.map((e) => (e as McpError).code)).toEqual([-32000, -32700])
    // The next real request still correlates.
    const call = peer.session.request('ping')
    const req = (await peer.next((m) => 'method' in m)) as { id: number }
    await peer.send({ jsonrpc: '2.0', id: req.id, result: {} })
    await expect(call).resolves.toEqual({})
  })
})

describe('a reused request id', () => {
  it('answers a second request with the id of one still in flight with -32600, then answers the first', async () => {
    const peer = await withRawPeer({ role: 'server' })
    ready(peer.session)
    let finish!: () => void
    peer.session.setRequestHandler('x/slow', () => new Promise((resolve) => (finish = () => resolve({ first: true }))))
    await peer.send({ jsonrpc: '2.0', id: 5, method: 'x/slow' })
    await peer.send({ jsonrpc: '2.0', id: 5, method: 'ping' })
    expect(await peer.next(isResponseTo(5))).toMatchObject({ error: { code: ErrorCode.InvalidRequest } })
    finish()
    expect(await peer.next(isResponseTo(5))).toMatchObject({ result: { first: true } })
    // Once answered, the id may be used again.
    await stillAnswers(peer, 5)
  })
})

describe('a notification flood', () => {
  it('takes 10,000 notifications of every kind (unknown, stray progress, stray cancel, bad params) and holds nothing for them', async () => {
    const errors: Error[] = []
    const peer = await withRawPeer({ role: 'server', onerror: (e) => errors.push(e) })
    ready(peer.session)
    let seen = 0
    peer.session.setNotificationHandler('notifications/roots/list_changed', () => void seen++)
    const kinds = [
      { method: 'x/unknown', params: { n: 1 } },
      { method: 'notifications/progress', params: { progressToken: 'nobody', progress: 1 } },
      { method: 'notifications/cancelled', params: { requestId: 'nobody' } },
      { method: 'notifications/cancelled', params: {} },
      { method: 'notifications/roots/list_changed' },
      { method: 'notifications/progress', params: { progressToken: {}, progress: 'x' } },
    ]
    for (let i = 0; i < 10_000; i++) await peer.send({ jsonrpc: '2.0', ...kinds[i % kinds.length]! })
    await stillAnswers(peer)
    expect(seen).toBe(Math.ceil((10_000 - 4) / kinds.length))
    // No response was sent for any notification.
    expect(peer.received).toEqual([])
  })
})

describe('cancellation racing the response', () => {
  const race = async (order: 'abort-first' | 'response-first' | 'same-tick') => {
    const peer = await withRawPeer({ role: 'client' })
    ready(peer.session)
    const controller = new AbortController()
    const outcomes: string[] = []
    const call = peer.session.request('ping', undefined, { signal: controller.signal }).then(
      () => outcomes.push('resolved'),
      (e: McpError) => outcomes.push(`rejected ${e.code}`),
    )
    const req = (await peer.next((m) => 'method' in m && m.method === 'ping')) as { id: number }
    const respond = () => peer.send({ jsonrpc: '2.0', id: req.id, result: {} })
    if (order === 'abort-first') {
      controller.abort('late')
      await respond()
    } else if (order === 'response-first') {
      await respond()
      await new Promise((r) => setImmediate(r))
      controller.abort('late')
    } else {
      void respond()
      controller.abort('late')
    }
    await call
    await new Promise((r) => setImmediate(r))
    return { outcomes, peer }
  }

  it.each(['abort-first', 'response-first', 'same-tick'] as const)('settles exactly once (%s), with no unhandled rejection', async (order) => {
    const { outcomes, peer } = await race(order)
    expect(outcomes).toHaveLength(1)
    expect(outcomes[0]).toBe(order === 'response-first' ? 'resolved' : `rejected ${ErrorCode.RequestCancelled}`)
    await stillAnswers(peer as never)
  })

  it('a cancel for a request answered already is ignored on the answering side', async () => {
    const peer = await withRawPeer({ role: 'server' })
    ready(peer.session)
    await peer.send({ jsonrpc: '2.0', id: 9, method: 'ping' })
    expect(await peer.next(isResponseTo(9))).toMatchObject({ result: {} })
    await peer.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 9 } })
    await stillAnswers(peer)
    expect(peer.received).toEqual([])
  })
})

describe('progress tokens', () => {
  it('ignores progress with the token of a request already answered', async () => {
    const peer = await withRawPeer({ role: 'client' })
    ready(peer.session)
    const progress: number[] = []
    const call = peer.session.request('ping', undefined, { onprogress: (p) => progress.push(p.progress) })
    const req = (await peer.next((m) => 'method' in m)) as unknown as { id: number; params: { _meta: { progressToken: number } } }
    const token = req.params._meta.progressToken
    await peer.send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: token, progress: 1 } })
    await peer.send({ jsonrpc: '2.0', id: req.id, result: {} })
    await call
    await peer.send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: token, progress: 2 } })
    await stillAnswers(peer)
    expect(progress).toEqual([1])
  })

  it('serves two requests of the peer that reuse one progress token, each reporting under it', async () => {
    const peer = await withRawPeer({ role: 'server' })
    ready(peer.session)
    peer.session.setRequestHandler('x/work', async (_params, ctx) => {
      await ctx.sendProgress(1, 2)
      return { done: ctx.requestId }
    })
    const meta = { _meta: { progressToken: 'same' } }
    await peer.send({ jsonrpc: '2.0', id: 1, method: 'x/work', params: meta })
    await peer.send({ jsonrpc: '2.0', id: 2, method: 'x/work', params: meta })
    expect(await peer.next(isResponseTo(1))).toMatchObject({ result: { done: 1 } })
    expect(await peer.next(isResponseTo(2))).toMatchObject({ result: { done: 2 } })
    const progress = await peer.count((m: JSONRPCMessage) => 'method' in m && m.method === 'notifications/progress', 2)
    expect(progress.map((m) => (m as unknown as { params: { progressToken: string } }).params.progressToken)).toEqual(['same', 'same'])
  })
})

