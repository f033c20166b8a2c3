import { InMemoryTransport } from '@plugboard/protocol/testing'
import { McpServer } from '@plugboard/server'
import { getUiCapability, registerAppTool } from '@plugboard/server/apps'
import { StdioClientTransport } from '@plugboard/transport-stdio'
import { afterEach, describe, expect, it } from 'vitest'
import { EXTENSION_ID, RESOURCE_MIME_TYPE, uiOf, visibleToApp, visibleToModel } from '@plugboard/host/apps'
import { Catalog, createTransport, ServerManager, type ServerManagerOptions } from '../src/index.js'
import { everythingServer, GRACE_MS, isRunning } from './helpers.js'

describe('uiOf, visibleToModel, visibleToApp', () => {
  const tool = (_meta?: Record<string, unknown>) => ({ _meta })

  it('reads _meta.ui and defaults visibility to model and app', () => {
    expect(uiOf(tool({ ui: { resourceUri: 'ui://a/view.html' } }))).toEqual({ resourceUri: 'ui://a/view.html', visibility: ['model', 'app'] })
    expect(uiOf(tool({ ui: { resourceUri: 'ui://a/view.html', visibility: ['app'] } }))).toEqual({ resourceUri: 'ui://a/view.html', visibility: ['app'] })
    expect(uiOf(tool())).toBeUndefined()
    expect(uiOf(tool({ other: 1 }))).toBeUndefined()
    expect(visibleToModel(tool())).toBe(true)
    expect(visibleToApp(tool())).toBe(true)
  })

  it('falls back to the deprecated flat _meta["ui/resourceUri"]', () => {
    expect(uiOf(tool({ 'ui/resourceUri': 'ui://old/view.html' }))).toEqual({ resourceUri: 'ui://old/view.html', visibility: ['model', 'app'] })
    expect(uiOf(tool({ ui: { resourceUri: 'ui://new/view.html' }, 'ui/resourceUri': 'ui://old/view.html' }))?.resourceUri).toBe('ui://new/view.html')
  })

  it('ignores a resource URI that is not ui:// and visibility entries it does not know', () => {
    expect(uiOf(tool({ ui: { resourceUri: 'https://evil.example/page.html' } }))?.resourceUri).toBeUndefined()
    expect(uiOf(tool({ 'ui/resourceUri': 'file:///etc/passwd' }))?.resourceUri).toBeUndefined()
    const odd = tool({ ui: { visibility: ['app', 'admin', 'app'] } })
    expect(uiOf(odd)?.visibility).toEqual(['app'])
    expect(visibleToModel(odd)).toBe(false)
    expect(visibleToApp(odd)).toBe(true)
    // Not an array: as if omitted.
    expect(uiOf(tool({ ui: { visibility: 'app' } }))?.visibility).toEqual(['model', 'app'])
    const modelOnly = tool({ ui: { visibility: ['model'] } })
    expect([visibleToModel(modelOnly), visibleToApp(modelOnly)]).toEqual([true, false])
  })
})

describe('MCP Apps in the ServerManager and the Catalog', () => {
  let manager: ServerManager | undefined
  let catalog: Catalog | undefined
  const spawned: StdioClientTransport[] = []

  async function open(options: Partial<ServerManagerOptions> = {}) {
    manager = new ServerManager({
      servers: { everything: everythingServer() },
      pingIntervalMs: 0,
      createTransport: (_name, config) => {
        const transport = createTransport(config, { closeGraceMs: GRACE_MS })
        if (transport instanceof StdioClientTransport) spawned.push(transport)
        return transport
      },
      ...options,
    })
    catalog = new Catalog(manager)
    await manager.start()
    await catalog.refresh()
    return { manager, catalog }
  }

  afterEach(async () => {
    catalog?.close()
    await manager?.close()
    catalog = manager = undefined
    for (const transport of spawned.splice(0)) expect(isRunning(transport.pid!)).toBe(false)
  })

  it('keeps app-only tools out of the model’s tool list and off its callable names, but lists them per server', async () => {
    const { catalog } = await open({ apps: true })
    const names = catalog.tools().map((t) => t.name)
    expect(names).toContain('everything__show-counter')
    expect(names).toContain('everything__echo')
    expect(names).not.toContain('everything__counter-increment')
    expect(catalog.resolve('everything__counter-increment')).toBeUndefined()
    expect(await catalog.callTool('everything__counter-increment', { by: 1 })).toMatchObject({ isError: true, content: [{ text: 'Unknown tool "everything__counter-increment".' }] })

    const all = catalog.serverTools('everything')
    const increment = all.find((t) => t.name === 'counter-increment')
    expect(increment && uiOf(increment)).toEqual({ resourceUri: 'ui://everything/counter.html', visibility: ['app'] })
    expect(all.length).toBe(names.length + 1)
    expect(catalog.serverTools('nobody')).toEqual([])
  })

  it('declares the MCP Apps extension only when the host renders apps, and the server answers accordingly', async () => {
    const { manager } = await open({ apps: true })
    const withApps = await manager.client('everything')!.callTool({ name: 'show-counter', arguments: {} })
    expect(withApps.content).toEqual([{ type: 'text', text: expect.stringMatching(/^Showing the counter/) }])
    await manager.close()

    const off = await open()
    const without = await off.manager.client('everything')!.callTool({ name: 'show-counter', arguments: {} })
    expect(without.content).toEqual([{ type: 'text', text: expect.stringMatching(/^The counter is at/) }])
    // App-only tools stay hidden from the model even when the host shows no views: the server meant them for a view.
    expect(off.catalog.tools().map((t) => t.name)).not.toContain('everything__counter-increment')
  })

  it('adds the app MIME type to extensions the host declares itself, keeping its other settings', async () => {
    const server = new McpServer({ name: 'caps', version: '1.0.0' })
    registerAppTool(server, 'capabilities', { _meta: { ui: { resourceUri: 'ui://caps/view.html' } } }, (_args, ctx) => ({
      content: [{ type: 'text', text: 'seen' }],
      structuredContent: { ui: getUiCapability(ctx) ?? null, other: (ctx.client.capabilities as { extensions?: Record<string, unknown> }).extensions?.['example/other'] ?? null },
    }))
    const { manager } = await open({
      servers: { caps: { transport: 'stdio', command: 'unused', args: [], env: {} } },
      apps: true,
      client: { capabilities: { extensions: { [EXTENSION_ID]: { mimeTypes: ['text/html'], flavour: 'x' }, 'example/other': { on: true } } } as never },
      createTransport: () => {
        const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
        void server.connect(serverSide)
        return clientSide
      },
    })
    const result = await manager.client('caps')!.callTool({ name: 'capabilities', arguments: {} })
    expect(result.structuredContent).toEqual({ ui: { mimeTypes: ['text/html', RESOURCE_MIME_TYPE], flavour: 'x' }, other: { on: true } })
    await server.close()
  })
})
