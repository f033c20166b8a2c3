import { ErrorCode } from '@plugboard/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { Emitter, type Client, type ClientEvents } from '../src/index.js'
import { connectToRawServer, expectNoViolations, nextCall, withMethod } from './raw-server.js'

const open: Client[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()))
})

const everything = { logging: {}, tools: { listChanged: true }, prompts: { listChanged: true }, resources: { subscribe: true, listChanged: true } }

async function connected() {
  const pair = await connectToRawServer({ capabilities: everything, setup: (s) => s.setRequestHandler('logging/setLevel', () => ({})) })
  open.push(pair.client)
  return pair
}

describe('events', () => {
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

  it('emits resourceUpdated with the uri', async () => {
    const { client, server } = await connected()
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
    const { client, server } = await connected()
    const fired = nextCall()
    client.on(event, fired.resolve)
    await server.notify(method)
    await expect(fired.promise).resolves.toEqual({})
  })

  it('stops calling a listener once its remover ran', async () => {
    const { client, server } = await connected()
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
    const { client, server } = await connected()
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
    const { client, server } = await connected()
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
