import { Client, Emitter, type ClientOptions, type Listener } from '@plugboard/client'
import type { Implementation, LoggingMessageNotificationParams, Root, Transport } from '@plugboard/protocol'
import { HttpClientTransport, SSEClientTransport, StreamableHTTPClientTransport } from '@plugboard/transport-http'
import { StdioClientTransport } from '@plugboard/transport-stdio'
import type { ServerConfig } from './config.js'

/**
 * Where a server is in its life: `starting` (spawning, handshake), `ready` (connected),
 * `restarting` (down, waiting out the backoff), `failed` (gave up after `maxAttempts`),
 * `stopped` (closed by the host).
 */
export type ServerState = 'starting' | 'ready' | 'restarting' | 'failed' | 'stopped'

/** A snapshot of one server, as the `state` event and `status()` give it. */
export interface ServerStatus {
  readonly name: string
  readonly state: ServerState
  /** Failed attempts in a row (start failures and crashes); reset after `resetAfterMs` of good health. */
  readonly failures: number
  /** The server's `serverInfo`, once ready. */
  readonly serverInfo?: Implementation
  /** The stdio server's process id. */
  readonly pid?: number
  /** Why the server is down: the start failure, the crash, the failed ping. */
  readonly error?: Error
  /** How a stdio server that went down exited: its code (`null` when a signal killed it)… */
  readonly exitCode?: number | null
  /** …or the signal. */
  readonly signal?: NodeJS.Signals | null
  /** The end of a stdio server's stderr when it went down. */
  readonly stderrTail?: string
  /** While `restarting`: how long until the next attempt. */
  readonly retryInMs?: number
}

/** How servers that fail are restarted: exponential backoff with jitter. */
export interface RestartOptions {
  /** Delay before the first restart (1000 ms). */
  initialDelayMs: number
  /** Longest delay (30 000 ms). */
  maxDelayMs: number
  /** Each further failure multiplies the delay by this (2). */
  factor: number
  /** Each delay is shortened by up to this fraction, at random, so servers do not restart in lockstep (0.2). */
  jitter: number
  /** Failed attempts in a row after which the server is left `failed` (5; 1 never restarts; `Infinity` never gives up). */
  maxAttempts: number
  /** A server that stayed ready this long starts its failure count afresh when it next goes down (60 000 ms). */
  resetAfterMs: number
}

/** The restart policy used for what `ServerManagerOptions.restart` leaves out. */
export const DEFAULT_RESTART: RestartOptions = { initialDelayMs: 1000, maxDelayMs: 30_000, factor: 2, jitter: 0.2, maxAttempts: 5, resetAfterMs: 60_000 }

/** Options of {@link ServerManager}. */
export interface ServerManagerOptions {
  /** The servers to run, by name (`HostConfig.servers`). */
  servers: Record<string, ServerConfig>
  /** The `clientInfo` every connection sends. Default `{ name: 'plugboard-host', version: '0.0.0' }`. */
  clientInfo?: Implementation
  /** Options of each server's `Client` (sampling, elicitation handlers…); a function gets the server's name. */
  client?: ClientOptions | ((server: string) => ClientOptions)
  /** Roots offered to servers whose client options have none (`HostConfig.roots`); change them with `setRoots`. */
  roots?: Root[]
  restart?: Partial<RestartOptions>
  /** How often a ready server is pinged; a failed ping restarts it. 30 000 ms; 0 turns health checks off. */
  pingIntervalMs?: number
  /** How long a ping may take (10 000 ms). */
  pingTimeoutMs?: number
  /** How long the `initialize` handshake may take (30 000 ms). */
  connectTimeoutMs?: number
  /** Grace of each stdio shutdown step (stdin EOF, SIGTERM) before the next (2000 ms). */
  closeGraceMs?: number
  /** Makes each connection's transport; default {@link createTransport}. */
  createTransport?: (server: string, config: ServerConfig) => Transport
  /** Source of jitter in [0, 1); default `Math.random`. */
  random?: () => number
}

/** What a {@link ServerManager} emits, each naming the server it concerns. */
export interface ServerManagerEvents {
  /** A server changed state. */
  state: ServerStatus
  toolListChanged: { server: string }
  resourceListChanged: { server: string }
  promptListChanged: { server: string }
  resourceUpdated: { server: string; uri: string }
  log: { server: string; params: LoggingMessageNotificationParams }
  /** A chunk of a stdio server's stderr. */
  stderr: { server: string; text: string }
  /** An error with no caller: a transport error, a failed `setRoots`, a throwing listener. */
  error: { server: string; error: Error }
}

/** The transport for one configured server: stdio, Streamable HTTP, legacy SSE, or HTTP with SSE fallback. */
export function createTransport(config: ServerConfig, options: { closeGraceMs?: number } = {}): Transport {
  switch (config.transport) {
    case 'stdio': {
      const { command, args, env, cwd } = config
      return new StdioClientTransport({ command, args, env, cwd, closeGraceMs: options.closeGraceMs })
    }
    case 'streamable-http':
      return new StreamableHTTPClientTransport(config.url, { headers: config.headers })
    case 'sse':
      return new SSEClientTransport(config.url, { headers: config.headers })
    case 'http':
      return new HttpClientTransport(config.url, { headers: config.headers })
  }
}

interface Entry {
  readonly name: string
  readonly config: ServerConfig
  status: ServerStatus
  /** Bumped whenever a connection is abandoned, so its late events and results are ignored. */
  generation: number
  client?: Client
  transport?: Transport
  readyAt?: number
  timer?: ReturnType<typeof setTimeout>
  /** Whether the connection's roots are the manager's (the client options brought none). */
  managedRoots?: boolean
}

/**
 * Runs every configured MCP server, one `Client` each: connects to all of them concurrently,
 * reports each one's state, restarts one that fails to start, crashes or stops answering pings
 * (exponential backoff with jitter, up to `maxAttempts` in a row) while the others carry on, and
 * shuts them all down on `close()` — stdio servers with their whole process tree, HTTP sessions
 * with a DELETE.
 *
 * @example
 * const manager = new ServerManager({ servers: config.servers, roots: config.roots, client: { sampling } })
 * manager.on('state', (s) => console.error(`${s.name}: ${s.state}`, s.error?.message ?? ''))
 * await manager.start()
 * const github = manager.client('github') // a connected Client, or undefined
 * process.once('SIGINT', () => void manager.close())
 */
export class ServerManager {
  readonly #entries = new Map<string, Entry>()
  readonly #options: ServerManagerOptions
  readonly #restart: RestartOptions
  readonly #events: Emitter<ServerManagerEvents> = new Emitter((error, event) => {
    if (event !== 'error') this.#events.emit('error', { server: '', error })
  })
  readonly #disposing = new Set<Promise<void>>()
  #roots: Root[] | undefined
  #started: Promise<ServerStatus[]> | undefined
  #closed: Promise<void> | undefined

  constructor(options: ServerManagerOptions) {
    this.#options = options
    this.#restart = { ...DEFAULT_RESTART, ...options.restart }
    this.#roots = options.roots
    for (const [name, config] of Object.entries(options.servers)) {
      this.#entries.set(name, { name, config, status: { name, state: 'stopped', failures: 0 }, generation: 0 })
    }
  }

  /** The configured servers' names, in config order. */
  get names(): string[] {
    return [...this.#entries.keys()]
  }

  /**
   * Connects to every server at once. Resolves when each has had its first attempt: it is `ready`,
   * or `restarting`/`failed` (see the statuses). Calling it again returns the same promise.
   */
  start(): Promise<ServerStatus[]> {
    if (this.#closed) return Promise.reject(new Error('ServerManager is closed'))
    this.#started ??= Promise.all(
      [...this.#entries.values()].map(async (entry) => {
        const settled = new Promise<void>((resolve) => {
          const off = this.on('state', (s) => s.name === entry.name && s.state !== 'starting' && (off(), resolve()))
        })
        void this.#connect(entry)
        await settled
        return entry.status
      }),
    )
    return this.#started
  }

  /** The server's connected `Client`, or `undefined` unless it is `ready`. */
  client(name: string): Client | undefined {
    const entry = this.#entries.get(name)
    return entry?.status.state === 'ready' ? entry.client : undefined
  }

  /** One server's status, or `undefined` for a name not in the config. */
  status(name: string): ServerStatus | undefined {
    return this.#entries.get(name)?.status
  }

  /** Every server's status, in config order. */
  statuses(): ServerStatus[] {
    return [...this.#entries.values()].map((entry) => entry.status)
  }

  /**
   * Resolves with the server's `Client` once it is ready (at once if it is); rejects if it ends
   * `failed` or `stopped` first.
   */
  ready(name: string): Promise<Client> {
    const entry = this.#entries.get(name)
    if (!entry) return Promise.reject(new Error(`No server named "${name}" in the config`))
    return new Promise((resolve, reject) => {
      const check = (status: ServerStatus): boolean => {
        if (status.state === 'ready') resolve(entry.client!)
        else if (status.state === 'failed' || (status.state === 'stopped' && this.#closed)) {
          reject(status.error ?? new Error(`Server "${name}" is ${status.state}`))
        } else return false
        return true
      }
      if (check(entry.status)) return
      const off = this.on('state', (status) => status.name === name && check(status) && off())
    })
  }

  /** Restarts a server now, whatever its state (a `failed` one gets a fresh count of attempts). */
  async restart(name: string): Promise<void> {
    const entry = this.#entries.get(name)
    if (!entry || this.#closed) return
    this.#abandon(entry)
    entry.status = { ...entry.status, failures: 0 }
    await this.#connect(entry)
  }

  /** Replaces the roots offered to servers; connected ones get `notifications/roots/list_changed`. */
  async setRoots(roots: Root[]): Promise<void> {
    this.#roots = roots
    await Promise.all(
      [...this.#entries.values()].map(async (entry) => {
        const client = this.client(entry.name)
        if (!client || !entry.managedRoots) return
        await client.setRoots(this.#rootsSource()).catch((error: Error) => this.#events.emit('error', { server: entry.name, error }))
      }),
    )
  }

  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof ServerManagerEvents>(event: K, listener: Listener<ServerManagerEvents[K]>): () => void {
    return this.#events.on(event, listener)
  }

  /**
   * Shuts every server down and resolves once they are gone: stdio servers get stdin EOF, then
   * SIGTERM, then SIGKILL to their process group; HTTP sessions are DELETEd. Safe to call twice.
   */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      for (const entry of this.#entries.values()) {
        this.#abandon(entry)
        if (entry.status.state !== 'stopped') this.#set(entry, { state: 'stopped', retryInMs: undefined })
      }
      while (this.#disposing.size > 0) await Promise.all(this.#disposing)
    })()
    return this.#closed
  }

  async #connect(entry: Entry): Promise<void> {
    if (this.#closed) return
    const generation = ++entry.generation
    const current = () => generation === entry.generation && !this.#closed
    this.#set(entry, { state: 'starting', serverInfo: undefined, pid: undefined, error: undefined, exitCode: undefined, signal: undefined, stderrTail: undefined, retryInMs: undefined })
    let client: Client
    let transport: Transport
    try {
      transport = this.#options.createTransport?.(entry.name, entry.config) ?? createTransport(entry.config, { closeGraceMs: this.#options.closeGraceMs })
      const given = this.#options.client
      const options = (typeof given === 'function' ? given(entry.name) : given) ?? {}
      entry.managedRoots = options.roots === undefined && this.#roots !== undefined
      client = new Client(this.#options.clientInfo ?? { name: 'plugboard-host', version: '0.0.0' }, entry.managedRoots ? { ...options, roots: this.#rootsSource() } : options)
    } catch (error) {
      return this.#down(entry, generation, asError(error))
    }
    entry.client = client
    entry.transport = transport
    this.#watch(entry, client, transport, current)
    try {
      await client.connect(transport, { timeout: this.#options.connectTimeoutMs ?? 30_000 })
    } catch (error) {
      return this.#down(entry, generation, asError(error))
    }
    if (!current()) return
    entry.readyAt = Date.now()
    this.#set(entry, { state: 'ready', serverInfo: client.getServerVersion(), pid: transport instanceof StdioClientTransport ? transport.pid : undefined })
    this.#schedulePing(entry, generation)
  }

  /** Forwards the connection's events while it is the current one; its close while ready is a crash. */
  #watch(entry: Entry, client: Client, transport: Transport, current: () => boolean): void {
    const server = entry.name
    const generation = entry.generation
    let lastError: Error | undefined
    client.on('close', () => {
      if (!current() || entry.status.state !== 'ready') return
      // The transport's last error says why (for stdio: the exit code and the end of stderr).
      this.#down(entry, generation, new Error(`Server "${server}" went down: ${lastError?.message ?? 'the connection closed'}`, { cause: lastError }))
    })
    client.on('error', (error) => {
      if (!current()) return
      lastError = error
      this.#events.emit('error', { server, error })
    })
    client.on('toolListChanged', () => current() && this.#events.emit('toolListChanged', { server }))
    client.on('resourceListChanged', () => current() && this.#events.emit('resourceListChanged', { server }))
    client.on('promptListChanged', () => current() && this.#events.emit('promptListChanged', { server }))
    client.on('resourceUpdated', ({ uri }) => current() && this.#events.emit('resourceUpdated', { server, uri }))
    client.on('log', (params) => current() && this.#events.emit('log', { server, params }))
    if (transport instanceof StdioClientTransport) {
      transport.stderr?.setEncoding('utf8')
      transport.stderr?.on('data', (text: string) => this.#events.emit('stderr', { server, text }))
    }
  }

  #schedulePing(entry: Entry, generation: number): void {
    const interval = this.#options.pingIntervalMs ?? 30_000
    if (interval <= 0) return
    entry.timer = setTimeout(async () => {
      const client = entry.client
      if (generation !== entry.generation || !client) return
      try {
        await client.ping({ timeout: this.#options.pingTimeoutMs ?? 10_000 })
      } catch (error) {
        return this.#down(entry, generation, new Error(`Server "${entry.name}" did not answer a ping: ${asError(error).message}`, { cause: error }))
      }
      if (generation === entry.generation) this.#schedulePing(entry, generation)
    }, interval)
  }

  /** The connection of `generation` went down (start failure, crash, failed ping): report it, then restart or give up. */
  #down(entry: Entry, generation: number, error: Error): void {
    if (generation !== entry.generation || this.#closed) return
    const transport = entry.transport
    this.#abandon(entry)
    const exit = transport instanceof StdioClientTransport && transport.exitCode !== undefined ? transport : undefined
    const stayedUp = entry.readyAt !== undefined && Date.now() - entry.readyAt >= this.#restart.resetAfterMs
    const failures = (stayedUp ? 0 : entry.status.failures) + 1
    entry.readyAt = undefined
    const report = {
      failures,
      error,
      exitCode: exit?.exitCode,
      signal: exit?.exitSignal,
      stderrTail: transport instanceof StdioClientTransport ? transport.stderrTail : undefined,
    }
    if (failures >= this.#restart.maxAttempts) return this.#set(entry, { ...report, state: 'failed', retryInMs: undefined })
    const delay = this.#backoff(failures)
    this.#set(entry, { ...report, state: 'restarting', retryInMs: delay })
    entry.timer = setTimeout(() => void this.#connect(entry), delay)
  }

  /** The delay before attempt `failures + 1`: initial × factor^(failures−1), capped, minus up to `jitter` of it. */
  #backoff(failures: number): number {
    const { initialDelayMs, maxDelayMs, factor, jitter } = this.#restart
    const base = Math.min(maxDelayMs, initialDelayMs * factor ** (failures - 1))
    return Math.round(base * (1 - jitter * (this.#options.random ?? Math.random)()))
  }

  /** Drops the current connection (closing it in the background) and any timer; later events of it are ignored. */
  #abandon(entry: Entry): void {
    entry.generation++
    clearTimeout(entry.timer)
    entry.timer = undefined
    const { client, transport } = entry
    entry.client = undefined
    entry.transport = undefined
    if (!client) return
    const closing = (async () => {
      await client.close().catch(() => {})
      // A transport whose start() failed is not closed by the client's session.
      await transport?.close().catch(() => {})
    })()
    this.#disposing.add(closing)
    void closing.finally(() => this.#disposing.delete(closing))
  }

  #set(entry: Entry, patch: Partial<ServerStatus>): void {
    entry.status = Object.freeze({ ...entry.status, ...patch })
    this.#events.emit('state', entry.status)
  }

  #rootsSource(): { list: () => Root[] } {
    return { list: () => this.#roots ?? [] }
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error))
}
