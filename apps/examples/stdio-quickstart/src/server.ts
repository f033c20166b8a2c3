// server.ts — a stdio server, started by host.ts. stdout carries only MCP messages; log to stderr.
import { McpServer } from '@plugboard/server'
import { StdioServerTransport } from '@plugboard/transport-stdio'

const server = new McpServer({ name: 'clock', version: '1.0.0' })
server.registerTool('now', { description: 'The current time' }, () => ({
  content: [{ type: 'text', text: new Date().toISOString() }],
}))
await server.connect(new StdioServerTransport())
console.error('clock server ready')
