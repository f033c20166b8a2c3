import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  ErrorCode,
  LOG_LEVEL_META_KEY,
  PROTOCOL_VERSION_META_KEY,
  SERVER_INFO_META_KEY,
  modernEra,
  type JSONRPCMessage,
} from '@plugboard/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import * as z from 'zod'
import { McpServer, ResourceTemplate, completable, type McpServerOptions } from '../src/index.js'
import { CLIENT_INFO, MODERN, closeAll, connect, connectRaw, deferred, dispatch, modernMeta } from './harness.js'

// What only the modern era (2026-07-28) has: no handshake, `_meta` on every request, results that
// say what they are and who answered, caching hints. https://modelcontextprotocol.io/specification/2026-07-28/basic

afterEach(closeAll)

const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] })
const SERVER_INFO = { name: 'modern', version: '3.0.0', title: 'Modern server' }

/** A server with one of everything, each answering a request of the modern era. */
function fullServer(options: McpServerOptions = {}) {
  const server = new McpServer(SERVER_INFO, { instructions: 'Use echo.', ...options })
  server.registerTool('echo', { inputSchema: { word: z.string() } }, ({ word }) => text(word))
  server.registerResource('readme', 'file:///readme.md', { mimeType: 'text/markdown' }, (uri) => ({ contents: [{ uri: uri.href, text: '# Hi' }] }))
  server.registerResource('user', new ResourceTemplate('users://{id}', { complete: { id: () => ['1', '2'] } }), {}, (uri) => ({ contents: [{ uri: uri.href, text: '{}' }] }))
  server.registerPrompt('greet', { argsSchema: { name: completable(z.string(), () => ['Ada']) } }, ({ name }) => ({ messages: [{ role: 'user', content: { type: 'text', text: `hi ${name}` } }] }))
  return server
}

/** One request of each kind a modern client may send, with its params. */
const REQUESTS: Array<[string, Record<string, unknown>]> = [
  ['server/discover', {}],
  ['tools/list', {}],
  ['tools/call', { name: 'echo', arguments: { word: 'x' } }],
  ['resources/list', {}],
  ['resources/templates/list', {}],
  ['resources/read', { uri: 'file:///readme.md' }],
  ['prompts/list', {}],
  ['prompts/get', { name: 'greet', arguments: { name: 'Ada' } }],
  ['completion/complete', { ref: { type: 'ref/prompt', name: 'greet' }, argument: { name: 'name', value: '' } }],
]
const CACHEABLE = new Set(['server/discover', 'tools/list', 'prompts/list', 'resources/list', 'resources/templates/list', 'resources/read'])

describe('server/discover (negotiated 2026-07-28)', () => {
  it('returns the revisions a client can name in _meta, capabilities, instructions, serverInfo in _meta, resultType complete and caching hints', async () => {
    const raw = await connectRaw(fullServer())
    const result = await raw.result('server/discover', { _meta: modernMeta() })
    // The legacy revisions are negotiated with initialize, so discover does not offer them.
    expect(result.supportedVersions).toEqual([MODERN])
    expect(result.capabilities).toEqual({
      logging: {},
      tools: { listChanged: true },
      resources: { subscribe: true, listChanged: true },
      prompts: { listChanged: true },
      completions: {},
    })
    expect(result).toMatchObject({ instructions: 'Use echo.', resultType: 'complete', ttlMs: 0, cacheScope: 'private' })
    expect(result._meta).toEqual({ [SERVER_INFO_META_KEY]: SERVER_INFO })
  })

  it('lists only the revisions of the eras the server was given', async () => {
    const modernOnly = await connectRaw(new McpServer(SERVER_INFO, { eras: [modernEra()] }))
    expect((await modernOnly.result('server/discover', { _meta: modernMeta() })).supportedVersions).toEqual([MODERN])
  })

  it('is what the modern client opens with: its answer becomes the hello', async () => {
    const c = await connect(fullServer(), { protocolVersion: MODERN })
    expect(c.hello).toMatchObject({ protocolVersion: MODERN, serverInfo: SERVER_INFO, instructions: 'Use echo.' })
    expect(c.hello.supportedVersions).toContain(MODERN)
    expect(c.sent[0]).toMatchObject({ method: 'server/discover', params: { _meta: { [PROTOCOL_VERSION_META_KEY]: MODERN, [CLIENT_INFO_META_KEY]: CLIENT_INFO } } })
  })
})

describe('request _meta (negotiated 2026-07-28)', () => {
  it.each([
    ['a protocolVersion that is not a string', { [PROTOCOL_VERSION_META_KEY]: 20260728, [CLIENT_CAPABILITIES_META_KEY]: {} }],
    ['no clientCapabilities', { [PROTOCOL_VERSION_META_KEY]: MODERN }],
    ['clientCapabilities that are not an object', { [PROTOCOL_VERSION_META_KEY]: MODERN, [CLIENT_CAPABILITIES_META_KEY]: 'all' }],
    ['a clientInfo that is not an Implementation', { [PROTOCOL_VERSION_META_KEY]: MODERN, [CLIENT_CAPABILITIES_META_KEY]: {}, [CLIENT_INFO_META_KEY]: 'me' }],
    ['a logLevel that is not a level', { [PROTOCOL_VERSION_META_KEY]: MODERN, [CLIENT_CAPABILITIES_META_KEY]: {}, [LOG_LEVEL_META_KEY]: 'verbose' }],
  ])('answers a request with %s with -32602 and keeps serving the connection', async (_, meta) => {
    const raw = await connectRaw(fullServer())
    const response = await raw.request('tools/call', { name: 'echo', arguments: { word: 'x' }, _meta: meta })
    expect(response).toMatchObject({ error: { code: ErrorCode.InvalidParams, message: expect.stringContaining('_meta') } })
    expect(await raw.result('tools/call', { name: 'echo', arguments: { word: 'ok' }, _meta: modernMeta() })).toMatchObject({ content: [{ text: 'ok' }] })
  })

  it('answers an unknown protocol version with -32022, listing what it supports and what was requested', async () => {
    const raw = await connectRaw(fullServer())
    const response = await raw.request('tools/list', { _meta: modernMeta({}, { [PROTOCOL_VERSION_META_KEY]: '2099-01-01' }) })
    expect(response).toMatchObject({ error: { code: ErrorCode.UnsupportedProtocolVersion, data: { requested: '2099-01-01' } } })
    const data = (response as { error: { data: { supported: string[] } } }).error.data
    // The same list server/discover offers: the revisions a client can name in _meta.
    expect(data.supported).toEqual([MODERN])
    expect(await raw.result('tools/list', { _meta: modernMeta() })).toHaveProperty('tools')
  })

  it('answers a legacy revision named in _meta with -32022: those are negotiated with initialize', async () => {
    const raw = await connectRaw(fullServer())
    const response = await raw.request('tools/list', { _meta: modernMeta({}, { [PROTOCOL_VERSION_META_KEY]: '2025-11-25' }) })
    expect(response).toMatchObject({ error: { code: ErrorCode.UnsupportedProtocolVersion, data: { requested: '2025-11-25' } } })
  })

  it('serves each request under its own _meta: capabilities and clientInfo are never remembered from an earlier one', async () => {
    const server = new McpServer(SERVER_INFO)
    server.registerTool('who', {}, (_args, ctx) => text(JSON.stringify({ info: ctx.client.info, capabilities: ctx.client.capabilities, version: ctx.protocolVersion })))
    const raw = await connectRaw(server)
    const first = await raw.result('tools/call', { name: 'who', _meta: modernMeta({ roots: {} }) })
    expect(JSON.parse((first.content as Array<{ text: string }>)[0]!.text)).toEqual({ info: CLIENT_INFO, capabilities: { roots: {} }, version: MODERN })
    const second = await raw.result('tools/call', { name: 'who', _meta: { [PROTOCOL_VERSION_META_KEY]: MODERN, [CLIENT_CAPABILITIES_META_KEY]: {} } })
    expect(JSON.parse((second.content as Array<{ text: string }>)[0]!.text)).toEqual({ capabilities: {}, version: MODERN })
    expect(raw.server.clientInfo).toBeUndefined()
    expect(raw.server.protocolVersion).toBeUndefined()
  })

  it.each(['ping', 'logging/setLevel', 'resources/subscribe', 'initialize'])('answers %s carrying modern _meta with -32601: it does not exist in 2026-07-28', async (method) => {
    const params: Record<string, Record<string, unknown>> = {
      'logging/setLevel': { level: 'debug' },
      'resources/subscribe': { uri: 'file:///readme.md' },
      initialize: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: CLIENT_INFO },
    }
    const raw = await connectRaw(fullServer())
    const response = await raw.request(method, { ...params[method], _meta: modernMeta() })
    expect(response).toMatchObject({ error: { code: ErrorCode.MethodNotFound } })
    expect(raw.server.protocolVersion).toBeUndefined()
  })
})

describe('results (negotiated 2026-07-28)', () => {
  it.each(REQUESTS)('answers %s with resultType complete and serverInfo in _meta', async (method, params) => {
    const raw = await connectRaw(fullServer())
    const result = await raw.result(method, { ...params, _meta: modernMeta() })
    expect(result.resultType).toBe('complete')
    expect(result._meta).toMatchObject({ [SERVER_INFO_META_KEY]: SERVER_INFO })
  })

  it.each(REQUESTS)('gives %s caching hints exactly when it is cacheable: ttlMs 0 and cacheScope private by default', async (method, params) => {
    const raw = await connectRaw(fullServer())
    const result = await raw.result(method, { ...params, _meta: modernMeta() })
    if (CACHEABLE.has(method)) expect(result).toMatchObject({ ttlMs: 0, cacheScope: 'private' })
    else expect(Object.keys(result).filter((k) => k === 'ttlMs' || k === 'cacheScope')).toEqual([])
  })

  it('stamps a custom method and keeps the _meta a handler returns next to serverInfo', async () => {
    const server = fullServer()
    server.setRequestHandler('acme/echo', (params) => ({ echoed: params.value, _meta: { 'com.acme/trace': 't-1' } }))
    server.registerTool('traced', {}, () => ({ ...text('x'), _meta: { 'com.acme/trace': 't-2' } }))
    const raw = await connectRaw(server)
    expect(await raw.result('acme/echo', { value: 1, _meta: modernMeta() })).toEqual({
      echoed: 1,
      resultType: 'complete',
      _meta: { 'com.acme/trace': 't-1', [SERVER_INFO_META_KEY]: SERVER_INFO },
    })
    expect((await raw.result('tools/call', { name: 'traced', _meta: modernMeta() }))._meta).toEqual({ 'com.acme/trace': 't-2', [SERVER_INFO_META_KEY]: SERVER_INFO })
  })

  it('lets the cache option set ttlMs and cacheScope per method, leaving the others at the defaults', async () => {
    const server = fullServer({ cache: { 'tools/list': { ttlMs: 60_000, cacheScope: 'public' }, 'resources/read': { ttlMs: 5_000, cacheScope: 'private' } } })
    const raw = await connectRaw(server)
    expect(await raw.result('tools/list', { _meta: modernMeta() })).toMatchObject({ ttlMs: 60_000, cacheScope: 'public' })
    expect(await raw.result('resources/read', { uri: 'file:///readme.md', _meta: modernMeta() })).toMatchObject({ ttlMs: 5_000, cacheScope: 'private' })
    expect(await raw.result('prompts/list', { _meta: modernMeta() })).toMatchObject({ ttlMs: 0, cacheScope: 'private' })
    expect(await raw.result('tools/call', { name: 'echo', arguments: { word: 'x' }, _meta: modernMeta() })).not.toHaveProperty('ttlMs')
  })

  it('keeps the hints a handler sets itself over the cache option', async () => {
    const server = fullServer({ cache: { 'tools/list': { ttlMs: 60_000, cacheScope: 'public' } } })
    server.setRequestHandler('tools/list', () => ({ tools: [], ttlMs: 10, cacheScope: 'private' }))
    const raw = await connectRaw(server)
    expect(await raw.result('tools/list', { _meta: modernMeta() })).toMatchObject({ ttlMs: 10, cacheScope: 'private' })
  })

  it.each(['2025-03-26', '2025-11-25'])('never sends resultType, ttlMs, cacheScope or serverInfo _meta to a legacy client (negotiated %s)', async (protocolVersion) => {
    const server = fullServer({ cache: { 'tools/list': { ttlMs: 60_000, cacheScope: 'public' } } })
    server.setRequestHandler('acme/echo', () => ({ echoed: true, resultType: 'complete', ttlMs: 1, cacheScope: 'public' }))
    const c = await connect(server, { protocolVersion })
    for (const [method, params] of [...REQUESTS.filter(([m]) => m !== 'server/discover'), ['acme/echo', {}] as const]) {
      await c.client.request(method as never, params as never)
    }
    const results = c.inbox.filter((m): m is JSONRPCMessage & { result: Record<string, unknown> } => 'result' in m)
    expect(results).toHaveLength(REQUESTS.length + 1) // initialize, then each request
    for (const { result } of results) {
      expect(Object.keys(result).filter((k) => ['resultType', 'ttlMs', 'cacheScope'].includes(k))).toEqual([])
      expect(result._meta ?? {}).not.toHaveProperty([SERVER_INFO_META_KEY])
    }
  })
})

describe('both eras on one connection', () => {
  it('serves modern requests and, after a legacy initialize, legacy requests, each under its own era', async () => {
    let revision = MODERN
    const raw = await connectRaw(fullServer(), { revision: () => revision })
    expect(await raw.result('tools/list', { _meta: modernMeta() })).toHaveProperty('resultType', 'complete')
    revision = '2025-11-25'
    expect(await raw.result('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: CLIENT_INFO })).toMatchObject({ protocolVersion: '2025-11-25' })
    await raw.notify('notifications/initialized')
    const legacyList = await raw.result('tools/list', {})
    expect(legacyList).toHaveProperty('tools')
    expect(legacyList).not.toHaveProperty('resultType')
    expect(raw.server.protocolVersion).toBe('2025-11-25')
    revision = MODERN
    expect(await raw.result('tools/list', { _meta: modernMeta() })).toMatchObject({ resultType: 'complete', ttlMs: 0 })
  })

  it('refuses a legacy request before initialize with -32600, while modern requests on the connection are served', async () => {
    const raw = await connectRaw(fullServer(), { revision: () => '2025-11-25' })
    expect(await raw.request('tools/list', {})).toMatchObject({ error: { code: ErrorCode.InvalidRequest, message: expect.stringContaining('before initialize') } })
  })
})

describe('connection-less modern requests (server.dispatch)', () => {
  it('serves a modern request with no connection: stamped result, ctx without a session, nothing allocated', async () => {
    const server = fullServer()
    server.registerTool('where', {}, (_args, ctx) => text(`${ctx.protocolVersion} ${ctx.session === undefined} ${ctx.client.info?.name}`))
    const { response } = dispatch(server, { jsonrpc: '2.0', id: 'r-1', method: 'tools/call', params: { name: 'where', _meta: modernMeta() } })
    expect(await response).toEqual({
      jsonrpc: '2.0',
      id: 'r-1',
      result: { content: [{ type: 'text', text: `${MODERN} true test-client` }], resultType: 'complete', _meta: { [SERVER_INFO_META_KEY]: SERVER_INFO } },
    })
    expect(server.sessions.size).toBe(0)
  })

  it('sends the log messages of a connection-less request to its reply, before the response', async () => {
    const server = fullServer()
    server.registerTool('chatty', {}, async (_args, ctx) => {
      await ctx.log.info('working')
      await ctx.log.debug('details')
      return text('done')
    })
    const { response, replies } = dispatch(server, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'chatty', _meta: modernMeta({}, { [LOG_LEVEL_META_KEY]: 'info' }) } })
    expect(await response).toMatchObject({ result: { content: [{ text: 'done' }] } })
    expect(replies).toEqual([{ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'working' } }])
  })

  it('cancels the handler when info.signal aborts: ctx.signal fires with its reason', async () => {
    const server = fullServer()
    const started = deferred()
    const aborted = deferred<unknown>()
    server.registerTool('slow', {}, async (_args, ctx) => {
      ctx.signal.addEventListener('abort', () => aborted.resolve(ctx.signal.reason))
      started.resolve()
      await aborted.promise
      return text('stopped')
    })
    const controller = new AbortController()
    const { response } = dispatch(server, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'slow', _meta: modernMeta() } }, { signal: controller.signal })
    await started.promise
    controller.abort('stream closed')
    expect(await aborted.promise).toBe('stream closed')
    await response
  })
})

describe('one endpoint for both eras, at the edges', () => {
  it('applies the cache option to server/discover', async () => {
    const raw = await connectRaw(new McpServer({ name: 'edges', version: '1' }, { cache: { 'server/discover': { ttlMs: 3_600_000, cacheScope: 'public' } } }))
    expect(await raw.result('server/discover', { _meta: modernMeta() })).toMatchObject({ ttlMs: 3_600_000, cacheScope: 'public' })
  })

  it('answers a legacy initialize to a modern-only server with -32022 naming the versions it speaks', async () => {
    const raw = await connectRaw(new McpServer({ name: 'edges', version: '1' }, { eras: [modernEra()] }), { revision: () => '2025-11-25' })
    const response = await raw.request('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: CLIENT_INFO })
    expect(response).toMatchObject({ error: { code: ErrorCode.UnsupportedProtocolVersion, message: expect.stringContaining(MODERN), data: { supported: [MODERN], requested: '2025-11-25' } } })
    // …and keeps serving modern requests on the same connection.
    expect(await raw.result('server/discover', { _meta: modernMeta() })).toMatchObject({ supportedVersions: [MODERN] })
  })

  it('answers a request whose _meta has clientCapabilities but no protocolVersion with -32602', async () => {
    const raw = await connectRaw(new McpServer({ name: 'edges', version: '1' }, { capabilities: { tools: {} } }))
    const response = await raw.request('tools/list', { _meta: { [CLIENT_CAPABILITIES_META_KEY]: {}, [CLIENT_INFO_META_KEY]: CLIENT_INFO } })
    expect(response).toMatchObject({ error: { code: ErrorCode.InvalidParams, message: expect.stringContaining(PROTOCOL_VERSION_META_KEY) } })
  })

  it('refuses to send a request to a client on a connection that opened no legacy session', async () => {
    const server = new McpServer({ name: 'edges', version: '1' })
    const c = await connect(server, { protocolVersion: MODERN, capabilities: { roots: {} }, handlers: { 'roots/list': () => ({ roots: [] }) } })
    await expect(c.server.listRoots()).rejects.toMatchObject({ code: ErrorCode.CapabilityNotSupported, message: expect.stringContaining('ctx.elicit/sample/listRoots') })
    expect(c.inbox.filter((m) => 'method' in m && 'id' in m)).toEqual([])
  })
})

describe('extensions in per-request capabilities', () => {
  it('serves a request whose client declares an extension the server does not know, as if it declared none', async () => {
    const server = new McpServer({ name: 'ext', version: '1' })
    server.registerTool('who', {}, (_args, ctx) => ({ content: [{ type: 'text', text: JSON.stringify(ctx.client.capabilities.extensions ?? null) }] }))
    const raw = await connectRaw(server)
    const capabilities = { extensions: { 'com.example/unknown': { any: 'setting' } } }
    const result = await raw.result('tools/call', { name: 'who', arguments: {}, _meta: modernMeta(capabilities) })
    expect(result).toMatchObject({ resultType: 'complete', content: [{ text: JSON.stringify(capabilities.extensions) }] })
    // What is not a capabilities object at all (extensions must map ids to settings objects) is a malformed _meta.
    const malformed = await raw.request('tools/list', { _meta: modernMeta({ extensions: 'nope' } as never) })
    expect(malformed).toMatchObject({ error: { code: ErrorCode.InvalidParams, message: expect.stringContaining('extensions') } })
  })
})
