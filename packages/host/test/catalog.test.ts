import { StdioClientTransport } from '@plugboard/transport-stdio'
import { afterEach, describe, expect, it } from 'vitest'
import { Catalog, createTransport, namespacedName, ServerManager, type CatalogEvents, type ServerManagerOptions } from '../src/index.js'
import { everythingServer, fixtureServer, GRACE_MS, isRunning } from './helpers.js'

const MODEL_NAME = /^[a-zA-Z0-9_-]{1,64}$/

describe('namespacedName', () => {
  it('joins clean names as <server>__<tool>', () => {
    expect(namespacedName('github', 'create_issue')).toBe('github__create_issue')
    expect(namespacedName('my-fs', 'read-file')).toBe('my-fs__read-file')
  })

  it('replaces characters models refuse and adds a hash of the original, so look-alikes differ', () => {
    const dotted = namespacedName('fs', 'files.read')
    const underscored = namespacedName('fs', 'files_read')
    expect(dotted).toMatch(/^fs__files_read_[0-9a-f]{6}$/)
    expect(underscored).toBe('fs__files_read')
    expect(namespacedName('my server', 'x')).toMatch(/^my_server_[0-9a-f]{6}__x$/)
    expect(namespacedName('ünï', 'çødé')).toMatch(MODEL_NAME)
  })

  it('is a pure function of server and name', () => {
    expect(namespacedName('a.b', 'c.d')).toBe(namespacedName('a.b', 'c.d'))
    expect(namespacedName('x'.repeat(80), 'y'.repeat(80))).toBe(namespacedName('x'.repeat(80), 'y'.repeat(80)))
  })

  it('truncates long names to 64 characters with a hash, keeping different long names apart', () => {
    const long = 'get_' + 'very_'.repeat(20) + 'long'
    const a = namespacedName('github', `${long}_a`)
    const b = namespacedName('github', `${long}_b`)
    expect(a).toHaveLength(64)
    expect(a).toMatch(/^github__get_very_.*_[0-9a-f]{6}$/)
    expect(a).not.toBe(b)
    const server = namespacedName('a-server-name-that-is-far-too-long-to-keep', 'tool')
    expect(server).toMatch(/^a-server-name-tha_[0-9a-f]{6}__tool$/)
  })

  it('never lets names of different servers collide, whatever their tools are called', () => {
    expect(namespacedName('x__y', 'z')).not.toBe(namespacedName('x', 'y__z'))
    expect(namespacedName('a_', '_b')).not.toBe(namespacedName('a', '__b'))
    expect(namespacedName('a', '_b')).not.toBe(namespacedName('a_', 'b'))
  })

  it('gives model-valid, unique names over a thousand awkward (server, tool) pairs', () => {
    const pieces = ['a', 'a_', '_a', 'a__b', 'a.b', 'a b', 'é', '', '-', '__', 'x'.repeat(70), 'tool/with/slashes', 'get_very_long_'.repeat(6)]
    const names = new Map<string, string>()
    for (const server of pieces.filter(Boolean)) {
      for (const tool of pieces) {
        for (const suffix of ['', '1', '.']) {
          const name = namespacedName(server, tool + suffix)
          expect(name, `${server} / ${tool + suffix}`).toMatch(MODEL_NAME)
          const key = JSON.stringify([server, tool + suffix])
          expect(names.get(name) ?? key, `${name} is given to two pairs`).toBe(key)
          names.set(name, key)
        }
      }
    }
    expect(names.size).toBe(12 * 13 * 3)
  })
})

describe('Catalog over real servers', () => {
  let manager: ServerManager
  let catalog: Catalog
  const spawned: StdioClientTransport[] = []

  async function open(servers: ServerManagerOptions['servers'], options: Partial<ServerManagerOptions> = {}) {
    manager = new ServerManager({
      servers,
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
  }

  /** The next `changed` event of this server and kind. */
  const changed = (server: string, kind: CatalogEvents['changed']['kind']) =>
    new Promise<void>((resolve) => {
      const off = catalog.on('changed', (event) => event.server === server && event.kind === kind && (off(), resolve()))
    })

  afterEach(async () => {
    catalog?.close()
    await manager?.close()
    for (const transport of spawned.splice(0)) expect(isRunning(transport.pid!)).toBe(false)
  })

  it('resolves refresh() with the tools listed even when a tools/list_changed overtakes the first listing', async () => {
    // open() awaits catalog.refresh(): its listing is superseded 50 ms in, and must still end with the tools.
    await open({ racy: fixtureServer({ FIXTURE_LIST_RACE: '1' }) })
    expect(catalog.tools().map((t) => t.name)).toContain('racy__whoami')
  })

  it('lists every server’s tools under model-valid names that resolve back to server and tool', async () => {
    const long = 'x'.repeat(100)
    await open({ everything: everythingServer(), alpha: fixtureServer({ FIXTURE_TOOLS: `a.b,a_b,${long}` }) })
    const tools = catalog.tools()
    const names = tools.map((t) => t.name)
    expect(new Set(names).size).toBe(names.length)
    for (const name of names) expect(name).toMatch(MODEL_NAME)
    expect(names).toContain('everything__echo')
    expect(names).toContain('alpha__whoami')
    expect(names).toContain('alpha__a_b')
    // Servers in config order.
    expect(tools.findIndex((t) => t.server === 'alpha')).toBe(tools.filter((t) => t.server === 'everything').length)

    for (const original of ['a.b', 'a_b', long, 'whoami']) {
      const entry = tools.find((t) => t.server === 'alpha' && t.tool.name === original)!
      expect(catalog.resolve(entry.name)).toMatchObject({ server: 'alpha', tool: { name: original } })
    }
    expect(catalog.resolve('nobody__nothing')).toBeUndefined()
  })

  it('calls a tool by its model-facing name, and turns every failure into an isError result', async () => {
    await open({ everything: everythingServer() })
    const echo = await catalog.callTool('everything__echo', { message: 'hi' })
    expect(echo).toMatchObject({ content: [{ type: 'text', text: 'Echo: hi' }] })
    expect(echo.isError).toBeUndefined()
    expect(await catalog.callTool('everything__fail', {})).toMatchObject({ isError: true })
    expect(await catalog.callTool('nobody__nothing')).toEqual({ content: [{ type: 'text', text: 'Unknown tool "nobody__nothing".' }], isError: true })
    // A protocol error (here: -32602, the arguments are not an object the schema takes) becomes a result too.
    const result = await catalog.callTool('everything__add', { a: 'one' })
    expect(result.isError).toBe(true)
  })

  it('lists tools again when a server sends tools/list_changed', async () => {
    await open({ alpha: fixtureServer() })
    expect(catalog.resolve('alpha__extra')).toBeDefined()

    let update = changed('alpha', 'tools')
    await catalog.callTool('alpha__toggle')
    await update
    expect(catalog.resolve('alpha__extra')).toBeUndefined()
    expect(catalog.resolve('alpha__toggle')).toBeDefined()

    update = changed('alpha', 'tools')
    await catalog.callTool('alpha__toggle')
    await update
    expect(catalog.resolve('alpha__extra')).toMatchObject({ server: 'alpha', tool: { name: 'extra' } })
  })

  it('drops a crashed server’s items and lists them again, under the same names, once it is back', async () => {
    await open({ crashy: fixtureServer(), steady: everythingServer() }, { restart: { initialDelayMs: 20, jitter: 0 } })
    const before = catalog.tools().map((t) => t.name)
    const dropped = changed('crashy', 'tools')
    await catalog.callTool('crashy__crash')
    await dropped
    expect(catalog.tools().every((t) => t.server === 'steady')).toBe(true)
    expect(await catalog.callTool('crashy__whoami')).toMatchObject({ isError: true })

    const back = changed('crashy', 'tools')
    await manager.ready('crashy')
    await back
    expect(catalog.tools().map((t) => t.name).sort()).toEqual([...before].sort())
  })

  it('lists prompts, resources and resource templates with their server', async () => {
    await open({ everything: everythingServer(), alpha: fixtureServer() })
    expect(catalog.resolvePrompt('alpha__greet')).toMatchObject({ server: 'alpha', prompt: { name: 'greet' } })
    expect(catalog.prompts().some((p) => p.server === 'everything')).toBe(true)
    expect(catalog.resources().length).toBeGreaterThan(0)
    expect(catalog.resources().every((r) => r.server === 'everything')).toBe(true)
    expect(catalog.templates().map((t) => t.template.uriTemplate)).toContain('everything://items/{id}')
  })
})
