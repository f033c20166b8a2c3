// Plugboard: one McpServer per process, served over stdio or Streamable HTTP (sessions, or
// stateless for the 2026-07-28 wire) — as packages/server and packages/transport-http READMEs show.
import { createServer } from 'node:http'
import { McpServer } from '@plugboard/server'
import { StdioServerTransport } from '@plugboard/transport-stdio'
import { createMcpHandler, toNodeHandler } from '@plugboard/transport-http'
import * as z from 'zod'
import { announce, bigText, parseArgs, serveIpc, wideShape, wideText } from './common.mjs'

const server = new McpServer({ name: 'bench-plugboard', version: '1.0.0' })
server.registerTool('echo', { description: 'Returns its text', inputSchema: { text: z.string() } }, ({ text }) => ({ content: [{ type: 'text', text }] }))
server.registerTool('big', { description: 'Returns n bytes of text', inputSchema: { n: z.number().int() } }, ({ n }) => ({ content: [{ type: 'text', text: bigText(n) }] }))
server.registerTool('wide', { description: '200 required fields', inputSchema: wideShape(z) }, (args) => ({ content: [{ type: 'text', text: wideText(args) }] }))

const { transport, mode } = parseArgs()
if (transport === 'stdio') {
  await server.connect(new StdioServerTransport())
  serveIpc()
} else {
  const handler = createMcpHandler(server, { path: '/mcp', enableJsonResponse: mode !== 'sse', stateless: mode === 'stateless' })
  const listener = createServer(toNodeHandler(handler)).listen(0, '127.0.0.1', () => announce(listener))
  serveIpc(async () => {
    await handler.close()
    listener.closeAllConnections()
    listener.close()
  })
}
