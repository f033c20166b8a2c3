import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createMcpHandler, toNodeHandler } from '@plugboard/transport-http'
import { createEverythingServer } from './server.js'

/** Options of {@link serveHttp}. */
export interface ServeHttpOptions {
  /** Interface to bind. Default 127.0.0.1: a local test server must not be reachable from the network. */
  host?: string
  /** Port to bind; 0 picks a free one (read it from the returned `url`). Default 3000. */
  port?: number
  /** Also serve the conformance referee's `test_*` fixtures (see {@link createEverythingServer}). */
  conformance?: boolean
}

/** A running HTTP everything-server. */
export interface HttpServing {
  /** The MCP endpoint, e.g. `http://127.0.0.1:3000/mcp`. */
  readonly url: URL
  /** Ends every MCP session, then the listener and its open connections. */
  close(): Promise<void>
}

/**
 * Serves the everything-server over Streamable HTTP at `/mcp` on `node:http`: one `McpServer`
 * for the process, one session per client.
 * @example
 * const { url, close } = await serveHttp({ port: 0 })
 */
export async function serveHttp(options: ServeHttpOptions = {}): Promise<HttpServing> {
  const host = options.host ?? '127.0.0.1'
  const handler = createMcpHandler(createEverythingServer({ conformance: options.conformance }), { path: '/mcp' })
  const listener = createServer(toNodeHandler(handler))
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject)
    listener.listen(options.port ?? 3000, host, () => {
      listener.off('error', reject)
      resolve()
    })
  })
  const { port } = listener.address() as AddressInfo
  const url = new URL(`http://${host.includes(':') ? `[${host}]` : host}:${port}/mcp`)
  let closing: Promise<void> | undefined
  return {
    url,
    close: () =>
      (closing ??= (async () => {
        await handler.close()
        // Open SSE streams (a client's GET) would keep `close()` waiting forever.
        listener.closeAllConnections()
        await new Promise<void>((resolve) => listener.close(() => resolve()))
      })()),
  }
}
