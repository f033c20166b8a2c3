import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect } from 'vitest'

const open = new Set<Server>()

/** Serves `handler` on 127.0.0.1 at a free port; {@link closeAll} ends it. */
export async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ origin: string; http: Server }> {
  const http = createServer(handler)
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  open.add(http)
  return { origin: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, http }
}

/** Answers every request with `status` and the JSON `body`, recording each request's headers and body. */
export async function jsonServer(answer: (body: string, req: IncomingMessage) => { status: number; body: unknown }) {
  const seen: Array<{ headers: IncomingMessage['headers']; body: string }> = []
  const { origin } = await listen((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk))
    req.on('end', () => {
      seen.push({ headers: req.headers, body })
      const out = answer(body, req)
      res.writeHead(out.status, { 'content-type': 'application/json' }).end(JSON.stringify(out.body))
    })
  })
  return { origin, seen }
}

const sockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap' || r === 'TCPSocketWrap').length

/** Closes every server {@link listen} opened and checks no listener or socket is left behind. */
export async function closeAll(): Promise<void> {
  await Promise.all(
    [...open].map((http) => {
      open.delete(http)
      http.closeAllConnections()
      return new Promise<void>((resolve) => http.close(() => resolve()))
    }),
  )
  // Client sockets close a tick after the server ends them.
  for (let i = 0; i < 100 && sockets() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10))
  expect(sockets(), 'sockets or listeners left open').toBe(0)
}
