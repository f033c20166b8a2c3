import { ErrorCode } from '@plugboard/protocol'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { McpServer } from '../src/index.js'
import { ERAS, closeAll, connect, failure } from './harness.js'

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

describe.each(ERAS)('logging (negotiated %s)', (protocolVersion) => {
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
