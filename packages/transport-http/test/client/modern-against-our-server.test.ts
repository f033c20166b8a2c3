// Our HTTP client transports on the modern wire (2026-07-28) against our own handler, over real
// HTTP on 127.0.0.1: a raw protocol Session opened with modernEra() (the high-level Client is
// becoming dual-era elsewhere), everything it sends checked against the official schema, a legacy
// session on the same endpoint at the same time, and no socket, server or timer left behind.
import { createServer } from 'node:http'
import { Client } from '@plugboard/client'
import type { AddressInfo } from 'node:net'
import { ErrorCode, McpError, Session, legacyEra, modernEra, type CallToolResult, type Transport } from '@plugboard/protocol'
import { withSchemaCheck, type SchemaCheckedTransport } from '@plugboard/protocol/testing'
import { McpServer } from '@plugboard/server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as z from 'zod'
import { HttpClientTransport, StreamableHTTPClientTransport, createMcpHandler, toNodeHandler, type McpHandler } from '../../src/index.js'
import { expectNoLeaks, resourceBaseline } from './helpers.js'

const MODERN = '2026-07-28'
const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] })
const textOf = (result: Record<string, unknown>): string => ((result as CallToolResult).content?.[0] as { text: string }).text

interface Served {
  url: string
  handler: McpHandler
  /** Every HTTP request: its method and the headers that tell the wire apart. */
  log: Array<{ method: string; mcpMethod?: string; sessionId?: string }>
  /** Reasons the `wait` tool was cancelled with. */
  cancelled: string[]
  close(): Promise<void>
}

const servers: Served[] = []
const sessions: Session[] = []
const checked: Array<SchemaCheckedTransport<Transport>> = []

async function serve(): Promise<Served> {
  const cancelled: string[] = []
  const server = new McpServer({ name: 'plugboard-modern', version: '1.0.0' })
  server.registerTool('add', { inputSchema: { a: z.number(), b: z.number() } }, ({ a, b }) => text(String(a + b)))
  server.registerTool('count', { inputSchema: { to: z.number() } }, async ({ to }, ctx) => {
    for (let i = 1; i <= to; i++) await ctx.progress(i, to)
    return text(`counted to ${to}`)
  })
  server.registerTool('route', { inputSchema: { type: 'object', properties: { region: { type: 'string', 'x-mcp-header': 'Region' } }, required: ['region'] } }, (args) => text(`routed to ${String(args.region)}`))
  server.registerTool('wait', {}, async (_args, ctx) => {
    // The abort may land before the handler starts (the client aborts as soon as it sees the request go out).
    if (!ctx.signal.aborted) await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }))
    cancelled.push(String(ctx.signal.reason))
    return text('too late')
  })
  server.registerResource('greeting', 'plugboard://greeting', { mimeType: 'text/plain' }, (uri) => ({ contents: [{ uri: uri.href, text: 'Hallo' }] }))
  const log: Served['log'] = []
  const handler = createMcpHandler(server, {
    path: '/mcp',
    onRequest: (request) => {
      const entry: Served['log'][number] = { method: request.method }
      const mcpMethod = request.headers.get('mcp-method')
      const sessionId = request.headers.get('mcp-session-id')
      if (mcpMethod !== null) entry.mcpMethod = mcpMethod
      if (sessionId !== null) entry.sessionId = sessionId
      log.push(entry)
    },
  })
  const http = createServer(toNodeHandler(handler))
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  const served: Served = {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`,
    handler,
    log,
    cancelled,
    close: async () => {
      await handler.close()
      http.closeAllConnections()
      await new Promise<void>((resolve) => http.close(() => resolve()))
    },
  }
  servers.push(served)
  return served
}

/** A raw client session opened in the modern era over `transport`, whose every message is checked against the 2026-07-28 schema. */
async function openModern(transport: Transport): Promise<Session> {
  const session = new Session({ role: 'client' })
  sessions.push(session)
  const wire = withSchemaCheck(transport, MODERN)
  checked.push(wire)
  await session.connect(wire)
  await modernEra().open(session, { clientInfo: { name: 'modern-raw', version: '1.0.0' }, capabilities: {} })
  return session
}

let baseline: Record<string, number>
beforeEach(() => {
  baseline = resourceBaseline()
})
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()))
  await Promise.all(servers.splice(0).map((s) => s.close()))
  for (const c of checked.splice(0)) expect(c.violations).toEqual([])
  await expectNoLeaks(baseline)
})

describe('a modern session over Streamable HTTP against our server', () => {
  it('discovers, lists, calls (JSON and SSE), reads, with no session id, GET stream or DELETE', async () => {
    const served = await serve()
    const session = await openModern(new StreamableHTTPClientTransport(served.url))
    expect(session.state.protocolVersion).toBe(MODERN)
    const tools = (await session.request('tools/list', {})) as { tools: Array<{ name: string }> }
    expect(tools.tools.map((t) => t.name)).toContain('route')
    expect(textOf(await session.request('tools/call', { name: 'add', arguments: { a: 2, b: 3 } }))).toBe('5')
    const progress: number[] = []
    expect(textOf(await session.request('tools/call', { name: 'count', arguments: { to: 3 } }, { onprogress: (p) => void progress.push(p.progress) }))).toBe('counted to 3')
    expect(progress).toEqual([1, 2, 3])
    const read = (await session.request('resources/read', { uri: 'plugboard://greeting' })) as { contents: Array<{ text: string }> }
    expect(read.contents[0]!.text).toBe('Hallo')
    await session.close()
    expect(served.log.map((e) => `${e.method} ${e.mcpMethod}`)).toEqual(['POST server/discover', 'POST tools/list', 'POST tools/call', 'POST tools/call', 'POST resources/read'])
    expect(served.log.filter((e) => e.sessionId !== undefined)).toEqual([])
  })

  it('mirrors x-mcp-header arguments from headerParams, and surfaces the server refusing a wrong one as HeaderMismatch', async () => {
    const served = await serve()
    const session = await openModern(new StreamableHTTPClientTransport(served.url))
    const call = (region: string, header: string) => session.request('tools/call', { name: 'route', arguments: { region } }, { headerParams: { Region: header } })
    expect(textOf(await call('eu-west 1', 'eu-west 1'))).toBe('routed to eu-west 1')
    expect(textOf(await call(' Zürich ', ' Zürich '))).toBe('routed to  Zürich ')
    const refused = await call('eu', 'us').catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(McpError)
    expect(refused).toMatchObject({ code: ErrorCode.HeaderMismatch, message: expect.stringContaining('Mcp-Param-Region') })
  })

  it('surfaces 404 and 400 answers as their JSON-RPC errors: -32601, and -32022 with the supported revisions', async () => {
    const served = await serve()
    const session = await openModern(new StreamableHTTPClientTransport(served.url))
    await expect(session.request('nope/nothing' as 'ping', {})).rejects.toMatchObject({ code: ErrorCode.MethodNotFound })
    // A method our own table does not know, so that only the server judges the revision.
    session.state.protocolVersion = '1999-01-01'
    const refused = await session.request('x-test/anything', {}).catch((e: unknown) => e)
    expect(refused).toMatchObject({ code: ErrorCode.UnsupportedProtocolVersion, data: { requested: '1999-01-01', supported: expect.arrayContaining([MODERN]) } })
    session.state.protocolVersion = MODERN
  })

  it('cancels a request by aborting its POST: the tool sees its signal fire, and no notifications/cancelled is sent', async () => {
    const served = await serve()
    const session = await openModern(new StreamableHTTPClientTransport(served.url))
    const controller = new AbortController()
    const pending = session.request('tools/call', { name: 'wait', arguments: {} }, { signal: controller.signal })
    while (served.log.length < 2) await new Promise((resolve) => setImmediate(resolve))
    controller.abort('changed my mind')
    await expect(pending).rejects.toMatchObject({ code: ErrorCode.RequestCancelled })
    while (served.cancelled.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    expect(served.cancelled[0]).toContain('closed')
    expect(textOf(await session.request('tools/call', { name: 'add', arguments: { a: 1, b: 1 } }))).toBe('2')
    expect(served.log.map((e) => e.mcpMethod)).toEqual(['server/discover', 'tools/call', 'tools/call'])
  })

  it('is what a dual-era Client (the default) settles on against our server: no initialize, no session', async () => {
    const served = await serve()
    const client = new Client({ name: 'dual-era', version: '1.0.0' })
    const transport = new StreamableHTTPClientTransport(served.url)
    await client.connect(withSchemaCheck(transport, MODERN))
    try {
      expect(textOf((await client.callTool({ name: 'route', arguments: { region: 'eu' } })) as Record<string, unknown>)).toBe('routed to eu')
      expect(transport.sessionId).toBeUndefined()
    } finally {
      await client.close()
    }
    expect(served.log[0]).toEqual({ method: 'POST', mcpMethod: 'server/discover' })
    expect(served.log.every((e) => e.method === 'POST' && e.mcpMethod !== undefined && e.sessionId === undefined)).toBe(true)
  })

  it('works through HttpClientTransport too, beside a legacy session on the same endpoint', async () => {
    const served = await serve()
    const legacy = new Session({ role: 'client' })
    sessions.push(legacy)
    const legacyTransport = new StreamableHTTPClientTransport(served.url)
    await legacy.connect(legacyTransport)
    await legacyEra.open(legacy, { clientInfo: { name: 'legacy-raw', version: '1.0.0' }, capabilities: {} })
    expect(legacyTransport.sessionId).toBeDefined()

    const transport = new HttpClientTransport(served.url)
    const session = await openModern(transport)
    expect(textOf(await session.request('tools/call', { name: 'add', arguments: { a: 20, b: 22 } }))).toBe('42')
    expect(textOf(await legacy.request('tools/call', { name: 'add', arguments: { a: 1, b: 2 } }))).toBe('3')
    expect(transport.kind).toBe('streamable')
    expect(transport.sessionId).toBeUndefined()
    const modernPosts = served.log.filter((e) => e.mcpMethod !== undefined)
    expect(modernPosts.map((e) => e.mcpMethod)).toEqual(['server/discover', 'tools/call'])
  })
})
