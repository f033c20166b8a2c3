// hono.ts — run with `node hono.ts` (Node ≥ 22.18); it prints the endpoint (PORT sets the port, default 3000)
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { McpServer } from '@plugboard/server'
import { createMcpHandler, toHonoHandler } from '@plugboard/transport-http'

const server = new McpServer({ name: 'demo', version: '1.0.0' })
server.registerTool('hello', {}, () => ({ content: [{ type: 'text', text: 'Hello from Hono' }] }))
const handler = createMcpHandler(server, { path: '/mcp' })

const app = new Hono()
app.all('/mcp', toHonoHandler(handler))
serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.PORT ?? 3000) }, (info) => {
  console.log(`MCP endpoint: http://127.0.0.1:${info.port}/mcp`)
})
process.on('SIGINT', () => handler.close().then(() => process.exit()))
