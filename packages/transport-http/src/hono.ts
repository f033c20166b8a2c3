import { handleRequest, type McpHandler } from './server/handler.js'
import { isLoopbackAddress } from './server/guards.js'
import { fromRequest, toResponse } from './server/http.js'

/**
 * What {@link toHonoHandler} reads of a Hono `Context`. Typed by shape, so this package needs no
 * dependency on hono and fits any hono 4 version.
 */
export interface HonoContextLike {
  req: {
    /** The web `Request`. */
    raw: Request
    /** The body as text; hono answers it from its cache when a middleware already read the body. */
    text(): Promise<string>
  }
  /** Hono's bindings: `{ incoming, outgoing }` under `@hono/node-server`, the Worker's `env` on Workers. */
  env?: unknown
}

/**
 * Adapts an MCP handler to a Hono route: `app.all('/mcp', toHonoHandler(handler))`, on Node
 * (`@hono/node-server`), Bun, Deno and Workers alike. Unlike `handler.fetch(c.req.raw)`, it keeps
 * the loopback default of DNS rebinding protection on Node (it reads the socket of
 * `c.env.incoming`), and it takes a body that a middleware (a validator, `c.req.json()`) has
 * already read.
 * @example
 * import { serve } from '@hono/node-server'
 * import { Hono } from 'hono'
 *
 * const app = new Hono()
 * app.all('/mcp', toHonoHandler(createMcpHandler(server, { path: '/mcp' })))
 * serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 3000 })
 */
export function toHonoHandler(handler: McpHandler): (c: HonoContextLike) => Promise<Response> {
  return async (c) => {
    const raw = c.req.raw
    const incoming = (c.env as { incoming?: { socket?: { localAddress?: string } } } | undefined)?.incoming
    const address = incoming?.socket?.localAddress
    const extras = {
      loopback: address === undefined ? undefined : isLoopbackAddress(address),
      body: raw.bodyUsed ? await c.req.text() : undefined,
    }
    return toResponse(await handler[handleRequest](fromRequest(raw, extras)))
  }
}
