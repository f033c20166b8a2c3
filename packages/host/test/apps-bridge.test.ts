import { runInContext, createContext } from 'node:vm'
import type { CallToolResult, Implementation, JSONRPCMessage } from '@plugboard/protocol'
import { StdioClientTransport } from '@plugboard/transport-stdio'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { AppBridge, cspFor, RESOURCE_MIME_TYPE, uiOf, type AppBridgeOptions } from '@plugboard/host/apps'
import { Catalog, ConsentPolicy, createTransport, ServerManager, type ConsentAnswer } from '../src/index.js'
import { everythingServer, GRACE_MS, isRunning } from './helpers.js'

type Message = Record<string, any>

const HOST: Implementation = { name: 'test-host', version: '1.0.0' }
const APP = { appInfo: { name: 'test-view', version: '1.0.0' }, appCapabilities: {}, protocolVersion: '2026-01-26' }

/** A bridge and a scripted view: what the bridge posts is recorded, and each answer can be awaited. */
function open(options: Partial<AppBridgeOptions> = {}) {
  const posted: Message[] = []
  const errors: Error[] = []
  const waiting: Array<(message: Message) => void> = []
  const bridge = new AppBridge({
    post: (message) => {
      // postMessage clones: the view never shares an object with the host.
      const copy = structuredClone(message) as Message
      posted.push(copy)
      if (!('method' in copy)) waiting.shift()?.(copy)
    },
    callTool: () => Promise.reject(new Error('callTool must not run in this test')),
    hostInfo: HOST,
    onError: (error) => errors.push(error),
    ...options,
  })
  let nextId = 1
  /** Hands `message` to the bridge and resolves with the next response it posts (its answer). */
  const answerTo = (message: unknown) => {
    const next = new Promise<Message>((resolve) => waiting.push(resolve))
    bridge.receive(message)
    return next
  }
  const request = (method: string, params?: Record<string, unknown>) => answerTo({ jsonrpc: '2.0', id: nextId++, method, ...(params && { params }) })
  const notify = (method: string, params?: Record<string, unknown>) => bridge.receive({ jsonrpc: '2.0', method, ...(params && { params }) })
  const notifications = () => posted.filter((m) => 'method' in m && !('id' in m))
  const initialize = async (appCapabilities: Record<string, unknown> = {}) => {
    const answer = await request('ui/initialize', { ...APP, appCapabilities })
    notify('ui/notifications/initialized')
    await bridge.initialized
    return answer
  }
  return { bridge, posted, errors, answerTo, request, notify, notifications, initialize }
}

/** How long to wait for the page to catch up with messages and a round trip to the server (a loaded CI machine is slow). */
const SETTLE = { timeout: 15_000, interval: 10 }

const RESULT: CallToolResult = { content: [{ type: 'text', text: 'The counter is at 3.' }], structuredContent: { count: 3 } }

describe('AppBridge: the handshake and what the view is sent', () => {
  it('answers ui/initialize with the protocol version, hostInfo, capabilities and context', async () => {
    const view = open({ hostContext: { theme: 'dark', displayMode: 'inline' }, tools: [], onOpenLink: () => {}, onLog: () => {} })
    const answer = await view.request('ui/initialize', APP)
    expect(answer).toEqual({
      jsonrpc: '2.0',
      id: 1,
      result: {
        protocolVersion: '2026-01-26',
        hostInfo: HOST,
        hostCapabilities: { serverTools: {}, openLinks: {}, logging: {} },
        hostContext: { theme: 'dark', displayMode: 'inline' },
      },
    })
    expect(view.bridge.app).toEqual(APP)
    let initialized = false
    void view.bridge.initialized.then(() => (initialized = true))
    await Promise.resolve()
    expect(initialized).toBe(false)
    view.notify('ui/notifications/initialized')
    await view.bridge.initialized
  })

  it('offers ui/message and ui/update-model-context with the kinds of content the host takes, and refuses other kinds', async () => {
    const onMessage = vi.fn()
    const onUpdateModelContext = vi.fn()
    const every = open({ onMessage, onUpdateModelContext })
    const all = { text: {}, image: {}, audio: {}, resource: {}, resourceLink: {} }
    expect((await every.initialize()).result.hostCapabilities).toEqual({ message: all, updateModelContext: { ...all, structuredContent: {} } })

    const textOnly = open({ onMessage, onUpdateModelContext, accepts: { message: { text: {} }, updateModelContext: { text: {} } } })
    expect((await textOnly.initialize()).result.hostCapabilities).toEqual({ message: { text: {} }, updateModelContext: { text: {} } })
    const image = { type: 'image', data: 'AAAA', mimeType: 'image/png' }
    expect((await textOnly.request('ui/message', { role: 'user', content: [{ type: 'text', text: 'hi' }, image] })).error).toEqual({ code: -32602, message: 'ui/message: this host does not take image content' })
    expect((await textOnly.request('ui/update-model-context', { structuredContent: { count: 1 } })).error).toEqual({ code: -32602, message: 'ui/update-model-context: this host does not take structuredContent' })
    expect((await textOnly.request('ui/update-model-context', { content: [{ type: 'resource_link', uri: 'file:///x', name: 'x' }] })).error.code).toBe(-32602)
    expect(onMessage).not.toHaveBeenCalled()
    expect(onUpdateModelContext).not.toHaveBeenCalled()
    expect((await textOnly.request('ui/update-model-context', { content: [{ type: 'text', text: 'The count is 1.' }] })).result).toEqual({})
    expect(onUpdateModelContext).toHaveBeenCalledWith({ content: [{ type: 'text', text: 'The count is 1.' }] })
  })

  it('hands ui/download-file to the host (downloadFile in hostCapabilities), checking the files first', async () => {
    const onDownloadFile = vi.fn(async ({ contents }: { contents: unknown[] }) => (contents.length > 1 ? { isError: true } : undefined))
    const view = open({ onDownloadFile })
    expect((await view.initialize()).result.hostCapabilities).toEqual({ downloadFile: {} })
    const file = { type: 'resource', resource: { uri: 'file:///a.json', mimeType: 'application/json', text: '{}' } }
    const link = { type: 'resource_link', uri: 'file:///b.bin', name: 'b.bin' }
    expect((await view.request('ui/download-file', { contents: [file] })).result).toEqual({})
    // The user declined: the view is told nothing was saved.
    expect((await view.request('ui/download-file', { contents: [file, link] })).result).toEqual({ isError: true })
    for (const contents of [[], [{ type: 'text', text: 'x' }], [{ type: 'resource', resource: { uri: 'file:///c' } }], [{ type: 'resource_link', uri: 'nope', name: 'x' }], Array.from({ length: 21 }, () => file)]) {
      expect((await view.request('ui/download-file', { contents })).error.code).toBe(-32602)
    }
    expect(onDownloadFile).toHaveBeenCalledTimes(2)
    const without = open()
    await without.initialize()
    expect((await without.request('ui/download-file', { contents: [file] })).error.code).toBe(-32601)
  })

  it('answers a view’s sampling/createMessage through the host (sampling in hostCapabilities), without tool use', async () => {
    const onCreateMessage = vi.fn(async () => ({ role: 'assistant' as const, content: { type: 'text' as const, text: 'Count to 10.' }, model: 'm' }))
    const view = open({ onCreateMessage })
    expect((await view.initialize()).result.hostCapabilities).toEqual({ sampling: {} })
    const ask = { messages: [{ role: 'user', content: { type: 'text', text: 'A goal?' } }], maxTokens: 50 }
    expect((await view.request('sampling/createMessage', ask)).result).toEqual({ role: 'assistant', content: { type: 'text', text: 'Count to 10.' }, model: 'm' })
    expect(onCreateMessage).toHaveBeenCalledWith(ask)
    for (const bad of [{ ...ask, maxTokens: 0 }, { ...ask, messages: [] }, { ...ask, messages: [{ role: 'system', content: { type: 'text', text: 'x' } }] }, { ...ask, tools: [{ name: 't', inputSchema: { type: 'object' } }] }]) {
      expect((await view.request('sampling/createMessage', bad)).error.code).toBe(-32602)
    }
    expect(onCreateMessage).toHaveBeenCalledTimes(1)
  })

  it('offers only what the host has callbacks for, and answers ping', async () => {
    const view = open()
    const answer = await view.request('ui/initialize', APP)
    expect(answer.result.hostCapabilities).toEqual({})
    expect(await view.request('ping')).toEqual({ jsonrpc: '2.0', id: 2, result: {} })
  })

  it('holds tool input and result until the view is initialized, then sends them in order', async () => {
    const view = open()
    view.bridge.sendToolInputPartial({ city: 'Par' })
    view.bridge.sendToolInputPartial({ city: 'Paris' })
    view.bridge.sendToolInput({ city: 'Paris', days: 3 })
    view.bridge.sendToolInputPartial({ city: 'late' })
    view.bridge.sendToolResult(RESULT)
    view.bridge.setHostContext({ theme: 'light' })
    await view.request('ui/initialize', APP)
    // Answered, but not yet initialized: the spec lets the host send nothing before `initialized`.
    expect(view.notifications()).toEqual([])
    view.notify('ui/notifications/initialized')
    expect(view.notifications()).toEqual([
      { jsonrpc: '2.0', method: 'ui/notifications/tool-input', params: { arguments: { city: 'Paris', days: 3 } } },
      { jsonrpc: '2.0', method: 'ui/notifications/tool-result', params: RESULT },
    ])
    // The context change made before initialization rode in the ui/initialize answer instead.
    expect(view.posted[0]!.result.hostContext).toEqual({ theme: 'light' })
  })

  it('keeps only the latest partial input while waiting, and sends later messages at once', async () => {
    const view = open()
    view.bridge.sendToolInputPartial({ q: 'a' })
    view.bridge.sendToolInputPartial({ q: 'ab' })
    await view.initialize()
    expect(view.notifications().map((m) => [m.method, m.params])).toEqual([['ui/notifications/tool-input-partial', { arguments: { q: 'ab' } }]])
    view.bridge.sendToolInput({ q: 'abc' })
    view.bridge.sendToolCancelled('the user stopped it')
    view.bridge.setHostContext({ displayMode: 'fullscreen' })
    expect(view.notifications().slice(1)).toEqual([
      { jsonrpc: '2.0', method: 'ui/notifications/tool-input', params: { arguments: { q: 'abc' } } },
      { jsonrpc: '2.0', method: 'ui/notifications/tool-cancelled', params: { reason: 'the user stopped it' } },
      { jsonrpc: '2.0', method: 'ui/notifications/host-context-changed', params: { displayMode: 'fullscreen' } },
    ])
    expect(view.bridge.hostContext).toEqual({ displayMode: 'fullscreen' })
  })

  it('sends input and result again to a view that reloads and initializes anew', async () => {
    const view = open()
    view.bridge.sendToolInput({ n: 1 })
    view.bridge.sendToolResult(RESULT)
    await view.initialize()
    expect(view.notifications()).toHaveLength(2)
    await view.request('ui/initialize', APP)
    view.bridge.setHostContext({ theme: 'dark' })
    expect(view.notifications()).toHaveLength(2)
    view.notify('ui/notifications/initialized')
    expect(view.notifications().slice(2).map((m) => m.method)).toEqual(['ui/notifications/tool-input', 'ui/notifications/tool-result'])
  })
})

describe('AppBridge: what the view asks of the host', () => {
  const tools = [
    { name: 'refresh', inputSchema: { type: 'object' as const }, _meta: { ui: { resourceUri: 'ui://s/v.html', visibility: ['app'] } } },
    { name: 'both', inputSchema: { type: 'object' as const } },
    { name: 'model-only', inputSchema: { type: 'object' as const }, _meta: { ui: { visibility: ['model'] } } },
  ]

  it('proxies tools/call for tools visible to apps, and refuses model-only and unknown tools before calling', async () => {
    const callTool = vi.fn(async (name: string, args: Record<string, unknown>): Promise<CallToolResult> => ({ content: [{ type: 'text', text: `${name} ${JSON.stringify(args)}` }] }))
    const view = open({ tools, callTool })
    await view.initialize()
    expect((await view.request('tools/call', { name: 'refresh', arguments: { all: true } })).result).toEqual({ content: [{ type: 'text', text: 'refresh {"all":true}' }] })
    expect((await view.request('tools/call', { name: 'both' })).result).toEqual({ content: [{ type: 'text', text: 'both {}' }] })
    const refused = await view.request('tools/call', { name: 'model-only', arguments: {} })
    expect(refused.error).toEqual({ code: -32602, message: expect.stringContaining('not callable by apps') })
    expect((await view.request('tools/call', { name: 'elsewhere' })).error).toMatchObject({ code: -32602, message: 'Unknown tool: elsewhere' })
    expect(callTool.mock.calls.map(([name]) => name)).toEqual(['refresh', 'both'])
  })

  it('takes the tools as a lookup, and refuses every call when the host gave none', async () => {
    const lookup = vi.fn(async (name: string) => tools.find((t) => t.name === name))
    const view = open({ tools: lookup, callTool: async () => RESULT })
    await view.initialize()
    expect((await view.request('tools/call', { name: 'refresh' })).result).toEqual(RESULT)
    expect(lookup).toHaveBeenCalledWith('refresh')

    const none = open({ callTool: async () => RESULT })
    await none.initialize()
    expect((await none.request('tools/call', { name: 'refresh' })).error.code).toBe(-32602)
  })

  it('answers a tools/call the host rejects (a denied consent) with a JSON-RPC error, and keeps working', async () => {
    let deny = true
    const view = open({
      tools,
      callTool: async () => {
        if (deny) throw Object.assign(new Error('The user declined the call'), { code: -32001 })
        return RESULT
      },
    })
    await view.initialize()
    expect((await view.request('tools/call', { name: 'refresh' })).error).toEqual({ code: -32001, message: 'The user declined the call' })
    deny = false
    expect((await view.request('tools/call', { name: 'refresh' })).result).toEqual(RESULT)
  })

  it('refuses requests other than ping before ui/initialize', async () => {
    const view = open({ tools, callTool: async () => RESULT })
    expect((await view.request('tools/call', { name: 'refresh' })).error).toMatchObject({ code: -32600, message: expect.stringContaining('before ui/initialize') })
    expect((await view.request('ping')).result).toEqual({})
  })

  it('hands ui/open-link, ui/message and ui/update-model-context to the host, refusing bad params and what it has no callback for', async () => {
    const onOpenLink = vi.fn(async ({ url }: { url: string }) => {
      if (url.includes('blocked')) throw new Error('Link opening denied by user')
    })
    const onMessage = vi.fn()
    const view = open({ onOpenLink, onMessage })
    await view.initialize()
    expect((await view.request('ui/open-link', { url: 'https://example.com/docs' })).result).toEqual({})
    expect(onOpenLink).toHaveBeenCalledWith({ url: 'https://example.com/docs' })
    expect((await view.request('ui/open-link', { url: 'javascript:alert(1)' })).error.code).toBe(-32602)
    expect((await view.request('ui/open-link', { url: 'not a url' })).error.code).toBe(-32602)
    expect((await view.request('ui/open-link', { url: 'https://blocked.example' })).error).toEqual({ code: -32000, message: 'Link opening denied by user' })
    expect(onOpenLink).toHaveBeenCalledTimes(2)

    const message = { role: 'user', content: { type: 'text', text: 'Add 3 more' } }
    expect((await view.request('ui/message', message)).result).toEqual({})
    expect(onMessage).toHaveBeenCalledWith(message)
    expect((await view.request('ui/message', { role: 'assistant', content: { type: 'text', text: 'x' } })).error.code).toBe(-32602)
    expect((await view.request('ui/update-model-context', { structuredContent: { count: 3 } })).error.code).toBe(-32601)
    expect((await view.request('resources/read', { uri: 'ui://s/v.html' })).error.code).toBe(-32601)
  })

  it('switches display mode only to one the view declared, through the host', async () => {
    const onRequestDisplayMode = vi.fn(async ({ mode }: { mode: 'inline' | 'fullscreen' | 'pip' }) => (mode === 'pip' ? 'inline' : mode))
    const view = open({ hostContext: { displayMode: 'inline' }, onRequestDisplayMode })
    await view.initialize({ availableDisplayModes: ['inline', 'fullscreen'] })
    expect((await view.request('ui/request-display-mode', { mode: 'fullscreen' })).result).toEqual({ mode: 'fullscreen' })
    expect(view.notifications().at(-1)).toEqual({ jsonrpc: '2.0', method: 'ui/notifications/host-context-changed', params: { displayMode: 'fullscreen' } })
    // Not declared by the view: the host keeps the current mode without being asked.
    expect((await view.request('ui/request-display-mode', { mode: 'pip' })).result).toEqual({ mode: 'fullscreen' })
    expect(onRequestDisplayMode).toHaveBeenCalledTimes(1)
    expect((await view.request('ui/request-display-mode', { mode: 'huge' })).error.code).toBe(-32602)
  })

  it('reports size changes and logs, and drops malformed ones', async () => {
    const onSizeChanged = vi.fn()
    const onLog = vi.fn()
    const view = open({ onSizeChanged, onLog })
    await view.initialize()
    view.notify('ui/notifications/size-changed', { width: 320, height: 180 })
    view.notify('ui/notifications/size-changed', { height: 90 })
    view.notify('ui/notifications/size-changed', { width: -1, height: 10 })
    view.notify('ui/notifications/size-changed', { width: '100px' })
    view.notify('notifications/message', { level: 'info', data: 'clicked' })
    view.notify('notifications/message', { level: 'loud', data: 'x' })
    expect(onSizeChanged.mock.calls).toEqual([[{ width: 320, height: 180 }], [{ height: 90 }]])
    expect(onLog.mock.calls).toEqual([[{ level: 'info', data: 'clicked' }]])
    expect(view.errors.map((e) => e.message)).toEqual([
      expect.stringContaining('size-changed'),
      expect.stringContaining('size-changed'),
      expect.stringContaining('notifications/message'),
    ])
    // Notifications are never answered.
    expect(view.posted.filter((m) => !('method' in m))).toHaveLength(1)
  })
})

describe('AppBridge: malformed messages', () => {
  it('answers what is not a JSON-RPC request with -32600, echoing a readable id only', async () => {
    const view = open()
    for (const garbage of ['{"jsonrpc":"2.0"}', null, 42, [{ jsonrpc: '2.0', id: 1, method: 'ping' }], {}]) {
      expect(await view.answerTo(garbage)).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32600, message: expect.any(String) } })
    }
    expect(await view.answerTo({ jsonrpc: '1.0', id: 7, method: 'ping' })).toMatchObject({ id: 7, error: { code: -32600, message: expect.stringContaining('"jsonrpc"') } })
    expect(await view.answerTo({ id: 8, method: 'ping' })).toMatchObject({ id: 8, error: { code: -32600 } })
    expect(await view.answerTo({ jsonrpc: '2.0', id: 9, method: 42 })).toMatchObject({ id: 9, error: { code: -32600 } })
  })

  it('refuses huge and non-finite ids without echoing them', async () => {
    const view = open()
    for (const id of ['x'.repeat(100_000), Number.NaN, Number.POSITIVE_INFINITY, { nested: 1 }, true]) {
      expect(await view.answerTo({ jsonrpc: '2.0', id, method: 'ping' })).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32600, message: expect.stringContaining('"id"') } })
    }
    // Big but ordinary ids are fine.
    expect(await view.answerTo({ jsonrpc: '2.0', id: 1e300, method: 'ping' })).toEqual({ jsonrpc: '2.0', id: 1e300, result: {} })
    expect(await view.answerTo({ jsonrpc: '2.0', id: 'a'.repeat(256), method: 'ping' })).toMatchObject({ result: {} })
  })

  it('answers unknown methods with -32601 (prototype names included) and bad params with -32602', async () => {
    const view = open()
    await view.initialize()
    for (const method of ['tools/list', '__proto__', 'constructor', 'toString', 'ui/notifications/sandbox-resource-ready']) {
      expect((await view.request(method)).error).toEqual({ code: -32601, message: `Method not found: ${method}` })
    }
    // Known, but this host gave no callback for it.
    expect((await view.request('sampling/createMessage', { messages: [], maxTokens: 1 })).error).toEqual({ code: -32601, message: 'Method not found: sampling/createMessage (this host does not offer sampling to views)' })
    expect((await view.answerTo({ jsonrpc: '2.0', id: 'p', method: 'tools/call', params: ['refresh'] })).error.code).toBe(-32602)
    expect((await view.request('tools/call', { name: 7 })).error.code).toBe(-32602)
    expect((await view.request('tools/call', { name: 'x', arguments: 'all' })).error.code).toBe(-32602)
    const lister = open({ listResources: async () => ({ resources: [] }) })
    await lister.initialize()
    expect((await lister.request('resources/list', { cursor: 5 })).error).toEqual({ code: -32602, message: 'resources/list: cursor must be a string' })
    expect((await lister.request('resources/list', {})).result).toEqual({ resources: [] })
    expect((await view.request('ui/initialize', { appInfo: { name: 'v' } })).error.code).toBe(-32602)
  })

  it('drops malformed and unknown notifications without answering, and keeps working', async () => {
    const view = open()
    await view.initialize()
    const before = view.posted.length
    view.bridge.receive({ jsonrpc: '1.0', method: 'ui/notifications/size-changed', params: { width: 1 } })
    view.bridge.receive({ jsonrpc: '2.0', method: 'ui/notifications/size-changed', params: 'big' })
    view.bridge.receive({ jsonrpc: '2.0', method: 'ui/notifications/whatever' })
    view.bridge.receive({ jsonrpc: '2.0', id: 99, result: {} })
    expect(view.posted.length).toBe(before)
    expect(view.errors).toHaveLength(3)
    expect(await view.request('ping')).toMatchObject({ result: {} })
  })

  it('never throws from receive, even when the host callbacks and post do', async () => {
    const view = open({
      onSizeChanged: () => {
        throw new Error('layout failed')
      },
      onError: () => {
        throw new Error('even this')
      },
    })
    await view.initialize()
    expect(() => view.bridge.receive({ jsonrpc: '2.0', method: 'ui/notifications/size-changed', params: { width: 1, height: 1 } })).not.toThrow()
    const broken = new AppBridge({ post: () => { throw new Error('DataCloneError') }, callTool: async () => RESULT, hostInfo: HOST })
    expect(() => broken.receive('garbage')).not.toThrow()
    expect(() => broken.receive({ jsonrpc: '2.0', id: 1, method: 'ping' })).not.toThrow()
  })
})

describe('AppBridge: teardown', () => {
  afterEach(() => void vi.useRealTimers())

  it('sends ui/resource-teardown, serves the view until it answers, then sends and answers nothing', async () => {
    const view = open({ tools: [{ name: 'x', inputSchema: { type: 'object' } }], callTool: async () => RESULT })
    await view.initialize()
    let done = false
    const closing = view.bridge.teardown('the user closed it').then(() => (done = true))
    const request = view.posted.at(-1)!
    expect(request).toMatchObject({ jsonrpc: '2.0', method: 'ui/resource-teardown', params: { reason: 'the user closed it' } })
    // The view saves its state before it answers: the spec's reason for the host to wait.
    expect((await view.request('tools/call', { name: 'x' })).result).toEqual(RESULT)
    view.bridge.sendToolResult(RESULT)
    expect(view.notifications()).toEqual([])
    expect(done).toBe(false)
    view.bridge.receive({ jsonrpc: '2.0', id: request.id, result: {} })
    await closing
    expect(view.bridge.teardown()).toBe(view.bridge.teardown())

    const count = view.posted.length
    view.bridge.sendToolResult(RESULT)
    view.bridge.setHostContext({ theme: 'dark' })
    view.bridge.receive({ jsonrpc: '2.0', id: 50, method: 'ping' })
    view.bridge.receive({ jsonrpc: '2.0', id: 51, method: 'tools/call', params: { name: 'x' } })
    await new Promise((resolve) => setImmediate(resolve))
    expect(view.posted.length).toBe(count)
  })

  it('gives up waiting after teardownTimeoutMs', async () => {
    vi.useFakeTimers()
    const view = open({ teardownTimeoutMs: 500 })
    await view.initialize()
    let done = false
    const closing = view.bridge.teardown().then(() => (done = true))
    await vi.advanceTimersByTimeAsync(499)
    expect(done).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    await closing
    expect(done).toBe(true)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('sends nothing to a view that never initialized, and rejects `initialized`', async () => {
    const view = open()
    await view.request('ui/initialize', APP)
    await view.bridge.teardown()
    expect(view.posted).toHaveLength(1)
    await expect(view.bridge.initialized).rejects.toThrow('torn down before it initialized')
  })
})

describe('AppBridge with the everything-server’s counter view', () => {
  let manager: ServerManager
  let catalog: Catalog
  const spawned: StdioClientTransport[] = []

  beforeAll(async () => {
    manager = new ServerManager({
      servers: { everything: everythingServer() },
      apps: true,
      pingIntervalMs: 0,
      createTransport: (_name, config) => {
        const transport = createTransport(config, { closeGraceMs: GRACE_MS })
        if (transport instanceof StdioClientTransport) spawned.push(transport)
        return transport
      },
    })
    catalog = new Catalog(manager)
    await manager.start()
    await catalog.refresh()
  })

  afterAll(async () => {
    catalog.close()
    await manager.close()
    for (const transport of spawned.splice(0)) expect(isRunning(transport.pid!)).toBe(false)
  })

  /** The host's callTool: the consent policy first (a refusal rejects, as a host's UI would), then the server. */
  function hostCallTool(consent: ConsentPolicy) {
    return async (name: string, args: Record<string, unknown>): Promise<CallToolResult> => {
      const tool = catalog.serverTools('everything').find((t) => t.name === name)
      const outcome = await consent.authorize({ server: 'everything', tool: name, arguments: args, annotations: tool?.annotations })
      if (!outcome.allowed) throw new Error(`The user declined ${name}: ${outcome.reason}`)
      return manager.client('everything')!.callTool({ name, arguments: args })
    }
  }

  it('proxies the view’s app-only counter-increment to the real server, and answers a call the user denied with an error', async () => {
    const answers: ConsentAnswer[] = ['deny', 'once', 'once']
    const consent = new ConsentPolicy({ ask: () => answers.shift() ?? 'deny' })
    const view = open({ tools: catalog.serverTools('everything'), callTool: hostCallTool(consent) })
    await view.initialize()

    const denied = await view.request('tools/call', { name: 'counter-increment', arguments: { by: 2 } })
    expect(denied.error).toEqual({ code: -32000, message: expect.stringContaining('The user declined counter-increment') })
    const first = await view.request('tools/call', { name: 'counter-increment', arguments: { by: 2 } })
    const second = await view.request('tools/call', { name: 'counter-increment', arguments: { by: 3 } })
    expect(second.result.structuredContent.count - first.result.structuredContent.count).toBe(3)
    // The server's own refusal of bad arguments (a tool error result, or a -32602) reaches the view as it came.
    const bad = await view.request('tools/call', { name: 'counter-increment', arguments: { by: 1000 } })
    expect(bad.error ?? bad.result.isError).toBeTruthy()
  })

  it('drives the real counter page: handshake, result, a click that calls the server back, size and teardown', async () => {
    const client = manager.client('everything')!
    const show = catalog.tools().find((t) => t.tool.name === 'show-counter')!
    const ui = uiOf(show.tool)!
    const { contents } = await client.readResource({ uri: ui.resourceUri! })
    const content = contents[0] as { text: string; mimeType: string; _meta?: { ui?: Record<string, unknown> } }
    expect(content.mimeType).toBe(RESOURCE_MIME_TYPE)
    expect(cspFor(content._meta?.ui)).toContain("connect-src 'none'")

    const sizes: unknown[] = []
    const contexts: unknown[] = []
    const logs: unknown[] = []
    let teardownAsked = 0
    const page = fakePage(content.text)
    const bridge = new AppBridge({
      post: (message) => page.deliver(message),
      callTool: hostCallTool(new ConsentPolicy({ ask: () => 'once' })),
      tools: catalog.serverTools('everything'),
      hostInfo: HOST,
      hostContext: { theme: 'dark', toolInfo: { tool: show.tool }, displayMode: 'inline', availableDisplayModes: ['inline', 'fullscreen'], styles: { variables: { '--color-text-primary': '#123456' } } },
      onSizeChanged: (size) => sizes.push(size),
      onUpdateModelContext: (context) => void contexts.push(context),
      onRequestDisplayMode: ({ mode }) => mode,
      onRequestTeardown: () => void teardownAsked++,
      onLog: (log) => logs.push(log),
    })
    page.onPost = (message) => bridge.receive(message)
    page.run()

    await bridge.initialized
    expect(bridge.app?.appInfo.name).toBe('everything-counter')
    expect(page.root.style.colorScheme).toBe('dark')
    expect(bridge.app?.appCapabilities.availableDisplayModes).toEqual(['inline', 'fullscreen', 'pip'])
    // It takes the host's style variables, and offers full screen because the host has it.
    await vi.waitFor(() => expect(page.root.properties).toEqual({ '--color-text-primary': '#123456' }), SETTLE)
    expect(page.elements.fullscreen.hidden).toBe(false)
    const result = await client.callTool({ name: 'show-counter', arguments: {} })
    bridge.sendToolInput({})
    bridge.sendToolResult(result)
    const count = (result.structuredContent as { count: number }).count
    await vi.waitFor(() => expect(page.elements.count.textContent).toBe(String(count)), SETTLE)
    await vi.waitFor(() => expect(sizes).toContainEqual({ width: 320, height: 120 }), SETTLE)

    page.elements.increment.click()
    await vi.waitFor(() => expect(page.elements.count.textContent).toBe(String(count + 1)), SETTLE)
    expect(page.elements.status.textContent).toBe('Ready.')
    // The new count is what the model should know of the view.
    await vi.waitFor(() => expect(contexts).toEqual([{ content: [{ type: 'text', text: `The counter view shows ${count + 1}.` }], structuredContent: { count: count + 1 } }]), SETTLE)

    page.elements.fullscreen.click()
    await vi.waitFor(() => expect(page.elements.fullscreen.textContent).toBe('Exit full screen'), SETTLE)
    expect(bridge.hostContext.displayMode).toBe('fullscreen')
    page.elements.done.click()
    await vi.waitFor(() => expect(teardownAsked).toBe(1), SETTLE)

    await bridge.teardown('done')
    expect(page.elements.increment.disabled).toBe(true)
    expect(logs).toEqual([{ level: 'info', logger: 'everything-counter', data: `torn down at ${count + 1} (done)` }])
  })
})

/**
 * The counter view's own script in a `node:vm` context with the little DOM it touches; messages
 * each way are cloned and delivered on a later turn, as `postMessage` does.
 */
function fakePage(html: string) {
  const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1]
  if (!script) throw new Error('the view has no inline script')
  const element = () => {
    const listeners: Record<string, () => void> = {}
    return { textContent: '', disabled: false, hidden: false, style: {} as Record<string, string>, addEventListener: (type: string, f: () => void) => void (listeners[type] = f), click: () => listeners.click?.() }
  }
  const elements = { count: element(), increment: element(), status: element(), fullscreen: element(), float: element(), done: element(), export: element(), suggest: element() }
  const properties: Record<string, string> = {}
  const root = { style: { colorScheme: '', setProperty: (name: string, value: string) => void (properties[name] = value) }, properties, scrollWidth: 320, scrollHeight: 120 }
  const listeners: Array<(event: { source: unknown; data: unknown }) => void> = []
  const page = {
    elements,
    root,
    onPost: (_message: unknown) => {},
    deliver: (message: JSONRPCMessage) => {
      const data = structuredClone(message)
      setImmediate(() => listeners.forEach((listener) => listener({ source: parent, data })))
    },
    run: () => runInContext(script, context),
  }
  const parent = { postMessage: (message: unknown) => { const data = structuredClone(message); setImmediate(() => page.onPost(data)) } }
  const context = createContext({
    window: { parent, addEventListener: (type: string, listener: (typeof listeners)[number]) => type === 'message' && listeners.push(listener) },
    document: { getElementById: (id: keyof typeof elements) => elements[id], documentElement: root, body: {} },
  })
  return page
}
