// The official TypeScript SDK v2 client (@modelcontextprotocol/client, 2026-07-28) against our
// everything-server in a child process over Streamable HTTP on 127.0.0.1, on the modern wire:
// `server/discover`, per-request `_meta`, no session, multi round-trip requests answered by the
// SDK's own handlers. Alongside, on the same process and endpoint at the same time, the official
// v1 client (@modelcontextprotocol/sdk 1.32.2) holds a legacy `initialize` session — one endpoint
// serves both eras. Everything our server sends is checked against the official schema on
// arrival (SpecTap), and each test ends with the server process gone.
import { spawn, type ChildProcess } from 'node:child_process'
import { StreamableHTTPClientTransport, type CallToolResult } from '@modelcontextprotocol/client'
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport as V1StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { Transport as OfficialTransport } from '@modelcontextprotocol/sdk/shared/transport.js'
import { CreateMessageRequestSchema, type CreateMessageRequest } from '@modelcontextprotocol/sdk/types.js'
import { afterEach, describe, expect, it } from 'vitest'
import { EVERYTHING_SERVER_BIN, expectGone } from '../interop/children.js'
import { SpecTap } from '../interop/spec-tap.js'
import { answeringV2Client, MODERN } from './v2-client.js'


/** SpecTap over an HTTP transport: it passes on what the SDK tells the transport, so its headers stay right. */
class HttpSpecTap extends SpecTap {
  readonly #inner: OfficialTransport & { hasPerRequestStream?: boolean }
  constructor(inner: OfficialTransport, revision?: string) {
    super(inner, revision)
    this.#inner = inner
  }
  /** The v2 client cancels a modern request by aborting its own POST when the transport says it can. */
  get hasPerRequestStream(): boolean | undefined {
    return this.#inner.hasPerRequestStream
  }
  get sessionId(): string | undefined {
    return this.#inner.sessionId
  }
  override setProtocolVersion(version: string): void {
    super.setProtocolVersion(version)
    this.#inner.setProtocolVersion?.(version)
  }
}

interface Serving {
  child: ChildProcess
  url: URL
}
const servers: Serving[] = []
const closers: Array<() => Promise<void>> = []
const taps: SpecTap[] = []

/** Starts the built everything-server on a free port; resolves with the URL it logs on stderr. */
async function serve(): Promise<Serving> {
  const child = spawn(process.execPath, [EVERYTHING_SERVER_BIN, '--transport', 'http', '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => void (stderr += chunk.toString()))
  const serving = { child, url: new URL('http://unset') }
  servers.push(serving)
  serving.url = await new Promise<URL>((resolve, reject) => {
    child.stderr!.on('data', () => {
      const found = /serving MCP on (http:\/\/\S+)/.exec(stderr)
      if (found) resolve(new URL(found[1]!))
    })
    child.once('exit', (code) => reject(new Error(`everything-server exited (${code}) before listening:\n${stderr}`)))
  })
  return serving
}

afterEach(async () => {
  for (const close of closers.splice(0)) await close()
  for (const { child } of servers.splice(0)) {
    const exited = new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve)))
    child.kill('SIGTERM')
    // It ends every session and its listener on SIGTERM, then exits on an empty event loop.
    expect(await exited).toBe(0)
    await expectGone(child.pid)
  }
  for (const tap of taps.splice(0)) expect(tap.violations).toEqual([])
})

async function v2Client(url: URL, mode: 'pin' | 'auto' = 'pin') {
  const transport = new StreamableHTTPClientTransport(url)
  const tap = new HttpSpecTap(transport, MODERN)
  const { client, asked } = answeringV2Client(
    { form: { name: 'Grace', age: 85, subscribe: false, color: 'red' }, model: 'http-model', text: 'seven', roots: [{ uri: 'file:///srv/beta', name: 'beta' }] },
    mode,
  )
  await client.connect(tap as never)
  closers.push(() => client.close())
  taps.push(tap)
  return { client, tap, transport, asked }
}

async function v1Client(url: URL) {
  const sampled: CreateMessageRequest['params'][] = []
  const client = new V1Client({ name: 'official-v1-client', version: '1.32.2' }, { capabilities: { sampling: {} } })
  client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
    sampled.push(request.params)
    return { role: 'assistant', model: 'legacy-model', stopReason: 'endTurn', content: { type: 'text', text: 'nine' } }
  })
  const transport = new V1StreamableHTTPClientTransport(url)
  const tap = new HttpSpecTap(transport)
  await client.connect(tap)
  closers.push(async () => {
    await transport.terminateSession()
    await client.close()
  })
  taps.push(tap)
  return { client, tap, transport, sampled }
}

const text = (result: unknown, index = 0): string => {
  const block = (result as CallToolResult).content[index]
  if (block?.type !== 'text') throw new Error(`content[${index}] is ${block?.type}, not text`)
  return block.text
}
const results = (tap: SpecTap) => tap.received.filter((m) => 'result' in m) as unknown as Array<{ result: Record<string, unknown> }>

describe('the official v2 client against the everything-server over Streamable HTTP (2026-07-28)', () => {
  it('discovers the server with no initialize and no session, then lists tools and calls echo', async () => {
    const { url } = await serve()
    const { client, tap, transport } = await v2Client(url)
    expect(client.getNegotiatedProtocolVersion()).toBe(MODERN)
    expect(client.getServerVersion()).toMatchObject({ name: 'plugboard-everything-server' })
    expect(client.getServerCapabilities()).toMatchObject({ tools: {}, resources: {}, prompts: {} })
    const { tools } = await client.listTools()
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['echo', 'add', 'elicit-input', 'sample-llm', 'list-roots', 'long-running-operation']))
    expect(text(await client.callTool({ name: 'echo', arguments: { message: 'over http' } }))).toBe('Echo: over http')
    // A modern exchange is stateless: no Mcp-Session-Id was handed out.
    expect(transport.sessionId).toBeUndefined()
    expect(results(tap).length).toBeGreaterThanOrEqual(3)
    for (const { result } of results(tap)) {
      expect(result.resultType).toBe('complete')
      expect(result._meta).toMatchObject({ 'io.modelcontextprotocol/serverInfo': { name: 'plugboard-everything-server' } })
    }
  })

  it('in auto mode probes with server/discover and settles on 2026-07-28', async () => {
    const { url } = await serve()
    const { client, tap } = await v2Client(url, 'auto')
    expect(client.getNegotiatedProtocolVersion()).toBe(MODERN)
    expect(results(tap)[0]!.result).toMatchObject({
      supportedVersions: expect.arrayContaining([MODERN]),
      capabilities: { tools: {} },
      _meta: { 'io.modelcontextprotocol/serverInfo': { name: 'plugboard-everything-server' } },
    })
    expect(text(await client.callTool({ name: 'echo', arguments: { message: 'auto' } }))).toBe('Echo: auto')
  })

  it('answers elicitation and sampling with the SDK handlers through input_required rounds', async () => {
    const { url } = await serve()
    const { client, tap, asked } = await v2Client(url)
    const elicited = await client.callTool({ name: 'elicit-input' })
    expect(text(elicited)).toBe('The user accepted: name=Grace, age=85, subscribe=false, color=red')
    expect(asked[0]).toMatchObject({ method: 'elicitation/create', params: { message: 'Tell us about yourself', requestedSchema: { required: ['name'] } } })
    const sampled = await client.callTool({ name: 'sample-llm', arguments: { prompt: 'What is 3 + 4?', maxTokens: 9 } })
    expect(text(sampled)).toBe('http-model says: seven')
    expect(asked[1]).toMatchObject({ method: 'sampling/createMessage', params: { maxTokens: 9, messages: [{ role: 'user', content: { type: 'text', text: 'What is 3 + 4?' } }] } })
    const rounds = results(tap).filter(({ result }) => result.resultType === 'input_required')
    expect(rounds.map(({ result }) => Object.values(result.inputRequests as Record<string, { method: string }>)[0]!.method)).toEqual(['elicitation/create', 'sampling/createMessage'])
    for (const { result } of rounds) expect(result.requestState).toEqual(expect.any(String))
  })

  it('answers roots/list for list-roots, reads a resource, and is told a missing one is -32602', async () => {
    const { url } = await serve()
    const { client, asked } = await v2Client(url)
    const roots = await client.callTool({ name: 'list-roots' })
    expect(roots.structuredContent).toEqual({ roots: [{ uri: 'file:///srv/beta', name: 'beta' }] })
    expect(asked.map((a) => a.method)).toEqual(['roots/list'])
    const read = await client.readResource({ uri: 'everything://static/readme' })
    expect(read.contents[0]).toMatchObject({ uri: 'everything://static/readme', mimeType: 'text/plain', text: expect.any(String) })
    const error = await client.readResource({ uri: 'everything://nothing/here' }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: -32602 })
    expect(text(await client.callTool({ name: 'echo', arguments: { message: 'still here' } }))).toBe('Echo: still here')
  })

  it('streams progress notifications on the request’s own response', async () => {
    const { url } = await serve()
    const { client, tap } = await v2Client(url)
    const progress: number[] = []
    const result = await client.callTool({ name: 'long-running-operation', arguments: { durationMs: 60, steps: 3 } }, { onprogress: (p: { progress: number }) => void progress.push(p.progress) })
    expect(text(result)).toMatch(/finished 3 steps/)
    expect(progress).toEqual([1, 2, 3])
    const notes = tap.received.filter((m) => 'method' in m && m.method === 'notifications/progress') as unknown as Array<{ params: { progress: number; total?: number } }>
    expect(notes.map((n) => [n.params.progress, n.params.total])).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ])
  })
})

describe('one everything-server endpoint serving both eras at once', () => {
  it('serves a v1 legacy session and v2 modern requests side by side, each in its own era', async () => {
    const { url } = await serve()
    const legacy = await v1Client(url)
    const modern = await v2Client(url)
    // The legacy client initialized and holds a session; the modern one has none.
    expect(legacy.client.getServerVersion()).toMatchObject({ name: 'plugboard-everything-server' })
    expect(legacy.transport.sessionId).toMatch(/\S+/)
    expect(legacy.transport.protocolVersion).toBe('2025-11-25')
    expect(modern.transport.sessionId).toBeUndefined()

    // In flight together: a legacy call answered by a server→client sampling request on its
    // session, and a modern call answered through an input_required round.
    const [legacySampled, modernSampled, legacyEcho, modernEcho] = await Promise.all([
      legacy.client.callTool({ name: 'sample-llm', arguments: { prompt: 'legacy?', maxTokens: 5 } }),
      modern.client.callTool({ name: 'sample-llm', arguments: { prompt: 'modern?', maxTokens: 6 } }),
      legacy.client.callTool({ name: 'echo', arguments: { message: 'v1' } }),
      modern.client.callTool({ name: 'echo', arguments: { message: 'v2' } }),
    ])
    expect(text(legacySampled)).toBe('legacy-model says: nine')
    expect(text(modernSampled)).toBe('http-model says: seven')
    expect(text(legacyEcho)).toBe('Echo: v1')
    expect(text(modernEcho)).toBe('Echo: v2')
    expect(legacy.sampled).toEqual([expect.objectContaining({ maxTokens: 5 })])
    expect(modern.asked).toEqual([expect.objectContaining({ params: expect.objectContaining({ maxTokens: 6 }) })])

    // Each era's wire: the legacy session got a real sampling/createMessage request and no
    // resultType; the modern client got no server→client request at all.
    expect(legacy.tap.received.filter((m) => 'method' in m && m.method === 'sampling/createMessage')).toHaveLength(1)
    for (const { result } of results(legacy.tap)) expect(result).not.toHaveProperty('resultType')
    expect(modern.tap.received.filter((m) => 'method' in m && 'id' in m)).toEqual([])
    // Legacy progress rides the call's own SSE stream, ahead of its result.
    const progress: number[] = []
    await legacy.client.callTool({ name: 'long-running-operation', arguments: { durationMs: 20, steps: 2 } }, undefined, { onprogress: (p) => void progress.push(p.progress) })
    expect(progress).toEqual([1, 2])
  })
})
