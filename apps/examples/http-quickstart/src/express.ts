// express.ts — run with `node express.ts` (Node ≥ 22.18); it prints the endpoint (PORT sets the port, default 3000)
import type { AddressInfo } from 'node:net'
import express from 'express'
import { McpServer } from '@plugboard/server'
import { createMcpHandler, toNodeHandler } from '@plugboard/transport-http'

const server = new McpServer({ name: 'demo', version: '1.0.0' })
server.registerTool('hello', {}, () => ({ content: [{ type: 'text', text: 'Hello from Express' }] }))
const handler = createMcpHandler(server, { path: '/mcp' })

const app = express()
app.use(express.json()) // for your other routes; the MCP handler takes the body it parsed
app.all('/mcp', toNodeHandler(handler))
const listener = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  console.log(`MCP endpoint: http://127.0.0.1:${(listener.address() as AddressInfo).port}/mcp`)
})
process.on('SIGINT', () => handler.close().then(() => process.exit()))
