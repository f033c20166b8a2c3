// Our Client over our HTTP client transports against servers built on the official TypeScript
// SDK, mounted on node:http in this process: Streamable HTTP (SSE responses with resumability,
// JSON responses, stateless) and the deprecated HTTP+SSE transport reached through the fallback.
// What we send is checked against the official JSON Schema; each test ends with no socket,
// server or timer left.
import { Client, ErrorCode, McpError } from '@plugboard/client'
import type { CallToolResult, CreateMessageRequestParams, ElicitRequestFormParams } from '@plugboard/protocol'
import { withSchemaCheck } from '@plugboard/protocol/testing'
import { HttpClientTransport, StreamableHTTPClientTransport } from '@plugboard/transport-http'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { expectNoLeaks, resourceBaseline } from '../../packages/transport-http/test/client/helpers.js'
import { startOfficialHttpServer, type OfficialHttpServer, type OfficialHttpServerOptions } from '../fixtures/http/official-http-server.js'

let baseline: Record<string, number>
let server: OfficialHttpServer | undefined
const clients: Client[] = []

beforeEach(() => {
  baseline = resourceBaseline()
})

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()))
  await server?.close()
  server = undefined
  await expectNoLeaks(baseline)
})

interface Connected {
  client: Client
  sampled: CreateMessageRequestParams[]
  forms: ElicitRequestFormParams[]
  violations: () => unknown[]
}

/**
 * The official v1 server speaks only the legacy revisions. By default our client probes with
 * `server/discover` first and falls back to `initialize` (`auto`); tests that read the exact
 * request log pin `legacy`, so the log starts at `initialize`.
 */
async function connect<T extends StreamableHTTPClientTransport | HttpClientTransport>(transport: T, mode: 'auto' | 'legacy' = 'auto'): Promise<Connected & { transport: T }> {
  const sampled: CreateMessageRequestParams[] = []
  const forms: ElicitRequestFormParams[] = []
  const client = new Client(
    { name: 'plugboard-http-interop', version: '0.0.0' },
    {
      sampling: async (params) => {
        sampled.push(params)
        return { role: 'assistant', model: 'scripted', stopReason: 'endTurn', content: { type: 'text', text: 'Paris' } }
      },
      elicitation: {
        form: async (params) => {
          forms.push(params)
          return { action: 'accept', content: { name: 'Ada' } }
        },
      },
      versionNegotiation: { mode },
    },
  )
  clients.push(client)
  const checked = withSchemaCheck(transport, () => client.getNegotiatedProtocolVersion())
  await client.connect(checked)
  return { client, transport, sampled, forms, violations: () => checked.violations }
}

const textOf = (result: CallToolResult): string => {
  const block = result.content?.[0]
  if (block?.type !== 'text') throw new Error(`content[0] is ${block?.type}, not text`)
  return block.text
}

/** The calls every mode must answer the same way. */
async function exerciseBasics({ client }: Connected): Promise<void> {
  expect(client.getServerVersion()).toMatchObject({ name: 'official-http-fixture', version: '1.2.3' })
  expect(client.getInstructions()).toBe('Official SDK over HTTP')
  const { tools } = await client.listTools()
  expect(tools.map((t) => t.name).sort()).toEqual(['ask-user', 'multiply', 'poll-me', 'progress-then-sample'])
  const product = await client.callTool({ name: 'multiply', arguments: { a: 6, b: 7 } })
  expect(product.structuredContent).toEqual({ product: 42 })
  expect(textOf(product)).toBe('6 × 7 = 42')
  expect((await client.readResource({ uri: 'fixture://greeting' })).contents[0]).toMatchObject({ text: 'Hello over HTTP' })
  expect((await client.readResource({ uri: 'fixture://colors/blue' })).contents[0]).toMatchObject({ text: 'the color blue' })
  const { resourceTemplates } = await client.listResourceTemplates()
  expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(['fixture://colors/{name}'])
  const done = await client.complete({ ref: { type: 'ref/resource', uri: 'fixture://colors/{name}' }, argument: { name: 'name', value: 'gr' } })
  expect(done.completion.values).toEqual(['green'])
  const prompt = await client.getPrompt({ name: 'review', arguments: { code: 'x = 1' } })
  expect(prompt.messages[0]!.content).toEqual({ type: 'text', text: 'Please review:\nx = 1' })
  const error = await client.callTool({ name: 'multiply', arguments: { a: 'six' } }).then(
    (r) => r,
    (e: unknown) => e,
  )
  // The official server answers bad arguments with an isError result (newer SDKs) or -32602.
  if (error instanceof McpError) expect(error.code).toBe(ErrorCode.InvalidParams)
  else expect((error as CallToolResult).isError).toBe(true)
}

/** Progress and a sampling request arrive on the request's own stream, in the middle of the call. */
async function exerciseMidCall({ client, sampled }: Connected): Promise<void> {
  const progress: unknown[] = []
  const result = await client.callTool({ name: 'progress-then-sample', arguments: { question: 'capital of France?' } }, { onprogress: (p) => void progress.push(p) })
  expect(textOf(result)).toBe('scripted says Paris')
  expect(progress).toEqual([
    { progress: 1, total: 3 },
    { progress: 2, total: 3 },
    { progress: 3, total: 3 },
  ])
  expect(sampled).toEqual([expect.objectContaining({ maxTokens: 20, messages: [{ role: 'user', content: { type: 'text', text: 'capital of France?' } }] })])
}

describe('our dual-era client against the official legacy server', () => {
  it('probes with server/discover, is refused without a modern error, and falls back to initialize on the same transport', async () => {
    server = await startOfficialHttpServer()
    const c = await connect(new StreamableHTTPClientTransport(server.url))
    expect(c.client.getNegotiatedProtocolVersion()).toBe('2025-11-25')
    const [probe, initialize] = server.log.filter((r) => r.method === 'POST')
    expect(probe).toMatchObject({ mcpMethod: 'server/discover', protocolVersion: '2026-07-28', sessionId: undefined })
    // The fallback carries nothing of the modern attempt: no modern header, no session yet.
    expect(initialize).toMatchObject({ mcpMethod: undefined, protocolVersion: undefined, sessionId: undefined })
    await exerciseBasics(c)
    expect(c.violations()).toEqual([])
  })
})

describe.each<[string, OfficialHttpServerOptions]>([
  ['SSE responses, resumable', { resumable: { retryInterval: 20 } }],
  ['SSE responses, no event store', {}],
])('our StreamableHTTPClientTransport against the official Streamable HTTP server (%s)', (_name, options) => {
  it('initializes a session, sends its id and the negotiated version on every later request, and opens the GET stream', async () => {
    server = await startOfficialHttpServer(options)
    const c = await connect(new StreamableHTTPClientTransport(server.url), 'legacy')
    expect(c.client.getNegotiatedProtocolVersion()).toBe('2025-11-25')
    const sessionId = c.transport.sessionId
    expect(server.sessions.has(sessionId!)).toBe(true)
    await vi.waitFor(() => expect(server!.log.some((r) => r.method === 'GET' && r.sessionId === sessionId)).toBe(true))
    await c.client.ping()
    for (const r of server.log.slice(1)) expect(r).toMatchObject({ sessionId, protocolVersion: '2025-11-25' })
    expect(c.violations()).toEqual([])
  })

  it('lists and calls tools, reads resources and templates, completes, and gets prompts', async () => {
    server = await startOfficialHttpServer(options)
    const c = await connect(new StreamableHTTPClientTransport(server.url))
    await exerciseBasics(c)
    expect(c.violations()).toEqual([])
  })

  it('gets progress and answers a sampling request in the middle of a tool call', async () => {
    server = await startOfficialHttpServer(options)
    const c = await connect(new StreamableHTTPClientTransport(server.url))
    await exerciseMidCall(c)
    expect(c.violations()).toEqual([])
  })

  it('answers an elicitation the server sends on the standalone GET stream', async () => {
    server = await startOfficialHttpServer(options)
    const c = await connect(new StreamableHTTPClientTransport(server.url))
    await vi.waitFor(() => expect(server!.log.some((r) => r.method === 'GET')).toBe(true))
    const result = await c.client.callTool({ name: 'ask-user' })
    expect(textOf(result)).toBe('accept: {"name":"Ada"}')
    expect(c.forms).toEqual([expect.objectContaining({ message: 'Your name?' })])
    expect(c.violations()).toEqual([])
  })

  it('DELETEs the session on close, and the server forgets it', async () => {
    server = await startOfficialHttpServer(options)
    const c = await connect(new StreamableHTTPClientTransport(server.url))
    const sessionId = c.transport.sessionId!
    await c.client.close()
    expect(server.log.at(-1)).toMatchObject({ method: 'DELETE', sessionId })
    expect(server.sessions.size).toBe(0)
    await vi.waitFor(() => expect(server!.openSockets).toBe(0))
  })

  it('reports a session the server no longer knows (404) as expired, with ConnectionClosed', async () => {
    server = await startOfficialHttpServer(options)
    const c = await connect(new StreamableHTTPClientTransport(server.url))
    const sessionId = c.transport.sessionId!
    const closed = new Promise<void>((resolve) => c.client.on('close', () => resolve()))
    // Once the GET stream is up (it is opened in the background after initialize), the server forgets the session.
    await vi.waitFor(() => expect(server!.log.some((r) => r.method === 'GET')).toBe(true))
    await c.client.ping()
    server.sessions.delete(sessionId)
    const error = await c.client.listTools().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpError)
    expect(error).toMatchObject({ code: ErrorCode.ConnectionClosed, message: expect.stringContaining(`MCP session ${sessionId} expired`) })
    await closed
  })
})

describe('our StreamableHTTPClientTransport against the official server’s resumability', () => {
  it('follows the server into polling (closeSSEStream mid-call): reconnects with Last-Event-ID after its retry, nothing lost or duplicated', async () => {
    server = await startOfficialHttpServer({ resumable: { retryInterval: 25 } })
    const c = await connect(new StreamableHTTPClientTransport(server.url), 'legacy')
    const progress: unknown[] = []
    const result = await c.client.callTool({ name: 'poll-me', arguments: { steps: 5 } }, { onprogress: (p) => void progress.push(p) })
    expect(textOf(result)).toBe('polled 5 steps')
    expect(progress).toEqual([1, 2, 3, 4, 5].map((i) => ({ progress: i, total: 5 })))
    const resumes = server.log.filter((r) => r.method === 'GET' && r.lastEventId !== undefined)
    expect(resumes.length).toBeGreaterThanOrEqual(1)
    // The cursor names the POST's stream, not the standalone one.
    const stream = server.stores[0]!.events.find((e) => e.id === resumes[0]!.lastEventId)!.streamId
    expect(server.stores[0]!.events.filter((e) => e.streamId === stream).length).toBeGreaterThan(1)
    expect(c.violations()).toEqual([])
  })
})

describe('our StreamableHTTPClientTransport against the official server answering JSON', () => {
  it('lists and calls tools, reads resources, completes and gets prompts from JSON bodies', async () => {
    server = await startOfficialHttpServer({ enableJsonResponse: true })
    const c = await connect(new StreamableHTTPClientTransport(server.url))
    await exerciseBasics(c)
    expect(c.violations()).toEqual([])
  })
})

describe('our StreamableHTTPClientTransport against a stateless official server', () => {
  it('works without a session id, and takes its 405 on GET and DELETE calmly', async () => {
    server = await startOfficialHttpServer({ stateless: true, enableJsonResponse: true })
    const c = await connect(new StreamableHTTPClientTransport(server.url))
    expect(c.transport.sessionId).toBeUndefined()
    const product = await c.client.callTool({ name: 'multiply', arguments: { a: 2, b: 21 } })
    expect(product.structuredContent).toEqual({ product: 42 })
    await c.client.close()
    expect(server.log.filter((r) => r.method === 'DELETE')).toEqual([])
    expect(server.log.filter((r) => r.method === 'GET')).toHaveLength(1)
  })
})

describe('our HttpClientTransport against the official servers', () => {
  it('stays on Streamable HTTP for the Streamable HTTP endpoint', async () => {
    server = await startOfficialHttpServer({ resumable: { retryInterval: 20 } })
    const c = await connect(new HttpClientTransport(server.url))
    expect(c.transport.kind).toBe('streamable')
    await exerciseMidCall(c)
    expect(c.violations()).toEqual([])
  })

  it('falls back to the legacy HTTP+SSE server (SSEServerTransport) and does everything over it', async () => {
    server = await startOfficialHttpServer()
    const c = await connect(new HttpClientTransport(server.sseUrl), 'legacy')
    expect(c.transport.kind).toBe('sse')
    expect(server.log.slice(0, 3).map((r) => `${r.method} ${r.path.replace(/sessionId=.*/, 'sessionId=…')}`)).toEqual(['POST /sse', 'GET /sse', 'POST /messages?sessionId=…'])
    await exerciseBasics(c)
    await exerciseMidCall(c)
    const result = await c.client.callTool({ name: 'ask-user' })
    expect(textOf(result)).toBe('accept: {"name":"Ada"}')
    expect(c.violations()).toEqual([])
  })
})
