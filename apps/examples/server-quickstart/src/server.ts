// server.ts — a stdio server: an MCP client starts it (see below).
import { McpServer } from '@plugboard/server'
import { StdioServerTransport } from '@plugboard/transport-stdio'
import * as z from 'zod'

const server = new McpServer({ name: 'calculator', version: '1.0.0' })

server.registerTool(
  'add',
  {
    description: 'Adds two numbers',
    inputSchema: { a: z.number(), b: z.number() },
    outputSchema: { sum: z.number() },
  },
  async ({ a, b }) => ({ structuredContent: { sum: a + b } }),
)

await server.connect(new StdioServerTransport())
