// Our Client against a server built on the official TypeScript SDK v2 (@modelcontextprotocol/server
// 2.4.0, test/fixtures/official-v2-server.mjs) in a child process: over stdio (`serveStdio`) and
// over Streamable HTTP on 127.0.0.1 (`createMcpHandler`). On the 2026-07-28 wire its tools ask
// for an elicitation, a sampling completion and the roots by returning `input_required`; our
// handlers answer and our client retries with `inputResponses` and the signed `requestState`.
// In legacy mode the same factory serves `initialize`. Everything our client sends is checked
// against the official JSON Schema of the revision in force (withSchemaCheck).
import { spawn, type ChildProcess } from 'node:child_process'
import { Client, type ClientOptions } from '@plugboard/client'
import type { CallToolResult, CreateMessageRequestParams, ElicitRequestFormParams, JSONRPCMessage, Transport } from '@plugboard/protocol'
import { withSchemaCheck } from '@plugboard/protocol/testing'
import { StreamableHTTPClientTransport } from '@plugboard/transport-http'
import { StdioClientTransport } from '@plugboard/transport-stdio'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { expectNoLeaks, resourceBaseline } from '../../packages/transport-http/test/client/helpers.js'
import { expectGone, fixture } from '../interop/children.js'

const MODERN = '2026-07-28'
const FIXTURE = fixture('official-v2-server.mjs')
type Mode = NonNullable<ClientOptions['versionNegotiation']>['mode']

let baseline: Record<string, number>
const cleanups: Array<() => Promise<void>> = []
beforeEach(() => {
  baseline = resourceBaseline()
})
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  // No socket or timer of ours outlives the client.
  await expectNoLeaks(baseline)
})

/** The fixture over HTTP in a child process; resolves with the URL it prints on stderr. */
async function serveHttp(): Promise<URL> {
  const child: ChildProcess = spawn(process.execPath, [FIXTURE, '--http'], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => void (stderr += chunk.toString()))
  cleanups.push(async () => {
    const exited = new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve)))
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    await expectGone(child.pid)
  })
  return new Promise<URL>((resolve, reject) => {
    child.stderr!.on('data', () => {
      const found = /serving MCP on (http:\/\/\S+)/.exec(stderr)
      if (found) resolve(new URL(found[1]!))
    })
    child.once('exit', (code) => reject(new Error(`fixture exited (${code}) before listening:\n${stderr}`)))
  })
}

/** A transport wrapper that records what the client sends (the schema check sits below it). */
function recording<T extends Transport>(inner: T): { transport: Transport; sent: JSONRPCMessage[] } {
  const sent: JSONRPCMessage[] = []
  const transport: Transport = {
    start: () => inner.start(),
    close: () => inner.close(),
    // Recorded before sending: over HTTP, send() settles only once the POST's response has been read.
    send: (message, options) => {
      sent.push(...((Array.isArray(message) ? message : [message]) as JSONRPCMessage[]))
      return inner.send(message, options)
    },
  }
  inner.onmessage = (message, info) => transport.onmessage?.(message, info)
  inner.onclose = () => transport.onclose?.()
  inner.onerror = (error) => transport.onerror?.(error)
  return { transport, sent }
}

const ROOTS = [{ uri: 'file:///work/gamma', name: 'gamma' }]

async function connect(kind: 'stdio' | 'http', mode: Mode) {
  const forms: ElicitRequestFormParams[] = []
  const sampled: CreateMessageRequestParams[] = []
  const client = new Client(
    { name: 'plugboard-v2-interop', version: '0.0.0' },
    {
      versionNegotiation: { mode },
      elicitation: {
        form: async (params) => {
          forms.push(params)
          return { action: 'accept', content: { quantity: 3 } }
        },
      },
      sampling: async (params) => {
        sampled.push(params)
        return { role: 'assistant', model: 'scripted', stopReason: 'endTurn', content: { type: 'text', text: 'forty-two' } }
      },
      roots: ROOTS,
    },
  )
  const stdio = kind === 'stdio' ? new StdioClientTransport({ command: process.execPath, args: [FIXTURE] }) : undefined
  const inner = stdio ?? new StreamableHTTPClientTransport(await serveHttp())
  // Until connect() settles nothing is negotiated: the opening message is checked in the era it opens.
  const checked = withSchemaCheck(inner, () => client.getNegotiatedProtocolVersion() ?? (mode === 'legacy' ? '2025-11-25' : MODERN))
  const { transport, sent } = recording(checked)
  cleanups.push(async () => {
    await client.close()
    if (stdio) {
      // serveStdio ends on stdin EOF, the first step of our close().
      expect(stdio.exitCode).toBe(0)
      await expectGone(stdio.pid)
    }
    expect(checked.violations).toEqual([])
  })
  await client.connect(transport)
  return { client, forms, sampled, sent }
}

const textOf = (result: CallToolResult): string => {
  const block = result.content?.[0]
  if (block?.type !== 'text') throw new Error(`content[0] is ${block?.type}, not text`)
  return block.text
}
const requests = (sent: JSONRPCMessage[], method: string) => sent.filter((m) => 'method' in m && m.method === method) as Array<{ params: Record<string, unknown> }>

describe.each(['stdio', 'http'] as const)('our client against the official v2 server over %s', (kind) => {
  describe.each<[string, Mode]>([
    ['pinned to 2026-07-28', { pin: MODERN }],
    ['in auto mode', 'auto'],
  ])('on the modern wire, %s', (_name, mode) => {
    it('discovers 2026-07-28 with no initialize and reads who the server is', async () => {
      const { client, sent } = await connect(kind, mode)
      expect(client.getNegotiatedProtocolVersion()).toBe(MODERN)
      expect(client.getServerVersion()).toMatchObject({ name: 'official-v2-fixture', version: '2.4.0' })
      expect(client.getServerCapabilities()).toMatchObject({ tools: {}, resources: {}, prompts: {} })
      expect(sent.map((m) => 'method' in m && m.method)).toEqual(['server/discover'])
      expect(requests(sent, 'initialize')).toEqual([])
    })

    it('lists and calls tools, reads the resource and gets the prompt, stamping _meta on each request', async () => {
      const { client, sent } = await connect(kind, mode)
      const { tools } = await client.listTools()
      expect(tools.map((t) => t.name)).toEqual(['multiply', 'order', 'ask-model'])
      const product = await client.callTool({ name: 'multiply', arguments: { a: 6, b: 7 } })
      expect(product.structuredContent).toEqual({ product: 42 })
      expect(textOf(product)).toBe('6 × 7 = 42')
      const read = await client.readResource({ uri: 'fixture://greeting' })
      expect(read.contents).toEqual([{ uri: 'fixture://greeting', mimeType: 'text/plain', text: 'Hello from the official SDK v2' }])
      const prompt = await client.getPrompt({ name: 'review', arguments: { code: 'x = 1' } })
      expect(prompt.messages).toEqual([{ role: 'user', content: { type: 'text', text: 'Please review:\nx = 1' } }])
      for (const method of ['tools/list', 'tools/call', 'resources/read', 'prompts/get']) {
        expect(requests(sent, method)[0]!.params._meta).toMatchObject({ 'io.modelcontextprotocol/protocolVersion': MODERN })
      }
    })

    it('answers the tool’s input_required elicitation with our form handler and retries with its answer and the signed state', async () => {
      const { client, forms, sent } = await connect(kind, mode)
      const result = await client.callTool({ name: 'order', arguments: { item: 'apples' } })
      expect(forms).toEqual([expect.objectContaining({ message: 'How many apples?', requestedSchema: expect.objectContaining({ properties: { quantity: expect.objectContaining({ type: 'number' }) } }) })])
      expect(textOf(result)).toBe('ordered 3 apples')
      const [first, retry] = requests(sent, 'tools/call')
      expect(first!.params).not.toHaveProperty('inputResponses')
      expect(retry!.params).toMatchObject({ name: 'order', inputResponses: { quantity: { action: 'accept', content: { quantity: 3 } } }, requestState: expect.stringMatching(/^v1\./) })
    })

    it('answers a sampling request and the roots in one input_required round', async () => {
      const { client, sampled, sent } = await connect(kind, mode)
      const result = await client.callTool({ name: 'ask-model', arguments: { question: 'meaning of life?' } })
      expect(sampled).toEqual([expect.objectContaining({ maxTokens: 50, messages: [{ role: 'user', content: { type: 'text', text: 'meaning of life?' } }] })])
      expect(textOf(result)).toBe('model scripted answered: forty-two (roots: file:///work/gamma)')
      expect(requests(sent, 'tools/call')).toHaveLength(2)
      expect(requests(sent, 'tools/call')[1]!.params.inputResponses).toMatchObject({ llm: { model: 'scripted' }, roots: { roots: ROOTS } })
    })
  })
})

describe('our client in legacy mode against the official v2 server over stdio', () => {
  it('initializes, and the SDK’s legacy shim turns input_required into real elicitation, sampling and roots requests', async () => {
    const { client, forms, sampled, sent } = await connect('stdio', 'legacy')
    expect(client.getNegotiatedProtocolVersion()).toBe('2025-11-25')
    expect(client.getInstructions()).toBe('Official SDK v2 fixture')
    expect(sent.slice(0, 2).map((m) => 'method' in m && m.method)).toEqual(['initialize', 'notifications/initialized'])
    expect(textOf(await client.callTool({ name: 'multiply', arguments: { a: 2, b: 21 } }))).toBe('2 × 21 = 42')
    expect(textOf(await client.callTool({ name: 'order', arguments: { item: 'pears' } }))).toBe('ordered 3 pears')
    expect(textOf(await client.callTool({ name: 'ask-model', arguments: { question: 'why?' } }))).toBe('model scripted answered: forty-two (roots: file:///work/gamma)')
    expect(forms).toHaveLength(1)
    expect(sampled).toHaveLength(1)
    // One tools/call each: the rounds were served as server→client requests, which we answered.
    expect(requests(sent, 'tools/call')).toHaveLength(3)
    expect(sent.filter((m) => 'result' in m)).toHaveLength(3)
    expect((await client.readResource({ uri: 'fixture://greeting' })).contents[0]).toMatchObject({ text: 'Hello from the official SDK v2' })
  })
})

describe('our client in legacy mode against the official v2 server over HTTP (stateless legacy fallback)', () => {
  it('initializes with no session and calls plain tools, resources and prompts', async () => {
    const { client, sent } = await connect('http', 'legacy')
    expect(client.getNegotiatedProtocolVersion()).toBe('2025-11-25')
    expect(client.getServerVersion()).toMatchObject({ name: 'official-v2-fixture' })
    expect(requests(sent, 'initialize')).toHaveLength(1)
    expect(textOf(await client.callTool({ name: 'multiply', arguments: { a: 3, b: 3 } }))).toBe('3 × 3 = 9')
    expect((await client.readResource({ uri: 'fixture://greeting' })).contents[0]).toMatchObject({ text: 'Hello from the official SDK v2' })
    expect((await client.getPrompt({ name: 'review', arguments: { code: 'y' } })).messages).toHaveLength(1)
  })

  it('gets an isError result, not a request, from a tool needing input: a per-request instance cannot ask the client', async () => {
    const { client, forms, sampled } = await connect('http', 'legacy')
    const order = await client.callTool({ name: 'order', arguments: { item: 'plums' } })
    expect(order.isError).toBe(true)
    expect(textOf(order)).toMatch(/Cannot request input 'quantity' \(elicitation\/create\).*per-request legacy serving cannot receive server-to-client requests/)
    const asked = await client.callTool({ name: 'ask-model', arguments: { question: 'why?' } })
    expect(asked.isError).toBe(true)
    expect(textOf(asked)).toMatch(/Cannot request input 'llm' \(sampling\/createMessage\)/)
    expect(forms).toEqual([])
    expect(sampled).toEqual([])
  })
})
