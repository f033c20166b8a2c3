// Our HTTP client transports against our own server side (createMcpHandler + toNodeHandler) over
// real HTTP on 127.0.0.1: the whole feature set in SSE and JSON modes, a stream the server closes
// for polling and one whose socket dies mid-call — both resumed with nothing lost or duplicated —
// session expiry, DELETE on close, and the legacy HTTP+SSE endpoint. Every test ends with no
// socket, server or timer left.
import { createServer, type ServerResponse } from 'node:http'
import { Client } from '@plugboard/client'
import { ErrorCode, McpError, type CallToolResult } from '@plugboard/protocol'
import { withSchemaCheck } from '@plugboard/protocol/testing'
import { McpServer } from '@plugboard/server'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as z from 'zod'
import {
  HttpClientTransport,
  SSEClientTransport,
  StreamableHTTPClientTransport,
  createMcpHandler,
  toNodeHandler,
  type McpHandler,
  type McpHandlerOptions,
} from '../../src/index.js'
import { expectNoLeaks, resourceBaseline } from './helpers.js'

const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] })
const textOf = (result: CallToolResult): string => (result.content?.[0] as { text: string }).text

interface Served {
  url: string
  server: McpServer
  handler: McpHandler
  /** Every HTTP request: method and the headers that matter here. */
  log: { method: string; path: string; sessionId?: string; lastEventId?: string; protocolVersion?: string }[]
  /** Resolved by the `cut` tool: kills the socket under the POST that called it. */
  cutPost: () => void
  close(): Promise<void>
}

function buildServer(served: () => Served): McpServer {
  const server = new McpServer({ name: 'plugboard-http', version: '1.0.0' }, { instructions: 'our own server' })
  server.registerTool('add', { description: 'Adds', inputSchema: { a: z.number(), b: z.number() } }, ({ a, b }) => text(String(a + b)))
  server.registerTool('progress-then-sample', { inputSchema: { question: z.string() } }, async ({ question }, ctx) => {
    for (let i = 1; i <= 3; i++) await ctx.progress(i, 3)
    const sampled = await ctx.sample({ messages: [{ role: 'user', content: { type: 'text', text: question } }], maxTokens: 10 })
    return text(`${sampled.model} says ${(sampled.content as { text: string }).text}`)
  })
  server.registerTool('ask', {}, async (_args, ctx) => {
    const answer = await ctx.elicit({ message: 'Name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } })
    return text(`${answer.action}: ${JSON.stringify(answer.content ?? {})}`)
  })
  server.registerTool('poll', { inputSchema: { steps: z.number() } }, async ({ steps }, ctx) => {
    await ctx.progress(1, steps)
    const closed = ctx.closeSSEStream()
    for (let i = 2; i <= steps; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10))
      await ctx.progress(i, steps)
    }
    return text(`polled ${steps} (closed: ${closed})`)
  })
  server.registerTool('cut', { inputSchema: { steps: z.number() } }, async ({ steps }, ctx) => {
    await ctx.progress(1, steps)
    await new Promise((resolve) => setTimeout(resolve, 10))
    served().cutPost()
    for (let i = 2; i <= steps; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10))
      await ctx.progress(i, steps)
    }
    return text(`survived the cut after ${steps} steps`)
  })
  server.registerResource('greeting', 'plugboard://greeting', { mimeType: 'text/plain' }, (uri) => ({ contents: [{ uri: uri.href, mimeType: 'text/plain', text: 'Hello from Plugboard' }] }))
  server.registerPrompt('review', { argsSchema: { code: z.string() } }, ({ code }) => ({ messages: [{ role: 'user', content: { type: 'text', text: `Review: ${code}` } }] }))
  return server
}

async function serve(options: McpHandlerOptions = {}): Promise<Served> {
  let self!: Served
  const server = buildServer(() => self)
  const handler = createMcpHandler(server, { path: '/mcp', retryMs: 15, ...options })
  const node = toNodeHandler(handler)
  const log: Served['log'] = []
  let lastToolPost: ServerResponse | undefined
  const http = createServer((req, res) => {
    const header = (name: string) => req.headers[name] as string | undefined
    log.push({ method: req.method!, path: req.url!, sessionId: header('mcp-session-id'), lastEventId: header('last-event-id'), protocolVersion: header('mcp-protocol-version') })
    if (req.method === 'POST') lastToolPost = res
    node(req, res)
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  const { port } = http.address() as { port: number }
  self = {
    url: `http://127.0.0.1:${port}/mcp`,
    server,
    handler,
    log,
    cutPost: () => void lastToolPost?.socket?.destroy(),
    close: async () => {
      await handler.close()
      http.closeAllConnections()
      await new Promise<void>((resolve) => http.close(() => resolve()))
    },
  }
  servers.push(self)
  return self
}

const servers: Served[] = []
const clients: Client[] = []
let baseline: Record<string, number>

beforeEach(() => {
  baseline = resourceBaseline()
})

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()))
  await Promise.all(servers.splice(0).map((s) => s.close()))
  await expectNoLeaks(baseline)
})

async function connect<T extends StreamableHTTPClientTransport | SSEClientTransport | HttpClientTransport>(transport: T) {
  const sampled: unknown[] = []
  const client = new Client(
    { name: 'plugboard-client', version: '0.0.0' },
    {
      sampling: async (params) => {
        sampled.push(params)
        return { role: 'assistant', model: 'scripted', content: { type: 'text', text: 'Paris' } }
      },
      elicitation: { form: async () => ({ action: 'accept', content: { name: 'Ada' } }) },
      // The legacy wire (sessions, GET stream, resumption); the modern one is in modern-against-our-server.test.ts.
      versionNegotiation: { mode: 'legacy' },
    },
  )
  clients.push(client)
  const checked = withSchemaCheck(transport, () => client.getNegotiatedProtocolVersion())
  await client.connect(checked)
  return { client, transport, sampled, violations: () => checked.violations }
}

describe.each([
  ['SSE responses', {}],
  ['JSON responses', { enableJsonResponse: true }],
] as const)('our client against our server (%s)', (_name, options) => {
  it('initializes a session and lists, calls, reads and gets everything', async () => {
    const served = await serve(options)
    const { client, transport, violations } = await connect(new StreamableHTTPClientTransport(served.url))
    expect(transport.sessionId).toBeTypeOf('string')
    expect(client.getNegotiatedProtocolVersion()).toBe('2025-11-25')
    expect(client.getInstructions()).toBe('our own server')
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(['add', 'ask', 'cut', 'poll', 'progress-then-sample'])
    expect(textOf(await client.callTool({ name: 'add', arguments: { a: 2, b: 40 } }))).toBe('42')
    expect((await client.readResource({ uri: 'plugboard://greeting' })).contents[0]).toMatchObject({ text: 'Hello from Plugboard' })
    expect((await client.getPrompt({ name: 'review', arguments: { code: 'x' } })).messages[0]!.content).toEqual({ type: 'text', text: 'Review: x' })
    for (const r of served.log.slice(1)) expect(r).toMatchObject({ sessionId: transport.sessionId, protocolVersion: '2025-11-25' })
    expect(violations()).toEqual([])
  })

  it('DELETEs the session on close; the server then answers that id with 404', async () => {
    const served = await serve(options)
    const { client, transport } = await connect(new StreamableHTTPClientTransport(served.url))
    const sessionId = transport.sessionId!
    await client.close()
    expect(served.log.at(-1)).toMatchObject({ method: 'DELETE', sessionId })
    const after = await served.handler.fetch(
      new Request(served.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
      }),
    )
    await after.body?.cancel()
    expect(after.status).toBe(404)
  })
})

describe('our client against our server: streams', () => {
  it('gets progress and answers sampling and elicitation in the middle of tool calls', async () => {
    const served = await serve()
    const { client, sampled, violations } = await connect(new StreamableHTTPClientTransport(served.url))
    const progress: unknown[] = []
    const result = await client.callTool({ name: 'progress-then-sample', arguments: { question: 'capital?' } }, { onprogress: (p) => void progress.push(p) })
    expect(textOf(result)).toBe('scripted says Paris')
    expect(progress).toEqual([1, 2, 3].map((i) => ({ progress: i, total: 3 })))
    expect(sampled).toHaveLength(1)
    expect(textOf(await client.callTool({ name: 'ask' }))).toBe('accept: {"name":"Ada"}')
    expect(violations()).toEqual([])
  })

  it('follows the server into polling (closeSSEStream): resumes with Last-Event-ID, nothing lost or duplicated', async () => {
    const served = await serve()
    const { client, violations } = await connect(new StreamableHTTPClientTransport(served.url))
    const progress: unknown[] = []
    const result = await client.callTool({ name: 'poll', arguments: { steps: 4 } }, { onprogress: (p) => void progress.push(p) })
    expect(textOf(result)).toBe('polled 4 (closed: true)')
    expect(progress).toEqual([1, 2, 3, 4].map((i) => ({ progress: i, total: 4 })))
    expect(served.log.filter((r) => r.method === 'GET' && r.lastEventId !== undefined).length).toBeGreaterThanOrEqual(1)
    expect(violations()).toEqual([])
  })

  it('survives the socket dying under a tool call: resumes with Last-Event-ID, nothing lost or duplicated', async () => {
    const served = await serve()
    const { client, violations } = await connect(new StreamableHTTPClientTransport(served.url, { reconnection: { initialDelayMs: 10 } }))
    const progress: unknown[] = []
    const result = await client.callTool({ name: 'cut', arguments: { steps: 5 } }, { onprogress: (p) => void progress.push(p) })
    expect(textOf(result)).toBe('survived the cut after 5 steps')
    expect(progress).toEqual([1, 2, 3, 4, 5].map((i) => ({ progress: i, total: 5 })))
    const resumes = served.log.filter((r) => r.method === 'GET' && r.lastEventId !== undefined)
    expect(resumes.length).toBeGreaterThanOrEqual(1)
    expect(await client.callTool({ name: 'add', arguments: { a: 1, b: 1 } })).toEqual(text('2'))
    expect(violations()).toEqual([])
  })

  it('delivers server messages unrelated to a request on the standalone GET stream', async () => {
    const served = await serve()
    const { client } = await connect(new StreamableHTTPClientTransport(served.url))
    await vi.waitFor(() => expect(served.log.some((r) => r.method === 'GET')).toBe(true))
    await client.ping()
    const changed = new Promise<void>((resolve) => client.on('toolListChanged', () => resolve()))
    // A tool registered after connect: every session hears notifications/tools/list_changed on its GET stream.
    served.server.registerTool('late', {}, () => text('late'))
    await changed
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('late')
  })
})

describe('our client against our server: failures', () => {
  it('reports a session the server ended for idleness (404) as expired, with ConnectionClosed', async () => {
    const served = await serve({ sessionIdleTimeoutMs: 30 })
    const { client, transport } = await connect(new StreamableHTTPClientTransport(served.url, { openGetStream: false }))
    const sessionId = transport.sessionId
    await new Promise((resolve) => setTimeout(resolve, 120))
    const error = await client.listTools().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpError)
    expect(error).toMatchObject({ code: ErrorCode.ConnectionClosed, message: expect.stringContaining(`MCP session ${sessionId} expired`) })
  })
})

describe('our legacy client against our server’s HTTP+SSE endpoint', () => {
  it('talks 2024-11-05 HTTP+SSE with SSEClientTransport', async () => {
    const served = await serve({ legacySse: true })
    const { client, transport, sampled, violations } = await connect(new SSEClientTransport(served.url))
    expect(transport.endpoint?.pathname).toBe('/messages')
    expect(textOf(await client.callTool({ name: 'add', arguments: { a: 20, b: 22 } }))).toBe('42')
    expect(textOf(await client.callTool({ name: 'progress-then-sample', arguments: { question: 'q' } }))).toBe('scripted says Paris')
    expect(sampled).toHaveLength(1)
    expect(violations()).toEqual([])
  })

  it('HttpClientTransport stays on Streamable HTTP when the server offers both', async () => {
    const served = await serve({ legacySse: true })
    const { client, transport } = await connect(new HttpClientTransport(served.url))
    expect(transport.kind).toBe('streamable')
    expect(textOf(await client.callTool({ name: 'add', arguments: { a: 1, b: 2 } }))).toBe('3')
  })
})
