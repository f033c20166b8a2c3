import { Client, Emitter, type ClientOptions, type Listener } from '@plugboard/client'
import type { Implementation, LoggingMessageNotificationParams, Root, Transport } from '@plugboard/protocol'
import { HttpClientTransport, SSEClientTransport, StreamableHTTPClientTransport, type AuthProvider } from '@plugboard/transport-http'
import { StdioClientTransport } from '@plugboard/transport-stdio'
import { openTokenStore, serverAuthorization, usesOAuth, type AuthorizationOptions, type ServerAuthorization } from './authorization.js'
import { EXTENSION_ID, RESOURCE_MIME_TYPE } from './apps/ui-meta.js'
import type { ServerConfig } from './config.js'

/**
 * Where a server is in its life: `starting` (spawning, handshake), `ready` (connected),
 * `restarting` (down, waiting out the backoff), `failed` (gave up after `maxAttempts`),
 * `authorizing` (waiting for the user to sign in to an HTTP server that asked for OAuth),
 * `unauthorized` (it needs a sign-in the host does not have: `login(name)`),
 * `stopped` (closed by the host).
 */
export type ServerState = 'starting' | 'ready' | 'restarting' | 'failed' | 'authorizing' | 'unauthorized' | 'stopped'

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
  /** Why the server is down: the start failure, the crash, the failed ping, the refused authorization (an `OAuthClientError`). */
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
  /**
   * Whether the host renders MCP Apps (it shows `ui://` views with `@plugboard/host/apps`): each
   * connection then declares `capabilities.extensions['io.modelcontextprotocol/ui']` with the app
   * MIME type, and servers may answer with views. Off by default: a server that sees the extension
   * may shape its results for a view the host would never show.
   */
  apps?: boolean
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
  /** Signing in to HTTP servers that ask for OAuth: the token store, how the sign-in URL is shown. */
  authorization?: AuthorizationOptions
  /** Makes each connection's transport; default {@link createTransport}. `authProvider` is the server's OAuth client, for an HTTP transport. */
  createTransport?: (server: string, config: ServerConfig, context: { authProvider?: AuthProvider }) => Transport
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

/**
 * The transport for one configured server: stdio, Streamable HTTP, legacy SSE, or HTTP with SSE
 * fallback. An HTTP transport gets `authProvider` (the manager passes the server's OAuth client).
 */
export function createTransport(config: ServerConfig, options: { closeGraceMs?: number; authProvider?: AuthProvider } = {}): Transport {
  if (config.transport === 'stdio') {
    const { command, args, env, cwd } = config
    return new StdioClientTransport({ command, args, env, cwd, closeGraceMs: options.closeGraceMs })
  }
  const http = { headers: config.headers, ...(options.authProvider ? { authProvider: options.authProvider } : {}) }
  switch (config.transport) {
    case 'streamable-http':
      return new StreamableHTTPClientTransport(config.url, http)
    case 'sse':
      return new SSEClientTransport(config.url, http)
    case 'http':
      return new HttpClientTransport(config.url, http)
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
  /** The server's OAuth client, made on its first connection (HTTP servers that use OAuth only). */
  authorization?: Promise<ServerAuthorization>
  /** The OAuth client's refusal on the connection of `generation`: why its connect failed. */
  refusal?: { generation: number; error: Error }
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
  #tokenStore: ReturnType<typeof openTokenStore> | undefined
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
   * or `restarting`/`failed`, or `authorizing`/`unauthorized` (see the statuses) — a server waiting
   * for the user to sign in does not hold the others up. Calling it again returns the same promise.
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
   * `failed`, `unauthorized` or `stopped` first.
   */
  ready(name: string): Promise<Client> {
    const entry = this.#entries.get(name)
    if (!entry) return Promise.reject(new Error(`No server named "${name}" in the config`))
    return new Promise((resolve, reject) => {
      const check = (status: ServerStatus): boolean => {
        if (status.state === 'ready') resolve(entry.client!)
        else if (status.state === 'failed' || status.state === 'unauthorized' || (status.state === 'stopped' && this.#closed)) {
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

  /**
   * Signs in to an HTTP server's authorization server now (the URL goes to the `authorization.open`
   * option), whatever its state; then connects it unless it is ready, when its next request carries
   * the new token. Rejects with the `OAuthClientError` of a failed sign-in (the server is then
   * `unauthorized` unless it was ready), or an Error for a server that does not use OAuth.
   */
  async login(name: string): Promise<void> {
    const entry = this.#entry(name)
    const authorization = await this.#authorization(entry)
    if (this.#closed) return
    const wasReady = entry.status.state === 'ready'
    if (!wasReady) {
      this.#abandon(entry)
      this.#set(entry, { state: 'authorizing', serverInfo: undefined, error: undefined, retryInMs: undefined })
    }
    const generation = entry.generation
    try {
      await authorization.login()
    } catch (error) {
      if (!wasReady && generation === entry.generation && !this.#closed) {
        this.#set(entry, { state: authorization.isOAuthError(error) ? 'unauthorized' : 'failed', error: asError(error) })
      }
      throw error
    }
    // Left alone if it was restarted or closed meanwhile, or is (still) connected.
    if (generation !== entry.generation || this.#closed || entry.status.state === 'ready') return
    entry.status = { ...entry.status, failures: 0 }
    await this.#connect(entry, true)
  }

  /**
   * Forgets an HTTP server's tokens, revoking them where its authorization server allows, and
   * disconnects it: it is `unauthorized` until `login(name)`.
   */
  async logout(name: string): Promise<void> {
    const entry = this.#entry(name)
    const authorization = await this.#authorization(entry)
    // Closed first: the session's DELETE still carries the token.
    await this.#abandon(entry)
    if (!this.#closed) this.#set(entry, { state: 'unauthorized', serverInfo: undefined, error: undefined, retryInMs: undefined })
    await authorization.logout()
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
        // Ends a sign-in waiting for the browser, and its loopback listener.
        if (entry.authorization) this.#dispose(entry.authorization.then((a) => a.close()))
      }
      while (this.#disposing.size > 0) await Promise.all(this.#disposing)
    })()
    return this.#closed
  }

  #entry(name: string): Entry {
    const entry = this.#entries.get(name)
    if (!entry) throw new Error(`No server named "${name}" in the config`)
    return entry
  }

  /** The server's OAuth client, made once; the OAuth code is loaded with the first one. */
  #authorization(entry: Entry): Promise<ServerAuthorization> {
    const config = entry.config
    if (config.transport === 'stdio' || !usesOAuth(config)) return Promise.reject(new Error(`Server "${entry.name}" does not use OAuth`))
    const options = this.#options.authorization ?? {}
    entry.authorization ??= (async () =>
      serverAuthorization({
        server: entry.name,
        url: config.url,
        oauth: config.oauth || {},
        store: await (this.#tokenStore ??= openTokenStore(options.tokenStore)),
        clientName: options.clientName,
        open: options.open,
        timeoutMs: options.timeoutMs,
      }))()
    // A failure to load is not kept: the next connection tries again.
    entry.authorization.catch(() => (entry.authorization = undefined))
    return entry.authorization
  }

  /**
   * The transport's auth provider for the connection of `generation`: the server's OAuth client,
   * noting why it gave up so the connection's failure is reported as the refusal it is.
   */
  #authProvider(entry: Entry, authorization: ServerAuthorization, generation: number): AuthProvider {
    return {
      headers: (request) => authorization.headers(request),
      onUnauthorized: async (challenge) => {
        try {
          await authorization.onUnauthorized(challenge)
        } catch (error) {
          if (!authorization.isOAuthError(error) || generation !== entry.generation) throw error
          if (entry.status.state === 'ready') {
            // Refused mid-session (a revoked refresh token): no browser pops up unasked; the user signs in again.
            // The connection is detached now (no ping, no events) but closed only by the next login, restart or
            // close: the client may still be retrying the refused request, which must fail with this reason
            // rather than with "Connection closed".
            entry.generation++
            clearTimeout(entry.timer)
            entry.timer = undefined
            this.#set(entry, { state: 'unauthorized', error })
          } else entry.refusal = { generation, error }
          throw error
        }
      },
    }
  }

  async #connect(entry: Entry, signedIn = false): Promise<void> {
    if (this.#closed) return
    const generation = ++entry.generation
    const current = () => generation === entry.generation && !this.#closed
    this.#set(entry, { state: 'starting', serverInfo: undefined, pid: undefined, error: undefined, exitCode: undefined, signal: undefined, stderrTail: undefined, retryInMs: undefined })
    let client: Client
    let transport: Transport
    try {
      const oauth = entry.config.transport !== 'stdio' && usesOAuth(entry.config)
      const authorization = oauth ? await this.#authorization(entry) : undefined
      if (!current()) return
      const authProvider = authorization && this.#authProvider(entry, authorization, generation)
      transport =
        this.#options.createTransport?.(entry.name, entry.config, authProvider ? { authProvider } : {}) ??
        createTransport(entry.config, { closeGraceMs: this.#options.closeGraceMs, ...(authProvider ? { authProvider } : {}) })
      const given = this.#options.client
      const options = withApps((typeof given === 'function' ? given(entry.name) : given) ?? {}, this.#options.apps)
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
      const refusal = entry.refusal?.generation === generation ? entry.refusal.error : undefined
      if (refusal) return this.#refused(entry, generation, refusal, signedIn)
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

  /**
   * The OAuth client gave up on the connection of `generation` (it failed with the transport's
   * McpError; `error` is the `OAuthClientError` saying why). Where only a person can help, sign in
   * now (once: not again right after a sign-in); else wait, `unauthorized`, for `login(name)`. Not
   * a failure to retry: a new attempt would be refused the same way.
   */
  #refused(entry: Entry, generation: number, error: Error, signedIn: boolean): void {
    if (generation !== entry.generation || this.#closed) return
    this.#abandon(entry)
    const interaction = (error as { code?: unknown }).code === 'interaction_required'
    if (interaction && !signedIn && this.#options.authorization?.signInOnConnect !== false) {
      // A failure is reported by the state it leaves (`unauthorized` with its error); nobody awaits this.
      return void this.login(entry.name).catch(() => {})
    }
    this.#set(entry, { state: 'unauthorized', error, retryInMs: undefined })
  }

  /** The delay before attempt `failures + 1`: initial × factor^(failures−1), capped, minus up to `jitter` of it. */
  #backoff(failures: number): number {
    const { initialDelayMs, maxDelayMs, factor, jitter } = this.#restart
    const base = Math.min(maxDelayMs, initialDelayMs * factor ** (failures - 1))
    return Math.round(base * (1 - jitter * (this.#options.random ?? Math.random)()))
  }

  /** Drops the current connection (closing it in the background: the promise says when it is closed) and any timer; later events of it are ignored. */
  #abandon(entry: Entry): Promise<void> {
    entry.generation++
    clearTimeout(entry.timer)
    entry.timer = undefined
    const { client, transport } = entry
    entry.client = undefined
    entry.transport = undefined
    if (!client) return Promise.resolve()
    return this.#dispose(
      (async () => {
        await client.close().catch(() => {})
        // A transport whose start() failed is not closed by the client's session.
        await transport?.close().catch(() => {})
      })(),
    )
  }

  /** Tracks a closing for `close()` to wait on. */
  #dispose(closing: Promise<void>): Promise<void> {
    const settled = closing.catch(() => {})
    this.#disposing.add(settled)
    void settled.finally(() => this.#disposing.delete(settled))
    return settled
  }

  #set(entry: Entry, patch: Partial<ServerStatus>): void {
    entry.status = Object.freeze({ ...entry.status, ...patch })
    this.#events.emit('state', entry.status)
  }

  #rootsSource(): { list: () => Root[] } {
    return { list: () => this.#roots ?? [] }
  }
}

/** The client options with the MCP Apps extension declared (its `mimeTypes` added to any the host set itself). */
function withApps(options: ClientOptions, apps: boolean | undefined): ClientOptions {
  if (!apps) return options
  const extensions = { ...(options.capabilities?.extensions as Record<string, Record<string, unknown>> | undefined) }
  const own = extensions[EXTENSION_ID]
  const mimeTypes = Array.isArray(own?.mimeTypes) ? (own.mimeTypes as unknown[]) : []
  extensions[EXTENSION_ID] = { ...own, mimeTypes: mimeTypes.includes(RESOURCE_MIME_TYPE) ? mimeTypes : [...mimeTypes, RESOURCE_MIME_TYPE] }
  return { ...options, capabilities: { ...options.capabilities, extensions } }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error))
}
