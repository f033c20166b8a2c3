import type { IncomingMessage, ServerResponse } from 'node:http'
import { handleRequest, type McpHandler } from './server/handler.js'
import { isLoopbackAddress } from './server/guards.js'
import { BodyTimeoutError, type IncomingRequest, type OutgoingResponse } from './server/http.js'

/**
 * Adapts an MCP handler to `node:http` (and Express, Fastify's raw mode, anything with
 * `(req, res)`): the request is read and the response written directly, with no web `Request`
 * or `Response` in between unless an `authenticate`/`onRequest` hook asks for one.
 *
 * In Express, mount it on the MCP path (`app.all('/mcp', …)` or `app.use('/mcp', …)`; the
 * handler's `path` is the full path, which it reads from `req.originalUrl`). A body that
 * `express.json()` already parsed is taken from `req.body`.
 * @example
 * createServer(toNodeHandler(createMcpHandler(server, { path: '/mcp' }))).listen(3000, '127.0.0.1')
 * @example
 * const app = express()
 * app.all('/mcp', toNodeHandler(createMcpHandler(server, { path: '/mcp' })))
 * app.listen(3000, '127.0.0.1')
 */
export function toNodeHandler(handler: McpHandler): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handler[handleRequest](new NodeRequest(req, res)).then(
      (out) => write(res, out),
      (error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32603, message: `Internal error: ${(error as Error)?.message ?? error}` } }))
      },
    )
  }
}

function write(res: ServerResponse, out: OutgoingResponse): void {
  if (out.response) return void writeResponse(res, out.response)
  res.writeHead(out.status, out.headers)
  if (!out.sse) return void res.end(out.body)
  const sse = out.sse
  // Headers now, so the client's fetch resolves before the first event.
  res.flushHeaders()
  res.on('close', () => sse.abort())
  // The client may have gone before the handler answered; 'close' will not fire again for it.
  if (res.destroyed) sse.abort()
  // Respecting backpressure: once write() says false, the connection holds chunks until 'drain'.
  res.on('drain', () => sse.drain())
  sse.attach({ write: (chunk) => res.write(chunk), end: () => void res.end(), destroy: () => void res.destroy() })
}

async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {}
  response.headers.forEach((value, name) => (headers[name] = value))
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) headers['set-cookie'] = cookies
  res.writeHead(response.status, headers)
  res.end(response.body ? Buffer.from(await response.arrayBuffer()) : undefined)
}

class NodeRequest implements IncomingRequest {
  readonly #req: IncomingMessage
  readonly #res: ServerResponse
  #request: Request | undefined

  constructor(req: IncomingMessage, res: ServerResponse) {
    this.#req = req
    this.#res = res
  }

  get method(): string {
    return this.#req.method ?? 'GET'
  }
  /**
   * The path and query as the client sent them. Express (and Connect) strip a mount path from
   * `req.url` inside `app.use('/mcp', …)` and keep the original in `originalUrl`.
   */
  get #target(): string {
    return (this.#req as { originalUrl?: string }).originalUrl ?? this.#req.url ?? '/'
  }
  get pathname(): string {
    const url = this.#target
    const q = url.indexOf('?')
    return q < 0 ? url : url.slice(0, q)
  }
  query(name: string): string | null {
    const url = this.#target
    const q = url.indexOf('?')
    return q < 0 ? null : new URLSearchParams(url.slice(q + 1)).get(name)
  }
  header(name: string): string | undefined {
    const value = this.#req.headers[name]
    return Array.isArray(value) ? value.join(', ') : value
  }
  get headers(): IncomingMessage['headers'] {
    return this.#req.headers
  }
  get url(): string {
    const secure = (this.#req.socket as { encrypted?: boolean }).encrypted === true
    return `${secure ? 'https' : 'http'}://${this.#req.headers.host ?? 'localhost'}${this.#target}`
  }
  get loopback(): boolean {
    return isLoopbackAddress(this.#req.socket.localAddress)
  }

  toRequest(): Request {
    if (this.#request) return this.#request
    const headers = new Headers()
    for (const [name, value] of Object.entries(this.#req.headers)) {
      if (Array.isArray(value)) for (const v of value) headers.append(name, v)
      else if (value !== undefined) headers.set(name, value)
    }
    return (this.#request = new Request(this.url, { method: this.method, headers }))
  }

  onAbort(listener: () => void): void {
    const res = this.#res
    if (res.writableFinished) return
    if (res.destroyed || this.#req.socket.destroyed) return listener()
    // 'close' also follows a response that completed: only an unfinished one was cut off.
    res.once('close', () => {
      if (!res.writableFinished) listener()
    })
  }

  readBody(limit: number, timeoutMs?: number): Promise<string | undefined> {
    const req = this.#req
    // A framework (express.json()) may have read the body already; the limit still holds for it.
    const parsed = (req as { body?: unknown }).body
    if (parsed !== undefined && req.readableEnded) {
      const text = typeof parsed === 'string' ? parsed : JSON.stringify(parsed)
      return Promise.resolve(Buffer.byteLength(text) > limit ? undefined : text)
    }
    if (Number(req.headers['content-length']) > limit) return Promise.resolve(undefined)
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = []
      let size = 0
      const onData = (chunk: Buffer) => {
        size += chunk.length
        if (size > limit) {
          cleanup()
          return resolve(undefined)
        }
        chunks.push(chunk)
      }
      const onEnd = () => {
        cleanup()
        resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, size).toString('utf8'))
      }
      const onError = (error: Error) => {
        cleanup()
        reject(error)
      }
      // Node's own requestTimeout (300 s) is far too generous for a JSON-RPC message.
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              cleanup()
              reject(new BodyTimeoutError(`the request body did not arrive within ${timeoutMs} ms`))
            }, timeoutMs)
      const cleanup = () => {
        clearTimeout(timer)
        req.off('data', onData)
        req.off('end', onEnd)
        req.off('error', onError)
      }
      req.on('data', onData)
      req.on('end', onEnd)
      req.on('error', onError)
    })
  }
}
