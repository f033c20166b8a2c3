import type { IncomingRequest, OutgoingResponse } from './http.js'

/**
 * `createMcpHandler`'s `cors` option: lets browser pages on the listed origins call the endpoint
 * and read its MCP headers. Off unless set.
 */
export interface CorsOptions {
  /**
   * Origins allowed (`https://app.example.com`, exact match), or `'*'` for any — not allowed with
   * `credentials`. A listed origin passes the handler's Origin check too.
   */
  origins: string[] | '*'
  /** Let the browser send cookies or HTTP authentication (`Access-Control-Allow-Credentials`). Default false. */
  credentials?: boolean
  /** How long a browser may cache a preflight, in seconds. Default 600. */
  maxAgeSeconds?: number
  /** Request headers allowed beyond the MCP ones (`Mcp-Param-*` headers always are). */
  allowHeaders?: string[]
  /** Response headers exposed beyond `Mcp-Session-Id`, `Mcp-Protocol-Version` and `WWW-Authenticate`. */
  exposeHeaders?: string[]
}

// What an MCP client sends: 2025-xx sessions and resumption, 2026-07-28's mirrored headers (SEP-2243).
const MCP_REQUEST_HEADERS = ['accept', 'authorization', 'content-type', 'last-event-id', 'mcp-session-id', 'mcp-protocol-version', 'mcp-method', 'mcp-name', 'dpop']
const MCP_RESPONSE_HEADERS = ['mcp-session-id', 'mcp-protocol-version', 'www-authenticate']

/**
 * CORS for the MCP endpoint: preflights answered 204 before authentication (a browser never sends
 * credentials on one), and the allowed origin's responses — errors and 401s included — readable.
 * @see https://fetch.spec.whatwg.org/#http-cors-protocol
 */
export class Cors {
  readonly #origins: ReadonlySet<string> | '*'
  readonly #credentials: boolean
  readonly #maxAge: string
  readonly #allowHeaders: ReadonlySet<string>
  readonly #expose: string

  constructor(options: CorsOptions) {
    const wildcard = options.origins === '*' || options.origins.includes('*')
    // The Fetch standard refuses `*` with credentials; sending it would silently fail in browsers.
    if (wildcard && options.credentials) throw new TypeError("cors: origins '*' cannot be combined with credentials; list the origins")
    this.#origins = wildcard ? '*' : new Set(options.origins as string[])
    this.#credentials = options.credentials === true
    this.#maxAge = String(options.maxAgeSeconds ?? 600)
    this.#allowHeaders = new Set([...MCP_REQUEST_HEADERS, ...(options.allowHeaders ?? []).map((h) => h.toLowerCase())])
    this.#expose = [...MCP_RESPONSE_HEADERS, ...(options.exposeHeaders ?? []).map((h) => h.toLowerCase())].join(', ')
  }

  /** Whether a page on `origin` may call the endpoint. */
  allows(origin: string): boolean {
    return this.#origins === '*' || this.#origins.has(origin)
  }

  /** The answer to a preflight (`OPTIONS` with `Access-Control-Request-Method`), or undefined for any other request. */
  preflight(req: IncomingRequest, methods: string): OutgoingResponse | undefined {
    const origin = req.header('origin')
    if (req.method !== 'OPTIONS' || origin === undefined || req.header('access-control-request-method') === undefined) return undefined
    if (!this.allows(origin)) return { status: 403, headers: { vary: 'Origin' } }
    const asked = (req.header('access-control-request-headers') ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter((h) => h !== '')
    const allowed = asked.filter((h) => this.#allowHeaders.has(h) || h.startsWith('mcp-param-'))
    return {
      status: 204,
      headers: {
        ...this.#originHeaders(origin),
        'access-control-allow-methods': methods,
        'access-control-allow-headers': [...new Set([...this.#allowHeaders, ...allowed])].join(', '),
        'access-control-max-age': this.#maxAge,
      },
    }
  }

  /** Adds the CORS headers to an answer for an allowed origin. */
  decorate(req: IncomingRequest, out: OutgoingResponse): OutgoingResponse {
    const origin = req.header('origin')
    if (origin === undefined || !this.allows(origin)) return out
    const headers = { ...this.#originHeaders(origin), 'access-control-expose-headers': this.#expose }
    if (!out.response) return { ...out, headers: { ...out.headers, ...headers } } as OutgoingResponse
    const merged = new Headers(out.response.headers)
    for (const [name, value] of Object.entries(headers)) merged.set(name, value)
    return { response: new Response(out.response.body, { status: out.response.status, statusText: out.response.statusText, headers: merged }) }
  }

  #originHeaders(origin: string): Record<string, string> {
    if (this.#origins === '*') return { 'access-control-allow-origin': '*' }
    const headers: Record<string, string> = { 'access-control-allow-origin': origin, vary: 'Origin' }
    if (this.#credentials) headers['access-control-allow-credentials'] = 'true'
    return headers
  }
}
