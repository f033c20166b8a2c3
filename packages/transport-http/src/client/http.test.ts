import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

// Which HTTP stack carries the client's requests: undici on Node (through the package's `#undici`
// import, resolved under the `node` condition), `fetch` where `#undici` is the stub.
describe('createHttpClient without a fetch option', () => {
  let server: Server
  let url: URL
  const realFetch = globalThis.fetch
  let fetchCalls = 0

  beforeEach(async () => {
    server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('pong'))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)
    fetchCalls = 0
    globalThis.fetch = ((...args: Parameters<typeof fetch>) => {
      fetchCalls++
      return realFetch(...args)
    }) as typeof fetch
  })
  afterEach(async () => {
    globalThis.fetch = realFetch
    vi.doUnmock('#undici')
    vi.resetModules()
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  it('sends through undici on Node, never the global fetch', async () => {
    const { createHttpClient } = await import('./http.js')
    const http = createHttpClient()
    const response = await http.request({ method: 'GET', url, headers: {} })
    expect(response.status).toBe(200)
    expect(await response.text(1024)).toBe('pong')
    await http.close()
    expect(fetchCalls).toBe(0)
  })

  it('falls back to fetch where #undici resolved to the stub (code bundled without the node condition)', async () => {
    vi.resetModules()
    vi.doMock('#undici', () => import('./no-undici.js'))
    const { createHttpClient } = await import('./http.js')
    const http = createHttpClient()
    const response = await http.request({ method: 'GET', url, headers: {} })
    expect(response.status).toBe(200)
    expect(await response.text(1024)).toBe('pong')
    await http.close()
    expect(fetchCalls).toBe(1)
  })
})
