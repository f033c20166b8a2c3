// Hono on Node (@hono/node-server) in front of createMcpHandler through toHonoHandler, over real
// HTTP on 127.0.0.1: our Client in both eras, a body a middleware already read, and the security
// defaults (Host/Origin — which need the socket `c.env.incoming` carries — and body size); then the
// README's hono.ts example run as its own process.
import type { AddressInfo } from 'node:net'
import { serve, type ServerType } from '@hono/node-server'
import type { Client } from '@plugboard/client'
import { McpServer } from '@plugboard/server'
import { createMcpHandler, toHonoHandler, type McpHandler, type McpHandlerOptions } from '@plugboard/transport-http'
import { Hono } from 'hono'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as z from 'zod'
import { ERAS, INITIALIZE, POST_HEADERS, connect, expectNoLeaks, rawPost, resourceCounts, runExample, textOf } from './helpers.js'

interface Running {
  url: string
  handler: McpHandler
  http: ServerType
}

const running: Running[] = []
const clients: Client[] = []
let baseline: Record<string, number>

beforeEach(() => {
  baseline = resourceCounts()
})
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()))
  for (const r of running.splice(0)) {
    await r.handler.close()
    ;(r.http as { closeAllConnections?: () => void }).closeAllConnections?.()
    await new Promise<void>((resolve) => r.http.close(() => resolve()))
  }
  await expectNoLeaks(baseline)
})

function mcpServer(): McpServer {
  const server = new McpServer({ name: 'hono-test', version: '1.0.0' })
  server.registerTool('add', { inputSchema: { a: z.number(), b: z.number() } }, ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }] }))
  return server
}

/** A Hono app served by @hono/node-server on 127.0.0.1, port 0; `mount` puts the MCP handler on it. */
async function start(mount: (app: Hono, handler: McpHandler) => void, options: McpHandlerOptions = {}): Promise<Running> {
  const handler = createMcpHandler(mcpServer(), { path: '/mcp', ...options })
  const app = new Hono()
  mount(app, handler)
  const http = await new Promise<ServerType>((resolve) => {
    const listening = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(listening))
  })
  const r = { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`, handler, http }
  running.push(r)
  return r
}

const mountPlain = (app: Hono, handler: McpHandler) => void app.all('/mcp', toHonoHandler(handler))

async function listAndCall(url: string, mode: (typeof ERAS)[number]): Promise<void> {
  const client = await connect(url, mode)
  clients.push(client)
  expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['add'])
  expect(textOf(await client.callTool({ name: 'add', arguments: { a: 2, b: 40 } }))).toBe('42')
}

describe.each(ERAS)('Hono with a %s client', (mode) => {
  it('serves initialize or discovery, tools/list and tools/call on app.all()', async () => {
    const { url } = await start(mountPlain)
    await listAndCall(url, mode)
  })

  it('serves requests whose body a middleware read first (c.req.json())', async () => {
    const seen: string[] = []
    const { url } = await start((app, handler) => {
      app.use('/mcp', async (c, next) => {
        if (c.req.method === 'POST') seen.push(((await c.req.json()) as { method?: string }).method ?? 'response')
        await next()
      })
      app.all('/mcp', toHonoHandler(handler))
    })
    await listAndCall(url, mode)
    expect(seen).toContain('tools/call')
  })
})

describe('Hono: the security defaults still apply', () => {
  it('refuses a foreign Origin and a foreign Host on a loopback listener with 403', async () => {
    const { url } = await start(mountPlain)
    const origin = await fetch(url, { method: 'POST', headers: { ...POST_HEADERS, origin: 'https://evil.example' }, body: INITIALIZE })
    expect(origin.status).toBe(403)
    expect(await origin.json()).toMatchObject({ error: { message: expect.stringContaining('Origin https://evil.example') } })
    // Only the socket tells that the listener is on loopback: this is what c.env.incoming is read for.
    const host = await rawPost(url, { ...POST_HEADERS, host: 'evil.example:80' }, INITIALIZE)
    expect(host.status).toBe(403)
    expect(JSON.parse(host.body)).toMatchObject({ error: { message: expect.stringContaining('Host evil.example:80') } })
  })

  it('answers a body over maxBodyBytes with 413, whether a middleware read it first or not', async () => {
    const big = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x'.repeat(2048), version: '1' } } })
    const readFirst = (app: Hono, handler: McpHandler) => {
      app.use('/mcp', async (c, next) => {
        await c.req.text()
        await next()
      })
      app.all('/mcp', toHonoHandler(handler))
    }
    for (const mount of [mountPlain, readFirst]) {
      const { url } = await start(mount, { maxBodyBytes: 1024 })
      const response = await rawPost(url, POST_HEADERS, big)
      expect(response.status).toBe(413)
      expect(JSON.parse(response.body)).toMatchObject({ error: { message: expect.stringContaining('1024 bytes') } })
    }
  })
})

describe('the hono.ts example', () => {
  it.each(ERAS)('listens where it says, serves a %s client hello, and exits 0 on SIGINT', async (mode) => {
    const example = await runExample('hono.js')
    try {
      const client = await connect(example.url, mode)
      try {
        expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['hello'])
        expect(textOf(await client.callTool({ name: 'hello', arguments: {} }))).toBe('Hello from Hono')
      } finally {
        await client.close()
      }
    } finally {
      expect(await example.stop()).toBe(0)
    }
  })
})
