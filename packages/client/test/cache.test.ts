import { McpServer, type McpServerOptions } from '@plugboard/server'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { MemoryResponseCache, type Client, type ClientOptions } from '../src/index.js'
import { connectToMcpServer } from './mcp-server.js'
import { connectToRawServer, withMethod, type EraName } from './raw-server.js'

const open: Client[] = []
afterEach(async () => {
  vi.useRealTimers()
  await Promise.all(open.splice(0).map((c) => c.close()))
})

const minute = { ttlMs: 60_000, cacheScope: 'private' as const }

/** A server with two tools, two resources (one that elicits) and the caching hints given. */
function cachingServer(cache: McpServerOptions['cache']) {
  const server = new McpServer({ name: 'cached', version: '1.0.0' }, { cache, pageSize: 1 })
  const reads: string[] = []
  for (const name of ['one', 'two']) server.registerTool(name, {}, () => ({ content: [] }))
  server.registerResource('doc', 'mem://doc', {}, (uri) => (reads.push(uri.href), { contents: [{ uri: uri.href, text: `read ${reads.length}` }] }))
  server.registerResource('other', 'mem://other', {}, (uri) => (reads.push(uri.href), { contents: [{ uri: uri.href, text: 'other' }] }))
  server.registerResource('asks', 'mem://asks', {}, async (uri, ctx) => {
    reads.push(uri.href)
    const answer = await ctx.elicit({ mode: 'form', message: 'Which?', requestedSchema: { type: 'object', properties: { pick: { type: 'string' } } } })
    return { contents: [{ uri: uri.href, text: String(answer.content?.pick) }] }
  })
  return { server, reads }
}

async function connect(server: McpServer, era: EraName = 'modern', options: ClientOptions = {}) {
  const pair = await connectToMcpServer(server, era, options)
  open.push(pair.client)
  return pair
}

describe('response cache (2026-07-28 ttlMs / cacheScope)', () => {
  it('answers from a fresh entry and asks again once ttlMs has passed', async () => {
    const { server } = cachingServer({ 'tools/list': { ttlMs: 1_000, cacheScope: 'private' } })
    const { client, sent } = await connect(server)
    vi.useFakeTimers()
    const first = await client.listTools()
    await vi.advanceTimersByTimeAsync(999)
    expect(await client.listTools()).toEqual(first)
    expect(withMethod(sent, 'tools/list')).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    await client.listTools()
    expect(withMethod(sent, 'tools/list')).toHaveLength(2)
  })

  it('keys entries by params: each page and each resource is its own entry', async () => {
    const { server, reads } = cachingServer({ 'tools/list': minute, 'resources/read': minute })
    const { client, sent } = await connect(server)
    const page1 = await client.listTools()
    const page2 = await client.listTools({ cursor: page1.nextCursor })
    expect([page1.tools[0]?.name, page2.tools[0]?.name]).toEqual(['one', 'two'])
    await client.listTools({ cursor: page1.nextCursor })
    expect(withMethod(sent, 'tools/list')).toHaveLength(2)
    await client.readResource({ uri: 'mem://doc' })
    await client.readResource({ uri: 'mem://other' })
    await client.readResource({ uri: 'mem://doc' })
    expect(reads).toEqual(['mem://doc', 'mem://other'])
  })

  it('drops entries on the matching notification: tools/list on list_changed, one resource on resources/updated', async () => {
    const { server, reads } = cachingServer({ 'tools/list': minute, 'resources/read': minute })
    const { client, sent } = await connect(server)
    const subscription = await client.listen({ toolsListChanged: true, resourceSubscriptions: ['mem://doc'] })
    await client.listTools()
    await client.readResource({ uri: 'mem://doc' })
    await client.readResource({ uri: 'mem://other' })
    const changed = new Promise((resolve) => client.on('toolListChanged', resolve))
    const updated = new Promise((resolve) => client.on('resourceUpdated', resolve))
    server.registerTool('three', {}, () => ({ content: [] }))
    await server.sendResourceUpdated({ uri: 'mem://doc' })
    await Promise.all([changed, updated])
    await client.listTools()
    await client.readResource({ uri: 'mem://doc' })
    await client.readResource({ uri: 'mem://other' })
    expect(withMethod(sent, 'tools/list')).toHaveLength(2)
    expect(reads).toEqual(['mem://doc', 'mem://other', 'mem://doc'])
    await subscription.close()
  })

  it("asks the server anyway with { cache: 'refresh' } (and keeps the answer) or 'bypass' (and keeps nothing)", async () => {
    const { server, reads } = cachingServer({ 'resources/read': minute })
    const { client } = await connect(server)
    expect((await client.readResource({ uri: 'mem://doc' })).contents[0]).toMatchObject({ text: 'read 1' })
    expect((await client.readResource({ uri: 'mem://doc' }, { cache: 'refresh' })).contents[0]).toMatchObject({ text: 'read 2' })
    expect((await client.readResource({ uri: 'mem://doc' })).contents[0]).toMatchObject({ text: 'read 2' })
    expect((await client.readResource({ uri: 'mem://doc' }, { cache: 'bypass' })).contents[0]).toMatchObject({ text: 'read 3' })
    expect((await client.readResource({ uri: 'mem://doc' })).contents[0]).toMatchObject({ text: 'read 2' })
    expect(reads).toHaveLength(3)
  })

  it('never keeps a result reached through input_required rounds', async () => {
    const { server, reads } = cachingServer({ 'resources/read': minute })
    const { client } = await connect(server, 'modern', { elicitation: { form: () => ({ action: 'accept', content: { pick: 'this' } }) } })
    for (let i = 0; i < 2; i++) expect((await client.readResource({ uri: 'mem://asks' })).contents[0]).toMatchObject({ text: 'this' })
    // Two rounds per read (ask, then answer), and the second read went to the server again.
    expect(reads).toEqual(['mem://asks', 'mem://asks', 'mem://asks', 'mem://asks'])
  })

  it('shares public results through the ResponseCache passed in, and keeps private ones per client', async () => {
    const shared = new MemoryResponseCache()
    const { server, reads } = cachingServer({ 'tools/list': { ttlMs: 60_000, cacheScope: 'public' }, 'resources/read': minute })
    const a = await connect(server, 'modern', { cache: shared })
    const b = await connect(server, 'modern', { cache: shared })
    await a.client.listTools()
    await a.client.readResource({ uri: 'mem://doc' })
    await b.client.listTools()
    await b.client.readResource({ uri: 'mem://doc' })
    expect(withMethod(b.sent, 'tools/list')).toHaveLength(0)
    expect(reads).toEqual(['mem://doc', 'mem://doc'])
    expect(shared.size).toBe(1)
  })

  it('caches discover() while fresh, while ping always asks', async () => {
    const { client, sent } = await connectToRawServer({
      era: 'modern',
      setup: (s) => s.setRequestHandler('server/discover', () => ({ supportedVersions: ['2026-07-28'], capabilities: {}, ...minute })),
    })
    open.push(client)
    await client.discover()
    await client.discover()
    await client.ping()
    // connect's own discover, one for discover() (the second came from the cache), one for ping.
    expect(withMethod(sent, 'server/discover')).toHaveLength(3)
  })

  it('keeps nothing with cache: false, nor from a legacy server (its results carry no hints)', async () => {
    const { server } = cachingServer({ 'tools/list': minute })
    const off = await connect(server, 'modern', { cache: false })
    const legacy = await connect(server, 'legacy')
    for (const { client } of [off, legacy]) {
      await client.listTools()
      await client.listTools()
    }
    expect(withMethod(off.sent, 'tools/list')).toHaveLength(2)
    expect(withMethod(legacy.sent, 'tools/list')).toHaveLength(2)
  })
})

describe('MemoryResponseCache', () => {
  it('drops stale entries, the oldest past maxEntries, and entries by key prefix', () => {
    vi.useFakeTimers()
    const cache = new MemoryResponseCache({ maxEntries: 2 })
    cache.set('tools/list\0a', { result: { n: 1 }, expiresAt: Date.now() + 10 })
    cache.set('tools/list\0b', { result: { n: 2 }, expiresAt: Date.now() + 100 })
    vi.advanceTimersByTime(10)
    expect(cache.get('tools/list\0a')).toBeUndefined()
    expect(cache.get('tools/list\0b')?.result).toEqual({ n: 2 })
    cache.set('prompts/list\0', { result: {}, expiresAt: Date.now() + 100 })
    cache.set('resources/read\0x', { result: {}, expiresAt: Date.now() + 100 })
    expect(cache.get('tools/list\0b')).toBeUndefined()
    cache.invalidate('prompts/list\0')
    expect(cache.get('prompts/list\0')).toBeUndefined()
    expect(cache.get('resources/read\0x')).toBeDefined()
  })
})
