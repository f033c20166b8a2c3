// server.ts — run with `node server.ts` (Node ≥ 22.18), then point a client at http://127.0.0.1:3000/mcp (PORT sets the port)
import { createServer } from 'node:http'
import { McpServer } from '@plugboard/server'
import { createMcpHandler, toNodeHandler } from '@plugboard/transport-http'

const server = new McpServer({ name: 'demo', version: '1.0.0' })
server.registerTool('hello', {}, () => ({ content: [{ type: 'text', text: 'Hello over HTTP' }] }))
const handler = createMcpHandler(server, { path: '/mcp' })
createServer(toNodeHandler(handler)).listen(Number(process.env.PORT ?? 3000), '127.0.0.1')
process.on('SIGINT', () => handler.close().then(() => process.exit()))
