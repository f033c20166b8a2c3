import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { JSONRPCMessage, JSONRPCPayload, JSONRPCRequest } from '@plugboard/protocol'
import { expect } from 'vitest'

/** One request the test server received, body read in full. */
export interface Recorded {
  method: string
  path: string
  headers: IncomingHttpHeaders
  body: string
  /** The body parsed as JSON (a message or a batch), when it is JSON. */
  json?: JSONRPCPayload
}

export type Handler = (req: Recorded, res: ServerResponse) => void | Promise<void>

export interface TestServer {
  url: URL
  /** Every request, in arrival order. */
  requests: Recorded[]
  /** Sockets currently open on the server side. */
  readonly openSockets: number
  close(): Promise<void>
}

const servers: TestServer[] = []

/** A node:http server on 127.0.0.1, port 0, recording what it receives; `handle` answers. */
export async function startServer(handle: Handler, path = '/mcp'): Promise<TestServer> {
  const requests: Recorded[] = []
  const sockets = new Set<Socket>()
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks).toString('utf8')
    let json: JSONRPCPayload | undefined
    try {
      json = body ? (JSON.parse(body) as JSONRPCPayload) : undefined
    } catch {
      json = undefined
    }
    const recorded: Recorded = { method: req.method!, path: req.url!, headers: req.headers, body, json }
    requests.push(recorded)
    try {
      await handle(recorded, res)
    } catch (error) {
      if (!res.headersSent) res.writeHead(500).end(String(error))
    }
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  const test: TestServer = {
    url: new URL(`http://127.0.0.1:${port}${path}`),
    requests,
    get openSockets() {
      return sockets.size
    },
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
  servers.push(test)
  return test
}

/** Closes every server a test started (afterEach), so a failing test leaves none behind. */
export async function closeServers(): Promise<void> {
  await Promise.all(servers.splice(0).map((s) => s.close()))
}

/** Starts an SSE response. */
export function sse(res: ServerResponse, headers: Record<string, string> = {}): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers })
  res.flushHeaders()
}

/** Writes one SSE event. */
export function event(res: ServerResponse, fields: { id?: string; retry?: number; event?: string; data?: unknown }): void {
  let text = ''
  if (fields.event !== undefined) text += `event: ${fields.event}\n`
  if (fields.id !== undefined) text += `id: ${fields.id}\n`
  if (fields.retry !== undefined) text += `retry: ${fields.retry}\n`
  const data = fields.data === undefined ? '' : typeof fields.data === 'string' ? fields.data : JSON.stringify(fields.data)
  text += `data: ${data}\n\n`
  res.write(text)
}

/** Answers with a JSON body. */
export function json(res: ServerResponse, body: unknown, headers: Record<string, string> = {}, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body))
}

export const result = (id: JSONRPCRequest['id'], value: Record<string, unknown> = {}): JSONRPCMessage => ({ jsonrpc: '2.0', id, result: value })

export const INITIALIZE_RESULT = {
  protocolVersion: '2025-11-25',
  capabilities: { tools: {}, logging: {} },
  serverInfo: { name: 'hand-written', version: '0.0.1' },
}

/** The message of a recorded request, when it is a single message. */
export const messageOf = (r: Recorded): JSONRPCMessage | undefined => (r.json && !Array.isArray(r.json) ? r.json : undefined)
export const methodOf = (r: Recorded): string | undefined => {
  const m = messageOf(r)
  return m && 'method' in m ? m.method : undefined
}

/**
 * Answers what every happy-path test needs: `initialize` (JSON, assigning `sessionId`), 202 for
 * notifications and responses, `GET` with 405 unless `onGet` is given, `DELETE` with 200. A
 * request with another method goes to `onRequest`.
 */
export function mcpHandler(options: {
  sessionId?: string
  onRequest?: (message: JSONRPCRequest, res: ServerResponse, req: Recorded) => void | Promise<void>
  onGet?: Handler
  onDelete?: Handler
}): Handler {
  return async (req, res) => {
    const sid: Record<string, string> = options.sessionId ? { 'mcp-session-id': options.sessionId } : {}
    if (req.method === 'GET') return options.onGet ? options.onGet(req, res) : void res.writeHead(405, { allow: 'POST, DELETE' }).end()
    if (req.method === 'DELETE') return options.onDelete ? options.onDelete(req, res) : void res.writeHead(200).end()
    const message = messageOf(req)
    if (message && 'method' in message && message.method === 'initialize' && 'id' in message) return json(res, result(message.id, INITIALIZE_RESULT), sid)
    if (!message || !('method' in message) || !('id' in message)) return void res.writeHead(202).end()
    if (options.onRequest) return options.onRequest(message, res, req)
    json(res, { jsonrpc: '2.0', id: message.id, error: { code: -32601, message: `Method not found: ${message.method}` } })
  }
}

const KINDS = ['TCPSocketWrap', 'TCPServerWrap']
const counts = (): Record<string, number> => {
  const out: Record<string, number> = Object.fromEntries(KINDS.map((k) => [k, 0]))
  for (const kind of process.getActiveResourcesInfo()) if (kind in out) out[kind]!++
  return out
}

const realSetTimeout = globalThis.setTimeout
let timers: NodeJS.Timeout[] = []
/** A timer that would still fire (and keep the process alive): not fired, not cleared, not unref'd. */
const pending = (t: NodeJS.Timeout) => !(t as unknown as { _destroyed: boolean })._destroyed && t.hasRef()

/**
 * A snapshot of open sockets and servers to compare with after the test; from here on every
 * `setTimeout` is recorded, so `expectNoLeaks` can tell ours from the test runner's own timers.
 */
export function resourceBaseline(): Record<string, number> {
  timers = []
  globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
    const timer = realSetTimeout(...args)
    timers.push(timer)
    return timer
  }) as typeof setTimeout
  return counts()
}

/** Passes once no socket, server or timer made since the baseline is left (a closed socket goes away a tick later). */
export async function expectNoLeaks(baseline: Record<string, number>): Promise<void> {
  globalThis.setTimeout = realSetTimeout
  const clean = () => JSON.stringify(counts()) === JSON.stringify(baseline) && !timers.some(pending)
  // A hand-rolled poll: vi.waitFor's own timers would count as leaks.
  const deadline = Date.now() + 3000
  while (Date.now() < deadline && !clean()) await new Promise((resolve) => setTimeout(resolve, 20))
  expect(counts(), 'sockets and servers left open').toEqual(baseline)
  expect(timers.filter(pending).length, 'timers left pending').toBe(0)
}

/** What a transport under test delivered and reported, with a `request()` that awaits its response. */
export function observe<T extends { onmessage?: (m: JSONRPCPayload) => void; onerror?: (e: Error) => void; onclose?: () => void; send(m: JSONRPCPayload): Promise<void> }>(transport: T) {
  const messages: JSONRPCPayload[] = []
  const errors: Error[] = []
  let closes = 0
  const waiters = new Map<string | number, (m: JSONRPCMessage) => void>()
  transport.onmessage = (payload) => {
    messages.push(payload)
    for (const m of Array.isArray(payload) ? payload : [payload]) {
      if (!('method' in m) && m.id !== null) waiters.get(m.id)?.(m)
    }
  }
  transport.onerror = (error) => void errors.push(error)
  transport.onclose = () => void closes++
  let nextId = 1
  /** Sends a request and resolves with the response message (result or error) delivered for it. */
  const request = async (method: string, params?: Record<string, unknown>, id: string | number = nextId++): Promise<JSONRPCMessage> => {
    const reply = new Promise<JSONRPCMessage>((resolve) => waiters.set(id, resolve))
    await transport.send({ jsonrpc: '2.0', id, method, ...(params ? { params } : {}) })
    return reply
  }
  return { transport, messages, errors, request, closes: () => closes }
}
