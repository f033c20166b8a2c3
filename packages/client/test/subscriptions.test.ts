import { ErrorCode, McpError, SUBSCRIPTION_ID_META_KEY, type JSONRPCRequest } from '@plugboard/protocol'
import { McpServer } from '@plugboard/server'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Client, ClientEvents } from '../src/index.js'
import { connectToMcpServer } from './mcp-server.js'
import { ERAS, connectToRawServer, nextCall, withMethod } from './raw-server.js'

const open: Client[] = []
afterEach(async () => {
  vi.restoreAllMocks()
  vi.useRealTimers()
  await Promise.all(open.splice(0).map((c) => c.close()))
})

function notesServer(): McpServer {
  const server = new McpServer({ name: 'notes', version: '1.0.0' })
  for (const name of ['a', 'b']) server.registerResource(name, `note://${name}`, { mimeType: 'text/plain' }, (uri) => ({ contents: [{ uri: uri.href, text: name }] }))
  server.registerTool('noop', {}, () => ({ content: [] }))
  return server
}

async function connected(server: McpServer, era: (typeof ERAS)[number]) {
  const pair = await connectToMcpServer(server, era)
  open.push(pair.client)
  return pair
}

/** Resolves once `event` fired `count` times, with what it carried. */
function collect<K extends keyof ClientEvents>(client: Client, event: K, count = 1) {
  const seen: ClientEvents[K][] = []
  const done = nextCall<ClientEvents[K][]>()
  client.on(event, (value) => {
    seen.push(value)
    if (seen.length === count) done.resolve(seen)
  })
  return { seen, done: done.promise }
}

describe.each(ERAS)('subscriptions (%s era)', (era) => {
  it('delivers resourceUpdated for a subscribed URI only, until unsubscribeResource', async () => {
    const server = notesServer()
    const { client, sent, violations } = await connected(server, era)
    await client.subscribeResource({ uri: 'note://a' })
    const updates = collect(client, 'resourceUpdated')
    await server.sendResourceUpdated({ uri: 'note://b' })
    await server.sendResourceUpdated({ uri: 'note://a' })
    expect((await updates.done).map((u) => u.uri)).toEqual(['note://a'])
    await client.unsubscribeResource({ uri: 'note://a' })
    await server.sendResourceUpdated({ uri: 'note://a' })
    await client.listTools() // a round trip: anything sent before it has arrived
    expect(updates.seen).toHaveLength(1)
    // On the wire: resources/subscribe and …/unsubscribe (legacy), or a listen stream cancelled at the end (modern).
    if (era === 'legacy') {
      expect(withMethod(sent, 'resources/subscribe')).toEqual([expect.objectContaining({ params: { uri: 'note://a' } })])
      expect(withMethod(sent, 'resources/unsubscribe')).toHaveLength(1)
    } else {
      const [listen] = withMethod(sent, 'subscriptions/listen') as JSONRPCRequest[]
      expect(listen!.params).toMatchObject({ notifications: { resourceSubscriptions: ['note://a'] } })
      expect(withMethod(sent, 'notifications/cancelled')).toEqual([expect.objectContaining({ params: expect.objectContaining({ requestId: listen!.id }) })])
    }
    expect(violations()).toEqual([])
  })

  it('acknowledges what the server supports and calls the subscription handlers with the events', async () => {
    const server = notesServer()
    const { client } = await connected(server, era)
    const changed = nextCall<unknown>()
    const subscription = await client.listen({ toolsListChanged: true, promptsListChanged: true }, { toolListChanged: changed.resolve })
    // The server has tools (listChanged) but no prompts.
    expect(subscription.acknowledged).toEqual({ toolsListChanged: true })
    const event = collect(client, 'toolListChanged')
    server.registerTool('added', {}, () => ({ content: [] }))
    await changed.promise
    await event.done
    await expect(client.listTools()).resolves.toMatchObject({ tools: [{ name: 'noop' }, { name: 'added' }] })
    await subscription.close()
  })

  it('keeps a list-changed event coming while it has a listener, registered before or after connect', async () => {
    const server = notesServer()
    const early: unknown[] = []
    const { client, sent } = await connectToMcpServer(server, era, {}, (c) => void c.on('promptListChanged', (e) => early.push(e)))
    open.push(client)
    const late = collect(client, 'toolListChanged')
    const offLate = client.on('toolListChanged', () => {})
    // The stream opens in the background: wait for it (and a round trip for its acknowledgement).
    if (era === 'modern') await vi.waitFor(() => expect(withMethod(sent, 'subscriptions/listen')).toHaveLength(1))
    await client.listTools()
    server.registerTool('added', {}, () => ({ content: [] }))
    await late.done
    await client.listTools()
    // Legacy servers send list changes to every connection; a modern one only on a stream that asked (prompts: the server has none).
    const listens = (withMethod(sent, 'subscriptions/listen') as JSONRPCRequest[]).map((l) => l.params?.notifications)
    expect(listens).toEqual(era === 'legacy' ? [] : [{ toolsListChanged: true }])
    offLate()
    expect(withMethod(sent, 'notifications/cancelled')).toHaveLength(0)
    expect(early).toEqual([])
  })

  it('puts subscriptions back when the client connects again', async () => {
    const server = notesServer()
    const { client, sent, reconnect } = await connected(server, era)
    await client.subscribeResource({ uri: 'note://b' })
    await client.close()
    await reconnect()
    const method = era === 'legacy' ? 'resources/subscribe' : 'subscriptions/listen'
    await vi.waitFor(() => expect(withMethod(sent, method)).toHaveLength(2))
    await client.listTools() // a round trip: the server has taken the subscription
    const updates = collect(client, 'resourceUpdated')
    await server.sendResourceUpdated({ uri: 'note://b' })
    expect((await updates.done)[0]).toMatchObject({ uri: 'note://b' })
  })
})

describe('subscriptions/listen streams (2026-07-28)', () => {
  it('keeps one stream with the union of the filters: a new one is acknowledged before the old one is cancelled', async () => {
    const server = notesServer()
    const { client, sent, violations } = await connected(server, 'modern')
    const a = await client.listen({ resourceSubscriptions: ['note://a'] })
    const b = await client.listen({ resourceSubscriptions: ['note://b'], toolsListChanged: true })
    expect(b.acknowledged).toEqual({ resourceSubscriptions: ['note://b'], toolsListChanged: true })
    const listens = withMethod(sent, 'subscriptions/listen') as JSONRPCRequest[]
    expect(listens.map((l) => l.params?.notifications)).toEqual([{ resourceSubscriptions: ['note://a'] }, { resourceSubscriptions: ['note://a', 'note://b'], toolsListChanged: true }])
    const cancelled = () => withMethod(sent, 'notifications/cancelled').map((c) => (c as unknown as { params: { requestId: unknown } }).params.requestId)
    expect(cancelled()).toEqual([listens[0]!.id])
    // Both subscriptions are served by the one stream; the updates say which stream carried them.
    const updates = collect(client, 'resourceUpdated', 2)
    await server.sendResourceUpdated({ uri: 'note://a' })
    await server.sendResourceUpdated({ uri: 'note://b' })
    expect((await updates.done).map((u) => u._meta?.[SUBSCRIPTION_ID_META_KEY])).toEqual([listens[1]!.id, listens[1]!.id])
    await a.close()
    await b.close()
    expect(withMethod(sent, 'subscriptions/listen')).toHaveLength(3)
    expect(cancelled()).toHaveLength(3)
    expect(violations()).toEqual([])
  })

  it('is not subject to the request timeout', async () => {
    const server = notesServer()
    const { client } = await connectToMcpServer(server, 'modern', { timeout: 1_000 })
    open.push(client)
    const errors: Error[] = []
    client.on('error', (e) => errors.push(e))
    vi.useFakeTimers()
    await client.listen({ resourceSubscriptions: ['note://a'] })
    await vi.advanceTimersByTimeAsync(5_000)
    vi.useRealTimers()
    const updates = collect(client, 'resourceUpdated')
    await server.sendResourceUpdated({ uri: 'note://a' })
    await updates.done
    expect(errors).toEqual([])
  })

  it('listens again after a backoff when the stream is cut, and gives up after repeated cuts', async () => {
    let listens = 0
    const { client, sent } = await connectToRawServer({
      era: 'modern',
      capabilities: { tools: { listChanged: true } },
      setup: (server) =>
        server.setRequestHandler('subscriptions/listen', async (params, ctx) => {
          listens++
          await ctx.sendNotification('notifications/subscriptions/acknowledged', { notifications: params.notifications, _meta: { [SUBSCRIPTION_ID_META_KEY]: ctx.requestId } })
          // Every stream is dropped right after its acknowledgement.
          throw new McpError(ErrorCode.InternalError, 'stream dropped')
        }),
    })
    open.push(client)
    const errors: Error[] = []
    client.on('error', (e) => errors.push(e))
    vi.spyOn(Math, 'random').mockReturnValue(1)
    vi.useFakeTimers()
    await client.listen({ toolsListChanged: true })
    await vi.waitFor(() => expect(listens).toBe(1))
    // Backoff 1 s, 2 s, 4 s, 8 s, 16 s (the jitter pinned at its top), then no more.
    for (const [wait, expected] of [[999, 1], [1, 2], [2_000, 3], [4_000, 4], [8_000, 5], [16_000, 6]] as const) {
      await vi.advanceTimersByTimeAsync(wait)
      expect(withMethod(sent, 'subscriptions/listen')).toHaveLength(expected)
    }
    await vi.advanceTimersByTimeAsync(60_000)
    expect(withMethod(sent, 'subscriptions/listen')).toHaveLength(6)
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/cut 6 times in a row; gave up: stream dropped/)])
  })

  it('rejects listen when the server does not acknowledge within the timeout, and cancels the stream', async () => {
    const { client, sent } = await connectToRawServer({
      era: 'modern',
      capabilities: { tools: { listChanged: true } },
      setup: (server) => server.setRequestHandler('subscriptions/listen', () => new Promise(() => {})),
    })
    open.push(client)
    vi.useFakeTimers()
    const outcome = client.listen({ toolsListChanged: true }, {}, { timeout: 500 }).catch((e: unknown) => e)
    await vi.advanceTimersByTimeAsync(500)
    expect(await outcome).toMatchObject({ code: ErrorCode.RequestTimeout })
    await vi.waitFor(() => expect(withMethod(sent, 'notifications/cancelled')).toHaveLength(1))
  })
})
