import { spawn } from 'node:child_process'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { OAuthClientError } from './errors.js'

/** How the OAuth client sends the user to the authorization server and gets the redirect back. */
export interface RedirectHandler {
  /** The redirect_uri to register and send. Known after `prepare()`. */
  readonly redirectUrl: string
  /** Starts listening (idempotent); resolves the redirect URL. */
  prepare(): Promise<string>
  /** Opens (or prints) the authorization URL and resolves with the full URL the browser was redirected to (its query has code/state/iss or error). Rejects on timeout or signal abort. */
  authorize(authorizationUrl: URL, options?: { signal?: AbortSignal }): Promise<URL>
  close(): Promise<void>
}

/** Options of {@link loopbackRedirect}. */
export interface LoopbackOptions {
  /** 127.0.0.1 (default) or '::1'. Never 0.0.0.0. */
  host?: '127.0.0.1' | '::1'
  /** Fixed port; default 0 = a free one chosen at prepare(). */
  port?: number
  /** Path of the callback; default '/callback'. */
  path?: string
  /** How to show the URL: by default, opens the system browser and prints one line to stderr. A function replaces both. */
  open?: (url: URL) => void | Promise<void>
  /** Default 300_000 ms. */
  timeoutMs?: number
  /** HTML shown in the browser after the redirect; default a minimal "You can close this window." page. */
  successHtml?: string
}

const SUCCESS_HTML =
  '<!doctype html><html><head><meta charset="utf-8"><title>Signed in</title></head>' +
  '<body><p>You can close this window and return to the application.</p></body></html>'

interface Pending {
  resolve(url: URL): void
  reject(error: unknown): void
}

/**
 * A {@link RedirectHandler} for CLIs and desktop hosts: a `node:http` listener on a loopback address
 * receives the browser's redirect (RFC 8252 §7.3). It answers only GET on the callback path, and only
 * with a loopback Host header (a DNS-rebinding page cannot reach it). The listener stays up until
 * `close()` but keeps the process alive only while an `authorize()` is waiting.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-7.3
 * @example
 * const redirect = loopbackRedirect()
 * const redirectUri = await redirect.prepare()          // http://127.0.0.1:53124/callback
 * const callback = await redirect.authorize(authorizationUrl)
 * const code = callback.searchParams.get('code')
 * await redirect.close()
 */
export function loopbackRedirect(options: LoopbackOptions = {}): RedirectHandler {
  const { host = '127.0.0.1', path = '/callback', timeoutMs = 300_000, successHtml = SUCCESS_HTML, open = openInBrowser } = options
  // Checked at run time too: a JavaScript caller can pass anything, and 0.0.0.0 would expose the code to the network.
  if (host !== '127.0.0.1' && host !== '::1') throw new TypeError(`loopbackRedirect listens on 127.0.0.1 or ::1 only, not ${String(host)}`)
  if (!path.startsWith('/')) throw new TypeError(`loopbackRedirect path must start with "/": ${path}`)
  const literal = host === '::1' ? '[::1]' : host
  const urlFor = (port: number) => `http://${literal}:${port}${path}`

  let server: Server | undefined
  let listening: Promise<string> | undefined
  let redirectUrl = options.port ? urlFor(options.port) : undefined
  let allowedHosts = new Set<string>()
  let pending: Pending | undefined
  let closed = false

  const closedError = () => new OAuthClientError('authorization_failed', 'The loopback redirect handler is closed')

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    const answer = (status: number, text: string) => res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end(text)
    if (!allowedHosts.has((req.headers.host ?? '').toLowerCase())) return void answer(400, 'Bad Host header')
    // Origin-form only: an absolute-form target (`GET http://elsewhere/callback`) must not choose the URL we resolve.
    const target = req.url ?? ''
    const query = target.indexOf('?')
    if (req.method !== 'GET' || !target.startsWith('/') || (query < 0 ? target : target.slice(0, query)) !== path) return void answer(404, 'Not found')
    if (!pending) return void answer(409, 'No sign-in is waiting for this redirect. Start it again from the application.')
    const url = new URL(redirectUrl!)
    url.search = query < 0 ? '' : target.slice(query)
    // The page never echoes the query: it holds the authorization code. no-referrer keeps the URL out of any onward request.
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', connection: 'close' })
      .end(successHtml)
    pending.resolve(url)
  }

  function prepare(): Promise<string> {
    if (closed) return Promise.reject(closedError())
    listening ??= new Promise<string>((resolve, reject) => {
      const http = createServer(onRequest)
      let bound = false
      // A browser's idle keep-alive or preconnect socket must not hold a finished CLI open.
      http.on('connection', (socket) => socket.unref())
      http.on('error', (error) => {
        if (bound) return
        listening = undefined
        reject(error)
      })
      http.listen(options.port ?? 0, host, () => {
        bound = true
        const { port } = http.address() as AddressInfo
        redirectUrl = urlFor(port)
        allowedHosts = new Set([`${literal}:${port}`, `localhost:${port}`])
        http.unref()
        server = http
        resolve(redirectUrl)
      })
    })
    return listening
  }

  async function authorize(authorizationUrl: URL, { signal }: { signal?: AbortSignal } = {}): Promise<URL> {
    signal?.throwIfAborted()
    await prepare()
    if (closed) throw closedError()
    signal?.throwIfAborted()
    pending?.reject(new OAuthClientError('authorization_failed', 'Another authorization started on this redirect handler before this one finished'))

    let resolve!: (url: URL) => void
    let reject!: (error: unknown) => void
    const result = new Promise<URL>((res, rej) => ((resolve = res), (reject = rej)))
    const finish = (then: () => void) => {
      if (pending !== entry) return
      pending = undefined
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      server?.unref()
      then()
    }
    const entry: Pending = { resolve: (url) => finish(() => resolve(url)), reject: (error) => finish(() => reject(error)) }
    const onAbort = () => entry.reject(signal!.reason)
    const timer = setTimeout(() => entry.reject(new OAuthClientError('authorization_failed', `No redirect to ${redirectUrl} came within ${timeoutMs} ms`)), timeoutMs)
    timer.unref()
    signal?.addEventListener('abort', onAbort, { once: true })
    pending = entry
    // The server is unref'd so it never keeps a process alive on its own; while someone waits on it, it must,
    // or a CLI whose only work is this await would exit.
    server?.ref()
    try {
      await open(authorizationUrl)
    } catch (error) {
      entry.reject(error)
    }
    return result
  }

  async function close(): Promise<void> {
    closed = true
    pending?.reject(closedError())
    const ready = listening
    listening = undefined
    if (!ready || !(await ready.then(() => true, () => false)) || !server) return
    const http = server
    server = undefined
    http.closeAllConnections()
    await new Promise<void>((resolve) => http.close(() => resolve()))
  }

  return {
    get redirectUrl() {
      if (redirectUrl === undefined) throw new Error('The loopback redirect URL is known only after prepare()')
      return redirectUrl
    },
    prepare,
    authorize,
    close,
  }
}

/**
 * Prints the URL to stderr and asks the system to open it in the browser. Only http(s) URLs are opened:
 * the URL is built from authorization server metadata, and `file:` or a custom scheme must not launch anything.
 */
function openInBrowser(url: URL): void {
  process.stderr.write(`Open this URL to sign in: ${url.href}\n`)
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return
  // Windows: rundll32 rather than `cmd /c start`, which would re-parse the `&` between query parameters as a command separator.
  const [command, ...args] =
    process.platform === 'darwin' ? ['open', url.href] : process.platform === 'win32' ? ['rundll32', 'url.dll,FileProtocolHandler', url.href] : ['xdg-open', url.href]
  try {
    const child = spawn(command!, args, { detached: true, stdio: 'ignore' })
    // No browser (a server, a container): the printed line is enough.
    child.on('error', () => undefined)
    child.unref()
  } catch {
    // spawn throws synchronously on some platforms when the command is missing; same answer.
  }
}

/**
 * A {@link RedirectHandler} with no browser, for automated clients and tests: fetches the authorization
 * URL with `redirect: 'manual'`, follows up to 5 redirects that stay on the authorization server's
 * origin, and resolves with the `Location` that points at `redirectUrl`. It works only where the
 * authorization server redirects without a login page (a test server, a pre-approved machine client);
 * any other answer rejects with `interaction_required`.
 */
export function headlessRedirect(redirectUrl: string, options: { fetch?: typeof fetch } = {}): RedirectHandler {
  const target = new URL(redirectUrl)
  const doFetch = options.fetch ?? fetch
  let closed = false
  const closedError = () => new OAuthClientError('authorization_failed', 'The headless redirect handler is closed')

  async function authorize(authorizationUrl: URL, { signal }: { signal?: AbortSignal } = {}): Promise<URL> {
    if (closed) throw closedError()
    const origin = authorizationUrl.origin
    let url = authorizationUrl
    for (let redirects = 0; ; redirects++) {
      const response = await doFetch(url.href, { redirect: 'manual', ...(signal ? { signal } : {}) })
      // Free the connection; the body of a redirect or refusal is not read.
      await response.body?.cancel().catch(() => undefined)
      const location = response.headers.get('location')
      if (response.status < 300 || response.status > 399 || location === null) {
        throw new OAuthClientError('interaction_required', `The authorization server answered ${response.status} instead of redirecting; it needs a user`)
      }
      const next = new URL(location, url)
      if (next.origin === target.origin && next.pathname === target.pathname) return next
      // Only the redirect URL may take the flow off the authorization server: anywhere else would be handed our request.
      if (next.origin !== origin) throw new OAuthClientError('authorization_failed', `The authorization server redirected to another origin (${next.origin})`)
      if (redirects >= 5) throw new OAuthClientError('authorization_failed', 'The authorization server redirected more than 5 times')
      url = next
    }
  }

  return {
    // As given, not `target.href`: the redirect_uri must match the registered one byte for byte.
    redirectUrl,
    prepare: async () => {
      if (closed) throw closedError()
      return redirectUrl
    },
    authorize,
    close: async () => {
      closed = true
    },
  }
}
