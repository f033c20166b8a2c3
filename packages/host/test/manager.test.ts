import type { JSONRPCPayload, Transport } from '@plugboard/protocol'
import { InMemoryTransport } from '@plugboard/protocol/testing'
import { McpServer } from '@plugboard/server'
import { HttpClientTransport, SSEClientTransport, StreamableHTTPClientTransport } from '@plugboard/transport-http'
import { StdioClientTransport } from '@plugboard/transport-stdio'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createTransport, ServerManager, type ServerConfig, type ServerManagerOptions, type ServerStatus } from '../src/index.js'
import { everythingServer, fixtureServer, GRACE_MS, isRunning } from './helpers.js'
import { startTinyHttpServer } from './http-server.js'

const managers: ServerManager[] = []
const spawned: StdioClientTransport[] = []

/** A manager whose stdio transports are recorded (for their pids) and closed after each test. */
function manage(options: ServerManagerOptions): ServerManager {
  const manager = new ServerManager({
    closeGraceMs: GRACE_MS,
    pingIntervalMs: 0,
    createTransport: (_name, config) => {
      const transport = createTransport(config, { closeGraceMs: GRACE_MS })
      if (transport instanceof StdioClientTransport) spawned.push(transport)
      return transport
    },
    ...options,
  })
  managers.push(manager)
  return manager
}

/** Every state event, as `name:state`. */
function record(manager: ServerManager): { states: ServerStatus[]; trail: (name?: string) => string[] } {
  const states: ServerStatus[] = []
  manager.on('state', (status) => states.push(status))
  return { states, trail: (name) => states.filter((s) => name === undefined || s.name === name).map((s) => (name ? s.state : `${s.name}:${s.state}`)) }
}

/** Resolves with the next status of `name` that passes `test`. */
function next(manager: ServerManager, name: string, test: (status: ServerStatus) => boolean): Promise<ServerStatus> {
  return new Promise((resolve) => {
    const off = manager.on('state', (status) => {
      if (status.name === name && test(status)) {
        off()
        resolve(status)
      }
    })
  })
}

afterEach(async () => {
  vi.useRealTimers()
  await Promise.all(managers.splice(0).map((m) => m.close()))
  const pids = spawned.splice(0).map((t) => t.pid)
  for (const pid of pids) if (pid !== undefined) expect(isRunning(pid), `process ${pid} outlived its manager`).toBe(false)
})

describe('ServerManager with real servers', () => {
  it('connects to three servers concurrently and closes them all, leaving no process', async () => {
    const manager = manage({ servers: { everything: everythingServer(), alpha: fixtureServer({ FIXTURE_NAME: 'alpha' }), beta: fixtureServer({ FIXTURE_NAME: 'beta' }) } })
    const { trail } = record(manager)
    const statuses = await manager.start()

    expect(statuses.map((s) => [s.name, s.state, s.serverInfo?.name])).toEqual([
      ['everything', 'ready', 'plugboard-everything-server'],
      ['alpha', 'ready', 'alpha'],
      ['beta', 'ready', 'beta'],
    ])
    // All three were started before any of them finished its handshake.
    expect(trail().slice(0, 3)).toEqual(['everything:starting', 'alpha:starting', 'beta:starting'])
    const pids = statuses.map((s) => s.pid!)
    expect(pids.every(isRunning)).toBe(true)
    const echo = await manager.client('everything')!.callTool({ name: 'echo', arguments: { message: 'hi' } })
    expect(echo.content).toEqual([{ type: 'text', text: 'Echo: hi' }])

    await manager.close()
    expect(manager.statuses().map((s) => s.state)).toEqual(['stopped', 'stopped', 'stopped'])
    for (const pid of pids) expect(isRunning(pid), `process ${pid}`).toBe(false)
    expect(manager.client('everything')).toBeUndefined()
  })

  it('restarts a server that crashes, reporting its exit code and stderr, while the others keep working', async () => {
    const manager = manage({ servers: { crashy: fixtureServer(), steady: everythingServer() }, restart: { initialDelayMs: 50, jitter: 0 } })
    const { trail } = record(manager)
    await manager.start()
    const firstPid = manager.status('crashy')!.pid!

    const down = next(manager, 'crashy', (s) => s.state === 'restarting')
    await expect(manager.client('crashy')!.callTool({ name: 'crash' })).rejects.toThrow(/exited with code 7/)
    const status = await down
    expect(status).toMatchObject({ state: 'restarting', failures: 1, exitCode: 7, signal: null, retryInMs: 50 })
    expect(status.stderrTail).toContain('fixture: crashing on purpose')
    expect(status.error?.message).toMatch(/went down: .*exited with code 7/)
    // The other server is untouched while this one is down.
    expect(manager.status('steady')!.state).toBe('ready')
    const echo = await manager.client('steady')!.callTool({ name: 'echo', arguments: { message: 'still here' } })
    expect(echo.content).toEqual([{ type: 'text', text: 'Echo: still here' }])

    const client = await manager.ready('crashy')
    const again = await client.callTool({ name: 'whoami' })
    expect(again.content).toEqual([{ type: 'text', text: String(manager.status('crashy')!.pid) }])
    expect(manager.status('crashy')!.pid).not.toBe(firstPid)
    expect(isRunning(firstPid)).toBe(false)
    expect(trail('crashy')).toEqual(['starting', 'ready', 'restarting', 'starting', 'ready'])
    expect(trail('steady')).toEqual(['starting', 'ready'])
  })

  it('leaves a server that never starts failed after maxAttempts, with its exit code and stderr, and starts the rest', async () => {
    const manager = manage({
      servers: { broken: fixtureServer({}, 'failing-server.mjs'), fine: fixtureServer() },
      restart: { initialDelayMs: 10, maxAttempts: 3 },
    })
    const { trail } = record(manager)
    const failed = next(manager, 'broken', (s) => s.state === 'failed')
    const statuses = await manager.start()
    expect(statuses.map((s) => s.state)).toEqual(['restarting', 'ready'])

    const status = await failed
    expect(trail('broken')).toEqual(['starting', 'restarting', 'starting', 'restarting', 'starting', 'failed'])
    expect(status).toMatchObject({ failures: 3, exitCode: 1 })
    expect(status.retryInMs).toBeUndefined()
    expect(status.stderrTail).toContain('missing API key, cannot start')
    expect(status.error?.message).toContain('exited with code 1')
    await expect(manager.ready('broken')).rejects.toThrow(/exited with code 1/)
    expect(manager.client('broken')).toBeUndefined()
    expect(manager.status('fine')!.state).toBe('ready')
  })

  it('restarts a server that stops answering pings', async () => {
    const manager = manage({ servers: { frozen: fixtureServer() }, pingIntervalMs: 50, pingTimeoutMs: 300, restart: { initialDelayMs: 10 } })
    await manager.start()
    const firstPid = manager.status('frozen')!.pid!
    const down = next(manager, 'frozen', (s) => s.state === 'restarting')
    const pending = manager.client('frozen')!.callTool({ name: 'freeze' }).catch((error: Error) => error)

    const status = await down
    expect(status.error?.message).toMatch(/did not answer a ping: .*timed out/i)
    expect(await pending).toBeInstanceOf(Error)
    await manager.ready('frozen')
    expect(manager.status('frozen')!.pid).not.toBe(firstPid)
    // The frozen process was shut down (SIGTERM after the stdin EOF went unread).
    await vi.waitFor(() => expect(isRunning(firstPid)).toBe(false), { timeout: 5000 })
  })

  it('closes servers that are still starting, and close() is idempotent', async () => {
    const manager = manage({ servers: { a: everythingServer(), b: fixtureServer() } })
    void manager.start()
    const first = manager.close()
    expect(manager.close()).toBe(first)
    await first
    expect(manager.statuses().map((s) => s.state)).toEqual(['stopped', 'stopped'])
    expect(spawned.length).toBeGreaterThan(0)
    for (const transport of spawned) if (transport.pid !== undefined) expect(isRunning(transport.pid)).toBe(false)
    await expect(manager.start()).rejects.toThrow(/closed/)
  })

  it('offers the configured roots to servers and tells them when setRoots changes them', async () => {
    const seen: string[] = []
    const manager = manage({
      servers: { everything: everythingServer() },
      roots: [{ uri: 'file:///work/one', name: 'one' }],
      client: (server) => (seen.push(server), {}),
    })
    await manager.start()
    expect(seen).toEqual(['everything'])
    const client = manager.client('everything')!
    const first = await client.callTool({ name: 'list-roots' })
    expect(JSON.stringify(first.content)).toContain('file:///work/one')

    await manager.setRoots([{ uri: 'file:///work/two', name: 'two' }])
    const second = await client.callTool({ name: 'list-roots' })
    expect(JSON.stringify(second.content)).toContain('file:///work/two')
    expect(JSON.stringify(second.content)).not.toContain('file:///work/one')
  })

  it('forwards a stdio server’s stderr as stderr events', async () => {
    const manager = manage({ servers: { everything: everythingServer() } })
    const chunks: string[] = []
    manager.on('stderr', ({ server, text }) => chunks.push(`${server}: ${text}`))
    await manager.start()
    await vi.waitFor(() => expect(chunks.join('')).toContain('everything: plugboard-everything-server: serving MCP on stdio'))
  })
})

/** A transport whose start() fails at once, as an unreachable HTTP server's would. */
class UnreachableTransport implements Transport {
  static started = 0
  onmessage?: (message: JSONRPCPayload) => void
  onclose?: () => void
  onerror?: (error: Error) => void
  async start(): Promise<void> {
    UnreachableTransport.started++
    throw new Error('connect ECONNREFUSED 127.0.0.1:1')
  }
  async send(): Promise<void> {}
  async close(): Promise<void> {}
}

describe('ServerManager backoff', () => {
  it('waits initial × factor^n, capped at maxDelayMs and shortened by jitter, between attempts, then gives up', async () => {
    vi.useFakeTimers()
    UnreachableTransport.started = 0
    const manager = manage({
      servers: { remote: { transport: 'http', url: 'http://127.0.0.1:1/mcp', headers: {} } },
      createTransport: () => new UnreachableTransport(),
      restart: { initialDelayMs: 100, factor: 2, maxDelayMs: 300, jitter: 0.5, maxAttempts: 5 },
      random: () => 0.5,
    })
    const { states } = record(manager)
    await manager.start()
    expect(UnreachableTransport.started).toBe(1)

    // Delays: 100, 200, 300 (capped), 300 — each shortened by jitter × random = 25%.
    for (const delay of [75, 150, 225, 225]) {
      const attempts = UnreachableTransport.started
      await vi.advanceTimersByTimeAsync(delay - 1)
      expect(UnreachableTransport.started, `no attempt before ${delay} ms`).toBe(attempts)
      await vi.advanceTimersByTimeAsync(1)
      expect(UnreachableTransport.started).toBe(attempts + 1)
    }
    expect(states.filter((s) => s.state === 'restarting').map((s) => s.retryInMs)).toEqual([75, 150, 225, 225])
    expect(manager.status('remote')).toMatchObject({ state: 'failed', failures: 5 })
    expect(manager.status('remote')!.error?.message).toContain('ECONNREFUSED')
    await vi.advanceTimersByTimeAsync(60_000)
    expect(UnreachableTransport.started).toBe(5)

    // A manual restart starts over with a fresh count.
    await manager.restart('remote')
    expect(UnreachableTransport.started).toBe(6)
    expect(manager.status('remote')).toMatchObject({ state: 'restarting', failures: 1, retryInMs: 75 })
  })

  it('counts failures afresh once a server stayed up resetAfterMs', async () => {
    vi.useFakeTimers()
    const serverSides: InMemoryTransport[] = []
    const manager = manage({
      servers: { mem: { transport: 'http', url: 'http://in-memory/mcp', headers: {} } },
      createTransport: () => {
        const [client, server] = InMemoryTransport.createLinkedPair()
        void new McpServer({ name: 'in-memory', version: '0.0.0' }).connect(server)
        serverSides.push(server)
        return client
      },
      restart: { initialDelayMs: 100, factor: 2, jitter: 0, resetAfterMs: 1000, maxAttempts: 3 },
    })
    await manager.start()
    const crash = async () => {
      const down = next(manager, 'mem', (s) => s.state === 'restarting')
      await serverSides.at(-1)!.close()
      return down
    }

    expect(await crash()).toMatchObject({ failures: 1, retryInMs: 100 })
    await vi.advanceTimersByTimeAsync(100)
    expect(manager.status('mem')!.state).toBe('ready')
    expect(await crash()).toMatchObject({ failures: 2, retryInMs: 200 })
    await vi.advanceTimersByTimeAsync(200)
    expect(manager.status('mem')!.state).toBe('ready')
    await vi.advanceTimersByTimeAsync(1000)
    expect(await crash()).toMatchObject({ failures: 1, retryInMs: 100 })
  })

  it('restarts a server whose ping times out', async () => {
    vi.useFakeTimers()
    const manager = manage({
      servers: { mem: { transport: 'http', url: 'http://in-memory/mcp', headers: {} } },
      createTransport: () => {
        const [client, server] = InMemoryTransport.createLinkedPair()
        const mcp = new McpServer({ name: 'in-memory', version: '0.0.0' })
        // A server that is alive but stuck: it never answers a ping (a 2026-07-28 client pings with server/discover).
        mcp.setRequestHandler('ping', () => new Promise(() => {}))
        let discovered = 0
        mcp.setRequestHandler('server/discover', () => (discovered++ === 0 ? { supportedVersions: ['2026-07-28'], capabilities: {} } : new Promise(() => {})) as never)
        void mcp.connect(server)
        return client
      },
      pingIntervalMs: 1000,
      pingTimeoutMs: 500,
      restart: { initialDelayMs: 100, jitter: 0 },
    })
    await manager.start()
    const { trail } = record(manager)
    await vi.advanceTimersByTimeAsync(1499)
    expect(manager.status('mem')!.state).toBe('ready')
    await vi.advanceTimersByTimeAsync(1)
    expect(manager.status('mem')).toMatchObject({ state: 'restarting', failures: 1 })
    expect(manager.status('mem')!.error?.message).toMatch(/did not answer a ping/)
    await vi.advanceTimersByTimeAsync(100)
    expect(trail()).toEqual(['mem:restarting', 'mem:starting', 'mem:ready'])
  })

  it('stops waiting to restart when closed', async () => {
    vi.useFakeTimers()
    UnreachableTransport.started = 0
    const manager = manage({ servers: { remote: { transport: 'sse', url: 'http://127.0.0.1:1/sse', headers: {} } }, createTransport: () => new UnreachableTransport(), restart: { initialDelayMs: 100, jitter: 0 } })
    await manager.start()
    await manager.close()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(UnreachableTransport.started).toBe(1)
    expect(manager.status('remote')!.state).toBe('stopped')
  })
})

describe('ServerManager over HTTP', () => {
  const servers: Array<{ close: () => Promise<void> }> = []
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()))
  })

  it('connects with the configured headers and DELETEs the session on close', async () => {
    const http = await startTinyHttpServer()
    servers.push(http)
    const manager = manage({ servers: { remote: { transport: 'streamable-http', url: http.url, headers: { Authorization: 'Bearer t0k' } } } })
    const [status] = await manager.start()
    expect(status).toMatchObject({ state: 'ready', serverInfo: { name: 'tiny-http' } })
    expect(status!.pid).toBeUndefined()
    expect(http.requests[0]!.headers.authorization).toBe('Bearer t0k')

    await manager.close()
    expect(http.requests.filter((r) => r.method === 'DELETE').map((r) => r.headers['mcp-session-id'])).toEqual(['session-1'])
  })

  it('restarts an HTTP server whose session expired (404) with a new session', async () => {
    const http = await startTinyHttpServer()
    servers.push(http)
    const manager = manage({ servers: { remote: { transport: 'http', url: http.url, headers: {} } }, pingIntervalMs: 50, restart: { initialDelayMs: 10 } })
    await manager.start()
    const down = next(manager, 'remote', (s) => s.state === 'restarting')
    http.forget()
    expect((await down).error?.message).toMatch(/session/i)
    await manager.ready('remote')
    const initializes = http.requests.filter((r) => r.body?.method === 'initialize')
    expect(initializes).toHaveLength(2)
    expect(http.requests.at(-1)!.headers['mcp-session-id']).toBe('session-2')
  })

  it('keeps retrying a server that is not listening, then gives up', async () => {
    const http = await startTinyHttpServer()
    await http.close()
    const manager = manage({ servers: { gone: { transport: 'http', url: http.url, headers: {} } }, restart: { initialDelayMs: 10, maxAttempts: 2 } })
    const failed = next(manager, 'gone', (s) => s.state === 'failed')
    await manager.start()
    expect((await failed).error?.message).toMatch(/ECONNREFUSED|fetch failed|connect/i)
  })
})

describe('createTransport', () => {
  it('picks the transport from the config', () => {
    const url = 'http://127.0.0.1:1/mcp'
    const of = (config: ServerConfig) => createTransport(config)
    expect(of({ transport: 'stdio', command: process.execPath, args: [], env: {} })).toBeInstanceOf(StdioClientTransport)
    expect(of({ transport: 'http', url, headers: {} })).toBeInstanceOf(HttpClientTransport)
    expect(of({ transport: 'streamable-http', url, headers: {} })).toBeInstanceOf(StreamableHTTPClientTransport)
    expect(of({ transport: 'sse', url, headers: {} })).toBeInstanceOf(SSEClientTransport)
  })
})
