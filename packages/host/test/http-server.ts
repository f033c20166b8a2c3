import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request the server received. */
export interface SeenRequest {
  method: string
  headers: IncomingHttpHeaders
  body?: { id?: number; method?: string; params?: Record<string, unknown> }
}

/**
 * A minimal Streamable HTTP MCP endpoint on 127.0.0.1, port 0: JSON responses only, no GET
 * stream (405), sessions it can be told to forget (then it answers 404, as for an expired one).
 * Hand-rolled so the host's HTTP path is tested against the wire, not against our own server.
 */
export async function startTinyHttpServer() {
  const requests: SeenRequest[] = []
  const sessions = new Set<string>()
  let count = 0
  const server = createServer(async (req, res) => {
    let text = ''
    for await (const chunk of req) text += chunk
    const body = text ? (JSON.parse(text) as SeenRequest['body']) : undefined
    requests.push({ method: req.method!, headers: req.headers, body })
    const session = req.headers['mcp-session-id'] as string | undefined
    const json = (value: unknown, headers: Record<string, string> = {}) =>
      res.writeHead(200, { 'content-type': 'application/json', ...headers }).end(JSON.stringify({ jsonrpc: '2.0', id: body?.id, result: value }))
    if (req.method === 'GET') return void res.writeHead(405).end()
    if (req.method === 'DELETE') return void res.writeHead(sessions.delete(session!) ? 200 : 404).end()
    if (body?.method === 'initialize') {
      const id = `session-${++count}`
      sessions.add(id)
      const result = { protocolVersion: body.params!.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: 'tiny-http', version: '0.0.0' } }
      return void json(result, { 'mcp-session-id': id })
    }
    if (!session || !sessions.has(session)) return void res.writeHead(404).end()
    if (body?.id === undefined) return void res.writeHead(202).end()
    json(body.method === 'tools/list' ? { tools: [{ name: 'hello', inputSchema: { type: 'object' } }] } : {})
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    requests,
    /** Forgets every session, as a restarted server would. */
    forget: () => sessions.clear(),
    close: () => {
      server.closeAllConnections()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
