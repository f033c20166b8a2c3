// The official SDK v1 (@modelcontextprotocol/sdk 1.32.2), wired as its README shows: McpServer +
// StdioServerTransport; sessionful Streamable HTTP with a transport and a fresh McpServer per
// session, routed by Mcp-Session-Id. v1's docs declare tool inputs as a zod raw shape.
import { randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js'
import * as z from 'zod'
import { announce, bigText, parseArgs, serveIpc, wideShape, wideText } from './common.mjs'

const wide = wideShape(z)
function buildServer() {
  const server = new McpServer({ name: 'bench-v1', version: '1.0.0' })
  server.registerTool('echo', { description: 'Returns its text', inputSchema: { text: z.string() } }, async ({ text }) => ({ content: [{ type: 'text', text }] }))
  server.registerTool('big', { description: 'Returns n bytes of text', inputSchema: { n: z.number().int() } }, async ({ n }) => ({ content: [{ type: 'text', text: bigText(n) }] }))
  server.registerTool('wide', { description: '200 required fields', inputSchema: wide }, async (args) => ({ content: [{ type: 'text', text: wideText(args) }] }))
  return server
}

const { transport, mode } = parseArgs()
if (transport === 'stdio') {
  await buildServer().connect(new StdioServerTransport())
  process.stdin.once('end', () => process.exit(0))
  serveIpc()
} else {
  const sessions = new Map()
  const readJson = async (req) => {
    const chunks = []
    for await (const chunk of req) chunks.push(chunk)
    return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined
  }
  const listener = createServer(async (req, res) => {
    const body = req.method === 'POST' ? await readJson(req) : undefined
    const sessionId = req.headers['mcp-session-id']
    if (sessionId && sessions.has(sessionId)) return void (await sessions.get(sessionId).handleRequest(req, res, body))
    if (!sessionId && isInitializeRequest(body)) {
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        enableJsonResponse: mode === 'json',
        onsessioninitialized: (id) => void sessions.set(id, transport),
      })
      transport.onclose = () => {
        if (transport.sessionId) sessions.delete(transport.sessionId)
      }
      await buildServer().connect(transport)
      return void (await transport.handleRequest(req, res, body))
    }
    res.writeHead(sessionId ? 404 : 400, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: sessionId ? -32001 : -32000, message: sessionId ? 'Session not found' : 'Bad Request: Session ID required' }, id: null }))
  }).listen(0, '127.0.0.1', () => announce(listener))
  serveIpc(async () => {
    for (const [, transport] of sessions) await transport.close()
    listener.closeAllConnections()
    listener.close()
  })
}
