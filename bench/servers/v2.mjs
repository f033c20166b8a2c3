// The official SDK v2 (@modelcontextprotocol/server 2.4.0, @modelcontextprotocol/node 2.1.2), wired
// as its docs show: stdio through `serveStdio(factory)`; sessionful Streamable HTTP with one
// NodeStreamableHTTPServerTransport + a fresh McpServer per session, routed by Mcp-Session-Id
// (docs/serving/sessions-state-scaling.md); the 2026-07-28 stateless wire through
// `createMcpHandler(factory)` + `toNodeHandler` (docs/serving/http.md), with the localhost
// Host/Origin guards those docs put in front on plain node:http.
import { randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import { McpServer, createMcpHandler, isInitializeRequest } from '@modelcontextprotocol/server'
import { serveStdio } from '@modelcontextprotocol/server/stdio'
import { NodeStreamableHTTPServerTransport, localhostHostValidation, localhostOriginValidation, toNodeHandler } from '@modelcontextprotocol/node'
import * as z from 'zod'
import { announce, bigText, parseArgs, serveIpc, wideShape, wideText } from './common.mjs'

const wide = z.object(wideShape(z))
function buildServer() {
  const server = new McpServer({ name: 'bench-v2', version: '1.0.0' })
  server.registerTool('echo', { description: 'Returns its text', inputSchema: z.object({ text: z.string() }) }, async ({ text }) => ({ content: [{ type: 'text', text }] }))
  server.registerTool('big', { description: 'Returns n bytes of text', inputSchema: z.object({ n: z.number().int() }) }, async ({ n }) => ({ content: [{ type: 'text', text: bigText(n) }] }))
  server.registerTool('wide', { description: '200 required fields', inputSchema: wide }, async (args) => ({ content: [{ type: 'text', text: wideText(args) }] }))
  return server
}

const { transport, mode } = parseArgs()
const validateHost = localhostHostValidation()
const validateOrigin = localhostOriginValidation()

if (transport === 'stdio') {
  serveStdio(buildServer, { onerror: (error) => console.error(`bench-v2: ${error.message}`) })
  serveIpc()
} else if (mode === 'stateless') {
  const handler = createMcpHandler(buildServer, { responseMode: 'json' })
  const nodeHandler = toNodeHandler(handler)
  const listener = createServer((req, res) => {
    if (!validateHost(req, res) || !validateOrigin(req, res)) return
    void nodeHandler(req, res)
  }).listen(0, '127.0.0.1', () => announce(listener))
  serveIpc(async () => {
    await handler.close()
    listener.closeAllConnections()
    listener.close()
  })
} else {
  const sessions = new Map()
  const readJson = async (req) => {
    const chunks = []
    for await (const chunk of req) chunks.push(chunk)
    return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined
  }
  const listener = createServer(async (req, res) => {
    if (!validateHost(req, res) || !validateOrigin(req, res)) return
    const body = req.method === 'POST' ? await readJson(req) : undefined
    const sessionId = req.headers['mcp-session-id']
    if (sessionId && sessions.has(sessionId)) return void (await sessions.get(sessionId).handleRequest(req, res, body))
    if (!sessionId && isInitializeRequest(body)) {
      const transport = new NodeStreamableHTTPServerTransport({
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
