// Express 5 in front of createMcpHandler through toNodeHandler, over real HTTP on 127.0.0.1: our
// Client in both eras (initialize or 2026-07-28 requests), a body express.json() already parsed,
// a mount path Express strips from req.url, and the security defaults (Host/Origin, body size) —
// then the README's express.ts example run as its own process.
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Client } from '@plugboard/client'
import { McpServer } from '@plugboard/server'
import { createMcpHandler, toNodeHandler, type McpHandler, type McpHandlerOptions } from '@plugboard/transport-http'
import express, { type Express } from 'express'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as z from 'zod'
import { ERAS, INITIALIZE, POST_HEADERS, connect, expectNoLeaks, rawPost, resourceCounts, runExample, textOf } from './helpers.js'

interface Running {
  url: string
  handler: McpHandler
  http: Server
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
    r.http.closeAllConnections()
    await new Promise<void>((resolve) => r.http.close(() => resolve()))
  }
  await expectNoLeaks(baseline)
})

function mcpServer(): McpServer {
  const server = new McpServer({ name: 'express-test', version: '1.0.0' })
  server.registerTool('add', { inputSchema: { a: z.number(), b: z.number() } }, ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }] }))
  return server
}

/** An Express app on 127.0.0.1, port 0; `mount` puts the MCP handler on it. */
async function start(mount: (app: Express, handler: McpHandler) => void, options: McpHandlerOptions = {}): Promise<Running> {
  const handler = createMcpHandler(mcpServer(), { path: '/mcp', ...options })
  const app = express()
  mount(app, handler)
  const http = await new Promise<Server>((resolve) => {
    const listening: Server = app.listen(0, '127.0.0.1', () => resolve(listening))
  })
  const r = { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`, handler, http }
  running.push(r)
  return r
}

async function listAndCall(url: string, mode: (typeof ERAS)[number]): Promise<void> {
  const client = await connect(url, mode)
  clients.push(client)
  expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['add'])
  expect(textOf(await client.callTool({ name: 'add', arguments: { a: 2, b: 40 } }))).toBe('42')
}

describe.each(ERAS)('Express with a %s client', (mode) => {
  it('serves initialize or discovery, tools/list and tools/call on app.all() after express.json() parsed the body', async () => {
    const parsed: boolean[] = []
    const { url } = await start((app, handler) => {
      app.use(express.json())
      app.use((req, _res, next) => {
        if (req.method === 'POST') parsed.push(req.body !== undefined && req.readableEnded)
        next()
      })
      app.all('/mcp', toNodeHandler(handler))
    })
    await listAndCall(url, mode)
    // Every POST reached the handler with its body already read by express.json().
    expect(parsed.length).toBeGreaterThan(0)
    expect(parsed.every(Boolean)).toBe(true)
  })

  it('serves under app.use("/mcp"), where Express strips the mount path from req.url', async () => {
    const { url } = await start((app, handler) => app.use('/mcp', toNodeHandler(handler)))
    await listAndCall(url, mode)
  })
})

describe('Express: the security defaults still apply', () => {
  const mountJson = (app: Express, handler: McpHandler) => {
    app.use(express.json())
    app.all('/mcp', toNodeHandler(handler))
  }

  it('refuses a foreign Origin and a foreign Host on a loopback listener with 403', async () => {
    const { url } = await start(mountJson)
    const origin = await fetch(url, { method: 'POST', headers: { ...POST_HEADERS, origin: 'https://evil.example' }, body: INITIALIZE })
    expect(origin.status).toBe(403)
    expect(await origin.json()).toMatchObject({ error: { message: expect.stringContaining('Origin https://evil.example') } })
    const host = await rawPost(url, { ...POST_HEADERS, host: 'evil.example:80' }, INITIALIZE)
    expect(host.status).toBe(403)
    expect(JSON.parse(host.body)).toMatchObject({ error: { message: expect.stringContaining('Host evil.example:80') } })
  })

  it('answers a body over maxBodyBytes with 413, whether Express parsed it first or not', async () => {
    const big = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x'.repeat(2048), version: '1' } } })
    for (const mount of [mountJson, (app: Express, handler: McpHandler) => app.all('/mcp', toNodeHandler(handler))]) {
      const { url } = await start(mount, { maxBodyBytes: 1024 })
      const response = await rawPost(url, POST_HEADERS, big)
      expect(response.status).toBe(413)
      expect(JSON.parse(response.body)).toMatchObject({ error: { message: expect.stringContaining('1024 bytes') } })
    }
  })
})

describe('the express.ts example', () => {
  it.each(ERAS)('listens where it says, serves a %s client hello, and exits 0 on SIGINT', async (mode) => {
    const example = await runExample('express.js')
    try {
      const client = await connect(example.url, mode)
      try {
        expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['hello'])
        expect(textOf(await client.callTool({ name: 'hello', arguments: {} }))).toBe('Hello from Express')
      } finally {
        await client.close()
      }
    } finally {
      expect(await example.stop()).toBe(0)
    }
  })
})
