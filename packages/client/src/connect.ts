import {
  ErrorCode,
  McpError,
  SERVER_INFO_META_KEY,
  legacyEra,
  type ClientHello,
  type Era,
  type Middleware,
  type ServerHello,
  type Session,
} from '@plugboard/protocol'

/**
 * How a `Client` picks the protocol era of a server:
 * - `'auto'` (default): probe with `server/discover` (modern); a `DiscoverResult` or a recognised
 *   modern error means modern, anything else — another error, or no answer within the probe
 *   timeout — means legacy, and the client falls back to `initialize`.
 * - `'legacy'`: the `initialize` handshake, negotiating the newest legacy revision both speak.
 * - `'modern'`: `server/discover` and per-request `_meta`; no fallback.
 * - `{ pin: '<revision>' }`: exactly that revision, in its era (`'2025-06-18'` → `initialize`
 *   asking for it; a modern revision → `server/discover`); a server that answers another one is refused.
 * @see https://modelcontextprotocol.io/specification/latest/basic/versioning#backward-compatibility-with-initialization-based-versions
 */
export type VersionNegotiationMode = 'auto' | 'legacy' | 'modern' | { pin: string }

/** Options of the era choice (`ClientOptions.versionNegotiation`). */
export interface VersionNegotiationOptions {
  /** Default `'auto'`. */
  mode?: VersionNegotiationMode
  /**
   * `timeoutMs`: how long `'auto'` waits for the answer to its `server/discover` probe before it
   * takes the server for a legacy one (some legacy servers ignore requests sent before
   * `initialize`). Default 5 000: a live server answers a probe in milliseconds, while the whole
   * wait is paid on every connect to such a silent server; an answer that comes later is dropped.
   */
  probe?: { timeoutMs?: number }
}

/** Options of one `connect`: they bound the whole of it (probe and handshake). */
export interface OpenOptions {
  signal?: AbortSignal
  timeout?: number
}

const DEFAULT_PROBE_TIMEOUT = 5_000
const DEFAULT_CONNECT_TIMEOUT = 60_000
// JSON-RPC errors only a modern server sends: they identify one ("do not fall back to initialize").
const MODERN_ERRORS = new Set<number>([ErrorCode.UnsupportedProtocolVersion, ErrorCode.MissingRequiredClientCapability, ErrorCode.HeaderMismatch])

/**
 * Chooses the era of a server and opens the session in it. The decision is cached for the life of
 * the `Client`: a reconnect goes straight to the era found before, and probes again only if that
 * assumption fails. Once open, `middleware` retries a request refused with
 * `UnsupportedProtocolVersion` once, in a revision the server listed as supported.
 */
export class Connector {
  readonly #modern: Era
  readonly #mode: VersionNegotiationMode
  readonly #probeTimeout: number
  #decided: Era['name'] | undefined
  #hello: ClientHello | undefined
  #server: ServerHello | undefined

  constructor(modern: Era, options: VersionNegotiationOptions = {}) {
    this.#modern = modern
    this.#mode = options.mode ?? 'auto'
    this.#probeTimeout = options.probe?.timeoutMs ?? DEFAULT_PROBE_TIMEOUT
    const pin = typeof this.#mode === 'object' ? this.#mode.pin : undefined
    if (pin !== undefined && !legacyEra.versions.includes(pin) && !modern.versions.includes(pin)) {
      throw new RangeError(`Cannot pin protocol revision ${pin}: this client speaks ${[...modern.versions, ...legacyEra.versions].join(', ')}`)
    }
  }

  /** What the server said of itself when the session was (last) opened. */
  get server(): ServerHello | undefined {
    return this.#server
  }

  /** What a legacy server said at `initialize`, in the shape of a `server/discover` result. */
  discovered(): Record<string, unknown> | undefined {
    const server = this.#server
    if (!server) return undefined
    const result: Record<string, unknown> = { supportedVersions: [server.protocolVersion], capabilities: server.capabilities, _meta: { [SERVER_INFO_META_KEY]: server.serverInfo } }
    if (server.instructions !== undefined) result.instructions = server.instructions
    return result
  }

  /** Opens `session` (its transport started) in the era of its server; rejects if none works. */
  async open(session: Session, hello: ClientHello, options: OpenOptions = {}): Promise<ServerHello> {
    this.#hello = hello
    this.#server = undefined
    reset(session)
    try {
      this.#server = await this.#open(session, hello, options)
    } catch (error) {
      reset(session)
      throw error
    }
    this.#decided = session.era?.name
    return this.#server
  }

  async #open(session: Session, hello: ClientHello, options: OpenOptions): Promise<ServerHello> {
    const deadline = Date.now() + (options.timeout ?? DEFAULT_CONNECT_TIMEOUT)
    const opts = (cap = Infinity) => ({ signal: options.signal, timeout: Math.max(1, Math.min(cap, deadline - Date.now())) })
    const mode = this.#mode
    if (typeof mode === 'object') {
      return legacyEra.versions.includes(mode.pin)
        ? this.#legacy(session, { ...hello, protocolVersion: mode.pin, supportedVersions: [mode.pin] }, opts())
        : this.#openModern(session, hello, opts(), [mode.pin])
    }
    if (mode === 'legacy') return this.#legacy(session, hello, opts())
    if (mode === 'modern') return this.#openModern(session, hello, opts(), this.#modern.versions)
    return this.#auto(session, hello, opts, deadline, options.signal)
  }

  async #auto(session: Session, hello: ClientHello, opts: (cap?: number) => OpenOptions, deadline: number, signal: AbortSignal | undefined): Promise<ServerHello> {
    const open = () => !signal?.aborted && session.transport !== undefined && Date.now() < deadline
    if (this.#decided === 'legacy') {
      try {
        return await this.#legacy(session, hello, opts())
      } catch (error) {
        // The cached assumption failed (the server was upgraded?): probe again. A server that does not answer at all is down, not modern.
        if (!open() || (error instanceof McpError && error.code === ErrorCode.RequestTimeout)) throw error
        reset(session)
      }
    }
    // Any answer but a recognised modern error (or one naming a legacy revision we speak) means legacy.
    const fallible = (error: unknown) => open() && !(error instanceof McpError && MODERN_ERRORS.has(error.code) && !this.#legacyOverlap(error))
    try {
      // A server already found modern gets the whole timeout; an unknown one only the probe's.
      return await this.#openModern(session, hello, opts(this.#decided === 'modern' ? Infinity : this.#probeTimeout), this.#modern.versions)
    } catch (error) {
      if (!fallible(error)) throw error
      reset(session)
      return this.#legacy(session, hello, opts())
    }
  }

  /** Whether a modern refusal lists a legacy revision we speak (then `initialize` is the way in). */
  #legacyOverlap(error: McpError): boolean {
    return error.code === ErrorCode.UnsupportedProtocolVersion && supportedOf(error).some((v) => legacyEra.versions.includes(v))
  }

  #legacy(session: Session, hello: ClientHello, options: OpenOptions): Promise<ServerHello> {
    return legacyEra.open(session, hello, options)
  }

  /** `server/discover` in the first of `versions`; refused as unsupported, once more in one the server lists. */
  async #openModern(session: Session, hello: ClientHello, options: OpenOptions, versions: readonly string[]): Promise<ServerHello> {
    try {
      return await this.#discover(session, hello, options, versions[0]!, versions)
    } catch (error) {
      // Once, even in the same revision: a server may refuse a first request it would take again.
      const retry = error instanceof McpError && error.code === ErrorCode.UnsupportedProtocolVersion ? versions.find((v) => supportedOf(error).includes(v)) : undefined
      if (retry === undefined || !session.transport) throw error
      return this.#discover(session, hello, options, retry, [retry])
    }
  }

  async #discover(session: Session, hello: ClientHello, options: OpenOptions, version: string, accepted: readonly string[]): Promise<ServerHello> {
    const server = await this.#modern.open(session, { ...hello, protocolVersion: version }, options)
    if (!accepted.includes(server.protocolVersion)) {
      const supported = server.supportedVersions ?? []
      throw new McpError(ErrorCode.UnsupportedProtocolVersion, `Server does not support protocol revision ${accepted.join(', ')} (it supports ${supported.join(', ')})`, { supported, requested: version })
    }
    return server
  }

  /**
   * Outbound middleware: a request the server refuses with `UnsupportedProtocolVersion` is sent
   * once more, in a revision of its `supported` list ("The client SHOULD select a mutually
   * supported version from the supported list and retry the request"); if that list has only
   * legacy revisions, the session is opened again with `initialize` first.
   */
  middleware(session: Session): Middleware {
    // Not an async function: its wrapper promise and microtasks on every request showed in profiles,
    // and only a refusal on a modern session is ever retried.
    return (call, next) => {
      if (call.direction !== 'outbound' || session.era?.name !== 'modern') return next()
      return next().catch((error: unknown) => this.#retry(session, error, next))
    }
  }

  async #retry(session: Session, error: unknown, next: () => Promise<Record<string, unknown>>): Promise<Record<string, unknown>> {
    if (!(error instanceof McpError) || error.code !== ErrorCode.UnsupportedProtocolVersion || session.era?.name !== 'modern' || !this.#hello || !this.#server) throw error
    const supported = supportedOf(error)
    const modern = this.#modern.versions.find((v) => supported.includes(v))
    if (modern !== undefined) {
      session.state.protocolVersion = modern
      if (this.#server) this.#server = { ...this.#server, protocolVersion: modern }
    } else if (modern === undefined && this.#legacyOverlap(error) && this.#mode === 'auto') {
      reset(session)
      this.#server = await this.#legacy(session, this.#hello, {})
      this.#decided = 'legacy'
    } else {
      throw error
    }
    return next()
  }
}

/** Forgets what an opening attempt set, so the next one starts clean. */
function reset(session: Session): void {
  session.era = undefined
  session.state.protocolVersion = undefined
  session.state.peer = {}
}

/**
 * The revisions an `UnsupportedProtocolVersion` error lists as supported: in its `data` (stdio,
 * or ours), or in the JSON-RPC body an HTTP transport kept when the server answered 400.
 */
export function supportedOf(error: McpError): string[] {
  const data = error.data as { supported?: unknown; body?: unknown } | undefined
  let supported = data?.supported
  if (supported === undefined && typeof data?.body === 'string') {
    try {
      supported = (JSON.parse(data.body) as { error?: { data?: { supported?: unknown } } }).error?.data?.supported
    } catch {
      supported = undefined
    }
  }
  return Array.isArray(supported) ? supported.filter((v): v is string => typeof v === 'string') : []
}
