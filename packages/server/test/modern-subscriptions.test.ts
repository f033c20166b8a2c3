import { ErrorCode, SERVER_INFO_META_KEY, SUBSCRIPTION_ID_META_KEY } from '@plugboard/protocol'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { McpServer, type McpServerOptions } from '../src/index.js'
import { CLIENT_INFO, LEGACY_ERAS, MODERN, closeAll, connect, connectRaw, dispatch, listen, modernMeta, subscriptionOf, type RawClient } from './harness.js'

// `subscriptions/listen` (2026-07-28): one long-lived request per stream, replacing
// resources/subscribe and connection-wide list_changed.
// https://modelcontextprotocol.io/specification/2026-07-28/basic/patterns/subscriptions

afterEach(closeAll)

const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] })
const EVERYTHING = { toolsListChanged: true, promptsListChanged: true, resourcesListChanged: true, resourceSubscriptions: ['mem://a'] }

/** A server with a tool, a prompt and two resources, each kind announcing its changes. */
function changingServer(options: McpServerOptions = {}) {
  const server = new McpServer({ name: 'subs', version: '1' }, options)
  const tool = server.registerTool('t', {}, () => text('t'))
  const prompt = server.registerPrompt('p', {}, () => ({ messages: [] }))
  const resource = server.registerResource('a', 'mem://a', {}, (uri) => ({ contents: [{ uri: uri.href, text: 'a' }] }))
  server.registerResource('b', 'mem://b', {}, (uri) => ({ contents: [{ uri: uri.href, text: 'b' }] }))
  return { server, tool, prompt, resource }
}

/** Opens a listen from a wire-level client with an id of the test's choosing; its response arrives only when the stream ends. */
function rawListen(raw: RawClient, id: string | number, notifications: Record<string, unknown>) {
  return raw.request('subscriptions/listen', { notifications, _meta: modernMeta() }, { id })
}

describe('subscriptions/listen (negotiated 2026-07-28)', () => {
  it('acknowledges first, with the part of the filter the server honours: only what it declared', async () => {
    const server = new McpServer({ name: 'subs', version: '1' })
    server.registerTool('t', {}, () => text('t'))
    const c = await connect(server, { protocolVersion: MODERN })
    const stream = await listen(c, EVERYTHING)
    expect(stream.acknowledged).toEqual({ toolsListChanged: true })
    const first = c.inbox.find((m) => 'method' in m && subscriptionOf((m.params ?? {}) as Record<string, unknown>) === stream.id)
    expect(first).toMatchObject({ method: 'notifications/subscriptions/acknowledged' })
  })

  it('leaves out of the acknowledgement, and never sends, a list declared without listChanged', async () => {
    const { server, tool } = changingServer({ capabilities: { tools: { listChanged: false } } })
    const c = await connect(server, { protocolVersion: MODERN })
    const stream = await listen(c, { toolsListChanged: true, promptsListChanged: true })
    expect(stream.acknowledged).toEqual({ promptsListChanged: true })
    tool.disable()
    await server.sendToolListChanged()
    await c.roundTrip()
    expect(c.received('notifications/tools/list_changed')).toEqual([])
  })

  it('acknowledges an empty filter with an empty one', async () => {
    const { server } = changingServer()
    const c = await connect(server, { protocolVersion: MODERN })
    expect((await listen(c, {})).acknowledged).toEqual({})
  })

  it('sends only the notification types the stream asked for', async () => {
    const { server, tool, prompt, resource } = changingServer()
    const c = await connect(server, { protocolVersion: MODERN })
    const stream = await listen(c, { promptsListChanged: true })
    tool.disable()
    resource.disable()
    await server.sendResourceUpdated({ uri: 'mem://a' })
    prompt.disable()
    await vi.waitFor(() => expect(stream.received('notifications/prompts/list_changed')).toHaveLength(1))
    await c.roundTrip()
    const methods = c.notifications.filter((n) => n.method !== 'notifications/subscriptions/acknowledged').map((n) => n.method)
    expect(methods).toEqual(['notifications/prompts/list_changed'])
  })

  it('stamps the acknowledgement and every notification with the listen request id as subscriptionId', async () => {
    const { server, tool } = changingServer()
    const raw = await connectRaw(server)
    void rawListen(raw, 'listen-A', { toolsListChanged: true, resourceSubscriptions: ['mem://a'] })
    await vi.waitFor(() => expect(raw.received('notifications/subscriptions/acknowledged')).toHaveLength(1))
    expect(raw.received('notifications/subscriptions/acknowledged')[0]).toEqual({
      notifications: { toolsListChanged: true, resourceSubscriptions: ['mem://a'] },
      _meta: { [SUBSCRIPTION_ID_META_KEY]: 'listen-A' },
    })
    await raw.result('server/discover', { _meta: modernMeta() })
    tool.disable()
    await server.sendResourceUpdated({ uri: 'mem://a' })
    await vi.waitFor(() => expect(raw.notifications).toHaveLength(3))
    // list_changed waits a microtask to coalesce changes, so the two may come in either order.
    expect(raw.notifications.slice(1)).toEqual(expect.arrayContaining([
      { jsonrpc: '2.0', method: 'notifications/tools/list_changed', params: { _meta: { [SUBSCRIPTION_ID_META_KEY]: 'listen-A' } } },
      { jsonrpc: '2.0', method: 'notifications/resources/updated', params: { uri: 'mem://a', _meta: { [SUBSCRIPTION_ID_META_KEY]: 'listen-A' } } },
    ]))
  })

  it('gives two listens on one connection their own notifications, each with its own subscription id', async () => {
    const { server, tool, prompt } = changingServer()
    const c = await connect(server, { protocolVersion: MODERN })
    const tools = await listen(c, { toolsListChanged: true })
    const both = await listen(c, { toolsListChanged: true, promptsListChanged: true })
    expect(tools.id).not.toEqual(both.id)
    tool.disable()
    await vi.waitFor(() => expect(both.received('notifications/tools/list_changed')).toHaveLength(1))
    prompt.disable()
    await vi.waitFor(() => expect(both.received('notifications/prompts/list_changed')).toHaveLength(1))
    await c.roundTrip()
    expect(tools.received('notifications/tools/list_changed')).toHaveLength(1)
    expect(tools.received('notifications/prompts/list_changed')).toEqual([])
    expect(c.received('notifications/tools/list_changed')).toHaveLength(2)
  })

  it('stops a listen the client cancelled, sends it no response, and goes on serving the other', async () => {
    const { server, tool } = changingServer()
    const c = await connect(server, { protocolVersion: MODERN })
    const cancelled = await listen(c, { toolsListChanged: true })
    const kept = await listen(c, { toolsListChanged: true })
    cancelled.cancel('no longer interested')
    await expect(cancelled.result).rejects.toMatchObject({ code: ErrorCode.RequestCancelled })
    await c.roundTrip()
    tool.disable()
    await vi.waitFor(() => expect(kept.received('notifications/tools/list_changed')).toHaveLength(1))
    await c.roundTrip()
    expect(cancelled.received('notifications/tools/list_changed')).toEqual([])
    expect(c.inbox.filter((m) => !('method' in m) && m.id === cancelled.id)).toEqual([])
    expect(c.sent).toContainEqual({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: cancelled.id, reason: 'no longer interested' } })
  })

  it('sends resources/updated only to the listens whose resourceSubscriptions name that URI', async () => {
    const { server } = changingServer()
    const c = await connect(server, { protocolVersion: MODERN })
    const a = await listen(c, { resourceSubscriptions: ['mem://a'] })
    const b = await listen(c, { resourceSubscriptions: ['mem://b', 'mem://a'] })
    await server.sendResourceUpdated({ uri: 'mem://b' })
    await vi.waitFor(() => expect(b.received('notifications/resources/updated')).toHaveLength(1))
    await server.sendResourceUpdated({ uri: 'mem://a' })
    await vi.waitFor(() => expect(b.received('notifications/resources/updated')).toHaveLength(2))
    await c.roundTrip()
    expect(a.received('notifications/resources/updated').map((p) => p.uri)).toEqual(['mem://a'])
    expect(b.received('notifications/resources/updated').map((p) => p.uri)).toEqual(['mem://b', 'mem://a'])
  })

  it('sends one sendToolListChanged() to every legacy session and every modern listener, and none to a modern client not listening', async () => {
    const { server } = changingServer()
    const legacy = await Promise.all(LEGACY_ERAS.map((protocolVersion) => connect(server, { protocolVersion })))
    const listening = await connect(server, { protocolVersion: MODERN })
    const stream = await listen(listening, { toolsListChanged: true })
    const silent = await connect(server, { protocolVersion: MODERN })
    await server.sendToolListChanged()
    for (const c of [...legacy, listening, silent]) await c.roundTrip()
    for (const c of legacy) expect(c.received('notifications/tools/list_changed')).toEqual([{}])
    expect(stream.received('notifications/tools/list_changed')).toHaveLength(1)
    expect(listening.received('notifications/tools/list_changed')).toHaveLength(1)
    expect(silent.received('notifications/tools/list_changed')).toEqual([])
  })

  it('sends resources/updated both to legacy sessions subscribed with resources/subscribe and to modern listeners', async () => {
    const { server } = changingServer()
    const legacy = await connect(server, { protocolVersion: '2025-11-25' })
    await legacy.client.request('resources/subscribe', { uri: 'mem://a' })
    const modern = await connect(server, { protocolVersion: MODERN })
    const stream = await listen(modern, { resourceSubscriptions: ['mem://a'] })
    await server.sendResourceUpdated({ uri: 'mem://a' })
    await legacy.roundTrip()
    await modern.roundTrip()
    expect(legacy.received('notifications/resources/updated')).toEqual([{ uri: 'mem://a' }])
    expect(stream.received('notifications/resources/updated')).toMatchObject([{ uri: 'mem://a' }])
  })

  it('forgets the listens of a connection that closed: later changes go nowhere and report no error', async () => {
    const onerror = vi.fn()
    const { server } = changingServer({ onerror })
    const c = await connect(server, { protocolVersion: MODERN })
    const stream = await listen(c, { toolsListChanged: true })
    await c.client.close()
    await expect(stream.result).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed })
    await vi.waitFor(() => expect(server.sessions.size).toBe(0))
    await server.sendToolListChanged()
    await server.sendResourceUpdated({ uri: 'mem://a' })
    expect(onerror).not.toHaveBeenCalled()
  })

  it('answers a listen whose filter is malformed with -32602', async () => {
    const raw = await connectRaw(changingServer().server)
    const response = await raw.request('subscriptions/listen', { notifications: { resourceSubscriptions: 'mem://a' }, _meta: modernMeta() })
    expect(response).toMatchObject({ error: { code: ErrorCode.InvalidParams } })
    expect(raw.notifications).toEqual([])
  })

  it('answers subscriptions/listen from a legacy session with -32601: it exists only in 2026-07-28', async () => {
    const raw = await connectRaw(changingServer().server, { revision: () => '2025-11-25' })
    await raw.result('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: CLIENT_INFO })
    await raw.notify('notifications/initialized')
    expect(await raw.request('subscriptions/listen', { notifications: { toolsListChanged: true } })).toMatchObject({ error: { code: ErrorCode.MethodNotFound } })
    expect(raw.notifications).toEqual([])
  })
})

describe('connection-less subscriptions/listen (server.dispatch)', () => {
  const listenMessage = (id: string) => ({ jsonrpc: '2.0' as const, id, method: 'subscriptions/listen', params: { notifications: { toolsListChanged: true }, _meta: modernMeta() } })

  it('streams to its reply until its signal aborts, then stops', async () => {
    const { server, tool } = changingServer()
    const controller = new AbortController()
    const { response, replies } = dispatch(server, listenMessage('s-1'), { signal: controller.signal })
    await vi.waitFor(() => expect(replies).toHaveLength(1))
    expect(replies[0]).toMatchObject({ method: 'notifications/subscriptions/acknowledged', params: { _meta: { [SUBSCRIPTION_ID_META_KEY]: 's-1' } } })
    await server.sendToolListChanged()
    expect(replies[1]).toEqual({ jsonrpc: '2.0', method: 'notifications/tools/list_changed', params: { _meta: { [SUBSCRIPTION_ID_META_KEY]: 's-1' } } })
    controller.abort('stream closed')
    await response
    tool.disable()
    await server.sendToolListChanged()
    expect(replies).toHaveLength(2)
  })

  it('ends with a result carrying the subscription id when the server closes', async () => {
    const { server } = changingServer()
    const { response, replies } = dispatch(server, listenMessage('s-2'))
    await vi.waitFor(() => expect(replies).toHaveLength(1))
    await server.close()
    expect(await response).toEqual({
      jsonrpc: '2.0',
      id: 's-2',
      result: { resultType: 'complete', _meta: { [SUBSCRIPTION_ID_META_KEY]: 's-2', [SERVER_INFO_META_KEY]: { name: 'subs', version: '1' } } },
    })
  })
})

describe('subscriptions/listen at the edges (negotiated 2026-07-28)', () => {
  it('ends a listen on a connection with a result carrying the subscription id when the server closes', async () => {
    const server = new McpServer({ name: 'edges', version: '1' }, { capabilities: { tools: {} } })
    const c = await connect(server, { protocolVersion: MODERN })
    const stream = await listen(c, { toolsListChanged: true })
    await server.close()
    await expect(stream.result).resolves.toMatchObject({ _meta: { [SUBSCRIPTION_ID_META_KEY]: stream.id } })
  })

  it('delivers a change made as soon as the client has read the acknowledgement', async () => {
    const server = new McpServer({ name: 'edges', version: '1' })
    server.registerResource('a', 'mem://a', {}, (uri) => ({ contents: [{ uri: uri.href, text: 'a' }] }))
    const raw = await connectRaw(server)
    void raw.request('subscriptions/listen', { notifications: { resourceSubscriptions: ['mem://a'] }, _meta: modernMeta() }, { id: 'L' })
    while (raw.notifications.length === 0) await Promise.resolve()
    await server.sendResourceUpdated({ uri: 'mem://a' })
    await raw.result('server/discover', { _meta: modernMeta() })
    expect(raw.received('notifications/resources/updated')).toEqual([{ uri: 'mem://a', _meta: { [SUBSCRIPTION_ID_META_KEY]: 'L' } }])
  })
})
