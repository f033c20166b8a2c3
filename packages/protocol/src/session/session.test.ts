import { afterEach, describe, expect, it, vi } from 'vitest'
import { ErrorCode, McpError } from '../errors.js'
import type { JSONRPCMessage, JSONRPCPayload } from '../jsonrpc/messages.js'
import { CreateTaskResultSchema } from '../revisions/index.js'
import { InMemoryTransport } from '../testing/in-memory.js'
import { Session } from './session.js'

/** A session wired to a raw peer transport whose traffic the test reads and writes by hand. */
async function withRawPeer(options: ConstructorParameters<typeof Session>[0]) {
  const [ours, theirs] = InMemoryTransport.createLinkedPair()
  const session = new Session(options)
  const received: JSONRPCPayload[] = []
  const waiters: Array<() => void> = []
  theirs.onmessage = (m) => {
    received.push(m)
    waiters.splice(0).forEach((w) => w())
  }
  await theirs.start()
  await session.connect(ours)
  const next = async (predicate: (m: JSONRPCMessage) => boolean = () => true): Promise<JSONRPCMessage> => {
    for (;;) {
      const i = received.findIndex((m) => !Array.isArray(m) && predicate(m))
      if (i >= 0) return received.splice(i, 1)[0] as JSONRPCMessage
      await new Promise<void>((r) => waiters.push(r))
    }
  }
  const send = (m: JSONRPCPayload) => theirs.send(m)
  return { session, send, next, received, peer: theirs }
}

const ready = (s: Session, version = '2025-11-25', peerCapabilities: Record<string, unknown> = {}) => {
  s.state.protocolVersion = version
  s.state.peer = { capabilities: peerCapabilities }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('request correlation', () => {
  it('correlates many requests in flight with their responses by id, out of order', async () => {
    const { session, next, send } = await withRawPeer({ role: 'client' })
    ready(session)
    const calls = [0, 1, 2, 3, 4].map(() => session.request('ping'))
    const reqs = await Promise.all(calls.map(() => next((m) => 'method' in m && m.method === 'ping')))
    const ids = reqs.map((r) => (r as { id: number }).id)
    expect(new Set(ids).size).toBe(5)
    for (const id of [...ids].reverse()) await send({ jsonrpc: '2.0', id, result: { n: id } })
    const results = await Promise.all(calls)
    expect(results.map((r) => (r as { n: number }).n)).toEqual(ids)
  })

  it('keeps ids of the two directions apart: both sides may use id 0 at once', async () => {
    const { session, next, send } = await withRawPeer({ role: 'client' })
    ready(session)
    const ours = session.request('ping')
    const out = (await next((m) => 'method' in m)) as { id: number }
    await send({ jsonrpc: '2.0', id: out.id, method: 'ping' })
    const answer = await next((m) => 'result' in m)
    expect(answer).toMatchObject({ id: out.id, result: {} })
    await send({ jsonrpc: '2.0', id: out.id, result: {} })
    await expect(ours).resolves.toEqual({})
  })

  it('rejects a pending request with the error object the peer sent', async () => {
    const { session, next, send } = await withRawPeer({ role: 'client' })
    ready(session, '2025-11-25', { tools: {} })
    const call = session.request('tools/list', {})
    const req = (await next()) as { id: number }
    await send({ jsonrpc: '2.0', id: req.id, error: { code: -32602, message: 'bad cursor', data: { cursor: 'x' } } })
    const error = await call.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpError)
    expect(error).toMatchObject({ code: -32602, message: 'bad cursor', data: { cursor: 'x' } })
  })

  it('rejects every pending request with ConnectionClosed when the transport closes', async () => {
    const { session, next, peer } = await withRawPeer({ role: 'client' })
    ready(session)
    const call = session.request('ping')
    await next()
    await peer.close()
    await expect(call).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed })
  })
})

describe('result validation', () => {
  it("rejects a result that breaks the method table's schema with -32603, and checks one request against its own resultSchema instead", async () => {
    const { session, next, send } = await withRawPeer({ role: 'client' })
    ready(session, '2025-11-25', { tools: {}, tasks: { requests: { tools: { call: {} } } } })
    const task = { taskId: 't1', status: 'working', createdAt: 'now', lastUpdatedAt: 'now', ttl: null }
    const plain = session.request('tools/call', { name: 'job' })
    await send({ jsonrpc: '2.0', id: ((await next()) as { id: number }).id, result: { task } })
    await expect(plain).rejects.toMatchObject({ code: ErrorCode.InternalError, message: expect.stringContaining('Invalid result for tools/call') })
    const asTask = session.request('tools/call', { name: 'job', task: {} }, { resultSchema: CreateTaskResultSchema })
    await send({ jsonrpc: '2.0', id: ((await next()) as { id: number }).id, result: { task } })
    expect(await asTask).toEqual({ task })
  })
})

describe('timeouts', () => {
  it('rejects with RequestTimeout after the timeout and tells the peer with notifications/cancelled', async () => {
    vi.useFakeTimers()
    const { session, next } = await withRawPeer({ role: 'client' })
    ready(session)
    const call = session.request('ping', undefined, { timeout: 1000 })
    const caught = call.catch((e: unknown) => e)
    const req = (await next()) as { id: number }
    await vi.advanceTimersByTimeAsync(1001)
    expect(await caught).toMatchObject({ code: ErrorCode.RequestTimeout })
    expect(await next()).toMatchObject({ method: 'notifications/cancelled', params: { requestId: req.id, reason: 'timeout' } })
  })

  it('restarts the timeout on progress when asked, up to the hard maximum', async () => {
    vi.useFakeTimers()
    const { session, next, send } = await withRawPeer({ role: 'client' })
    ready(session)
    const progress: number[] = []
    const call = session.request('ping', undefined, { timeout: 1000, resetTimeoutOnProgress: true, maxTotalTimeout: 2500, onprogress: (p) => progress.push(p.progress) })
    const caught = call.catch((e: unknown) => e)
    const req = (await next()) as unknown as { id: number; params: { _meta: { progressToken: number } } }
    const token = req.params._meta.progressToken
    await vi.advanceTimersByTimeAsync(900)
    await send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: token, progress: 1 } })
    await vi.advanceTimersByTimeAsync(900) // 1800 ms in: alive only thanks to the reset
    await send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: token, progress: 2 } })
    await vi.advanceTimersByTimeAsync(900) // 2700 ms: beyond the hard maximum
    expect(progress).toEqual([1, 2])
    expect(await caught).toMatchObject({ code: ErrorCode.RequestTimeout })
  })

  it('drops a response that arrives after the timeout', async () => {
    vi.useFakeTimers()
    const errors: Error[] = []
    const { session, next, send } = await withRawPeer({ role: 'client', onerror: (e) => errors.push(e) })
    ready(session)
    const caught = session.request('ping', undefined, { timeout: 10 }).catch((e: unknown) => e)
    const req = (await next()) as { id: number }
    await vi.advanceTimersByTimeAsync(20)
    await send({ jsonrpc: '2.0', id: req.id, result: {} })
    await vi.advanceTimersByTimeAsync(1)
    expect(await caught).toMatchObject({ code: ErrorCode.RequestTimeout })
    expect(errors).toEqual([])
  })
})

describe('cancellation', () => {
  it('aborting a request sends notifications/cancelled with the reason and rejects with RequestCancelled', async () => {
    const { session, next } = await withRawPeer({ role: 'client' })
    ready(session)
    const controller = new AbortController()
    const call = session.request('ping', undefined, { signal: controller.signal })
    const req = (await next()) as { id: number }
    controller.abort('user pressed stop')
    await expect(call).rejects.toMatchObject({ code: ErrorCode.RequestCancelled })
    expect(await next()).toMatchObject({ method: 'notifications/cancelled', params: { requestId: req.id, reason: 'user pressed stop' } })
  })

  it('fires the handler signal on notifications/cancelled and sends no response for that request', async () => {
    const { session, next, send, received } = await withRawPeer({ role: 'server' })
    ready(session)
    let aborted: unknown
    session.setRequestHandler('slow', (_params, ctx) => new Promise((resolve) => ctx.signal.addEventListener('abort', () => { aborted = ctx.signal.reason; resolve({ late: true }) })))
    await send({ jsonrpc: '2.0', id: 7, method: 'slow' })
    await new Promise((r) => setTimeout(r, 5))
    await send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 7, reason: 'changed my mind' } })
    await send({ jsonrpc: '2.0', id: 8, method: 'ping' })
    expect(await next()).toMatchObject({ id: 8, result: {} })
    expect(aborted).toBe('changed my mind')
    expect(received.filter((m) => !Array.isArray(m) && 'id' in m && m.id === 7)).toEqual([])
  })

  it('does not attach listeners to a caller signal beyond the life of each request', async () => {
    const { session, next, send } = await withRawPeer({ role: 'client' })
    ready(session)
    const controller = new AbortController()
    const add = vi.spyOn(controller.signal, 'addEventListener')
    const remove = vi.spyOn(controller.signal, 'removeEventListener')
    for (let i = 0; i < 3; i++) {
      const call = session.request('ping', undefined, { signal: controller.signal })
      const req = (await next()) as { id: number }
      await send({ jsonrpc: '2.0', id: req.id, result: {} })
      await call
    }
    expect(add).toHaveBeenCalledTimes(3)
    expect(remove).toHaveBeenCalledTimes(3)
  })
})

describe('inbound requests', () => {
  it('answers ping with an empty result', async () => {
    const { send, next } = await withRawPeer({ role: 'server' })
    await send({ jsonrpc: '2.0', id: 'p', method: 'ping' })
    expect(await next()).toEqual({ jsonrpc: '2.0', id: 'p', result: {} })
  })

  it('answers an unknown method with -32601 and keeps the session open', async () => {
    const { send, next } = await withRawPeer({ role: 'server' })
    await send({ jsonrpc: '2.0', id: 1, method: 'tools/execute' })
    expect(await next()).toMatchObject({ id: 1, error: { code: -32601 } })
    await send({ jsonrpc: '2.0', id: 2, method: 'ping' })
    expect(await next()).toMatchObject({ id: 2, result: {} })
  })

  it('answers -32601 for a method whose capability we did not declare, even with a handler', async () => {
    const { session, send, next } = await withRawPeer({ role: 'server', localCapabilities: {} })
    ready(session)
    session.setRequestHandler('tools/list', () => ({ tools: [] }))
    await send({ jsonrpc: '2.0', id: 1, method: 'tools/list' })
    expect(await next()).toMatchObject({ id: 1, error: { code: -32601 } })
  })

  it('answers -32602 when params fail the method schema', async () => {
    const { session, send, next } = await withRawPeer({ role: 'server', localCapabilities: { tools: {} } })
    ready(session)
    session.setRequestHandler('tools/call', () => ({ content: [] }))
    await send({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 42 } })
    expect(await next()).toMatchObject({ id: 1, error: { code: -32602 } })
  })

  it('answers a handler crash with -32603 without leaking the message or stack, and reports it', async () => {
    const errors: Error[] = []
    const { session, send, next } = await withRawPeer({ role: 'server', onerror: (e) => errors.push(e) })
    session.setRequestHandler('x/boom', () => {
      throw new Error('secret path /etc/passwd')
    })
    await send({ jsonrpc: '2.0', id: 1, method: 'x/boom' })
    const reply = await next()
    expect(reply).toMatchObject({ id: 1, error: { code: -32603, message: 'Internal error' } })
    expect(JSON.stringify(reply)).not.toContain('secret')
    expect(errors[0]?.message).toContain('secret')
  })

  it('passes an McpError thrown by a handler through as the error response', async () => {
    const { session, send, next } = await withRawPeer({ role: 'server' })
    session.setRequestHandler('x/missing', () => {
      throw new McpError(ErrorCode.ResourceNotFound, 'Resource not found', { uri: 'file:///x' })
    })
    await send({ jsonrpc: '2.0', id: 1, method: 'x/missing' })
    expect(await next()).toMatchObject({ id: 1, error: { code: -32002, data: { uri: 'file:///x' } } })
  })

  it('answers InternalError when a handler lets a local-only error (e.g. a timeout of its own call) escape', async () => {
    const { session, send, next } = await withRawPeer({ role: 'server' })
    session.setRequestHandler('x/nested', () => {
      throw new McpError(ErrorCode.RequestTimeout, 'Request sampling/createMessage timed out')
    })
    await send({ jsonrpc: '2.0', id: 1, method: 'x/nested' })
    expect(await next()).toMatchObject({ id: 1, error: { code: -32603, message: expect.stringContaining('timed out') } })
  })

  it('ignores unknown notifications', async () => {
    const errors: Error[] = []
    const { send, next } = await withRawPeer({ role: 'server', onerror: (e) => errors.push(e) })
    await send({ jsonrpc: '2.0', method: 'notifications/whatever', params: { a: 1 } })
    await send({ jsonrpc: '2.0', id: 1, method: 'ping' })
    expect(await next()).toMatchObject({ id: 1 })
    expect(errors).toEqual([])
  })

  it('sends progress for a request that carried a progressToken, related to that request', async () => {
    const { session, send, next } = await withRawPeer({ role: 'server' })
    session.setRequestHandler('x/work', async (_p, ctx) => {
      await ctx.sendProgress(1, 2, 'half')
      return { done: true }
    })
    await send({ jsonrpc: '2.0', id: 1, method: 'x/work', params: { _meta: { progressToken: 'tok' } } })
    expect(await next()).toMatchObject({ method: 'notifications/progress', params: { progressToken: 'tok', progress: 1, total: 2, message: 'half' } })
    expect(await next()).toMatchObject({ id: 1, result: { done: true } })
  })
})

describe('capability checks on what we send', () => {
  it('refuses locally to call a method the peer did not declare', async () => {
    const { session } = await withRawPeer({ role: 'client' })
    ready(session, '2025-11-25', { prompts: {} })
    await expect(session.request('tools/list', {})).rejects.toMatchObject({ code: ErrorCode.CapabilityNotSupported })
  })

  it('refuses to send a method of the other role', async () => {
    const { session } = await withRawPeer({ role: 'client' })
    ready(session, '2025-11-25', { sampling: {} })
    await expect(session.request('sampling/createMessage', { messages: [], maxTokens: 1 } as never)).rejects.toMatchObject({ code: ErrorCode.CapabilityNotSupported })
  })

  it('refuses a method that does not exist in the negotiated revision', async () => {
    const { session } = await withRawPeer({ role: 'server' })
    ready(session, '2025-03-26', { elicitation: {} })
    await expect(session.request('elicitation/create', { message: 'hi', requestedSchema: { type: 'object', properties: {} } } as never)).rejects.toMatchObject({ code: ErrorCode.CapabilityNotSupported })
  })
})

describe('batches', () => {
  it('rejects a batch with -32600 when the revision forbids batches', async () => {
    const { session, send, next } = await withRawPeer({ role: 'server' })
    ready(session, '2025-06-18')
    await send([{ jsonrpc: '2.0', id: 1, method: 'ping' }])
    expect(await next()).toMatchObject({ id: null, error: { code: -32600 } })
  })

  it('answers a batch with one array of responses under 2025-03-26', async () => {
    const { session, send, received } = await withRawPeer({ role: 'server' })
    ready(session, '2025-03-26')
    await send([{ jsonrpc: '2.0', id: 1, method: 'ping' }, { jsonrpc: '2.0', method: 'notifications/whatever' }, { jsonrpc: '2.0', id: 2, method: 'nope' }])
    await vi.waitFor(() => expect(received.length).toBe(1))
    const batch = received[0] as JSONRPCMessage[]
    expect(Array.isArray(batch)).toBe(true)
    expect(batch).toHaveLength(2)
    expect(batch.find((m) => 'id' in m && m.id === 1)).toMatchObject({ result: {} })
    expect(batch.find((m) => 'id' in m && m.id === 2)).toMatchObject({ error: { code: -32601 } })
  })
})

describe('middleware', () => {
  it('wraps inbound handlers as an onion and may short-circuit', async () => {
    const { session, send, next } = await withRawPeer({ role: 'server' })
    const order: string[] = []
    session.use(async (call, nxt) => {
      order.push(`a>${call.method}`)
      const r = await nxt()
      order.push('a<')
      return r
    })
    session.use(async (call, nxt) => (call.method === 'x/blocked' ? { blocked: true } : nxt()))
    session.setRequestHandler('x/blocked', () => ({ blocked: false }))
    await send({ jsonrpc: '2.0', id: 1, method: 'x/blocked' })
    expect(await next()).toMatchObject({ result: { blocked: true } })
    expect(order).toEqual(['a>x/blocked', 'a<'])
  })

  it('sees outbound requests and may rewrite their params', async () => {
    const { session, next, send } = await withRawPeer({ role: 'client' })
    ready(session)
    session.use(async (call, nxt) => {
      if (call.direction === 'outbound') call.params = { ...call.params, _meta: { traceparent: '00-abc-def-01' } }
      return nxt()
    })
    const p = session.request('ping')
    const req = await next()
    expect(req).toMatchObject({ method: 'ping', params: { _meta: { traceparent: '00-abc-def-01' } } })
    await send({ jsonrpc: '2.0', id: (req as { id: number }).id, result: {} })
    await p
  })
})
