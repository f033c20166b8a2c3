import { randomBytes, timingSafeEqual } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readFile, readdir } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import type { ConsentStore } from '@plugboard/host'
import type { HostApp } from '../app.js'
import { runCommand } from '../ui/commands.js'
import { AppViews, type AppMessage } from './app-views.js'
import { AnswerError, type WebMessage, type WebUi } from './web-ui.js'

/** Options of {@link startWebHost}. */
export interface WebHostOptions {
  app: HostApp
  ui: WebUi
  /** Where "allow always" answers are kept, for the `/approve` command. */
  store?: ConsentStore
  /** The port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number
  /** Messages the page offers as one-click suggestions (the demo's conversation). */
  suggestions?: string[]
  /** The model is the scripted one (no LLM): the page says so next to each answer. */
  scripted?: boolean
}

/** A running web host: the URL to open (with its token), and how to stop it. */
export interface WebHost {
  /** `http://127.0.0.1:<port>/?token=…` — the token is the only way in, so print it only to the user. */
  readonly url: string
  readonly port: number
  readonly token: string
  /** Ends the page's streams and stops listening; the {@link HostApp} is the caller's to close. */
  close(): Promise<void>
}

/** Largest JSON body the API reads (a form answer, a message). */
const MAX_BODY = 1024 * 1024

// The built page is copied to dist/page; run from src (tests), it is read from the package's web/ folder.
const PAGE_DIR = [new URL('../page/', import.meta.url), new URL('../../web/', import.meta.url)].map((u) => fileURLToPath(u)).find((dir) => existsSync(`${dir}index.html`))

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.png': 'image/png', '.svg': 'image/svg+xml', '.html': 'text/html; charset=utf-8' }

/**
 * The page's own policy: its scripts and styles come from this server only, it talks only to this
 * server, and nothing may frame it.
 */
const PAGE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


/**
 * Serves the host in a browser: a single page and a small JSON API on 127.0.0.1 (never another
 * interface), behind an unguessable token that is part of the printed URL. Every request must name
 * this server in `Host` (a DNS-rebinding page cannot) and, when it has an `Origin`, come from this
 * server's own origin; the API also wants the token in `Authorization: Bearer`, which another site
 * cannot send. The page answers the host's dialogs through {@link WebUi}.
 *
 * API (all under `/api/`, JSON): `GET state`, `GET events` (server-sent events, each a
 * {@link WebMessage}), `POST send {text}` (a message, or a slash command such as `/login <server>`),
 * `POST cancel`, `POST dialogs/<id> {answer}`, `POST apps/<view>/call {name, arguments}` (an MCP
 * App view's `tools/call`, see {@link AppViews}), `POST apps/<view>/read {uri}` (its `resources/read`), `POST apps/<view>/resources {cursor?}` (its `resources/list`), `POST apps/<view>/sample` (its
 * `sampling/createMessage`, reviewed like a server's), `POST apps/<view>/context {content?, structuredContent?}`
 * (its `ui/update-model-context`), `POST apps/<view>/close` (the page tore it down); and
 * `GET /apps/<view>`, a view's document.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  if (!PAGE_DIR) throw new Error('The web page is missing: build apps/host first (pnpm build)')
  const { app, ui } = options
  const token = randomBytes(32).toString('base64url')
  const assets = new Set((await readdir(PAGE_DIR)).filter((name) => name !== 'index.html' && Object.hasOwn(TYPES, extension(name))))
  const streams = new Set<ServerResponse>()
  let turn: AbortController | undefined
  let port = 0

  const broadcast = (message: WebMessage | AppMessage | { type: 'state'; state: unknown }) => {
    const data = `data: ${JSON.stringify(message)}\n\n`
    for (const stream of streams) stream.write(data)
  }
  // Each server's last sign-in link: a page opened (or reloaded) while that server waits for the sign-in still gets it.
  const signIns = new Map<string, WebMessage>()
  const off: Array<() => void> = [
    ui.listen((message) => {
      if (message.type === 'event' && message.event.type === 'authorization') signIns.set(message.event.server, message)
      broadcast(message)
    }),
  ]
  const views = new AppViews({ app, ui, send: broadcast })
  // Server states and tool lists change together, in bursts: the page gets one snapshot per burst.
  let stateTimer: NodeJS.Immediate | undefined
  const stateChanged = () => {
    stateTimer ??= setImmediate(() => {
      stateTimer = undefined
      broadcast({ type: 'state', state: snapshot() })
    })
  }
  off.push(app.manager.on('state', stateChanged), app.catalog.on('changed', stateChanged), app.tasks.on('task', stateChanged))

  const snapshot = () => ({
    servers: app.manager.statuses().map((s) => ({ name: s.name, state: s.state, pid: s.pid, error: s.error?.message, retryInMs: s.retryInMs, failures: s.failures })),
    tools: app.catalog.tools().map(({ name, server, tool }) => ({ name, server, tool: tool.name, title: tool.title, description: tool.description, annotations: tool.annotations })),
    roots: app.roots,
    tasks: app.tasks.list().map(({ taskId, server, tool, status, statusMessage }) => ({ taskId, server, tool, status, statusMessage })),
    model: app.model,
    scripted: options.scripted === true,
    busy: turn !== undefined,
    suggestions: options.suggestions ?? [],
  })

  const send = (text: string) => {
    const controller = new AbortController()
    turn = controller
    broadcast({ type: 'state', state: snapshot() })
    void app
      .send(text, controller.signal)
      .catch((error: Error) => ui.emit({ type: 'error', message: error.message }))
      .finally(() => {
        if (turn === controller) turn = undefined
        broadcast({ type: 'state', state: snapshot() })
      })
  }

  const api = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    if (!hasToken(req.headers.authorization, token)) return reply(res, 401, { error: 'A valid token is required (the one in the URL the host printed).' })
    if (req.method === 'GET' && path === 'state') return reply(res, 200, snapshot())
    if (req.method === 'GET' && path === 'events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' })
      streams.add(res)
      res.on('close', () => streams.delete(res))
      res.write(`data: ${JSON.stringify({ type: 'state', state: snapshot() })}\n\n`)
      for (const [server, signIn] of signIns) if (app.manager.status(server)?.state === 'authorizing') res.write(`data: ${JSON.stringify(signIn)}\n\n`)
      for (const open of ui.open()) res.write(`data: ${JSON.stringify({ type: 'dialog', ...open })}\n\n`)
      return
    }
    if (req.method !== 'POST') return reply(res, 405, { error: 'Method not allowed.' })
    // A JSON content type cannot be sent cross-site without a preflight, which this server never grants.
    if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) return reply(res, 415, { error: 'Send JSON (content-type: application/json).' })
    const body = await readJson(req)
    if (body === undefined) return reply(res, 400, { error: `The body must be a JSON object of at most ${MAX_BODY} bytes.` })
    if (path === 'send') {
      const text = typeof body.text === 'string' ? body.text.trim() : ''
      if (!text) return reply(res, 400, { error: 'Send a non-empty text.' })
      if (turn) return reply(res, 409, { error: 'The host is still answering; cancel it or wait.' })
      if (text.startsWith('/')) {
        ui.output(`> ${text}`)
        const outcome = await runCommand(text, { app, store: options.store, write: (t) => ui.output(t.replace(/\n$/, '')) })
        if (outcome.next === 'send') send(outcome.text)
        else if (outcome.next === 'exit') ui.output('The web host keeps running; stop it with Ctrl-C where it was started.')
        stateChanged()
        return reply(res, 202, { accepted: true })
      }
      send(text)
      return reply(res, 202, { accepted: true })
    }
    if (path === 'cancel') {
      if (!turn) return reply(res, 409, { error: 'Nothing is running.' })
      turn.abort(new Error('Cancelled by the user'))
      return reply(res, 202, { cancelled: true })
    }
    const appRequest = /^apps\/([\w-]{1,100})\/(call|read|resources|sample|context|close)$/.exec(path)
    if (appRequest) {
      const [, view, what] = appRequest as unknown as [string, string, 'call' | 'read' | 'resources' | 'sample' | 'context' | 'close']
      // A sampling review waits for the user; the page going away ends it.
      const gone = new AbortController()
      res.on('close', () => gone.abort())
      const answer = await {
        call: () => views.call(view, body),
        read: () => views.readResource(view, body),
        resources: () => views.listResources(view, body),
        sample: () => views.sample(view, body, gone.signal),
        context: () => views.updateModelContext(view, body),
        close: () => views.closeView(view),
      }[what]()
      return reply(res, answer.status, answer.body)
    }
    const dialog = /^dialogs\/([\w-]{1,100})$/.exec(path)
    if (dialog) {
      try {
        ui.answer(dialog[1]!, body.answer)
        return reply(res, 200, { answered: true })
      } catch (error) {
        if (error instanceof AnswerError) return reply(res, 422, { error: error.message, errors: error.errors })
        throw error
      }
    }
    return reply(res, 404, { error: 'No such API.' })
  }

  const server = createServer((req, res) => {
    const refused = checkRequest(req, port)
    if (refused) return void reply(res, 403, { error: refused })
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`)
    const handle = async () => {
      if (url.pathname.startsWith('/api/')) return api(req, res, url.pathname.slice('/api/'.length))
      if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, { error: 'Method not allowed.' })
      if (url.pathname === '/') {
        if (!hasToken(`Bearer ${url.searchParams.get('token') ?? ''}`, token)) return text(res, 401, 'This page needs the token from the URL the host printed when it started.\n')
        return file(res, 'index.html', { 'content-security-policy': PAGE_CSP, 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' })
      }
      // A view's document: no token (an iframe cannot send one), found by its unguessable id.
      const view = views.document(/^\/apps\/([\w-]{1,100})$/.exec(url.pathname)?.[1] ?? '')
      if (view) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': view.csp, 'referrer-policy': 'no-referrer', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' })
        return void res.end(view.html)
      }
      // Scripts and styles carry no secret; they are served without the token so the page can load them.
      const asset = /^\/assets\/([\w.-]+)$/.exec(url.pathname)?.[1]
      if (asset && assets.has(asset)) return file(res, asset)
      return text(res, 404, 'Not found.\n')
    }
    handle().catch((error: Error) => {
      if (!res.headersSent) reply(res, 500, { error: error.message })
      else res.destroy()
    })
  })

  const file = async (res: ServerResponse, name: string, headers: Record<string, string> = {}) => {
    const body = await readFile(`${PAGE_DIR}${name}`)
    res.writeHead(200, { 'content-type': TYPES[extension(name)]!, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers })
    res.end(body)
  }

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
    })
  } catch (error) {
    for (const stop of off.splice(0)) stop()
    views.close()
    throw new Error(`Cannot listen on 127.0.0.1:${options.port ?? 0}: ${(error as Error).message}`)
  }
  port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      for (const stop of off.splice(0)) stop()
      views.close()
      if (stateTimer) clearImmediate(stateTimer)
      turn?.abort(new Error('The web host is shutting down'))
      ui.close()
      for (const stream of streams) stream.end()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
}

/**
 * Refuses what did not come from this machine's browser to this server: a `Host` other than
 * 127.0.0.1 or localhost with our port (DNS rebinding: a foreign site whose name now points here),
 * an `Origin` other than ours (another site's script), a cross-site fetch.
 */
function checkRequest(req: IncomingMessage, port: number): string | undefined {
  const ours = [`127.0.0.1:${port}`, `localhost:${port}`]
  if (!ours.includes(String(req.headers.host ?? '').toLowerCase())) return 'This host only answers requests addressed to 127.0.0.1 or localhost.'
  const origin = req.headers.origin
  if (origin !== undefined && !ours.some((o) => origin.toLowerCase() === `http://${o}`)) return 'Requests from other origins are refused.'
  if (req.headers['sec-fetch-site'] === 'cross-site') return 'Cross-site requests are refused.'
  return undefined
}

function hasToken(authorization: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (\S+)$/.exec(authorization ?? '')?.[1] ?? '')
  const expected = Buffer.from(token)
  return given.length === expected.length && timingSafeEqual(given, expected)
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY) return undefined
    chunks.push(chunk)
  }
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}')
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' })
  res.end(JSON.stringify(body))
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' })
  res.end(body)
}

function extension(name: string): string {
  return /\.[a-z]+$/.exec(name)?.[0] ?? ''
}
