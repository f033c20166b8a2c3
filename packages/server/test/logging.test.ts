import { ErrorCode } from '@plugboard/protocol'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { McpServer } from '../src/index.js'
import { LEGACY_ERAS, MODERN, closeAll, connect, connectRaw, failure, listen, modernMeta } from './harness.js'
import { LOG_LEVEL_META_KEY } from '@plugboard/protocol'

afterEach(closeAll)

function loggingServer() {
  const server = new McpServer({ name: 'l', version: '1' })
  server.registerTool('work', {}, async (_args, ctx) => {
    await ctx.log.debug('starting')
    await ctx.log.info({ rows: 3 }, 'db')
    await ctx.log.warning('slow query', 'db')
    await ctx.log.error('failed once')
    return { content: [{ type: 'text', text: 'done' }] }
  })
  return server
}

const levels = (messages: Array<Record<string, unknown>>) => messages.map((m) => m.level)

describe.each(LEGACY_ERAS)('logging set per connection with logging/setLevel (negotiated %s)', (protocolVersion) => {
  it('declares logging and sends ctx.log messages of every level until the client sets one', async () => {
    const { client, hello, received } = await connect(loggingServer(), { protocolVersion })
    expect(hello.capabilities).toHaveProperty('logging')
    await client.request('tools/call', { name: 'work' })
    const messages = received('notifications/message')
    expect(levels(messages)).toEqual(['debug', 'info', 'warning', 'error'])
    expect(messages[1]).toEqual({ level: 'info', logger: 'db', data: { rows: 3 } })
    expect(messages[0]).not.toHaveProperty('logger')
  })

  it("filters by each session's own logging/setLevel", async () => {
    const server = loggingServer()
    const alice = await connect(server, { protocolVersion })
    const bob = await connect(server, { protocolVersion })
    await alice.client.request('logging/setLevel', { level: 'warning' })
    expect(alice.server.logLevel).toBe('warning')
    await alice.client.request('tools/call', { name: 'work' })
    await bob.client.request('tools/call', { name: 'work' })
    expect(levels(alice.received('notifications/message'))).toEqual(['warning', 'error'])
    expect(levels(bob.received('notifications/message'))).toEqual(['debug', 'info', 'warning', 'error'])

    await server.sendLoggingMessage({ level: 'info', data: 'to everyone who wants info' })
    await server.sendLoggingMessage({ level: 'critical', data: 'to everyone' })
    await vi.waitFor(() => expect(levels(bob.received('notifications/message')).slice(4)).toEqual(['info', 'critical']))
    await vi.waitFor(() => expect(levels(alice.received('notifications/message')).slice(2)).toEqual(['critical']))
  })

  it('sends a server-level log message only to the session named by sessionId', async () => {
    const server = loggingServer()
    const one = await connect(server, { protocolVersion, sessionId: 'one' })
    const two = await connect(server, { protocolVersion, sessionId: 'two' })
    await server.sendLoggingMessage({ level: 'notice', logger: 'cron', data: 'just you' }, 'two')
    await vi.waitFor(() => expect(two.received('notifications/message')).toEqual([{ level: 'notice', logger: 'cron', data: 'just you' }]))
    await one.client.request('ping')
    expect(one.received('notifications/message')).toEqual([])
  })

  it('answers an unknown level with -32602', async () => {
    const { client } = await connect(loggingServer(), { protocolVersion })
    expect(await failure(client.request('logging/setLevel', { level: 'verbose' } as never))).toMatchObject({ code: ErrorCode.InvalidParams })
  })
})

describe('logging set per request with _meta logLevel (negotiated 2026-07-28)', () => {
  const atLevel = (level: string) => ({ _meta: { [LOG_LEVEL_META_KEY]: level } })

  it('declares logging but sends no ctx.log message for a request that sets no logLevel', async () => {
    const c = await connect(loggingServer(), { protocolVersion: MODERN })
    expect(c.hello.capabilities).toHaveProperty('logging')
    await expect(c.client.request('tools/call', { name: 'work' })).resolves.toMatchObject({ content: [{ text: 'done' }] })
    expect(c.received('notifications/message')).toEqual([])
  })

  it("sends ctx.log messages at or above the request's own logLevel, and only for that request", async () => {
    const c = await connect(loggingServer(), { protocolVersion: MODERN })
    await c.client.request('tools/call', { name: 'work', ...atLevel('warning') })
    expect(levels(c.received('notifications/message'))).toEqual(['warning', 'error'])
    await c.client.request('tools/call', { name: 'work', ...atLevel('debug') })
    expect(levels(c.received('notifications/message')).slice(2)).toEqual(['debug', 'info', 'warning', 'error'])
    expect(c.received('notifications/message')[3]).toEqual({ level: 'info', logger: 'db', data: { rows: 3 } })
    await c.client.request('tools/call', { name: 'work' })
    expect(c.received('notifications/message')).toHaveLength(6)
  })

  it('sends log messages before the response, related to the request that asked for them', async () => {
    const c = await connect(loggingServer(), { protocolVersion: MODERN })
    const before = c.sent.length
    await c.client.request('tools/call', { name: 'work', ...atLevel('error') })
    const id = (c.sent.slice(before).find((m) => 'method' in m && m.method === 'tools/call') as { id: number }).id
    const order = c.inbox.map((m) => ('method' in m ? m.method : 'id' in m && m.id === id ? 'response' : 'other')).filter((m) => m !== 'other')
    expect(order.slice(-2)).toEqual(['notifications/message', 'response'])
  })

  it('answers a logLevel that is not a level with -32602, and keeps serving', async () => {
    const c = await connect(loggingServer(), { protocolVersion: MODERN })
    expect(await failure(c.client.request('tools/call', { name: 'work', ...atLevel('verbose') }))).toMatchObject({ code: ErrorCode.InvalidParams })
    expect(c.received('notifications/message')).toEqual([])
    await expect(c.client.request('tools/call', { name: 'work' })).resolves.toMatchObject({ content: [{ text: 'done' }] })
  })

  it('answers logging/setLevel with -32601: it does not exist in 2026-07-28', async () => {
    const raw = await connectRaw(loggingServer())
    const response = await raw.request('logging/setLevel', { level: 'debug', _meta: modernMeta() })
    expect(response).toMatchObject({ error: { code: ErrorCode.MethodNotFound } })
    expect(raw.server.logLevel).toBeUndefined()
  })

  it('sends server-level log messages to no modern client, listening or not: they are request-scoped', async () => {
    const server = loggingServer()
    const c = await connect(server, { protocolVersion: MODERN })
    await listen(c, { toolsListChanged: true })
    await server.sendLoggingMessage({ level: 'emergency', data: 'to everyone' })
    await c.roundTrip()
    expect(c.received('notifications/message')).toEqual([])
  })
})
