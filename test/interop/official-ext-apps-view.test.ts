// The official MCP Apps view library (`App` of @modelcontextprotocol/ext-apps, what views built with
// it run) against our host side (`AppBridge` of @plugboard/host/apps): the official client parses
// every message we send with its own schemas, so a view written for it works in our hosts. Both run
// in this process, joined by a transport that clones each message as postMessage does.
// https://github.com/modelcontextprotocol/ext-apps/blob/main/specification/2026-01-26/apps.mdx#communication-protocol
import { App, McpUiHostStylesSchema } from '@modelcontextprotocol/ext-apps'
import { AppBridge, STYLE_VARIABLES, readStyleVariables, type AppBridgeOptions, type McpUiHostContext } from '@plugboard/host/apps'
import type { CallToolResult, JSONRPCMessage } from '@plugboard/protocol'
import { afterEach, describe, expect, it, vi } from 'vitest'

/** The view's end of the wire: what the official `App` sends goes to the bridge, and back. */
class ViewTransport {
  onmessage?: (message: unknown) => void
  onclose?: () => void
  onerror?: (error: Error) => void
  sessionId?: string
  constructor(readonly bridge: () => AppBridge) {}
  async start(): Promise<void> {}
  async send(message: unknown): Promise<void> {
    const copy = structuredClone(message)
    setImmediate(() => this.bridge().receive(copy))
  }
  async close(): Promise<void> {
    this.onclose?.()
  }
  deliver(message: JSONRPCMessage): void {
    const copy = structuredClone(message)
    setImmediate(() => this.onmessage?.(copy))
  }
}

const CONTEXT: McpUiHostContext = {
  toolInfo: { id: 'call_1', tool: { name: 'show-counter', inputSchema: { type: 'object' } } },
  theme: 'dark',
  styles: { variables: { '--color-text-primary': '#e4e7ec', '--font-sans': 'system-ui' } },
  displayMode: 'inline',
  availableDisplayModes: ['inline', 'fullscreen'],
  containerDimensions: { maxHeight: 600 },
  platform: 'web',
  locale: 'en-US',
  timeZone: 'Europe/Paris',
  userAgent: 'plugboard-host',
  deviceCapabilities: { touch: false, hover: true },
  safeAreaInsets: { top: 0, right: 0, bottom: 0, left: 0 },
}

const RESULT: CallToolResult = { content: [{ type: 'text', text: 'At 3.' }], structuredContent: { count: 3 } }
const TOOLS = [
  { name: 'counter-increment', inputSchema: { type: 'object' as const }, _meta: { ui: { visibility: ['app' as const] } } },
  { name: 'secret', inputSchema: { type: 'object' as const }, _meta: { ui: { visibility: ['model' as const] } } },
]

const apps: App[] = []
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close().catch(() => undefined)))
})

async function connect(options: Partial<AppBridgeOptions> = {}) {
  let bridge!: AppBridge
  const transport = new ViewTransport(() => bridge)
  const errors: Error[] = []
  bridge = new AppBridge({
    post: (message) => transport.deliver(message),
    callTool: async (name, args) => ({ content: [{ type: 'text', text: `${name} ${JSON.stringify(args)}` }], structuredContent: { count: 4 } }),
    tools: TOOLS,
    hostInfo: { name: 'plugboard-host', version: 'web' },
    hostContext: CONTEXT,
    onError: (error) => errors.push(error),
    ...options,
  })
  const app = new App({ name: 'official-view', version: '1.0.0' }, { availableDisplayModes: ['inline', 'fullscreen'] }, { autoResize: false })
  apps.push(app)
  const results: unknown[] = []
  const inputs: unknown[] = []
  const changes: unknown[] = []
  app.ontoolinput = (params) => inputs.push(params)
  app.ontoolresult = (params) => results.push(params)
  app.onhostcontextchanged = (params) => changes.push(params)
  return { app, bridge, transport, errors, results, inputs, changes }
}

describe('the official App (view side) against our AppBridge (host side)', () => {
  it('connects: our ui/initialize answer passes its schemas, with the host context a web host sends', async () => {
    const { app, bridge, transport, errors } = await connect({ onMessage: () => {}, onUpdateModelContext: () => {}, onOpenLink: () => {}, onLog: () => {} })
    await app.connect(transport as never)
    await bridge.initialized
    expect(app.getHostVersion()).toEqual({ name: 'plugboard-host', version: 'web' })
    expect(app.getHostContext()).toEqual(CONTEXT)
    expect(app.getHostCapabilities()).toEqual({
      serverTools: {},
      openLinks: {},
      logging: {},
      message: { text: {}, image: {}, audio: {}, resource: {}, resourceLink: {} },
      updateModelContext: { text: {}, image: {}, audio: {}, resource: {}, resourceLink: {}, structuredContent: {} },
    })
    expect(bridge.app).toEqual({ appInfo: { name: 'official-view', version: '1.0.0' }, appCapabilities: { availableDisplayModes: ['inline', 'fullscreen'] }, protocolVersion: '2026-01-26' })
    expect(errors).toEqual([])
  })

  it('gets the tool input and result, and host context changes', async () => {
    const view = await connect()
    view.bridge.sendToolInput({ by: 1 })
    view.bridge.sendToolResult(RESULT)
    await view.app.connect(view.transport as never)
    await vi.waitFor(() => expect(view.results).toEqual([RESULT]))
    expect(view.inputs).toEqual([{ arguments: { by: 1 } }])
    view.bridge.setHostContext({ theme: 'light', displayMode: 'fullscreen' })
    await vi.waitFor(() => expect(view.changes).toEqual([{ theme: 'light', displayMode: 'fullscreen' }]))
    expect(view.app.getHostContext()?.theme).toBe('light')
  })

  it('calls an app tool through the host, and is refused a model-only or unknown one with the error it expects', async () => {
    const view = await connect()
    await view.app.connect(view.transport as never)
    expect(await view.app.callServerTool({ name: 'counter-increment', arguments: { by: 1 } })).toEqual({ content: [{ type: 'text', text: 'counter-increment {"by":1}' }], structuredContent: { count: 4 } })
    await expect(view.app.callServerTool({ name: 'secret', arguments: {} })).rejects.toThrow(/not callable by apps/)
    await expect(view.app.callServerTool({ name: 'nope', arguments: {} })).rejects.toThrow(/Unknown tool: nope/)
  })

  it('reads and lists its server’s resources through the host', async () => {
    const readResource = vi.fn(async (uri: string) => ({ contents: [{ uri, mimeType: 'text/plain', text: 'hello' }] }))
    const listResources = vi.fn(async (cursor: string | undefined) => (cursor ? { resources: [{ uri: 'file:///b', name: 'b' }] } : { resources: [{ uri: 'file:///a', name: 'a' }], nextCursor: 'next' }))
    const view = await connect({ readResource, listResources })
    await view.app.connect(view.transport as never)
    expect(view.app.getHostCapabilities()?.serverResources).toEqual({})
    expect(await view.app.readServerResource({ uri: 'file:///a' })).toEqual({ contents: [{ uri: 'file:///a', mimeType: 'text/plain', text: 'hello' }] })
    const first = await view.app.listServerResources()
    expect(first).toEqual({ resources: [{ uri: 'file:///a', name: 'a' }], nextCursor: 'next' })
    expect((await view.app.listServerResources({ cursor: first.nextCursor })).resources).toEqual([{ uri: 'file:///b', name: 'b' }])
    expect(listResources.mock.calls).toEqual([[undefined], ['next']])
  })

  it('updates the model context, sends a message, opens a link, logs, and changes display mode', async () => {
    const onUpdateModelContext = vi.fn()
    const onMessage = vi.fn()
    const onOpenLink = vi.fn()
    const onLog = vi.fn()
    const onRequestDisplayMode = vi.fn(({ mode }: { mode: 'inline' | 'fullscreen' | 'pip' }) => mode)
    const view = await connect({ onUpdateModelContext, onMessage, onOpenLink, onLog, onRequestDisplayMode, accepts: { message: { text: {} }, updateModelContext: { text: {}, structuredContent: {} } } })
    await view.app.connect(view.transport as never)
    await view.app.updateModelContext({ content: [{ type: 'text', text: 'The counter shows 3.' }], structuredContent: { count: 3 } })
    expect(onUpdateModelContext).toHaveBeenCalledWith({ content: [{ type: 'text', text: 'The counter shows 3.' }], structuredContent: { count: 3 } })
    await view.app.sendMessage({ role: 'user', content: [{ type: 'text', text: 'Add 3 more' }] })
    expect(onMessage).toHaveBeenCalledWith({ role: 'user', content: [{ type: 'text', text: 'Add 3 more' }] })
    // Content of a kind the host did not offer: the official client gets a JSON-RPC error.
    await expect(view.app.sendMessage({ role: 'user', content: [{ type: 'image', data: 'AAAA', mimeType: 'image/png' }] })).rejects.toThrow(/does not take image content/)
    await view.app.openLink({ url: 'https://example.com/docs' })
    expect(onOpenLink).toHaveBeenCalledWith({ url: 'https://example.com/docs' })
    await view.app.sendLog({ level: 'info', logger: 'view', data: 'hello' })
    await vi.waitFor(() => expect(onLog).toHaveBeenCalledWith({ level: 'info', logger: 'view', data: 'hello' }))
    expect(await view.app.requestDisplayMode({ mode: 'fullscreen' })).toEqual({ mode: 'fullscreen' })
    await vi.waitFor(() => expect(view.changes).toContainEqual({ displayMode: 'fullscreen' }))
  })

  it('hands files to save to the host (downloadFile), which may say nothing was saved', async () => {
    const onDownloadFile = vi.fn((params: { contents: unknown[] }) => (params.contents.length > 1 ? { isError: true } : undefined))
    const view = await connect({ onDownloadFile })
    await view.app.connect(view.transport as never)
    expect(view.app.getHostCapabilities()?.downloadFile).toEqual({})
    const file = { type: 'resource' as const, resource: { uri: 'file:///report.csv', mimeType: 'text/csv', text: 'a,b\n1,2\n' } }
    expect(await view.app.downloadFile({ contents: [file] })).toEqual({})
    expect(onDownloadFile).toHaveBeenCalledWith({ contents: [file] })
    expect(await view.app.downloadFile({ contents: [file, { type: 'resource_link', uri: 'file:///big.bin', name: 'big.bin' }] })).toEqual({ isError: true })
  })

  it('asks the host’s model (sampling), which the host answers through its own review', async () => {
    const onCreateMessage = vi.fn(async () => ({ role: 'assistant' as const, content: { type: 'text' as const, text: 'Count to 10.' }, model: 'scripted', stopReason: 'endTurn' }))
    const view = await connect({ onCreateMessage })
    await view.app.connect(view.transport as never)
    expect(view.app.getHostCapabilities()?.sampling).toEqual({})
    const answer = await view.app.createSamplingMessage({ messages: [{ role: 'user', content: { type: 'text', text: 'A goal?' } }], maxTokens: 50 })
    expect(answer).toMatchObject({ role: 'assistant', content: { type: 'text', text: 'Count to 10.' }, model: 'scripted' })
  })

  it('asks to be torn down, and answers the teardown through its onteardown handler', async () => {
    const onRequestTeardown = vi.fn()
    // No timeout to fall back on: only the view's answer can end the teardown.
    const view = await connect({ onRequestTeardown, teardownTimeoutMs: 10 * 60_000 })
    const teardowns: unknown[] = []
    view.app.onteardown = async (params) => (teardowns.push(params), {})
    await view.app.connect(view.transport as never)
    await view.app.requestTeardown()
    await vi.waitFor(() => expect(onRequestTeardown).toHaveBeenCalledTimes(1))
    await view.bridge.teardown('The user closed the view')
    // The spec lets the host give a reason; the official schema of the request has no field for it, so App drops it.
    expect(teardowns).toEqual([{}])
  })
})

describe('the style variables', () => {
  it('are the spec’s, as the official schema lists them', () => {
    const variables = McpUiHostStylesSchema.shape.variables.unwrap()
    const keys = (variables as unknown as { keyType?: { options?: Array<{ value: string }> }; _zod?: { def: { keyType: { options: Array<{ _zod: { def: { values: string[] } } }> } } } })
    const official = (keys._zod?.def.keyType.options.map((o) => o._zod.def.values[0]!) ?? keys.keyType!.options!.map((o) => o.value)).sort()
    expect([...STYLE_VARIABLES].sort()).toEqual(official)
  })

  it('are read from a page’s computed style, leaving out those it does not set', () => {
    const style = { getPropertyValue: (name: string) => ({ '--color-text-primary': ' #123 ', '--font-sans': 'system-ui', '--not-a-spec-variable': 'x' })[name] ?? '' }
    expect(readStyleVariables(style)).toEqual({ '--color-text-primary': '#123', '--font-sans': 'system-ui' })
    expect(McpUiHostStylesSchema.safeParse({ variables: readStyleVariables(style) }).success).toBe(true)
  })
})
