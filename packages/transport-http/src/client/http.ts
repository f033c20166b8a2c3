import { ErrorCode, McpError } from '@plugboard/protocol'
import { parseWWWAuthenticate } from './www-authenticate.js'

/**
 * The HTTP requests the client transports make, behind one small interface so the transports do
 * not care whether undici or `fetch` carries them.
 *
 * Why two: on Node, global `fetch` caps small JSON-RPC POSTs at a few thousand calls per second
 * and leaves an abort listener per call on the signal it is given until GC; undici's
 * `Agent.request` with keep-alive is several times faster and needs no signal at all (closing
 * the agent aborts everything in flight). Other runtimes, and callers who pass their own
 * `fetch` (proxies, tracing, tests), get `fetch`.
 */
export interface HttpClient {
  request(request: HttpRequest): Promise<HttpResponse>
  /** Aborts every request and stream in flight and frees the sockets. */
  close(): Promise<void>
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'DELETE'
  url: URL
  /** Lower-case names. */
  headers: Record<string, string>
  body?: string
  /** Gives up waiting for the response after this many ms (DELETE on close). Default: no limit. */
  timeoutMs?: number
  /**
   * Aborts this request and its response body (a 2026-07-28 request being cancelled). Only such
   * requests get one, each its own: no long-lived signal collects a listener per call.
   */
  signal?: AbortSignal
}

export interface HttpResponse {
  status: number
  statusText: string
  /** A response header (lower-case name), joined with ", " when repeated. */
  header(name: string): string | undefined
  /** The body, chunk by chunk, as it arrives. */
  body: AsyncIterable<Uint8Array>
  /** Reads the whole body as text; rejects (and stops reading) once it exceeds `limit` bytes. */
  text(limit: number): Promise<string>
  /** Reads and drops a short body so its connection can be reused; never rejects. */
  drain(): Promise<void>
  /** Stops reading now (an endless SSE stream); never throws. */
  cancel(): void
}

/** The `fetch` signature the transports accept. */
export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string' && !('Bun' in globalThis) && !('Deno' in globalThis)

/** undici on Node when no `fetch` is given, else `fetch` (the given one or the global). */
export function createHttpClient(fetch?: FetchLike): HttpClient {
  if (fetch || !isNode) return new FetchHttpClient(fetch ?? globalThis.fetch.bind(globalThis))
  return new UndiciHttpClient()
}

type UndiciAgent = import('undici').Agent

/**
 * undici's `Agent`, or undefined where the package was resolved without the `node` condition.
 *
 * Why `#undici` and not `'undici'`: a bundler follows even a lazy `import('undici')` and, for a
 * fetch runtime (Workers, browsers), fails on undici's `node:*` imports. The package's `imports`
 * map sends `#undici` to undici only under the `node` condition and to `no-undici.js` elsewhere,
 * so `createMcpHandler` bundles for Workers with no bundler settings.
 */
async function loadAgent(): Promise<UndiciAgent | undefined> {
  const { Agent } = (await import('#undici')) as { Agent?: typeof import('undici').Agent }
  return Agent && new Agent({ keepAliveTimeout: 10_000, connections: 64 })
}

/** One keep-alive `Agent` per transport (a pool per origin inside); `close()` destroys it. */
class UndiciHttpClient implements HttpClient {
  // Loaded lazily so that importing the package never loads undici where no client runs.
  #agent: Promise<UndiciAgent | undefined> | undefined
  // A Node process running code bundled without the `node` condition (an Electron renderer) has no undici.
  #fallback: FetchHttpClient | undefined
  #closed = false

  async request(request: HttpRequest): Promise<HttpResponse> {
    this.#agent ??= loadAgent()
    const agent = await this.#agent
    if (this.#closed) throw closedError()
    if (!agent) return (this.#fallback ??= new FetchHttpClient(globalThis.fetch.bind(globalThis))).request(request)
    const { url } = request
    const { statusCode, statusText, headers, body } = await agent.request({
      origin: url.origin,
      path: url.pathname + url.search,
      method: request.method,
      headers: request.headers,
      body: request.body,
      // The session times requests out; an SSE stream may be idle for minutes.
      headersTimeout: request.timeoutMs ?? 0,
      bodyTimeout: 0,
      signal: request.signal,
    })
    return {
      status: statusCode,
      statusText: statusText ?? '',
      header(name) {
        const value = headers[name]
        return Array.isArray(value) ? value.join(', ') : value
      },
      body,
      text: (limit) => {
        // Destroying the body on the way out emits an error nobody else listens for.
        body.on('error', () => {})
        return readText(body, limit, headers['content-length'])
      },
      drain: () => body.dump().catch(() => {}),
      cancel: () => {
        // Destroying an unfinished body emits an AbortError; nobody else is listening for it.
        body.on('error', () => {})
        body.destroy()
      },
    }
  }

  async close(): Promise<void> {
    this.#closed = true
    const agent = await this.#agent?.catch(() => undefined)
    await agent?.destroy().catch(() => {})
    await this.#fallback?.close()
  }
}

/**
 * `fetch`, with an AbortController per request kept in a set (not one shared signal that every
 * call would add a listener to), all aborted by `close()`.
 */
class FetchHttpClient implements HttpClient {
  readonly #fetch: FetchLike
  readonly #inflight = new Set<AbortController>()
  #closed = false

  constructor(fetch: FetchLike) {
    this.#fetch = fetch
  }

  async request(request: HttpRequest): Promise<HttpResponse> {
    if (this.#closed) throw closedError()
    const controller = new AbortController()
    if (request.signal?.aborted) controller.abort(request.signal.reason)
    else request.signal?.addEventListener('abort', () => controller.abort(request.signal!.reason), { once: true })
    this.#inflight.add(controller)
    const done = () => this.#inflight.delete(controller)
    const timer = request.timeoutMs === undefined ? undefined : setTimeout(() => controller.abort(new Error(`No response within ${request.timeoutMs} ms`)), request.timeoutMs)
    let response: Response
    try {
      response = await this.#fetch(request.url, { method: request.method, headers: request.headers, body: request.body, signal: controller.signal })
    } catch (error) {
      done()
      throw error
    } finally {
      clearTimeout(timer)
    }
    const stream = response.body
    if (!stream) done()
    let used = false
    const take = () => {
      if (used) throw new Error('The response body was already read')
      used = true
    }
    const body: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: async function* () {
        take()
        if (!stream) return
        // A reader loop rather than `for await` over the stream: not every runtime's
        // ReadableStream is async-iterable.
        const reader = stream.getReader()
        let finished = false
        try {
          for (;;) {
            const { done: end, value } = await reader.read()
            if (end) return void (finished = true)
            yield value
          }
        } finally {
          done()
          // The reader stopped early (an error, or the consumer broke off): release the connection.
          if (!finished) void reader.cancel().catch(() => {})
        }
      },
    }
    return {
      status: response.status,
      statusText: response.statusText,
      header: (name) => response.headers.get(name) ?? undefined,
      body,
      // Read through the iterator above: it releases the connection however the read ends.
      text(limit) {
        return readText(body, limit, response.headers.get('content-length') ?? undefined)
      },
      drain: async () => {
        if (used) return
        used = true
        await stream?.cancel().catch(() => {})
        done()
      },
      cancel: () => {
        controller.abort()
        done()
      },
    }
  }

  async close(): Promise<void> {
    this.#closed = true
    for (const controller of this.#inflight) controller.abort()
    this.#inflight.clear()
  }
}

const closedError = () => new McpError(ErrorCode.ConnectionClosed, 'Connection closed')

/** Default of `maxResponseBytes`: the largest JSON response body, and the largest SSE event, the client reads. */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024

/** The error a response body (or SSE event) over the client's `maxResponseBytes` fails with. */
export function responseTooLarge(limit: number, what = 'response body'): McpError {
  return new McpError(ErrorCode.InternalError, `The server's ${what} exceeds maxResponseBytes (${limit} bytes); raise the transport's maxResponseBytes option to accept it`, { maxResponseBytes: limit })
}

/** Reads a body as UTF-8 text, giving up (and so cancelling it) past `limit` bytes — a declared `Content-Length` over it fails at once. */
async function readText(body: AsyncIterable<Uint8Array>, limit: number, declared: string | string[] | undefined): Promise<string> {
  const length = Number(Array.isArray(declared) ? declared[0] : declared)
  if (length > limit) {
    // Entering and leaving the iterator releases the connection the body holds.
    for await (const _ of body) break
    throw responseTooLarge(limit)
  }
  const decoder = new TextDecoder()
  let text = ''
  let size = 0
  for await (const chunk of body) {
    size += chunk.byteLength
    if (size > limit) throw responseTooLarge(limit)
    text += decoder.decode(chunk, { stream: true })
  }
  return text + decoder.decode()
}

/** Custom headers: fixed, or computed before every request (a token that rotates). */
export type HeadersOption = Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>)

/**
 * What the server said when it refused a request, read from its `WWW-Authenticate` challenge
 * (the `Bearer` one, else the first): where to discover the authorization server, which scopes
 * to ask for, and why. The fields a challenge leaves out are absent.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization#protected-resource-metadata-discovery
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization#step-up-authorization-flow
 */
export interface UnauthorizedContext {
  /** 401 (no valid token), or 403 with `error="insufficient_scope"` (step-up). */
  status: 401 | 403
  /** The URL of the refused request. */
  url: string
  /** `resource_metadata`: the RFC 9728 Protected Resource Metadata URL. */
  resourceMetadata?: string
  /** `scope`: the scopes the server wants for this request. */
  scope?: string
  /** `error`: `invalid_token`, `insufficient_scope`, … */
  error?: string
  /** `error_description`. */
  errorDescription?: string
  /** The raw `WWW-Authenticate` header. */
  wwwAuthenticate?: string
  /** The scheme of the challenge read (`bearer`, `dpop`), lower-cased. */
  scheme?: string
  /** The `DPoP-Nonce` response header: the nonce a DPoP proof must carry from now on (RFC 9449 §9). */
  dpopNonce?: string
  /** The HTTP method of the refused request. */
  method: string
}

/** The request an {@link AuthProvider} is asked to authorize. */
export interface AuthRequest {
  method: string
  url: string
}

/**
 * Authorizes requests. `headers({ method, url })` (or, for a plain bearer token, `token()`) is read
 * before every request. On HTTP 401, or on 403 with `error="insufficient_scope"`, the transport calls
 * `onUnauthorized(ctx)` with the server's challenge (run discovery, refresh, re-authorize with
 * `ctx.scope`, or take up a DPoP nonce there) and sends the request again, up to
 * {@link MAX_AUTH_RETRIES} times (once without `onUnauthorized`); `onUnauthorized` throws to give up. A refusal it leaves rejects
 * with an McpError whose `data.challenge` is that ctx.
 * `@plugboard/auth/client` makes one that runs the whole OAuth flow.
 */
export interface AuthProvider {
  /** A bearer token: sent as `Authorization: Bearer <token>`. Unused when `headers` is given. */
  token?(): string | undefined | Promise<string | undefined>
  /** The authorization headers of one request (`Authorization: DPoP …` plus its `DPoP` proof, say). */
  headers?(request: AuthRequest): Record<string, string> | undefined | Promise<Record<string, string> | undefined>
  onUnauthorized?(ctx: UnauthorizedContext): void | Promise<void>
}

/** How many times one request is sent again after a challenge (discovery, then a DPoP nonce, then a step-up). */
export const MAX_AUTH_RETRIES = 3

/** Options every HTTP client transport takes. */
export interface HttpTransportOptions {
  /** Carries the requests instead of the default (undici on Node, global `fetch` elsewhere). */
  fetch?: FetchLike
  /** Extra headers on every request. */
  headers?: HeadersOption
  /** Supplies `Authorization: Bearer …`; see {@link AuthProvider}. */
  authProvider?: AuthProvider
  /**
   * The largest JSON response body, and the largest single SSE event, the client reads (bytes of
   * a body, characters of an event); a bigger one fails its request with an `McpError` naming
   * this option (or ends its SSE stream as broken). Default 32 MiB.
   */
  maxResponseBytes?: number
}

/** Custom headers, names lower-cased (the auth provider's are added by {@link requestWithAuth}). */
export async function baseHeaders(options: HttpTransportOptions): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  const custom = typeof options.headers === 'function' ? await options.headers() : options.headers
  if (custom) for (const name of Object.keys(custom)) out[name.toLowerCase()] = custom[name]!
  return out
}

/** The auth provider's headers for `request`, names lower-cased. */
async function authHeaders(provider: AuthProvider, request: HttpRequest): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  if (provider.headers) {
    const given = await provider.headers({ method: request.method, url: request.url.href })
    if (given) for (const name of Object.keys(given)) out[name.toLowerCase()] = given[name]!
    return out
  }
  const token = await provider.token?.()
  if (token) out.authorization = `Bearer ${token}`
  return out
}

/**
 * Sends a request built by `build` (called again for each retry, so it picks up a new token), with
 * the auth provider's headers. On a 401, or a 403 with `error="insufficient_scope"` (step-up),
 * calls `onUnauthorized(ctx)` and sends again, at most {@link MAX_AUTH_RETRIES} times; whatever the
 * last attempt gets is the caller's to report.
 */
export async function requestWithAuth(http: HttpClient, options: HttpTransportOptions, build: () => Promise<HttpRequest>): Promise<HttpResponse> {
  const provider = options.authProvider
  if (!provider) return http.request(await build())
  for (let attempt = 0; ; attempt++) {
    const request = await build()
    Object.assign(request.headers, await authHeaders(provider, request))
    const response = await http.request(request)
    // Without onUnauthorized, one retry reads token() again (it may have rotated meanwhile).
    if (attempt === (provider.onUnauthorized ? MAX_AUTH_RETRIES : 1)) return response
    const challenge = challengeOf(response, request.url, request.method)
    if (!challenge || (challenge.status === 403 && challenge.error !== 'insufficient_scope')) return response
    await response.drain()
    await provider.onUnauthorized?.(challenge)
  }
}

/** The challenge of a 401, or of a 403 that carries `WWW-Authenticate`; `undefined` for any other response. */
export function challengeOf(response: HttpResponse, url: URL, method = 'POST'): UnauthorizedContext | undefined {
  const header = response.header('www-authenticate')
  if (response.status !== 401 && (response.status !== 403 || header === undefined)) return undefined
  const context: UnauthorizedContext = { status: response.status as 401 | 403, url: url.href, method }
  const nonce = response.header('dpop-nonce')
  if (nonce !== undefined) context.dpopNonce = nonce
  if (header === undefined) return context
  context.wwwAuthenticate = header
  const challenges = parseWWWAuthenticate(header)
  // A DPoP challenge that names an error (use_dpop_nonce, invalid_dpop_proof) speaks for this request.
  const chosen = challenges.find((c) => c.scheme === 'dpop' && c.params.error !== undefined) ?? challenges.find((c) => c.scheme === 'bearer') ?? challenges[0]
  if (chosen) context.scheme = chosen.scheme
  const params = chosen?.params ?? {}
  if (params.resource_metadata !== undefined) context.resourceMetadata = params.resource_metadata
  if (params.scope !== undefined) context.scope = params.scope
  if (params.error !== undefined) context.error = params.error
  if (params.error_description !== undefined) context.errorDescription = params.error_description
  return context
}

/** The media type of a Content-Type header, without parameters, lower-cased. */
export function mediaType(response: HttpResponse): string | undefined {
  return response.header('content-type')?.split(';', 1)[0]!.trim().toLowerCase()
}

const MAX_ERROR_BODY = 2048
// An error body is read this far at most: only its start is reported.
const MAX_ERROR_READ = 64 * 1024

/**
 * An McpError for an HTTP error response to `request`: its JSON-RPC error's code and message when
 * the body is one, else InternalError; `data` carries `status` and the body text either way, and
 * `challenge` (an {@link UnauthorizedContext}) on a 401 or a 403 with `WWW-Authenticate`. `text`
 * is the body when it was read already. Request headers (the token) never go into it.
 */
export async function httpError(response: HttpResponse, request: { method: string; url: URL }, text?: string): Promise<McpError> {
  text ??= await response.text(MAX_ERROR_READ).catch(() => '')
  const body = text.length > MAX_ERROR_BODY ? `${text.slice(0, MAX_ERROR_BODY)}…` : text
  let rpc: { code?: unknown; message?: unknown } | undefined
  try {
    rpc = (JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }).error
  } catch {
    rpc = undefined
  }
  const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`
  const detail = typeof rpc?.message === 'string' ? rpc.message : body
  const code = typeof rpc?.code === 'number' ? rpc.code : ErrorCode.InternalError
  const challenge = challengeOf(response, request.url, request.method)
  const data = challenge ? { status: response.status, body, challenge } : { status: response.status, body }
  return new McpError(code, `${request.method} ${request.url.href} failed with ${status}${detail ? `: ${detail}` : ''}`, data)
}
