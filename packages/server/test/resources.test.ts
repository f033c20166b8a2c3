import { ErrorCode } from '@plugboard/protocol'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { McpServer, ResourceTemplate } from '../src/index.js'
import { ERAS, LEGACY_ERAS, MODERN, closeAll, connect, connectRaw, failure, isModern, listen, modernMeta } from './harness.js'

afterEach(closeAll)

function docsServer(options: { pageSize?: number } = {}) {
  const server = new McpServer({ name: 'r', version: '1' }, options)
  server.registerResource('readme', 'file:///readme.md', { title: 'Read me', mimeType: 'text/markdown', size: 12 }, (uri) => ({
    contents: [{ uri: uri.href, mimeType: 'text/markdown', text: '# Hello' }],
  }))
  server.registerResource('logo', 'file:///logo.png', { mimeType: 'image/png' }, (uri) => ({
    contents: [{ uri: uri.href, mimeType: 'image/png', blob: Buffer.from([137, 80, 78, 71]).toString('base64') }],
  }))
  server.registerResource(
    'user',
    new ResourceTemplate('users://{id}/profile', {
      list: () => ({ resources: [{ uri: 'users://1/profile', name: 'Ada' }, { uri: 'users://2/profile', name: 'Linus' }] }),
    }),
    { description: 'A user profile', mimeType: 'application/json' },
    (uri, { id }) => ({ contents: [{ uri: uri.href, text: JSON.stringify({ id }) }] }),
  )
  server.registerResource('file', new ResourceTemplate('file:///{+path}'), { title: 'Any file' }, (uri, { path }) => ({
    contents: [{ uri: uri.href, text: `file at ${String(path)}` }],
  }))
  return server
}

describe.each(ERAS)('resources (negotiated %s)', (protocolVersion) => {
  it('lists static resources, then those each template enumerates, with the template metadata', async () => {
    const { client } = await connect(docsServer(), { protocolVersion })
    const { resources, nextCursor } = await client.request('resources/list', {})
    expect(nextCursor).toBeUndefined()
    expect(resources.map((r) => r.uri)).toEqual(['file:///readme.md', 'file:///logo.png', 'users://1/profile', 'users://2/profile'])
    expect(resources[0]).toEqual({ uri: 'file:///readme.md', name: 'readme', title: 'Read me', mimeType: 'text/markdown', size: 12 })
    expect(resources[2]).toMatchObject({ name: 'Ada', mimeType: 'application/json', description: 'A user profile' })
  })

  it('lists resource templates with their URI template as written', async () => {
    const { client } = await connect(docsServer(), { protocolVersion })
    const { resourceTemplates } = await client.request('resources/templates/list', {})
    expect(resourceTemplates).toEqual([
      { uriTemplate: 'users://{id}/profile', name: 'user', description: 'A user profile', mimeType: 'application/json' },
      { uriTemplate: 'file:///{+path}', name: 'file', title: 'Any file' },
    ])
  })

  it('reads text and blob contents of static resources', async () => {
    const { client } = await connect(docsServer(), { protocolVersion })
    expect((await client.request('resources/read', { uri: 'file:///readme.md' })).contents).toEqual([{ uri: 'file:///readme.md', mimeType: 'text/markdown', text: '# Hello' }])
    const [logo] = (await client.request('resources/read', { uri: 'file:///logo.png' })).contents
    expect(Buffer.from((logo as { blob: string }).blob, 'base64')).toEqual(Buffer.from([137, 80, 78, 71]))
  })

  it('reads a URI through the first template that matches it, passing the variables', async () => {
    const { client } = await connect(docsServer(), { protocolVersion })
    expect((await client.request('resources/read', { uri: 'users://42/profile' })).contents).toEqual([{ uri: 'users://42/profile', text: '{"id":"42"}' }])
    expect((await client.request('resources/read', { uri: 'file:///src/a%20b.ts' })).contents[0]).toMatchObject({ text: 'file at src/a b.ts' })
  })

  it('prefers a static resource over a template matching the same URI', async () => {
    const { client } = await connect(docsServer(), { protocolVersion })
    expect((await client.request('resources/read', { uri: 'file:///readme.md' })).contents[0]).toMatchObject({ text: '# Hello' })
  })

  // 2026-07-28 retired -32002: "resource not found" is -32602 there.
  const notFound = isModern(protocolVersion) ? ErrorCode.InvalidParams : ErrorCode.ResourceNotFound

  it('answers an unknown URI with resource-not-found (-32002, or -32602 in 2026-07-28) and the URI in data', async () => {
    const { client } = await connect(docsServer(), { protocolVersion })
    const error = await failure(client.request('resources/read', { uri: 'nothing://here' }))
    expect(error).toMatchObject({ code: notFound, message: 'Resource not found', data: { uri: 'nothing://here' } })
  })

  it('hides a disabled resource from list and read, and serves it again once enabled', async () => {
    const server = docsServer()
    const extra = server.registerResource('extra', 'mem://extra', {}, (uri) => ({ contents: [{ uri: uri.href, text: 'x' }] }))
    const { client } = await connect(server, { protocolVersion })
    extra.disable()
    expect((await client.request('resources/list', {})).resources.map((r) => r.uri)).not.toContain('mem://extra')
    expect(await failure(client.request('resources/read', { uri: 'mem://extra' }))).toMatchObject({ code: notFound })
    extra.enable()
    expect((await client.request('resources/list', {})).resources.map((r) => r.uri)).toContain('mem://extra')
    expect((await client.request('resources/read', { uri: 'mem://extra' })).contents).toEqual([{ uri: 'mem://extra', text: 'x' }])
  })

  it('pages resources/list with pageSize 2 across static and template-listed resources', async () => {
    const { client } = await connect(docsServer({ pageSize: 2 }), { protocolVersion })
    const first = await client.request('resources/list', {})
    expect(first.resources.map((r) => r.uri)).toEqual(['file:///readme.md', 'file:///logo.png'])
    const second = await client.request('resources/list', { cursor: first.nextCursor! })
    expect(second.resources.map((r) => r.uri)).toEqual(['users://1/profile', 'users://2/profile'])
    expect(second.nextCursor).toBeUndefined()
    const templates = await client.request('resources/templates/list', {})
    expect(templates.resourceTemplates).toHaveLength(2)
    expect(templates.nextCursor).toBeUndefined()
    expect(await failure(client.request('resources/templates/list', { cursor: '!' }))).toMatchObject({ code: ErrorCode.InvalidParams })
  })
})

describe.each(LEGACY_ERAS)('resources/list_changed on the connection (negotiated %s)', (protocolVersion) => {
  it('sends resources/list_changed when a resource is disabled or removed', async () => {
    const server = docsServer()
    const extra = server.registerResource('extra', 'mem://extra', {}, (uri) => ({ contents: [{ uri: uri.href, text: 'x' }] }))
    const { received } = await connect(server, { protocolVersion })
    extra.disable()
    await vi.waitFor(() => expect(received('notifications/resources/list_changed')).toHaveLength(1))
    extra.remove()
    await vi.waitFor(() => expect(received('notifications/resources/list_changed')).toHaveLength(2))
  })
})

describe.each(LEGACY_ERAS)('resource subscriptions with resources/subscribe (negotiated %s)', (protocolVersion) => {
  it('sends resources/updated only to the sessions subscribed to that URI', async () => {
    const server = docsServer()
    const alice = await connect(server, { protocolVersion })
    const bob = await connect(server, { protocolVersion })
    await alice.client.request('resources/subscribe', { uri: 'file:///readme.md' })
    await bob.client.request('resources/subscribe', { uri: 'users://7/profile' })
    expect(alice.server.subscriptions.has('file:///readme.md')).toBe(true)

    await server.sendResourceUpdated({ uri: 'file:///readme.md' })
    await server.sendResourceUpdated({ uri: 'users://7/profile' })
    await vi.waitFor(() => expect(alice.received('notifications/resources/updated')).toEqual([{ uri: 'file:///readme.md' }]))
    await vi.waitFor(() => expect(bob.received('notifications/resources/updated')).toEqual([{ uri: 'users://7/profile' }]))

    await alice.client.request('resources/unsubscribe', { uri: 'file:///readme.md' })
    await server.sendResourceUpdated({ uri: 'file:///readme.md' })
    await alice.client.request('ping')
    expect(alice.received('notifications/resources/updated')).toHaveLength(1)
  })

  it('answers a subscription to a URI no resource answers to with -32002', async () => {
    const { client } = await connect(docsServer(), { protocolVersion })
    expect(await failure(client.request('resources/subscribe', { uri: 'nothing://here' }))).toMatchObject({ code: ErrorCode.ResourceNotFound })
  })
})

describe('resource change notifications on subscriptions/listen streams (negotiated 2026-07-28)', () => {
  it('sends resources/list_changed when a resource is disabled or removed to a stream that asked for resourcesListChanged', async () => {
    const server = docsServer()
    const extra = server.registerResource('extra', 'mem://extra', {}, (uri) => ({ contents: [{ uri: uri.href, text: 'x' }] }))
    const c = await connect(server, { protocolVersion: MODERN })
    const stream = await listen(c, { resourcesListChanged: true })
    extra.disable()
    await vi.waitFor(() => expect(stream.received('notifications/resources/list_changed')).toHaveLength(1))
    extra.remove()
    await vi.waitFor(() => expect(stream.received('notifications/resources/list_changed')).toHaveLength(2))
  })

  it('sends resources/updated only to the streams whose resourceSubscriptions name that URI', async () => {
    const server = docsServer()
    const alice = await connect(server, { protocolVersion: MODERN })
    const bob = await connect(server, { protocolVersion: MODERN })
    const aliceStream = await listen(alice, { resourceSubscriptions: ['file:///readme.md'] })
    const bobStream = await listen(bob, { resourceSubscriptions: ['users://7/profile'] })
    expect(aliceStream.acknowledged).toEqual({ resourceSubscriptions: ['file:///readme.md'] })

    await server.sendResourceUpdated({ uri: 'file:///readme.md' })
    await server.sendResourceUpdated({ uri: 'users://7/profile' })
    await vi.waitFor(() => expect(aliceStream.received('notifications/resources/updated')).toMatchObject([{ uri: 'file:///readme.md' }]))
    await vi.waitFor(() => expect(bobStream.received('notifications/resources/updated')).toMatchObject([{ uri: 'users://7/profile' }]))
    await alice.roundTrip()
    expect(alice.received('notifications/resources/updated')).toHaveLength(1)
  })

  it('stops sending resources/updated once the stream is cancelled', async () => {
    const server = docsServer()
    const c = await connect(server, { protocolVersion: MODERN })
    const stream = await listen(c, { resourceSubscriptions: ['file:///readme.md'] })
    await server.sendResourceUpdated({ uri: 'file:///readme.md' })
    await vi.waitFor(() => expect(stream.received('notifications/resources/updated')).toHaveLength(1))
    stream.cancel()
    await expect(stream.result).rejects.toMatchObject({ code: ErrorCode.RequestCancelled })
    await c.roundTrip()
    await server.sendResourceUpdated({ uri: 'file:///readme.md' })
    await c.roundTrip()
    expect(c.received('notifications/resources/updated')).toHaveLength(1)
  })

  it('answers resources/subscribe and resources/unsubscribe with -32601: they do not exist in 2026-07-28', async () => {
    const raw = await connectRaw(docsServer())
    for (const method of ['resources/subscribe', 'resources/unsubscribe']) {
      const response = await raw.request(method, { uri: 'file:///readme.md', _meta: modernMeta() })
      expect(response).toMatchObject({ error: { code: ErrorCode.MethodNotFound } })
    }
    expect(raw.server.subscriptions.size).toBe(0)
  })
})

describe('resource registration', () => {
  it('rejects a static resource URI that does not parse, and a duplicate URI', () => {
    const server = new McpServer({ name: 'r', version: '1' })
    const read = (uri: URL) => ({ contents: [{ uri: uri.href, text: '' }] })
    expect(() => server.registerResource('bad', 'not a uri', {}, read)).toThrow(TypeError)
    server.registerResource('a', 'mem://a', {}, read)
    expect(() => server.registerResource('b', 'mem://a', {}, read)).toThrow(/already registered/)
  })

  it('declares resources with subscribe and listChanged', async () => {
    const { client } = await connect(docsServer())
    expect(client.state.peer.capabilities).toMatchObject({ resources: { subscribe: true, listChanged: true } })
  })
})
