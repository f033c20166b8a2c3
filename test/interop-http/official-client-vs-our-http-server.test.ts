// The official TypeScript SDK's Client, over its own StreamableHTTPClientTransport and its
// legacy SSEClientTransport, against our McpServer served by createMcpHandler on node:http:
// initialize, tools (one sending progress and asking for sampling mid-call), resources, prompts,
// notifications on the GET stream, session end. Everything our server sends is checked against
// the official JSON Schema on arrival (SpecTap).
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { Transport as OfficialTransport } from '@modelcontextprotocol/sdk/shared/transport.js'
import { CreateMessageRequestSchema, ToolListChangedNotificationSchema, type CallToolResult, type CreateMessageRequest } from '@modelcontextprotocol/sdk/types.js'
import { ResourceTemplate, McpServer } from '@plugboard/server'
import { createMcpHandler, toNodeHandler, type McpHandler, type McpHandlerOptions } from '@plugboard/transport-http'
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as z from 'zod'
import { SpecTap } from '../interop/spec-tap.js'

/** SpecTap that also passes the negotiated revision on, so the HTTP transport sends `MCP-Protocol-Version`. */
class HttpSpecTap extends SpecTap {
  readonly #inner: OfficialTransport
  constructor(inner: OfficialTransport) {
    super(inner)
    this.#inner = inner
  }
  override setProtocolVersion(version: string): void {
    super.setProtocolVersion(version)
    this.#inner.setProtocolVersion?.(version)
  }
}

const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] })

function ourServer(): McpServer {
  const server = new McpServer({ name: 'plugboard-http', version: '1.0.0' }, { instructions: 'An HTTP test server.' })
  server.registerTool('add', { description: 'Adds', inputSchema: { a: z.number(), b: z.number() }, outputSchema: { sum: z.number() } }, ({ a, b }) => ({
    ...text(String(a + b)),
    structuredContent: { sum: a + b },
  }))
  server.registerTool('think', { description: 'Reports progress, then asks the client LLM', inputSchema: { steps: z.number() } }, async ({ steps }, ctx) => {
    for (let i = 1; i <= steps; i++) await ctx.progress(i, steps, `step ${i}`)
    const sampled = await ctx.sample({ messages: [{ role: 'user', content: { type: 'text', text: 'What is 2 + 2?' } }], maxTokens: 5 })
    return text(`the model said ${(sampled.content as { text: string }).text}`)
  })
  server.registerResource('readme', 'mem://readme', { mimeType: 'text/plain' }, (uri) => ({ contents: [{ uri: uri.href, text: 'Read me.' }] }))
  server.registerResource('item', new ResourceTemplate('mem://items/{id}', { list: undefined }), { mimeType: 'application/json' }, (uri, { id }) => ({
    contents: [{ uri: uri.href, text: JSON.stringify({ id }) }],
  }))
  server.registerPrompt('greet', { description: 'Greets', argsSchema: { name: z.string() } }, ({ name }) => ({
    messages: [{ role: 'user', content: { type: 'text', text: `Say hello to ${name}.` } }],
  }))
  return server
}

interface Running {
  url: URL
  origin: string
  server: McpServer
  handler: McpHandler
  http: Server
}
const running: Running[] = []
const clients: Client[] = []

async function serve(options: McpHandlerOptions = {}): Promise<Running> {
  const server = ourServer()
  const handler = createMcpHandler(server, { path: '/mcp', ...options })
  const http = createServer(toNodeHandler(handler))
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`
  const r = { url: new URL(`${origin}/mcp`), origin, server, handler, http }
  running.push(r)
  return r
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()))
  for (const r of running.splice(0)) {
    await r.handler.close()
    r.http.closeAllConnections()
    await new Promise<void>((resolve) => r.http.close(() => resolve()))
    expect(r.server.sessions.size).toBe(0)
  }
})

function officialClient(sampled: CreateMessageRequest['params'][] = []): Client {
  const client = new Client({ name: 'official-sdk-client', version: '1.32.2' }, { capabilities: { sampling: {} } })
  client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
    sampled.push(request.params)
    return { role: 'assistant', model: 'test-model', stopReason: 'endTurn', content: { type: 'text', text: 'four' } }
  })
  clients.push(client)
  return client
}

const textOf = (result: unknown) => ((result as CallToolResult).content[0] as { text: string }).text

describe.each([
  ['SSE responses', {}],
  ['JSON responses', { enableJsonResponse: true }],
] as const)('the official Client over StreamableHTTPClientTransport against createMcpHandler (%s)', (_mode, options) => {
  it('initializes, lists and calls tools, reads resources, gets prompts, and ends its session', async () => {
    const { url, server } = await serve(options)
    const client = officialClient()
    const transport = new StreamableHTTPClientTransport(url)
    const tap = new HttpSpecTap(transport)
    await client.connect(tap)
    expect(transport.sessionId).toMatch(/^[0-9a-f-]{36}$/)
    expect(client.getServerVersion()).toMatchObject({ name: 'plugboard-http', version: '1.0.0' })
    expect(client.getInstructions()).toBe('An HTTP test server.')
    expect(client.getServerCapabilities()).toMatchObject({ tools: { listChanged: true }, resources: { subscribe: true }, prompts: {} })

    const { tools } = await client.listTools()
    expect(tools.map((t) => t.name).sort()).toEqual(['add', 'think'])
    const add = await client.callTool({ name: 'add', arguments: { a: 2, b: 40 } })
    expect(add.structuredContent).toEqual({ sum: 42 })

    expect((await client.listResources()).resources.map((r) => r.uri)).toEqual(['mem://readme'])
    expect((await client.readResource({ uri: 'mem://readme' })).contents[0]).toMatchObject({ text: 'Read me.' })
    expect((await client.readResource({ uri: 'mem://items/7' })).contents[0]).toMatchObject({ text: '{"id":"7"}' })
    expect((await client.listResourceTemplates()).resourceTemplates[0]).toMatchObject({ uriTemplate: 'mem://items/{id}' })

    expect((await client.listPrompts()).prompts[0]).toMatchObject({ name: 'greet', arguments: [{ name: 'name', required: true }] })
    expect((await client.getPrompt({ name: 'greet', arguments: { name: 'Ada' } })).messages[0]).toMatchObject({ content: { text: 'Say hello to Ada.' } })

    expect(server.sessions.size).toBe(1)
    await transport.terminateSession()
    await vi.waitFor(() => expect(server.sessions.size).toBe(0))
    expect(tap.violations).toEqual([])
  })

  it('delivers a call\'s progress and its mid-call sampling request, and the result', async () => {
    const { url } = await serve(options)
    const sampled: CreateMessageRequest['params'][] = []
    const client = officialClient(sampled)
    const tap = new HttpSpecTap(new StreamableHTTPClientTransport(url))
    await client.connect(tap)
    // In JSON mode a call's own messages need the GET stream, which the SDK opens after initialize.
    const progress: number[] = []
    const result = await client.callTool({ name: 'think', arguments: { steps: 3 } }, undefined, { onprogress: (p) => void progress.push(p.progress) })
    expect(textOf(result)).toBe('the model said four')
    expect(sampled).toEqual([expect.objectContaining({ maxTokens: 5 })])
    // A JSON body cannot carry progress; the GET stream takes what it can, so only SSE mode promises all of it.
    if (!('enableJsonResponse' in options)) expect(progress).toEqual([1, 2, 3])
    expect(tap.violations).toEqual([])
  })

  it('hears tools/list_changed on the GET stream', async () => {
    const { url, server } = await serve(options)
    const client = officialClient()
    const changed = vi.fn()
    client.setNotificationHandler(ToolListChangedNotificationSchema, changed)
    await client.connect(new HttpSpecTap(new StreamableHTTPClientTransport(url)))
    // The SDK opens its GET stream in the background after initialize; wait until it is there.
    await vi.waitFor(() => {
      server.registerTool(`late-${changed.mock.calls.length}-${Math.random()}`, {}, () => text('late'))
      expect(changed).toHaveBeenCalled()
    })
    expect((await client.listTools()).tools.length).toBeGreaterThan(2)
  })
})

describe('the official Client over SSEClientTransport (2024-11-05) against createMcpHandler({ legacySse })', () => {
  it('connects through the endpoint event and calls tools with progress and sampling', async () => {
    const { url } = await serve({ legacySse: true })
    const sampled: CreateMessageRequest['params'][] = []
    const client = officialClient(sampled)
    const tap = new HttpSpecTap(new SSEClientTransport(url))
    await client.connect(tap)
    expect(client.getServerVersion()).toMatchObject({ name: 'plugboard-http' })
    expect((await client.callTool({ name: 'add', arguments: { a: 1, b: 2 } })).structuredContent).toEqual({ sum: 3 })
    const progress: number[] = []
    expect(textOf(await client.callTool({ name: 'think', arguments: { steps: 2 } }, undefined, { onprogress: (p) => void progress.push(p.progress) }))).toBe('the model said four')
    expect(progress).toEqual([1, 2])
    expect(sampled).toHaveLength(1)
    expect((await client.getPrompt({ name: 'greet', arguments: { name: 'Bo' } })).messages).toHaveLength(1)
    expect(tap.violations).toEqual([])
  })

  it('works with the SSE stream on its own path (/sse), as most deployments name it', async () => {
    const { origin } = await serve({ legacySse: { ssePath: '/sse' } })
    const client = officialClient()
    await client.connect(new HttpSpecTap(new SSEClientTransport(new URL(`${origin}/sse`))))
    expect((await client.listTools()).tools).toHaveLength(2)
  })
})
