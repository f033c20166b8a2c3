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
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ERAS, connect, exampleDir, expectNoLeaks, resourceCounts, textOf } from './helpers.js'
import { NODE_IMPORT_IN_CODE, WORKER_TARGETS, bundleWorker, importedPaths, startWorkerd, undiciInputs, type WorkerBundle, type Workerd } from './workerd.js'

const bundles = new Map<string, WorkerBundle>()
let baseline: Record<string, number>
beforeAll(async () => {
  baseline = resourceCounts()
  for (const [name, target] of Object.entries(WORKER_TARGETS)) bundles.set(name, await bundleWorker(`${exampleDir}/src/worker.ts`, target))
})
// After every describe's own cleanup: no workerd process, server or socket outlives the file.
afterAll(() => expectNoLeaks(baseline))

describe.each(Object.keys(WORKER_TARGETS))('the worker example bundled for %s', (name) => {
  it('imports no node:* module and leaves undici out', () => {
    const b = bundles.get(name)!
    expect(importedPaths(b).filter((path) => path.startsWith('node:'))).toEqual([])
    expect(undiciInputs(b)).toEqual([])
    // Nor in the code: a static, dynamic or CommonJS import of a node: module.
    expect(b.code).not.toMatch(NODE_IMPORT_IN_CODE)
    // It did take in the client-side stand-in, so the check above is about the real graph.
    expect(Object.keys(b.metafile.inputs).some((file) => file.endsWith('transport-http/dist/client/no-undici.js'))).toBe(true)
  })
})

describe('in workerd (miniflare)', () => {
  let workerd: Workerd | undefined
  const clients: Client[] = []

  beforeAll(async () => {
    workerd = await startWorkerd(bundles.get('workerd')!.code)
  })
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()))
  })
  afterAll(async () => {
    await workerd?.dispose()
  })

  it.each(ERAS)('serves a %s client: tools/list, then tools/call hello', async (mode) => {
    const client = await connect('http://127.0.0.1/mcp', mode, workerd!.fetch)
    clients.push(client)
    expect(client.getNegotiatedProtocolVersion()).toBe(mode === 'modern' ? '2026-07-28' : '2025-11-25')
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['hello'])
    expect(textOf(await client.callTool({ name: 'hello', arguments: {} }))).toBe('Hello from the edge')
  })

  it('answers a request to another path with 404 and a JSON-RPC error body', async () => {
    const response = await workerd!.dispatchFetch('http://127.0.0.1/elsewhere', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
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
