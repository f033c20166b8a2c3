import { canonicalJson, type RequestOptions, type ResultOf, type Session } from '@plugboard/protocol'

/** A result kept by a {@link ResponseCache}, and when it goes stale (ms since the epoch). */
export interface CachedResponse {
  result: Record<string, unknown>
  expiresAt: number
}

/**
 * Where a `Client` keeps cacheable results (modern-era `ttlMs`/`cacheScope`): pass your own to
 * `ClientOptions.cache` to share `cacheScope: "public"` results among the Clients of one server
 * (a gateway serving many users). `"private"` results never go there: each Client keeps those to
 * itself, its one authorization context. Keys start with the method (`tools/list\0…`).
 */
export interface ResponseCache {
  get(key: string): CachedResponse | undefined
  set(key: string, entry: CachedResponse): void
  /** Drops every entry whose key starts with `prefix`. */
  invalidate(prefix: string): void
}

/** The in-memory {@link ResponseCache}: stale entries go on read, the oldest when it is full. */
export class MemoryResponseCache implements ResponseCache {
  readonly #entries = new Map<string, CachedResponse>()
  readonly #maxEntries: number

  constructor(options: { maxEntries?: number } = {}) {
    this.#maxEntries = options.maxEntries ?? 1000
  }

  get size(): number {
    return this.#entries.size
  }

  get(key: string): CachedResponse | undefined {
    const entry = this.#entries.get(key)
    if (entry && Date.now() >= entry.expiresAt) {
      this.#entries.delete(key)
      return undefined
    }
    return entry
  }

  set(key: string, entry: CachedResponse): void {
    this.#entries.delete(key)
    this.#entries.set(key, entry)
    if (this.#entries.size > this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value!)
  }

  invalidate(prefix: string): void {
    for (const key of [...this.#entries.keys()]) if (key.startsWith(prefix)) this.#entries.delete(key)
  }
}

/**
 * Per call, what a cacheable method does with the cache: `'use'` (default) answers from a fresh
 * entry without a round trip; `'refresh'` asks the server and stores the answer; `'bypass'` asks
 * the server and leaves the cache as it was.
 */
export type CacheMode = 'use' | 'refresh' | 'bypass'

/** `RequestOptions` of the cacheable calls (`listTools`, `readResource`, `discover`, …). */
export interface CacheableRequestOptions extends RequestOptions {
  cache?: CacheMode
}

/** The methods whose results carry caching hints. */
export type CacheableMethod = 'server/discover' | 'tools/list' | 'prompts/list' | 'resources/list' | 'resources/templates/list' | 'resources/read'

/**
 * The client side of caching (modern era): a result with `ttlMs > 0` is fresh while
 * `now < received + ttlMs`, keyed by method, revision and params (so a different cursor or URI
 * is a different entry); `public` ones go to the shared cache, `private` ones stay with this client.
 * The matching `list_changed` or `resources/updated` notification drops them. A result reached
 * through `input_required` rounds is never stored: it depends on answers the key does not hold.
 * Results without hints (every legacy server) are never stored.
 * @see https://modelcontextprotocol.io/specification/latest/server/utilities/caching
 */
export class ClientCache {
  readonly #session: Session
  readonly #private: ResponseCache | undefined
  readonly #public: ResponseCache | undefined

  constructor(session: Session, shared: ResponseCache | false | undefined) {
    this.#session = session
    this.#private = shared === false ? undefined : new MemoryResponseCache()
    this.#public = shared === false ? undefined : (shared ?? this.#private)
  }

  /** Sends a cacheable request, or answers it from a fresh entry. */
  async request<M extends CacheableMethod>(method: M, params: Record<string, unknown> | undefined, options: CacheableRequestOptions = {}): Promise<ResultOf<M>> {
    const { cache: mode = 'use', ...rest } = options
    const send = () => this.#session.request(method, params as never, rest) as Promise<ResultOf<M>>
    if (!this.#private || mode === 'bypass' || (params && ('inputResponses' in params || 'requestState' in params))) return send()
    const key = this.#key(method, params)
    if (mode === 'use') {
      const hit = this.#private.get(key) ?? (this.#public === this.#private ? undefined : this.#public!.get(key))
      if (hit) return structuredClone(hit.result) as ResultOf<M>
    }
    const result = (await send()) as ResultOf<M> & object
    const { ttlMs, cacheScope } = result as { ttlMs?: unknown; cacheScope?: unknown }
    // A result reached through input_required rounds comes without hints (the era drops them): never stored.
    if (typeof ttlMs === 'number' && ttlMs > 0) {
      const store = cacheScope === 'public' ? this.#public! : this.#private
      store.set(key, { result: structuredClone(result as Record<string, unknown>), expiresAt: Date.now() + ttlMs })
    }
    return result
  }

  /** Drops the entries of `method` (all pages), or of one resource `uri` (`resources/read`). */
  invalidate(method: CacheableMethod, uri?: string): void {
    const prefix = uri === undefined ? `${method}\0` : `${method}\0${uri}\0`
    this.#private?.invalidate(prefix)
    if (this.#public !== this.#private) this.#public?.invalidate(prefix)
  }

  /** Forgets this client's private entries (a new connection may reach another server or user). */
  clearPrivate(): void {
    this.#private?.invalidate('')
  }

  #key(method: string, params: Record<string, unknown> | undefined): string {
    const { _meta, ...salient } = params ?? {}
    void _meta
    const uri = typeof salient.uri === 'string' ? salient.uri : ''
    return `${method}\0${uri}\0${this.#session.state.protocolVersion ?? ''}\0${canonicalJson(salient)}`
  }
}
