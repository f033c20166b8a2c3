import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { bearerAuth } from '@plugboard/auth'
import { Client, type ClientOptions } from '@plugboard/client'
import { TASKS_EXTENSION_ID, type AuthInfo } from '@plugboard/protocol'
import { McpServer, memoryTaskStore, startTask, tasks } from '@plugboard/server'
import { StreamableHTTPClientTransport, createMcpHandler, toNodeHandler, type McpHandler } from '@plugboard/transport-http'
import { StdioClientTransport } from '@plugboard/transport-stdio'
import { expect, vi } from 'vitest'
import { isRunning } from '../fixtures/processes.js'
import { defineJobs } from './fixtures/jobs.mjs'

/** A stdio fixture of this folder: run by `node`, on the built packages. */
export const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))

/** Client options declaring the Tasks extension: without it, no call becomes a task. */
export const DECLARES_TASKS: ClientOptions = { capabilities: { extensions: { [TASKS_EXTENSION_ID]: {} } } }

export interface TaskServerOptions {
  /** The tasks' lifetime; default one hour. */
  ttlMs?: number
  /** The memory store's bound; default 10 000. */
  maxTasks?: number
  /** The revision the clients are pinned to (`2025-11-25` for its experimental tasks); default negotiated. */
  protocolVersion?: string
}

const clientOptions = (options: TaskServerOptions): ClientOptions =>
  options.protocolVersion === undefined ? DECLARES_TASKS : { ...DECLARES_TASKS, versionNegotiation: { mode: { pin: options.protocolVersion } } }

/** Who calls, over HTTP: each has a bearer token of its own (stdio authenticates nobody). */
export type Principal = 'alice' | 'bob'
const TOKENS: Record<Principal, AuthInfo> = {
  alice: { token: 'token-of-alice', clientId: 'alice', scopes: [] },
  bob: { token: 'token-of-bob', clientId: 'bob', scopes: [] },
}

/** A server with `tasks()` and the tools of fixtures/jobs.mjs, and how to reach it. */
export interface TaskServer {
  /** A new Client of it declaring the extension; over HTTP with `as`'s token (alice's by default). */
  connect(as?: Principal): Promise<Client>
  /** Cuts every connection to it (HTTP; a no-op over stdio, where the client owns the only one). */
  cut(): void
  /** Closes the McpServer (HTTP; over stdio the client closing ends the child); its HTTP handler stays until the test ends. */
  close(): Promise<void>
}

const clients = new Set<Client>()
const children: number[] = []
const listeners = new Set<{ http: Server; handler: McpHandler; server: McpServer }>()

async function connected(options: ClientOptions, transport: StdioClientTransport | StreamableHTTPClientTransport): Promise<Client> {
  const client = new Client({ name: 'extensions-e2e', version: '1.0.0' }, options)
  clients.add(client)
  await client.connect(transport)
  return client
}

/** The task server as a child process over stdio (tests/extensions-e2e/fixtures/tasks-server.mjs), one per connection. */
export async function stdioTaskServer(options: TaskServerOptions = {}): Promise<TaskServer> {
  const args = [fixture('tasks-server.mjs')]
  if (options.ttlMs !== undefined) args.push(`--ttl-ms=${options.ttlMs}`)
  if (options.maxTasks !== undefined) args.push(`--max-tasks=${options.maxTasks}`)
  return {
    async connect() {
      const transport = new StdioClientTransport({ command: process.execPath, args })
      const client = await connected(clientOptions(options), transport)
      children.push(transport.pid!)
      return client
    },
    cut() {},
    async close() {},
  }
}

/**
 * The task server in this process behind Streamable HTTP on 127.0.0.1 (createMcpHandler + toNodeHandler),
 * authenticating with bearerAuth: tasks belong to the principal whose token created them.
 */
export async function httpTaskServer(options: TaskServerOptions = {}): Promise<TaskServer> {
  const server = new McpServer({ name: 'tasks-e2e', version: '1.0.0' }, { extensions: [tasks({ store: memoryTaskStore({ maxTasks: options.maxTasks }), ttlMs: options.ttlMs, pollIntervalMs: 20 })] })
  defineJobs(server, startTask)
  const byToken = new Map(Object.values(TOKENS).map((info) => [info.token, info]))
  const handler = createMcpHandler(server, {
    path: '/mcp',
    authenticate: bearerAuth({ verifyToken: (token) => byToken.get(token), resourceMetadataUrl: 'http://127.0.0.1/.well-known/oauth-protected-resource/mcp' }),
  })
  const http = createServer(toNodeHandler(handler))
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  listeners.add({ http, handler, server })
  const url = new URL(`http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`)
  return {
    connect: (as = 'alice') => connected(clientOptions(options), new StreamableHTTPClientTransport(url, { headers: { authorization: `Bearer ${TOKENS[as].token}` } })),
    cut: () => http.closeAllConnections(),
    close: () => server.close(),
  }
}

/** A new Client of the skills fixture over stdio, with its server's flags. */
export async function skillsClient(args: string[] = []): Promise<Client> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [fixture('skills-server.mjs'), ...args] })
  const client = await connected({}, transport)
  children.push(transport.pid!)
  return client
}

// What is open before a test, to prove afterwards that it left nothing behind. Our timers are
// unref'd (they must not keep a process alive), so the handle count cannot see them: those our
// sources start are recorded, and each must be cleared, or have fired, by the end.
const TRACKED = ['TCPServerWrap', 'TCPSocketWrap', 'Timeout'] as const
const countHandles = () => {
  const counts: Record<string, number> = { TCPServerWrap: 0, TCPSocketWrap: 0, Timeout: 0 }
  for (const r of process.getActiveResourcesInfo()) if (r in counts) counts[r]!++
  return counts
}
let baseline: Record<string, number> = countHandles()
const ourTimers = new Set<{ _destroyed?: boolean; stack?: string }>()
const realSetTimeout = globalThis.setTimeout
const recordingSetTimeout = ((...args: Parameters<typeof setTimeout>) => {
  const timer = realSetTimeout(...args) as unknown as { _destroyed?: boolean; stack?: string }
  const stack = new Error().stack ?? ''
  if (stack.includes('/packages/')) ourTimers.add(Object.assign(timer, { stack }))
  return timer
}) as typeof setTimeout

/** `beforeEach`: notes the handles open now and starts recording the timers our packages start. */
export function recordHandles(): void {
  baseline = countHandles()
  ourTimers.clear()
  globalThis.setTimeout = recordingSetTimeout
}

/**
 * `afterEach`: closes every client and HTTP listener of the test, then proves nothing is left — no
 * child process (a zombie counts as gone), no more sockets, listeners or timers than before, and
 * none of our timers armed.
 */
export async function closeAndCheck(): Promise<void> {
  await Promise.all([...clients].map((client) => client.close()))
  clients.clear()
  for (const { http, handler, server } of listeners) {
    // The handler closes its connections; the server stops what it runs beyond them (running tasks, their timers).
    await server.close()
    await handler.close()
    http.closeAllConnections()
    await new Promise<void>((resolve) => http.close(() => resolve()))
  }
  listeners.clear()
  for (const pid of children.splice(0)) await vi.waitFor(() => expect(isRunning(pid), `process ${pid} is still running`).toBe(false), { timeout: 5000, interval: 20 })
  let now = countHandles()
  // A closed socket's other end, and a timer that fired, go a moment later.
  for (let i = 0; i < 250 && TRACKED.some((k) => now[k]! > baseline[k]!); i++) {
    await new Promise((resolve) => realSetTimeout(resolve, 20))
    now = countHandles()
  }
  globalThis.setTimeout = realSetTimeout
  for (const k of TRACKED) expect(now[k], `${k} handles left behind`).toBeLessThanOrEqual(baseline[k]!)
  expect([...ourTimers].filter((t) => !t._destroyed).map((t) => t.stack), 'timers of ours still armed').toEqual([])
}

/** The `events` tool's log: what the job handlers saw. */
export async function events(client: Client): Promise<string[]> {
  const result = await client.callTool({ name: 'events', arguments: {} })
  return (result.structuredContent as { events: string[] }).events
}
