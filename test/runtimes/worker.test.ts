// The README's fetch-runtime example (apps/examples/http-quickstart/src/worker.ts), bundled from the
// built packages the way a Workers or browser bundler would — with no settings of ours — then run
// in workerd (Cloudflare's runtime, through miniflare) and on Node, each time serving a real MCP
// exchange to our Client in both eras. The bundle must not import a `node:*` module or undici.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { serve, type ServerType } from '@hono/node-server'
import type { Client } from '@plugboard/client'
import type { FetchLike } from '@plugboard/transport-http'
import { build, type BuildOptions, type Metafile } from 'esbuild'
import { Miniflare } from 'miniflare'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ERAS, connect, exampleDir, expectNoLeaks, resourceCounts, textOf } from './helpers.js'

// What wrangler asks of esbuild for a Worker, and what a browser bundle (Vite, webpack) asks.
const TARGETS: Record<string, BuildOptions> = {
  workerd: { platform: 'neutral', conditions: ['workerd', 'worker', 'browser'], mainFields: ['browser', 'module', 'main'] },
  browser: { platform: 'browser' },
}

interface Bundle {
  code: string
  metafile: Metafile
}

async function bundle(target: BuildOptions): Promise<Bundle> {
  const result = await build({ ...target, entryPoints: [`${exampleDir}/src/worker.ts`], bundle: true, format: 'esm', write: false, metafile: true, logLevel: 'silent' })
  return { code: result.outputFiles[0]!.text, metafile: result.metafile }
}

/** Every module a bundle took in or imports, by the path it was asked for. */
const importedPaths = ({ metafile }: Bundle) => [...Object.values(metafile.inputs).flatMap((input) => input.imports.map((i) => i.path)), ...Object.values(metafile.outputs).flatMap((o) => o.imports.map((i) => i.path))]

const bundles = new Map<string, Bundle>()
let baseline: Record<string, number>
beforeAll(async () => {
  baseline = resourceCounts()
  for (const [name, target] of Object.entries(TARGETS)) bundles.set(name, await bundle(target))
})
// After every describe's own cleanup: no workerd process, server or socket outlives the file.
afterAll(() => expectNoLeaks(baseline))

describe.each(Object.keys(TARGETS))('the worker example bundled for %s', (name) => {
  it('imports no node:* module and leaves undici out', () => {
    const b = bundles.get(name)!
    expect(importedPaths(b).filter((path) => path.startsWith('node:'))).toEqual([])
    expect(Object.keys(b.metafile.inputs).filter((file) => /[/\\]undici[/\\]/.test(file))).toEqual([])
    // Nor in the code: a static, dynamic or CommonJS import of a node: module.
    expect(b.code).not.toMatch(/\bfrom\s*["']node:|\bimport\s*\(\s*["']node:|\brequire\s*\(\s*["']node:/)
    // It did take in the client-side stand-in, so the check above is about the real graph.
    expect(Object.keys(b.metafile.inputs).some((file) => file.endsWith('transport-http/dist/client/no-undici.js'))).toBe(true)
  })
})

describe('in workerd (miniflare)', () => {
  let mf: Miniflare | undefined
  const clients: Client[] = []
  // Miniflare's dispatchFetch carries each request into workerd over its loopback socket.
  const viaWorkerd: FetchLike = (input, init) => mf!.dispatchFetch(String(input), init as never) as unknown as Promise<Response>

  beforeAll(async () => {
    // No nodejs_compat flag: the bundle must stand on the Workers runtime alone.
    const runtime = new Miniflare({ modules: true, script: bundles.get('workerd')!.code, compatibilityDate: '2026-01-01' })
    // A bundle workerd refuses (e.g. module-scope work it forbids) fails here, with workerd's reason.
    await runtime.ready.catch(async (error: unknown) => {
      await runtime.dispose().catch(() => {})
      throw error
    })
    mf = runtime
  })
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()))
  })
  afterAll(async () => {
    await mf?.dispose()
  })

  it.each(ERAS)('serves a %s client: tools/list, then tools/call hello', async (mode) => {
    const client = await connect('http://127.0.0.1/mcp', mode, viaWorkerd)
    clients.push(client)
    expect(client.getNegotiatedProtocolVersion()).toBe(mode === 'modern' ? '2026-07-28' : '2025-11-25')
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['hello'])
    expect(textOf(await client.callTool({ name: 'hello', arguments: {} }))).toBe('Hello from the edge')
  })

  it('answers a request to another path with 404 and a JSON-RPC error body', async () => {
    const response = await mf!.dispatchFetch('http://127.0.0.1/elsewhere', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    expect(response.status).toBe(404)
    expect(await response.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32600 } })
  })
})

describe('the same bundle on Node (served by @hono/node-server)', () => {
  let dir: string
  let http: ServerType
  let url: string
  const clients: Client[] = []

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plugboard-worker-'))
    writeFileSync(join(dir, 'worker.mjs'), bundles.get('workerd')!.code)
    const worker = (await import(pathToFileURL(join(dir, 'worker.mjs')).href)) as { default: { fetch: (request: Request) => Promise<Response> } }
    await new Promise<void>((resolve) => {
      http = serve({ fetch: worker.default.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve())
    })
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`
  })
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()))
  })
  afterAll(async () => {
    if (http) {
      ;(http as { closeAllConnections?: () => void }).closeAllConnections?.()
      await new Promise<void>((resolve) => http.close(() => resolve()))
    }
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it.each(ERAS)('serves a %s client over real HTTP: tools/list, then tools/call hello', async (mode) => {
    const client = await connect(url, mode)
    clients.push(client)
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['hello'])
    expect(textOf(await client.callTool({ name: 'hello', arguments: {} }))).toBe('Hello from the edge')
  })
})
