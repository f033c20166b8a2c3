import { ErrorCode, type JSONRPCRequest } from '@plugboard/protocol'
import { McpServer } from '@plugboard/server'
import { afterEach, describe, expect, it } from 'vitest'
import { Emitter, type Client, type ClientEvents } from '../src/index.js'
import { connectToMcpServer } from './mcp-server.js'
import { ERAS, connectToRawServer, expectNoViolations, nextCall, withMethod, type EraName } from './raw-server.js'

const open: Client[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()))
})

const everything = { logging: {}, tools: { listChanged: true }, prompts: { listChanged: true }, resources: { subscribe: true, listChanged: true } }

async function connected(era?: EraName) {
  const pair = await connectToRawServer({ era, capabilities: everything, setup: (s) => s.setRequestHandler('logging/setLevel', () => ({})) })
  open.push(pair.client)
  return pair
}

describe('log events (legacy era)', () => {
  it('emits log for notifications/message after setLoggingLevel', async () => {
    const { client, server, sent, violations } = await connected()
    await client.setLoggingLevel('warning')
    expect(withMethod(sent, 'logging/setLevel')[0]).toMatchObject({ params: { level: 'warning' } })
    const log = nextCall<ClientEvents['log']>()
    client.on('log', log.resolve)
    await server.notify('notifications/message', { level: 'error', logger: 'db', data: { message: 'disk full' } })
    expect(await log.promise).toEqual({ level: 'error', logger: 'db', data: { message: 'disk full' } })
    expectNoViolations(violations)
  })
})

describe.each(ERAS)('log level (%s era)', (era) => {
  function chattyServer() {
    const server = new McpServer({ name: 'chatty', version: '1.0.0' })
    server.registerTool('chatty', {}, async (_args, ctx) => {
      for (const level of ['debug', 'info', 'warning'] as const) await ctx.log.log(level, `a ${level} message`)
      return { content: [] }
    })
    return server
  }

  it('gets the log messages at or above the level set, through logging/setLevel or on each request', async () => {
    const { client, sent, violations } = await connectToMcpServer(chattyServer(), era)
    open.push(client)
    const levels: string[] = []
    client.on('log', (params) => void levels.push(params.level))
    await client.setLoggingLevel('info')
    await client.callTool({ name: 'chatty' })
    expect(levels).toEqual(['info', 'warning'])
    const call = withMethod(sent, 'tools/call')[0] as JSONRPCRequest
    if (era === 'legacy') {
      expect(withMethod(sent, 'logging/setLevel')).toEqual([expect.objectContaining({ params: { level: 'info' } })])
      expect(call.params?._meta).toBeUndefined()
    } else {
      expect(withMethod(sent, 'logging/setLevel')).toEqual([])
      expect(call.params?._meta).toMatchObject({ 'io.modelcontextprotocol/logLevel': 'info' })
    }
    expect(violations()).toEqual([])
  })

  it('without a level set gets every message from a legacy server and none from a modern one, as each revision says', async () => {
    const { client } = await connectToMcpServer(chattyServer(), era)
    open.push(client)
    const levels: string[] = []
    client.on('log', (params) => void levels.push(params.level))
    await client.callTool({ name: 'chatty' })
    expect(levels).toEqual(era === 'legacy' ? ['debug', 'info', 'warning'] : [])
  })
})

describe.each(ERAS)('events (%s era)', (era) => {
  it('emits resourceUpdated with the uri', async () => {
    const { client, server } = await connected(era)
    const updated = nextCall<ClientEvents['resourceUpdated']>()
    client.on('resourceUpdated', updated.resolve)
    await server.notify('notifications/resources/updated', { uri: 'file:///log.txt' })
    expect(await updated.promise).toEqual({ uri: 'file:///log.txt' })
  })

  it.each([
    ['notifications/tools/list_changed', 'toolListChanged'],
    ['notifications/resources/list_changed', 'resourceListChanged'],
    ['notifications/prompts/list_changed', 'promptListChanged'],
  ] as const)('emits an event for %s', async (method, event) => {
    const { client, server } = await connected(era)
    const fired = nextCall()
    client.on(event, fired.resolve)
    await server.notify(method)
    await expect(fired.promise).resolves.toEqual({})
  })

  it('stops calling a listener once its remover ran', async () => {
    const { client, server } = await connected(era)
    const seen: string[] = []
    const off = client.on('resourceUpdated', (p) => seen.push(`first ${p.uri}`))
    const second = nextCall()
    client.on('resourceUpdated', (p) => {
      seen.push(`second ${p.uri}`)
      second.resolve(undefined)
    })
    off()
    await server.notify('notifications/resources/updated', { uri: 'mem://x' })
    await second.promise
    expect(seen).toEqual(['second mem://x'])
  })

  it('reports a listener that throws as an error event and still calls the other listeners', async () => {
    const { client, server } = await connected(era)
    const error = nextCall<Error>()
    const after = nextCall()
    client.on('error', error.resolve)
    client.on('promptListChanged', () => {
      throw new Error('listener broke')
    })
    client.on('promptListChanged', after.resolve)
    await server.notify('notifications/prompts/list_changed')
    await after.promise
    expect((await error.promise).message).toBe('listener broke')
  })

  it('emits close once when the server goes away, and later calls reject with ConnectionClosed', async () => {
    const { client, server } = await connected(era)
    const closes: unknown[] = []
    const closed = nextCall()
    client.on('close', () => {
      closes.push('close')
      closed.resolve(undefined)
    })
    await server.close()
    await closed.promise
    expect(closes).toEqual(['close'])
    await expect(client.ping()).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed })
  })
})

describe('Emitter', () => {
  it('delivers in the order listeners were added and counts them', () => {
    const emitter = new Emitter<{ tick: number }>()
    const seen: string[] = []
    emitter.on('tick', (n) => seen.push(`a${n}`))
    const off = emitter.on('tick', (n) => seen.push(`b${n}`))
    expect(emitter.listenerCount('tick')).toBe(2)
    emitter.emit('tick', 1)
    off()
    emitter.emit('tick', 2)
    expect(seen).toEqual(['a1', 'b1', 'a2'])
    expect(emitter.listenerCount('tick')).toBe(1)
  })
})
