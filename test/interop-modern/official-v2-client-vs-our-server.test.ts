// The official TypeScript SDK v2 client (@modelcontextprotocol/client, which speaks 2026-07-28)
// against our everything-server in a child process over stdio, on the modern wire: no
// initialize, `server/discover`, per-request `_meta`, and multi round-trip requests — our
// handlers' `ctx.elicit()`, `ctx.sample()` and `ctx.listRoots()` answered by the SDK's own
// handlers through `input_required` rounds. Everything our server sends is checked against the
// official 2026-07-28 JSON Schema on arrival.
import { Client, type CallToolResult } from '@modelcontextprotocol/client'
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio'
import type { Transport as OfficialTransport } from '@modelcontextprotocol/sdk/shared/transport.js'
import { afterEach, describe, expect, it } from 'vitest'
import { EVERYTHING_SERVER_BIN, expectGone } from '../interop/children.js'
import { SpecTap } from '../interop/spec-tap.js'
import { answeringV2Client, MODERN } from './v2-client.js'

const open: Array<{ client: Client; pid: number | undefined; tap: SpecTap }> = []

async function connect(mode: 'auto' | 'pin' = 'pin') {
  const transport = new StdioClientTransport({ command: process.execPath, args: [EVERYTHING_SERVER_BIN], stderr: 'pipe' })
  const tap = new SpecTap(transport as unknown as OfficialTransport, MODERN)
  const { client, asked } = answeringV2Client(
    { form: { name: 'Ada', age: 36, subscribe: true, color: 'green' }, model: 'test-model', text: 'four', roots: [{ uri: 'file:///work/alpha', name: 'alpha' }] },
    mode,
  )
  await client.connect(tap as never)
  const entry = { client, pid: transport.pid ?? undefined, tap }
  open.push(entry)
  return { ...entry, asked }
}

afterEach(async () => {
  for (const { client, pid, tap } of open.splice(0)) {
    await client.close()
    await expectGone(pid)
    expect(tap.violations).toEqual([])
  }
})

const text = (result: unknown, index = 0): string => {
  const block = (result as CallToolResult).content[index]
  if (block?.type !== 'text') throw new Error(`content[${index}] is ${block?.type}, not text`)
  return block.text
}

describe('the official v2 client against the everything-server on the 2026-07-28 wire (stdio)', () => {
  it('speaks 2026-07-28 with no initialize, learning who we are from server/discover', async () => {
    const { client, tap } = await connect()
    expect(client.getNegotiatedProtocolVersion?.() ?? (client as unknown as { protocolVersion?: string }).protocolVersion).toBe(MODERN)
    expect(client.getServerVersion()).toMatchObject({ name: 'plugboard-everything-server' })
    expect(client.getServerCapabilities()).toMatchObject({ tools: {}, resources: {}, prompts: {} })
    const { tools } = await client.listTools()
    expect(tools.map((t) => t.name)).toContain('echo')
    // On the wire: every result says resultType and who answered; nothing answered an initialize.
    const results = tap.received.filter((m) => 'result' in m) as Array<{ result: Record<string, unknown> }>
    expect(results.length).toBeGreaterThanOrEqual(2)
    for (const { result } of results) {
      expect(result.resultType).toBe('complete')
      expect(result._meta).toMatchObject({ 'io.modelcontextprotocol/serverInfo': { name: 'plugboard-everything-server' } })
      expect(result).not.toHaveProperty('protocolVersion')
    }
  })

  it('auto negotiation probes with server/discover and stays modern', async () => {
    const { client } = await connect('auto')
    expect(client.getServerVersion()).toMatchObject({ name: 'plugboard-everything-server' })
    expect(text(await client.callTool({ name: 'echo', arguments: { message: 'auto' } }))).toBe('Echo: auto')
  })

  it('calls tools, reads resources and gets prompts, with caching hints on what is cacheable', async () => {
    const { client, tap } = await connect()
    expect(text(await client.callTool({ name: 'echo', arguments: { message: 'hi' } }))).toBe('Echo: hi')
    const add = await client.callTool({ name: 'add', arguments: { a: 2, b: 40 } })
    expect(add.structuredContent).toEqual({ sum: 42 })
    const read = await client.readResource({ uri: 'everything://static/readme' })
    expect(read.contents[0]).toMatchObject({ uri: 'everything://static/readme', mimeType: 'text/plain' })
    const prompt = await client.getPrompt({ name: 'simple' })
    expect(prompt.messages.length).toBeGreaterThan(0)
    const cacheable = tap.received.filter((m) => 'result' in m && ('tools' in (m.result as object) || 'contents' in (m.result as object))) as Array<{ result: Record<string, unknown> }>
    for (const { result } of cacheable) expect(result).toMatchObject({ ttlMs: expect.any(Number), cacheScope: expect.stringMatching(/^(public|private)$/) })
  })

  it('answers our elicitation with the SDK handler through an input_required round, then completes', async () => {
    const { client, asked, tap } = await connect()
    const result = await client.callTool({ name: 'elicit-input' })
    expect(asked.map((a) => a.method)).toEqual(['elicitation/create'])
    expect(text(result)).toContain('name=Ada')
    // The first answer was input_required, keyed and with a signed requestState; no server→client request was sent.
    const inputRequired = tap.received.find((m) => 'result' in m && (m.result as { resultType?: string }).resultType === 'input_required') as { result: Record<string, unknown> }
    expect(inputRequired.result).toMatchObject({ inputRequests: { 'elicit-0': { method: 'elicitation/create' } }, requestState: expect.any(String) })
    expect(tap.received.filter((m) => 'method' in m && 'id' in m)).toEqual([])
  })

  it('answers sampling and roots the same way, with the handler code unchanged from the legacy era', async () => {
    const { client, asked } = await connect()
    const sampled = await client.callTool({ name: 'sample-llm', arguments: { prompt: 'What is 2 + 2?', maxTokens: 20 } })
    expect(text(sampled)).toBe('test-model says: four')
    expect(sampled.structuredContent).toEqual({ model: 'test-model', text: 'four', stopReason: 'endTurn' })
    const roots = await client.callTool({ name: 'list-roots' })
    expect(roots.structuredContent).toEqual({ roots: [{ uri: 'file:///work/alpha', name: 'alpha' }] })
    expect(asked.map((a) => a.method)).toEqual(['sampling/createMessage', 'roots/list'])
  })

  it('reports progress on the request and is told a missing resource is -32602', async () => {
    const { client, tap } = await connect()
    const progress: number[] = []
    const result = await client.callTool({ name: 'long-running-operation', arguments: { durationMs: 200, steps: 2 } }, { onprogress: (p: { progress: number }) => void progress.push(p.progress) })
    expect(text(result)).toMatch(/finished 2 steps/)
    const notes = tap.received.filter((m) => 'method' in m && m.method === 'notifications/progress') as unknown as Array<{ params: { progress: number; total?: number } }>
    expect(notes.map((n) => [n.params.progress, n.params.total])).toEqual([
      [1, 2],
      [2, 2],
    ])
    expect(progress.length).toBeGreaterThanOrEqual(1)
    const error = await client.readResource({ uri: 'everything://nothing/here' }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: -32602 })
    // The server goes on serving.
    expect(text(await client.callTool({ name: 'echo', arguments: { message: 'still here' } }))).toBe('Echo: still here')
  })
})
