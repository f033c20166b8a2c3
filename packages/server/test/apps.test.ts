import { afterEach, describe, expect, it } from 'vitest'
import * as z from 'zod'
import { McpServer } from '../src/index.js'
import {
  EXTENSION_ID,
  RESOURCE_MIME_TYPE,
  RESOURCE_URI_META_KEY,
  apps,
  clientSupportsApps,
  getUiCapability,
  registerAppResource,
  registerAppTool,
} from '../src/apps/index.js'
import { ERAS, closeAll, connect } from './harness.js'

// MCP Apps (SEP-1865), server side: tools name a ui:// resource in _meta.ui, the resource is served
// with the MCP App MIME type and its _meta.ui, the extension is declared, and a tool can tell a
// client that renders apps from one that does not. Every message the server sends is checked
// against the official schema of the revision in force (closeAll).
// https://github.com/modelcontextprotocol/ext-apps/blob/main/specification/2026-01-26/apps.mdx

afterEach(closeAll)

const VIEW = 'ui://counter/view.html'
const HTML = '<!DOCTYPE html><html><body><button id="more">+1</button></body></html>'
const UI_META = { csp: { connectDomains: ['https://api.example.com'], resourceDomains: ['https://cdn.example.com'] }, permissions: { clipboardWrite: {} }, domain: 'counter.example.com', prefersBorder: true }
const APPS_CLIENT = { extensions: { [EXTENSION_ID]: { mimeTypes: [RESOURCE_MIME_TYPE] } } }

/** A counter app: a tool the model calls that shows the view, and a tool only the view calls. */
function counterServer(): { server: McpServer; seen: boolean[] } {
  const server = new McpServer({ name: 'counter', version: '1.0.0' })
  const seen: boolean[] = []
  let count = 0
  registerAppTool(
    server,
    'show-counter',
    { description: 'Shows a counter the user can click', _meta: { ui: { resourceUri: VIEW } } },
    (_args, ctx) => {
      const apps = clientSupportsApps(ctx)
      seen.push(apps)
      return { content: [{ type: 'text', text: apps ? `Showing the counter (at ${count}).` : `The count is ${count}.` }], structuredContent: { count } }
    },
  )
  registerAppTool(
    server,
    'increment',
    { description: 'Adds to the counter', inputSchema: { by: z.number().int() }, _meta: { ui: { resourceUri: VIEW, visibility: ['app'] } } },
    ({ by }) => {
      count += by
      return { content: [{ type: 'text', text: `The count is ${count}.` }], structuredContent: { count } }
    },
  )
  registerAppResource(server, 'Counter', VIEW, { description: 'The counter view', _meta: { ui: UI_META } }, (uri) => ({ contents: [{ uri: uri.href, text: HTML }] }))
  return { server, seen }
}

describe.each(ERAS)('MCP Apps (%s)', (protocolVersion) => {
  it('declares io.modelcontextprotocol/ui in the server capabilities', async () => {
    const { hello } = await connect(counterServer().server, { protocolVersion })
    expect((hello.capabilities as { extensions?: unknown }).extensions).toEqual({ [EXTENSION_ID]: {} })
    expect(hello.capabilities).toMatchObject({ tools: {}, resources: {} })
  })

  it('lists the tools with _meta.ui (resourceUri, visibility) and the deprecated flat key; an app-only tool is listed for the host to filter', async () => {
    const { client } = await connect(counterServer().server, { protocolVersion, capabilities: APPS_CLIENT })
    const { tools } = await client.request('tools/list', {})
    const show = tools.find((t) => t.name === 'show-counter')
    const increment = tools.find((t) => t.name === 'increment')
    expect(show?._meta).toEqual({ ui: { resourceUri: VIEW }, [RESOURCE_URI_META_KEY]: VIEW })
    // The spec puts the filtering on the host ("Host MUST NOT include tools in the agent's tool list…"):
    // the server lists the tool, with the visibility the host acts on.
    expect(increment?._meta).toEqual({ ui: { resourceUri: VIEW, visibility: ['app'] }, [RESOURCE_URI_META_KEY]: VIEW })
  })

  it('serves the ui:// resource: listed with the MCP App MIME type and _meta.ui, read as HTML with both on the content item', async () => {
    const { client } = await connect(counterServer().server, { protocolVersion, capabilities: APPS_CLIENT })
    const { resources } = await client.request('resources/list', {})
    expect(resources).toEqual([{ uri: VIEW, name: 'Counter', description: 'The counter view', mimeType: RESOURCE_MIME_TYPE, _meta: { ui: UI_META } }])
    const { contents } = await client.request('resources/read', { uri: VIEW })
    expect(contents).toEqual([{ uri: VIEW, mimeType: 'text/html;profile=mcp-app', text: HTML, _meta: { ui: UI_META } }])
  })

  it('a view calls an app-only tool through tools/call like any other', async () => {
    const { client } = await connect(counterServer().server, { protocolVersion, capabilities: APPS_CLIENT })
    const result = await client.request('tools/call', { name: 'increment', arguments: { by: 2 } })
    expect(result).toMatchObject({ content: [{ type: 'text', text: 'The count is 2.' }] })
    if (protocolVersion !== '2025-03-26') expect(result.structuredContent).toEqual({ count: 2 })
  })

  it('a tool tells a client that renders apps from one that does not, and answers the latter with text alone', async () => {
    const { server, seen } = counterServer()
    const withUi = await connect(server, { protocolVersion, capabilities: APPS_CLIENT })
    const without = await connect(server, { protocolVersion })
    const other = await connect(server, { protocolVersion, capabilities: { extensions: { [EXTENSION_ID]: { mimeTypes: ['text/uri-list'] } } } })
    const shown = await withUi.client.request('tools/call', { name: 'show-counter', arguments: {} })
    const plain = await without.client.request('tools/call', { name: 'show-counter', arguments: {} })
    await other.client.request('tools/call', { name: 'show-counter', arguments: {} })
    expect(seen).toEqual([true, false, false])
    expect(shown.content).toEqual([{ type: 'text', text: 'Showing the counter (at 0).' }])
    expect(plain.content).toEqual([{ type: 'text', text: 'The count is 0.' }])
  })
})

describe('registerAppTool()', () => {
  it('reads the deprecated flat ui/resourceUri key and writes _meta.ui.resourceUri from it', async () => {
    const server = new McpServer({ name: 'legacy-meta', version: '1.0.0' })
    registerAppTool(server, 'old', { _meta: { [RESOURCE_URI_META_KEY]: VIEW, 'com.example/x': 1 } }, () => ({ content: [] }))
    const { client } = await connect(server)
    const { tools } = await client.request('tools/list', {})
    expect(tools[0]?._meta).toEqual({ ui: { resourceUri: VIEW }, [RESOURCE_URI_META_KEY]: VIEW, 'com.example/x': 1 })
  })

  it('refuses a config without a UI, a resource URI that is not ui://, and a visibility outside model/app, with TypeErrors', () => {
    const server = new McpServer({ name: 'bad', version: '1.0.0' })
    const ok = () => ({ content: [] })
    expect(() => registerAppTool(server, 'a', { _meta: {} } as never, ok)).toThrow(TypeError)
    expect(() => registerAppTool(server, 'b', { _meta: { ui: { resourceUri: 'https://example.com/view.html' } } }, ok)).toThrow(/ui:\/\//)
    expect(() => registerAppTool(server, 'c', { _meta: { [RESOURCE_URI_META_KEY]: 'view.html' } }, ok)).toThrow(TypeError)
    expect(() => registerAppTool(server, 'd', { _meta: { ui: { resourceUri: VIEW, visibility: ['user' as 'app'] } } }, ok)).toThrow(/visibility/)
    expect(() => registerAppTool(server, 'e', { _meta: { ui: { visibility: [] } } }, ok)).toThrow(/visibility/)
    expect(() => registerAppTool(server, 'f', { _meta: { ui: 'ui://x' as never } }, ok)).toThrow(/_meta\.ui must be an object/)
    expect(() => registerAppTool(server, 'g', { _meta: { ui: { resourceUri: VIEW, csp: { connectDomains: ['https://x.example'] } } as never } }, ok)).toThrow(/csp belongs on the ui:\/\/ resource/)
    expect(['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((name) => server.getTool(name))).toEqual(Array(7).fill(undefined))
  })

  it('a tool with visibility alone (no view of its own) is accepted', () => {
    const server = new McpServer({ name: 'vis', version: '1.0.0' })
    registerAppTool(server, 'refresh', { _meta: { ui: { visibility: ['app'] } } }, () => ({ content: [] }))
    expect(server.getTool('refresh')).toBeDefined()
  })
})

describe('registerAppResource()', () => {
  it('refuses a URI that is not ui:// with a TypeError, and declares nothing for what it refused', async () => {
    const server = new McpServer({ name: 'bad', version: '1.0.0' })
    expect(() => registerAppResource(server, 'View', 'https://example.com/view.html', {}, () => ({ contents: [] }))).toThrow(TypeError)
    expect(() => registerAppResource(server, 'View', 'not a uri', {}, () => ({ contents: [] }))).toThrow(/ui:\/\//)
    expect((await connect(server)).hello.capabilities).not.toHaveProperty('extensions')
  })

  it("keeps a content item's own mimeType and _meta.ui over the listed ones, and lists no _meta when none is given", async () => {
    const server = new McpServer({ name: 'own', version: '1.0.0' })
    registerAppResource(server, 'Plain', 'ui://plain', {}, (uri) => ({ contents: [{ uri: uri.href, text: HTML }] }))
    registerAppResource(server, 'Own', 'ui://own', { _meta: { ui: { prefersBorder: true } } }, (uri) => ({
      contents: [{ uri: uri.href, mimeType: RESOURCE_MIME_TYPE, blob: Buffer.from(HTML).toString('base64'), _meta: { ui: { prefersBorder: false }, 'com.example/rev': 3 } }],
    }))
    const { client } = await connect(server, { protocolVersion: '2026-07-28' })
    const { resources } = await client.request('resources/list', {})
    expect(resources.find((r) => r.uri === 'ui://plain')).toEqual({ uri: 'ui://plain', name: 'Plain', mimeType: RESOURCE_MIME_TYPE })
    expect((await client.request('resources/read', { uri: 'ui://plain' })).contents).toEqual([{ uri: 'ui://plain', mimeType: RESOURCE_MIME_TYPE, text: HTML }])
    const [own] = (await client.request('resources/read', { uri: 'ui://own' })).contents
    expect(own?._meta).toEqual({ ui: { prefersBorder: false }, 'com.example/rev': 3 })
  })
})

describe('declaring the extension', () => {
  it('installs it once, whether apps() was given as an option or the helpers installed it', async () => {
    const given = new McpServer({ name: 'given', version: '1.0.0' }, { extensions: [apps()] })
    registerAppResource(given, 'View', VIEW, {}, (uri) => ({ contents: [{ uri: uri.href, text: HTML }] }))
    registerAppTool(given, 'show', { _meta: { ui: { resourceUri: VIEW } } }, () => ({ content: [{ type: 'text', text: 'shown' }] }))
    expect((await connect(given)).hello.capabilities).toMatchObject({ extensions: { [EXTENSION_ID]: {} } })

    const bare = new McpServer({ name: 'bare', version: '1.0.0' })
    registerAppTool(bare, 'show', { _meta: { ui: { resourceUri: VIEW } } }, () => ({ content: [] }))
    registerAppTool(bare, 'again', { _meta: { ui: { resourceUri: VIEW } } }, () => ({ content: [] }))
    expect((await connect(bare, { protocolVersion: '2026-07-28' })).hello.capabilities).toMatchObject({ extensions: { [EXTENSION_ID]: {} } })
  })

  it('a server without app tools declares nothing', async () => {
    const server = new McpServer({ name: 'plain', version: '1.0.0' })
    server.registerTool('echo', {}, () => ({ content: [] }))
    expect((await connect(server)).hello.capabilities).not.toHaveProperty('extensions')
  })
})

describe('getUiCapability() / clientSupportsApps()', () => {
  it('read a ClientCapabilities object as the official helper does, as well as a handler context', () => {
    expect(getUiCapability(APPS_CLIENT)).toEqual({ mimeTypes: [RESOURCE_MIME_TYPE] })
    expect(getUiCapability({ client: { info: undefined, capabilities: APPS_CLIENT } })).toEqual({ mimeTypes: [RESOURCE_MIME_TYPE] })
    expect(getUiCapability({})).toBeUndefined()
    expect(getUiCapability(null)).toBeUndefined()
    expect(getUiCapability({ extensions: { [EXTENSION_ID]: true } } as never)).toBeUndefined()
    expect(clientSupportsApps(APPS_CLIENT)).toBe(true)
    expect(clientSupportsApps({ extensions: { [EXTENSION_ID]: {} } })).toBe(false)
    expect(clientSupportsApps({ extensions: { [EXTENSION_ID]: { mimeTypes: 'text/html;profile=mcp-app' } } })).toBe(false)
    expect(clientSupportsApps(undefined)).toBe(false)
  })
})
