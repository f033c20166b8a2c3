// The stdio transport's lifecycle with real processes: a server dying mid-request, and our
// everything-server fed bytes no well-behaved client sends (bad JSON, requests before
// initialize, an oversize line, unknown notifications). Every child is checked gone afterwards.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { createInterface } from 'node:readline'
import { Client, ErrorCode, McpError } from '@plugboard/client'
import { withSchemaCheck } from '@plugboard/protocol/testing'
import { StdioClientTransport } from '@plugboard/transport-stdio'
import { afterEach, describe, expect, it } from 'vitest'
import { EVERYTHING_SERVER_BIN, expectGone, fixture } from './children.js'

/** The server's default `maxMessageSize` (transport-stdio's DEFAULT_MAX_MESSAGE_SIZE): 16 MiB. */
const MAX_MESSAGE_SIZE = 16 * 1024 * 1024

type Message = { jsonrpc: '2.0'; id?: string | number | null; result?: Record<string, unknown>; error?: { code: number; message: string; data?: unknown } }

/**
 * The everything-server spawned with bare pipes, so a test can write any bytes and read each
 * line it answers — what a transport would never let us send.
 */
class RawServer {
  readonly child: ChildProcessWithoutNullStreams
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  stderr = ''
  readonly #lines: string[] = []
  readonly #stdoutClosed: Promise<void>
  #waiter: (() => void) | undefined

  constructor(path: string) {
    this.child = spawn(process.execPath, [path], { stdio: ['pipe', 'pipe', 'pipe'] })
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })))
    this.child.stderr.on('data', (chunk: Buffer) => void (this.stderr += chunk.toString()))
    const lines = createInterface({ input: this.child.stdout }).on('line', (line) => {
      this.#lines.push(line)
      this.#waiter?.()
    })
    this.#stdoutClosed = new Promise((resolve) => lines.once('close', resolve))
  }

  /** Writes one line (a message object is serialized). */
  write(line: string | Record<string, unknown>): void {
    this.child.stdin.write((typeof line === 'string' ? line : JSON.stringify(line)) + '\n')
  }

  /** The next line the server writes, parsed; every line on stdout must be JSON. */
  async next(): Promise<Message> {
    while (this.#lines.length === 0) {
      await new Promise<void>((resolve, reject) => {
        this.#waiter = resolve
        this.child.once('exit', () => reject(new Error(`server exited while a line was awaited; stderr:\n${this.stderr}`)))
      })
      this.#waiter = undefined
    }
    return JSON.parse(this.#lines.shift()!) as Message
  }

  /** The first line with this id, skipping notifications; what was written before an exit is still read. */
  async nextWithId(id: number): Promise<Message> {
    await this.#stdoutClosed
    const line = this.#lines.find((text) => (JSON.parse(text) as Message).id === id)
    if (!line) throw new Error(`no message with id ${id}; got:\n${this.#lines.join('\n')}`)
    return JSON.parse(line) as Message
  }

  /** Sends a request and returns the next line, which must answer it. */
  async request(id: number, method: string, params: Record<string, unknown> = {}): Promise<Message> {
    this.write({ jsonrpc: '2.0', id, method, params })
    const reply = await this.next()
    expect(reply.id).toBe(id)
    return reply
  }

  async initialize(): Promise<void> {
    const reply = await this.request(0, 'initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '0' } })
    expect(reply.result).toMatchObject({ protocolVersion: '2025-11-25' })
    this.write({ jsonrpc: '2.0', method: 'notifications/initialized' })
  }

  /** Closes stdin, as a client shutting down does, and resolves with how the server exited. */
  async end(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.child.stdin.end()
    return this.exited
  }
}

const spawned: RawServer[] = []
const raw = (): RawServer => {
  const server = new RawServer(EVERYTHING_SERVER_BIN)
  spawned.push(server)
  return server
}

afterEach(async () => {
  for (const server of spawned.splice(0)) {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL')
    await server.exited
    await expectGone(server.child.pid)
  }
})

describe('a server that dies in the middle of a request', () => {
  /** Connects to the dying fixture, checks it serves, then calls the tool that kills it. */
  async function callDie() {
    const transport = new StdioClientTransport({ command: process.execPath, args: [fixture('dying-server.mjs')] })
    const client = new Client({ name: 'lifecycle', version: '0.0.0' })
    const errors: Error[] = []
    client.on('error', (error) => void errors.push(error))
    const checked = withSchemaCheck(transport, () => client.getNegotiatedProtocolVersion())
    await client.connect(checked)
    expect(await client.callTool({ name: 'ok' })).toMatchObject({ content: [{ type: 'text', text: 'ok' }] })
    // A timeout far above the test's: a rejection by timeout would carry RequestTimeout instead.
    const error = await client.callTool({ name: 'die' }, { timeout: 120_000 }).catch((e: unknown) => e)
    return { transport, client, errors, checked, error }
  }

  it('rejects the pending callTool with McpError(ConnectionClosed) at once, reports the exit, and leaves no process', async () => {
    const { transport, client, errors, checked, error } = await callDie()
    expect(error).toBeInstanceOf(McpError)
    expect((error as McpError).code).toBe(ErrorCode.ConnectionClosed)
    expect(transport.exitCode).toBe(3)
    expect(transport.stderrTail).toContain('dying-fixture: exiting with code 3 mid-request')
    // The transport reports the death as an error event, with the exit code and the end of stderr.
    expect(errors.map((e) => e.message).join('\n')).toMatch(/exited with code 3; stderr ends with:\n.*exiting with code 3/)
    await client.close()
    await expectGone(transport.pid)
    expect(checked.violations).toEqual([])
  })

  it('names the exit code in the rejection of the pending call itself', async () => {
    const { transport, client, error } = await callDie()
    await client.close()
    await expectGone(transport.pid)
    // The caller of callTool should not need an error listener to learn why its call failed.
    const { message, data } = error as McpError
    expect(`${message} ${JSON.stringify(data ?? '')}`).toMatch(/code 3\b/)
  })
})

describe('the everything-server fed malformed input over stdio', () => {
  it('answers a line that is not JSON with -32700 and id null, then still answers a ping', async () => {
    const server = raw()
    await server.initialize()
    server.write('{"jsonrpc": "2.0", "id": 1, "method": "ping"')
    expect(await server.next()).toMatchObject({ id: null, error: { code: ErrorCode.ParseError } })
    expect(await server.request(2, 'ping')).toEqual({ jsonrpc: '2.0', id: 2, result: {} })
    expect(await server.end()).toEqual({ code: 0, signal: null })
  })

  it('answers JSON that is not JSON-RPC with -32600 and keeps serving', async () => {
    const server = raw()
    await server.initialize()
    server.write({ jsonrpc: '1.0', id: 3, method: 'ping' })
    expect(await server.next()).toMatchObject({ id: 3, error: { code: ErrorCode.InvalidRequest } })
    expect(await server.request(4, 'ping')).toMatchObject({ result: {} })
    expect(await server.end()).toEqual({ code: 0, signal: null })
  })

  it('refuses a request sent before initialize with -32600, and answers ping before and after', async () => {
    const server = raw()
    expect(await server.request(1, 'ping')).toMatchObject({ result: {} })
    const early = await server.request(2, 'tools/list')
    expect(early.error).toMatchObject({ code: ErrorCode.InvalidRequest, message: expect.stringContaining('before initialize') })
    await server.initialize()
    const tools = await server.request(3, 'tools/list')
    expect((tools.result as { tools: unknown[] }).tools.length).toBeGreaterThan(0)
    expect(await server.end()).toEqual({ code: 0, signal: null })
  })

  it('answers a message over the 16 MiB limit with -32600, skips it, and does not crash', async () => {
    const server = raw()
    await server.initialize()
    const pad = 'x'.repeat(MAX_MESSAGE_SIZE + 1024)
    server.write({ jsonrpc: '2.0', id: 5, method: 'ping', params: { pad } })
    const refused = await server.next()
    expect(refused).toMatchObject({ id: null, error: { code: ErrorCode.InvalidRequest, message: expect.stringContaining('maxMessageSize') } })
    // The oversize line is dropped whole: the next message is read from its first byte.
    expect(await server.request(6, 'ping')).toEqual({ jsonrpc: '2.0', id: 6, result: {} })
    expect(await server.end()).toEqual({ code: 0, signal: null })
  })

  it('ignores an unknown notification: nothing is written for it and the next request is answered', async () => {
    const server = raw()
    await server.initialize()
    server.write({ jsonrpc: '2.0', method: 'notifications/plugboard/unknown', params: { x: 1 } })
    server.write({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'never-sent' } })
    // Had either produced output, it would be the next line instead of this answer.
    expect(await server.request(7, 'ping')).toEqual({ jsonrpc: '2.0', id: 7, result: {} })
    expect(await server.end()).toEqual({ code: 0, signal: null })
  })

  it('answers an unknown method with -32601 and writes nothing but JSON-RPC to stdout', async () => {
    const server = raw()
    await server.initialize()
    expect((await server.request(8, 'plugboard/nope')).error).toMatchObject({ code: ErrorCode.MethodNotFound })
    expect(await server.end()).toEqual({ code: 0, signal: null })
    // Its diagnostics went to stderr.
    expect(server.stderr).toContain('serving MCP on stdio')
  })

  it('finishes a slow call in flight when stdin closes, writes its answer, then exits with code 0', async () => {
    const server = raw()
    await server.initialize()
    server.write({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'slow', arguments: { durationMs: 300 } } })
    expect(await server.end()).toEqual({ code: 0, signal: null })
    const answer = await server.nextWithId(9)
    expect(answer.result).toMatchObject({ content: [expect.objectContaining({ type: 'text' })] })
  })
})

describe('the everything-server bin flags', () => {
  it('refuses an unknown flag with usage on stderr and exit code 2', async () => {
    const child = spawn(process.execPath, [EVERYTHING_SERVER_BIN, '--bogus'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()))
    expect(await new Promise<number | null>((resolve) => child.once('exit', resolve))).toBe(2)
    expect(stderr).toContain('Usage: plugboard-everything-server')
    await expectGone(child.pid)
  })
})
