import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { JSONRPCMessage } from '@plugboard/protocol'
import { McpServer } from '@plugboard/server'
import { createParser, type EventSourceMessage } from 'eventsource-parser'
import { expect } from 'vitest'
import * as z from 'zod'
import { createMcpHandler, toNodeHandler, type McpHandler, type McpHandlerOptions } from '../../src/index.js'

export const ACCEPT_BOTH = 'application/json, text/event-stream'
export const LATEST = '2025-11-25'

/** A promise with its resolver, for tools a test holds open. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] })

/**
 * Our McpServer with the tools the HTTP tests call: echo, progress, a sampling round trip,
 * one that reports who called it, one held open by a gate, and one that asks to be polled.
 */
export function testServer(gates: Array<Promise<void>> = []): McpServer {
  const server = new McpServer({ name: 'http-test', version: '1.0.0' }, { capabilities: { tools: { listChanged: true } } })
  server.registerTool('echo', { inputSchema: { text: z.string() } }, ({ text: t }) => text(t))
  server.registerTool('progress', { inputSchema: { steps: z.number() } }, async ({ steps }, ctx) => {
    for (let i = 1; i <= steps; i++) await ctx.progress(i, steps, `step ${i}`)
    return text(`did ${steps} steps`)
  })
  server.registerTool('sample', {}, async (_args, ctx) => {
    const result = await ctx.sample({ messages: [{ role: 'user', content: { type: 'text', text: 'hello?' } }], maxTokens: 10 })
    return text(`sampled: ${(result.content as { text: string }).text}`)
  })
  server.registerTool('whoami', {}, (_args, ctx) => text(JSON.stringify({ sessionId: ctx.sessionId ?? null, authInfo: ctx.authInfo ?? null, protocolVersion: ctx.protocolVersion })))
  server.registerTool('gated', { inputSchema: { steps: z.number() } }, async ({ steps }, ctx) => {
    for (let i = 1; i <= steps; i++) await ctx.progress(i, steps)
    await gates.shift()
    return text('through the gate')
  })
  server.registerTool('poll', {}, async (_args, ctx) => {
    const closed = ctx.closeSSEStream()
    await gates.shift()
    await ctx.progress(1, 1, 'after the cut')
    return text(`polled: ${closed}`)
  })
  return server
}

export interface Served {
  url: string
  /** Origin of the listener, `http://127.0.0.1:<port>`. */
  origin: string
  port: number
  server: McpServer
  handler: McpHandler
  http: Server
  close(): Promise<void>
}

const served = new Set<Served>()

/** Serves `server` (default: {@link testServer}) through our handler on node:http, bound to 127.0.0.1 on a free port. */
export async function serve(options: McpHandlerOptions = {}, server: McpServer = testServer()): Promise<Served> {
  const handler = createMcpHandler(server, { path: '/mcp', ...options })
  const http = createServer(toNodeHandler(handler))
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  const { port } = http.address() as AddressInfo
  const origin = `http://127.0.0.1:${port}`
  let closing: Promise<void> | undefined
  const s: Served = {
    url: `${origin}/mcp`,
    origin,
    port,
    server,
    handler,
    http,
    close: () =>
      (closing ??= (async () => {
        served.delete(s)
        await handler.close()
        http.closeAllConnections()
        await new Promise<void>((resolve) => http.close(() => resolve()))
      })()),
  }
  served.add(s)
  return s
}

const TRACKED = ['TCPServerWrap', 'TCPSocketWrap', 'Timeout'] as const
const countHandles = () => {
  const counts: Record<string, number> = { TCPServerWrap: 0, TCPSocketWrap: 0, Timeout: 0 }
  for (const r of process.getActiveResourcesInfo()) if (r in counts) counts[r]!++
  return counts
}
let baseline: Record<string, number> | undefined

// Our timers are unref'd (they must not keep a process alive), so the handle count cannot see
// them: the timers our sources start are recorded, and each must be cleared (or have fired) at the end.
const ourTimers = new Set<{ _destroyed?: boolean }>()
const realSetTimeout = globalThis.setTimeout
const realSetInterval = globalThis.setInterval
function recording<F extends (...args: never[]) => unknown>(real: F): F {
  return ((...args: Parameters<F>) => {
    const timer = real(...args) as { _destroyed?: boolean }
    if (new Error().stack?.includes('/transport-http/src/')) ourTimers.add(timer)
    return timer
  }) as F
}

/** Notes the handles open before a test (the hook's own timer among them) and records our timers; see {@link closeAndCheck}. */
export function recordHandles(): void {
  baseline = countHandles()
  ourTimers.clear()
  globalThis.setTimeout = recording(realSetTimeout)
  globalThis.setInterval = recording(realSetInterval)
}

/**
 * Closes everything a test served, then proves nothing is left: no session on any server, and
 * no more sockets, listeners or timers than before the test (polled, not asserted at once:
 * the client side of a closed socket goes a moment later).
 */
export async function closeAndCheck(): Promise<void> {
  const all = [...served]
  await Promise.all(all.map((s) => s.close()))
  for (const s of all) expect(s.server.sessions.size, 'sessions left open').toBe(0)
  const before = baseline ?? { TCPServerWrap: 0, TCPSocketWrap: 0, Timeout: 0 }
  let now = countHandles()
  for (let i = 0; i < 250 && TRACKED.some((k) => now[k]! > before[k]!); i++) {
    // A timer that has fired is gone by the time handles are counted again.
    await new Promise((resolve) => setTimeout(resolve, 20))
    now = countHandles()
  }
  for (const k of TRACKED) expect(now[k], `${k} handles left behind`).toBeLessThanOrEqual(before[k]!)
  globalThis.setTimeout = realSetTimeout
  globalThis.setInterval = realSetInterval
  expect([...ourTimers].filter((t) => !t._destroyed), 'timers of ours still armed').toEqual([])
}

/** A POST with JSON-RPC headers; `headers` add to or override them. */
export function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { accept: ACCEPT_BOTH, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

export const initializeRequest = (protocolVersion = LATEST, id: number | string = 0, capabilities: Record<string, unknown> = {}) => ({
  jsonrpc: '2.0' as const,
  id,
  method: 'initialize',
  params: { protocolVersion, capabilities, clientInfo: { name: 'raw-test-client', version: '1.0.0' } },
})

/** Opens a session the way a client does (initialize, then initialized) and returns its id and the headers to send with it. */
export async function openSession(
  url: string,
  options: { protocolVersion?: string; capabilities?: Record<string, unknown>; headers?: Record<string, string> } = {},
): Promise<{ sessionId: string; headers: Record<string, string>; result: Record<string, unknown> }> {
  const protocolVersion = options.protocolVersion ?? LATEST
  const response = await post(url, initializeRequest(protocolVersion, 0, options.capabilities), options.headers)
  expect(response.status).toBe(200)
  const sessionId = response.headers.get('mcp-session-id')
  expect(sessionId).toBeTruthy()
  const [answer] = await responses(response)
  const result = (answer as { result: Record<string, unknown> }).result
  const headers = { ...options.headers, 'mcp-session-id': sessionId!, 'mcp-protocol-version': result.protocolVersion as string }
  const initialized = await post(url, { jsonrpc: '2.0', method: 'notifications/initialized' }, headers)
  expect(initialized.status).toBe(202)
  return { sessionId: sessionId!, headers, result }
}

/** Reads the SSE events of a response body one at a time. */
export class SseReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>
  readonly #decoder = new TextDecoder()
  readonly #queue: EventSourceMessage[] = []
  readonly #parser = createParser({ onEvent: (event) => this.#queue.push(event), onRetry: (ms) => this.retries.push(ms) })
  /** Every `retry` field seen. */
  readonly retries: number[] = []
  done = false

  constructor(response: Response) {
    expect(response.headers.get('content-type')).toBe('text/event-stream')
    this.#reader = response.body!.getReader()
  }

  /** The next event, or undefined once the stream has ended. */
  async next(): Promise<EventSourceMessage | undefined> {
    while (this.#queue.length === 0) {
      if (this.done) return undefined
      const { done, value } = await this.#reader.read()
      if (done) this.done = true
      else this.#parser.feed(this.#decoder.decode(value, { stream: true }))
    }
    return this.#queue.shift()
  }

  /** Every remaining event, to the end of the stream. */
  async rest(): Promise<EventSourceMessage[]> {
    const events: EventSourceMessage[] = []
    for (let e = await this.next(); e; e = await this.next()) events.push(e)
    return events
  }

  /** Drops the connection, as a client losing its network would. */
  async cut(): Promise<void> {
    await this.#reader.cancel()
  }
}

/** The JSON-RPC messages of a response: the JSON body, or every non-empty SSE `message` event. */
export async function responses(response: Response): Promise<JSONRPCMessage[]> {
  if (response.headers.get('content-type') === 'application/json') {
    const body = await response.json()
    return Array.isArray(body) ? body : [body]
  }
  const events = await new SseReader(response).rest()
  return events.filter((e) => e.data !== '').map((e) => JSON.parse(e.data) as JSONRPCMessage)
}

export const callTool = (id: number | string, name: string, args: Record<string, unknown> = {}, meta?: Record<string, unknown>) => ({
  jsonrpc: '2.0' as const,
  id,
  method: 'tools/call',
  params: { name, arguments: args, ...(meta ? { _meta: meta } : {}) },
})

/** The text of a tools/call result message. */
export function toolText(message: JSONRPCMessage | undefined): string {
  const result = (message as { result?: { content?: Array<{ text: string }> } } | undefined)?.result
  if (!result?.content?.[0]) throw new Error(`not a tool result: ${JSON.stringify(message)}`)
  return result.content[0].text
}
