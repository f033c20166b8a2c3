import { ErrorCode, type MiddlewareCall } from '@plugboard/protocol'
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as z from 'zod'
import { McpServer } from '../src/index.js'
import { ERAS, LEGACY_ERAS, MODERN, closeAll, connect, deferred, failure, listen } from './harness.js'

afterEach(closeAll)

const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] })

describe.each(ERAS)('lifecycle (negotiated %s)', (protocolVersion) => {
  it('describes itself (initialize; server/discover in 2026-07-28) with serverInfo, instructions and capabilities derived from what is registered', async () => {
    const info = {
      name: 'full',
      version: '2.0.0',
      title: 'Full server',
      description: 'Has everything',
      icons: [{ src: 'https://example.com/icon.png', mimeType: 'image/png', sizes: ['48x48'] }],
      websiteUrl: 'https://example.com',
    }
    const server = new McpServer(info, { instructions: 'Call add for sums.', capabilities: { experimental: { telepathy: {} } } })
    server.registerTool('add', { inputSchema: { a: z.number() } }, ({ a }) => text(String(a)))
    server.registerResource('r', 'mem://r', {}, (uri) => ({ contents: [{ uri: uri.href, text: '' }] }))
    server.registerPrompt('p', {}, () => ({ messages: [] }))
    const { hello } = await connect(server, { protocolVersion })
    expect(hello.protocolVersion).toBe(protocolVersion)
    expect(hello.serverInfo).toEqual(info)
    expect(hello.instructions).toBe('Call add for sums.')
    expect(hello.capabilities).toEqual({
      experimental: { telepathy: {} },
      logging: {},
      tools: { listChanged: true },
      resources: { subscribe: true, listChanged: true },
      prompts: { listChanged: true },
    })
  })

  it('declares only logging when nothing is registered, and answers tools/list with -32601', async () => {
    const { client, hello } = await connect(new McpServer({ name: 'empty', version: '1' }), { protocolVersion })
    expect(hello.capabilities).toEqual({ logging: {} })
    // Pretend the server declared tools, so the client sends the request and the server's own gate answers.
    client.state.peer.capabilities = { tools: {} }
    expect(await failure(client.request('tools/list', {}))).toMatchObject({ code: ErrorCode.MethodNotFound })
  })

  it('serves many connections from one McpServer and forgets each one when it closes', async () => {
    const server = new McpServer({ name: 'many', version: '1' })
    server.registerTool('who', {}, (_args, ctx) => text(String(ctx.client.info?.name)))
    const clients = await Promise.all([connect(server, { protocolVersion }), connect(server, { protocolVersion }), connect(server, { protocolVersion })])
    expect(server.sessions.size).toBe(3)
    const results = await Promise.all(clients.map((c) => c.client.request('tools/call', { name: 'who' })))
    expect(results.map((r) => r.content[0])).toEqual(Array(3).fill({ type: 'text', text: 'test-client' }))
    await clients[0]!.client.close()
    await vi.waitFor(() => expect(server.sessions.size).toBe(2))
    expect(server.sessions.has(clients[0]!.server)).toBe(false)
    await server.close()
    expect(server.sessions.size).toBe(0)
  })

  it('runs middleware from use() around every request of every session, until removed', async () => {
    const server = new McpServer({ name: 'mw', version: '1' })
    server.registerTool('t', {}, () => text('t'))
    const before = await connect(server, { protocolVersion })
    const seen: string[] = []
    const remove = server.use(async (call: MiddlewareCall, next) => {
      if (call.direction === 'inbound') seen.push(call.method)
      return next()
    })
    const after = await connect(server, { protocolVersion })
    await before.client.request('tools/list', {})
    await after.client.request('tools/call', { name: 't' })
    expect(seen).toEqual(expect.arrayContaining(['tools/list', 'tools/call']))
    const count = seen.length
    remove()
    await before.client.request('tools/list', {})
    await after.client.request('tools/list', {})
    expect(seen).toHaveLength(count)
  })

  it('lets middleware short-circuit a request', async () => {
    const server = new McpServer({ name: 'mw', version: '1' })
    server.registerTool('secret', {}, () => text('secret'))
    server.registerTool('public', {}, () => text('public'))
    server.use(async (call, next) => {
      const result = await next()
      if (call.method !== 'tools/list') return result
      return { ...result, tools: (result.tools as Array<{ name: string }>).filter((t) => t.name !== 'secret') }
    })
    const { client } = await connect(server, { protocolVersion })
    expect((await client.request('tools/list', {})).tools.map((t) => t.name)).toEqual(['public'])
  })

  it('lets setRequestHandler override a built-in and add a custom method, on sessions present and future', async () => {
    const server = new McpServer({ name: 'low', version: '1' })
    server.registerTool('t', {}, () => text('t'))
    const early = await connect(server, { protocolVersion })
    const restore = server.setRequestHandler('tools/list', (_params, ctx) => ({ tools: [{ name: `for-${ctx.client.info?.name}`, inputSchema: { type: 'object' } }] }))
    server.setRequestHandler('acme/echo', (params) => ({ echoed: params.value }))
    const later = await connect(server, { protocolVersion })
    for (const { client } of [early, later]) {
      expect((await client.request('tools/list', {})).tools.map((t) => t.name)).toEqual(['for-test-client'])
      await expect(client.request('acme/echo', { value: 42 })).resolves.toMatchObject({ echoed: 42 })
    }
    restore()
    expect((await early.client.request('tools/list', {})).tools.map((t) => t.name)).toEqual(['t'])
    expect(() => server.setRequestHandler('initialize', () => ({}) as never)).toThrow(/lifecycle/)
  })

  it('lets setNotificationHandler receive custom notifications with their session', async () => {
    const server = new McpServer({ name: 'low', version: '1' })
    const got = deferred<unknown[]>()
    server.setNotificationHandler('acme/poke', (params, session) => got.resolve([params.n, session]))
    const { client, server: session } = await connect(server, { protocolVersion })
    await client.notify('acme/poke', { n: 1 })
    expect(await got.promise).toEqual([1, session])
  })

  it('closes one connection from its ServerSession handle and leaves the others serving', async () => {
    const server = new McpServer({ name: 'c', version: '1' })
    const one = await connect(server, { protocolVersion })
    const two = await connect(server, { protocolVersion })
    await one.server.close()
    expect(await failure(one.roundTrip())).toMatchObject({ code: ErrorCode.ConnectionClosed })
    await expect(two.roundTrip()).resolves.toBeUndefined()
    expect(server.sessions.size).toBe(1)
  })
})

describe.each(LEGACY_ERAS)('capabilities of a legacy connection (negotiated %s)', (protocolVersion) => {
  it('keeps capabilities fixed per connection: a first tool after connect reaches only clients that connect later', async () => {
    const server = new McpServer({ name: 'late', version: '1' })
    const early = await connect(server, { protocolVersion })
    server.registerTool('late', {}, () => text('late'))
    const late = await connect(server, { protocolVersion })
    expect(late.hello.capabilities).toHaveProperty('tools')
    expect((await late.client.request('tools/list', {})).tools.map((t) => t.name)).toEqual(['late'])
    await early.client.request('ping')
    expect(early.received('notifications/tools/list_changed')).toEqual([])
  })

  it('lets options.capabilities pre-declare tools, so tools added after connect are announced', async () => {
    const server = new McpServer({ name: 'late', version: '1' }, { capabilities: { tools: {} } })
    const { client, hello, received } = await connect(server, { protocolVersion })
    expect(hello.capabilities.tools).toEqual({ listChanged: true })
    expect((await client.request('tools/list', {})).tools).toEqual([])
    server.registerTool('late', {}, () => text('late'))
    await vi.waitFor(() => expect(received('notifications/tools/list_changed')).toHaveLength(1))
    expect((await client.request('tools/call', { name: 'late' })).content).toEqual([{ type: 'text', text: 'late' }])
  })
})

describe('capabilities of modern requests (negotiated 2026-07-28)', () => {
  it('reads capabilities per request: a first tool registered after connect is served to the client already connected', async () => {
    const server = new McpServer({ name: 'late', version: '1' })
    const early = await connect(server, { protocolVersion: MODERN })
    expect(early.hello.capabilities).not.toHaveProperty('tools')
    server.registerTool('late', {}, () => text('late'))
    const again = (await early.client.request('server/discover', {})) as { capabilities: Record<string, unknown> }
    expect(again.capabilities).toMatchObject({ tools: { listChanged: true } })
    early.client.state.peer.capabilities = again.capabilities
    expect((await early.client.request('tools/list', {})).tools.map((t) => t.name)).toEqual(['late'])
    await expect(early.client.request('tools/call', { name: 'late' })).resolves.toMatchObject({ content: [{ text: 'late' }] })
  })

  it('lets options.capabilities pre-declare tools, so tools added later are announced on a listen stream', async () => {
    const server = new McpServer({ name: 'late', version: '1' }, { capabilities: { tools: {} } })
    const c = await connect(server, { protocolVersion: MODERN })
    expect(c.hello.capabilities.tools).toEqual({ listChanged: true })
    const stream = await listen(c, { toolsListChanged: true })
    expect(stream.acknowledged).toEqual({ toolsListChanged: true })
    server.registerTool('late', {}, () => text('late'))
    await vi.waitFor(() => expect(stream.received('notifications/tools/list_changed')).toHaveLength(1))
    expect((await c.client.request('tools/call', { name: 'late' })).content).toEqual([{ type: 'text', text: 'late' }])
  })
})

describe('server options', () => {
  it('rejects a pageSize that is not a positive integer', () => {
    expect(() => new McpServer({ name: 'x', version: '1' }, { pageSize: 0 })).toThrow(RangeError)
    expect(() => new McpServer({ name: 'x', version: '1' }, { pageSize: 1.5 })).toThrow(RangeError)
  })

  it('reports a crashing non-tool handler to onerror and answers InternalError without its message', async () => {
    const onerror = vi.fn()
    const server = new McpServer({ name: 'x', version: '1' }, { onerror })
    server.registerPrompt('crash', {}, () => {
      throw new Error('secret path /etc/passwd')
    })
    const { client } = await connect(server)
    const error = await failure(client.request('prompts/get', { name: 'crash' }))
    expect(error).toMatchObject({ code: ErrorCode.InternalError })
    expect((error as Error).message).not.toContain('passwd')
    expect(onerror).toHaveBeenCalledWith(expect.objectContaining({ message: 'secret path /etc/passwd' }))
  })
})

describe('connection-less requests (stateless HTTP)', () => {
  const call = (server: McpServer, method: string, params: Record<string, unknown>, info: Record<string, unknown> = {}) =>
    server.dispatch({ jsonrpc: '2.0', id: 1, method, params }, () => Promise.resolve(), info)

  it('serves a tools/call without initialize or a connection, under the revision the transport carries', async () => {
    const server = new McpServer({ name: 'stateless', version: '1' })
    server.registerTool('where', {}, (_args, ctx) => text(`${ctx.protocolVersion} ${ctx.sessionId} ${ctx.session === undefined}`))
    await expect(call(server, 'tools/call', { name: 'where' }, { protocolVersion: '2025-06-18', sessionId: 's-1' })).resolves.toMatchObject({ result: { content: [{ text: '2025-06-18 s-1 true' }] } })
    expect(server.sessions.size).toBe(0)
  })

  it('runs middleware on connection-less requests and allocates no connection for them', async () => {
    const server = new McpServer({ name: 'mw', version: '1' })
    server.registerTool('t', {}, () => text('t'))
    const calls: string[] = []
    const remove = server.use(async (c, next) => {
      calls.push(c.method)
      return next()
    })
    for (let i = 0; i < 3; i++) await call(server, 'tools/list', {}, { protocolVersion: '2025-11-25' })
    expect(calls).toEqual(['tools/list', 'tools/list', 'tools/list'])
    expect(server.sessions.size).toBe(0)
    remove()
  })
})
