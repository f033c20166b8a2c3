// The everything-server's MCP App (SEP-1865): the counter tools name their ui:// view, the view is
// served with the MCP App MIME type, and the page's own script — run here against a stand-in DOM and
// a test host — speaks the app side of the protocol: ui/initialize, then initialized, shows a tool
// result, and its button calls the app-only tool back through the host, which forwards it to the
// server. Every message the server sends is checked against the official schema (closeAll).
// https://github.com/modelcontextprotocol/ext-apps/blob/main/specification/2026-01-26/apps.mdx
import { runInNewContext } from 'node:vm'
import { EXTENSION_ID, RESOURCE_MIME_TYPE, RESOURCE_URI_META_KEY } from '@plugboard/server/apps'
import { afterEach, describe, expect, it } from 'vitest'
import { COUNTER_HTML, COUNTER_VIEW_URI } from '../src/apps.js'
import { createEverythingServer } from '../src/server.js'
import { REFEREE_CAPABILITIES, closeAll, connectLegacy, connectModern, textOf, type TestClient } from './harness.js'

afterEach(closeAll)

const APPS_HOST = { ...REFEREE_CAPABILITIES, extensions: { [EXTENSION_ID]: { mimeTypes: [RESOURCE_MIME_TYPE] } } }
type Tool = { name: string; _meta?: Record<string, unknown> }
type Message = { jsonrpc: '2.0'; id?: number | string; method?: string; params?: Record<string, unknown>; result?: Record<string, unknown>; error?: { code: number; message: string } }

const ERAS = [
  ['2025-11-25', (capabilities: Record<string, unknown>) => connectLegacy(createEverythingServer(), { capabilities })],
  ['2026-07-28', (capabilities: Record<string, unknown>) => connectModern(createEverythingServer(), { capabilities })],
] as const

const request = (client: TestClient, method: string, params: Record<string, unknown> = {}) => client.session.request(method as 'tools/list', params as never) as Promise<Record<string, unknown>>

/** A stand-in for the DOM the view's script touches. */
class FakeElement {
  textContent = ''
  disabled = false
  hidden = false
  readonly #listeners: Array<() => void> = []
  addEventListener(type: string, listener: () => void): void {
    if (type === 'click') this.#listeners.push(listener)
  }
  click(): void {
    if (!this.disabled) for (const listener of this.#listeners) listener()
  }
}

/** Runs the page's inline script in a fresh context, as the iframe would, with `window.parent` recording what it posts. */
function runView(html: string) {
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!)
  expect(scripts).toHaveLength(1)
  const elements = { count: new FakeElement(), increment: new FakeElement(), status: new FakeElement(), fullscreen: new FakeElement(), float: new FakeElement(), done: new FakeElement(), export: new FakeElement(), suggest: new FakeElement() }
  // As the markup has them.
  elements.increment.disabled = true
  elements.done.disabled = true
  elements.fullscreen.hidden = true
  elements.float.hidden = true
  elements.export.hidden = true
  elements.suggest.hidden = true
  elements.count.textContent = '-'
  const posted: Message[] = []
  const targets: string[] = []
  const parent = { postMessage: (message: Message, target: string) => void (posted.push(structuredClone(message)), targets.push(target)) }
  const listeners: Array<(event: { source: unknown; data: unknown }) => void> = []
  const properties: Record<string, string> = {}
  const documentElement = { style: { colorScheme: '', setProperty: (name: string, value: string) => void (properties[name] = value) }, properties, scrollWidth: 320, scrollHeight: 96 }
  const window = { parent, addEventListener: (type: string, listener: (event: { source: unknown; data: unknown }) => void) => void (type === 'message' && listeners.push(listener)) }
  const document = { getElementById: (id: keyof typeof elements) => elements[id], documentElement, body: {} }
  runInNewContext(scripts[0]!, { window, document })
  return {
    elements,
    documentElement,
    posted,
    targets,
    /** Delivers a message as the host would (`source` is the parent window); anything else posting is ignored by the view. */
    deliver: (data: Message, source: unknown = parent) => {
      for (const listener of listeners) listener({ source, data })
    },
    /** What the view posted since the last call. */
    take: () => posted.splice(0),
  }
}

/** Lets the view's promise callbacks run. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve))

describe.each(ERAS)('the counter app (%s)', (_revision, open) => {
  it('declares MCP Apps and links both counter tools to the ui:// view; counter-increment is for the app only', async () => {
    const client = await open(APPS_HOST)
    expect((client.hello.capabilities as { extensions?: unknown }).extensions).toEqual({ [EXTENSION_ID]: {} })
    const { tools } = (await request(client, 'tools/list')) as { tools: Tool[] }
    const show = tools.find((t) => t.name === 'show-counter')
    const increment = tools.find((t) => t.name === 'counter-increment')
    expect(show?._meta).toEqual({ ui: { resourceUri: COUNTER_VIEW_URI }, [RESOURCE_URI_META_KEY]: COUNTER_VIEW_URI })
    expect(increment?._meta).toEqual({ ui: { resourceUri: COUNTER_VIEW_URI, visibility: ['app'] }, [RESOURCE_URI_META_KEY]: COUNTER_VIEW_URI })
  })

  it('serves the view as one self-contained HTML page with the MCP App MIME type and its _meta.ui', async () => {
    const client = await open(APPS_HOST)
    const { resources } = (await request(client, 'resources/list')) as { resources: Array<Record<string, unknown>> }
    expect(resources.find((r) => r.uri === COUNTER_VIEW_URI)).toMatchObject({ mimeType: RESOURCE_MIME_TYPE, _meta: { ui: { prefersBorder: true } } })
    const { contents } = (await request(client, 'resources/read', { uri: COUNTER_VIEW_URI })) as { contents: Array<Record<string, unknown>> }
    expect(contents).toEqual([{ uri: COUNTER_VIEW_URI, mimeType: RESOURCE_MIME_TYPE, text: COUNTER_HTML, _meta: { ui: { prefersBorder: true } } }])
    const html = contents[0]!.text as string
    expect(html).toMatch(/^<!DOCTYPE html>/)
    // It declares no CSP domains, so the host's default policy forbids any fetch: nothing may be loaded.
    expect(html).not.toMatch(/\b(?:src|href)\s*=|url\(|https?:\/\/|\bfetch\(|XMLHttpRequest|WebSocket/)
  })

  it('answers a client without MCP Apps with the count as text, and one with them as well', async () => {
    const plain = await open(REFEREE_CAPABILITIES)
    expect(textOf(await request(plain, 'tools/call', { name: 'show-counter', arguments: {} }))).toBe('The counter is at 0.')
    const apps = await open(APPS_HOST)
    const shown = await request(apps, 'tools/call', { name: 'show-counter', arguments: {} })
    expect(textOf(shown)).toBe('Showing the counter, at 0.')
    expect(shown.structuredContent).toEqual({ count: 0 })
  })

  it("the view initializes with the host, shows the tool result, and its button calls counter-increment back through the host", async () => {
    const client = await open(APPS_HOST)
    const view = runView(COUNTER_HTML)

    const [init, ...early] = view.take()
    expect(early).toEqual([])
    expect(init).toMatchObject({ jsonrpc: '2.0', method: 'ui/initialize', params: { protocolVersion: '2026-01-26', appInfo: { name: 'everything-counter' }, appCapabilities: { availableDisplayModes: ['inline', 'fullscreen', 'pip'] } } })
    expect(view.targets).toEqual(['*'])
    view.deliver({ jsonrpc: '2.0', id: init!.id!, result: { protocolVersion: '2026-01-26', hostInfo: { name: 'test-host', version: '1.0.0' }, hostCapabilities: { serverTools: {} }, hostContext: { theme: 'dark' } } })
    await flush()
    expect(view.take()).toEqual([
      { jsonrpc: '2.0', method: 'ui/notifications/initialized', params: {} },
      { jsonrpc: '2.0', method: 'ui/notifications/size-changed', params: { width: 320, height: 96 } },
    ])
    expect(view.documentElement.style.colorScheme).toBe('dark')
    expect(view.elements.increment.disabled).toBe(false)
    // This host offers no full screen and takes no files: those buttons stay hidden.
    expect(view.elements.fullscreen.hidden).toBe(true)
    expect(view.elements.export.hidden).toBe(true)
    expect(view.elements.suggest.hidden).toBe(true)

    // The model's call, whose input and result the host passes on to the view.
    const shown = await request(client, 'tools/call', { name: 'show-counter', arguments: {} })
    view.deliver({ jsonrpc: '2.0', method: 'ui/notifications/tool-input', params: { arguments: {} } })
    view.deliver({ jsonrpc: '2.0', method: 'ui/notifications/tool-result', params: shown })
    expect(view.elements.count.textContent).toBe('0')

    view.elements.increment.click()
    const [call] = view.take()
    expect(call).toMatchObject({ jsonrpc: '2.0', method: 'tools/call', params: { name: 'counter-increment', arguments: { by: 1 } } })
    expect(view.elements.increment.disabled).toBe(true)
    // The host forwards a view's call only to a tool whose visibility includes 'app'.
    const { tools } = (await request(client, 'tools/list')) as { tools: Tool[] }
    expect((tools.find((t) => t.name === call!.params!.name)?._meta?.ui as { visibility: string[] }).visibility).toContain('app')
    const answer = await request(client, 'tools/call', call!.params!)
    view.deliver({ jsonrpc: '2.0', id: call!.id!, result: answer })
    await flush()
    expect(view.elements.count.textContent).toBe('1')
    expect(view.elements.increment.disabled).toBe(false)
    expect(view.elements.status.textContent).toBe('Ready.')
    // This host takes no model context (no hostCapabilities.updateModelContext): the view sends none.
    expect(view.take()).toEqual([])
  })

  it('the view tells the model its count, asks for full screen and to be closed — when the host offers them — and takes the host’s styles', async () => {
    const view = runView(COUNTER_HTML)
    const [init] = view.take()
    const hostContext = { theme: 'light', displayMode: 'inline', availableDisplayModes: ['inline', 'fullscreen'], styles: { variables: { '--color-text-primary': '#123456', 'color: red; --x': 'injected' } } }
    view.deliver({ jsonrpc: '2.0', id: init!.id!, result: { protocolVersion: '2026-01-26', hostInfo: { name: 'test-host', version: '1.0.0' }, hostCapabilities: { serverTools: {}, updateModelContext: { text: {}, structuredContent: {} }, downloadFile: {}, sampling: {} }, hostContext } })
    await flush()
    view.take()
    // Only CSS custom property names are applied.
    expect(view.documentElement.properties).toEqual({ '--color-text-primary': '#123456' })
    expect(view.elements.fullscreen.hidden).toBe(false)
    // This host offers no picture-in-picture.
    expect(view.elements.float.hidden).toBe(true)

    view.elements.increment.click()
    const [call] = view.take()
    view.deliver({ jsonrpc: '2.0', id: call!.id!, result: { content: [{ type: 'text', text: 'At 7.' }], structuredContent: { count: 7 } } })
    await flush()
    const [context] = view.take()
    expect(context).toMatchObject({ jsonrpc: '2.0', method: 'ui/update-model-context', params: { content: [{ type: 'text', text: 'The counter view shows 7.' }], structuredContent: { count: 7 } } })

    view.elements.fullscreen.click()
    const [display] = view.take()
    expect(display).toMatchObject({ method: 'ui/request-display-mode', params: { mode: 'fullscreen' } })
    view.deliver({ jsonrpc: '2.0', id: display!.id!, result: { mode: 'fullscreen' } })
    await flush()
    expect(view.elements.fullscreen.textContent).toBe('Exit full screen')
    view.deliver({ jsonrpc: '2.0', method: 'ui/notifications/host-context-changed', params: { displayMode: 'inline' } })
    expect(view.elements.fullscreen.textContent).toBe('Full screen')

    // The count as a file, handed to the host to save.
    expect(view.elements.export.hidden).toBe(false)
    view.elements.export.click()
    const [download] = view.take()
    expect(download).toMatchObject({ method: 'ui/download-file', params: { contents: [{ type: 'resource', resource: { uri: 'file:///counter.json', mimeType: 'application/json', text: '{"count":7}' } }] } })
    view.deliver({ jsonrpc: '2.0', id: download!.id!, result: { isError: true } })
    await flush()
    expect(view.elements.status.textContent).toBe('Export cancelled.')

    // It asks the host's model for a goal, and shows the answer.
    view.elements.suggest.click()
    const [sample] = view.take()
    expect(sample).toMatchObject({ method: 'sampling/createMessage', params: { messages: [{ role: 'user', content: { type: 'text', text: 'Suggest a goal for the counter, now at 7.' } }], maxTokens: 50 } })
    view.deliver({ jsonrpc: '2.0', id: sample!.id!, result: { role: 'assistant', content: { type: 'text', text: 'Count to 10.' }, model: 'm' } })
    await flush()
    expect(view.elements.status.textContent).toBe('The model says: Count to 10.')

    view.elements.done.click()
    expect(view.take()).toEqual([{ jsonrpc: '2.0', method: 'ui/notifications/request-teardown', params: {} }])
  })

  it('the view answers ping and ui/resource-teardown, refuses unknown requests with -32601, and ignores messages not from its host', async () => {
    const view = runView(COUNTER_HTML)
    const [init] = view.take()
    view.deliver({ jsonrpc: '2.0', id: init!.id!, result: { protocolVersion: '2026-01-26', hostInfo: { name: 'test-host', version: '1.0.0' }, hostCapabilities: {}, hostContext: {} } })
    await flush()
    view.take()

    view.deliver({ jsonrpc: '2.0', id: 'p1', method: 'ping', params: {} })
    view.deliver({ jsonrpc: '2.0', id: 'x1', method: 'ui/unknown', params: {} })
    view.deliver({ jsonrpc: '2.0', id: 'p2', method: 'ping', params: {} }, { some: 'other window' })
    view.deliver({ jsonrpc: '2.0', id: 'c1', method: 'toString', params: {} })
    view.deliver({ jsonrpc: '2.0', method: 'ui/notifications/tool-cancelled', params: { reason: 'user stopped it' } })
    expect(view.elements.status.textContent).toBe('Cancelled: user stopped it')
    view.deliver({ jsonrpc: '2.0', id: 't1', method: 'ui/resource-teardown', params: { reason: 'closed' } })
    expect(view.take()).toEqual([
      { jsonrpc: '2.0', id: 'p1', result: {} },
      { jsonrpc: '2.0', id: 'x1', error: { code: -32601, message: 'Method not found: ui/unknown' } },
      { jsonrpc: '2.0', id: 'c1', error: { code: -32601, message: 'Method not found: toString' } },
      // Before its answer, a log line saying what it ends at (the host keeps it for debugging).
      { jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', logger: 'everything-counter', data: 'torn down at - (closed)' } },
      { jsonrpc: '2.0', id: 't1', result: {} },
    ])
    expect(view.elements.increment.disabled).toBe(true)
  })
})
