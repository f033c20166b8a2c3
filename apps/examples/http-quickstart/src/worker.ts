// worker.ts — `bun worker.ts`, `deno serve worker.ts`, or `wrangler deploy worker.ts`
import { McpServer } from '@plugboard/server'
import { createMcpHandler } from '@plugboard/transport-http'

const server = new McpServer({ name: 'demo', version: '1.0.0' })
server.registerTool('hello', {}, () => ({ content: [{ type: 'text', text: 'Hello from the edge' }] }))
const handler = createMcpHandler(server, { path: '/mcp', stateless: true, enableJsonResponse: true })
export default { fetch: handler.fetch }
