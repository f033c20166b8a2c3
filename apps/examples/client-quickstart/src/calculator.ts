// calculator.ts — a stdio server whose tools are in its type: `export type CalculatorServer = typeof server`.
import { McpServer } from '@plugboard/server'
import { StdioServerTransport } from '@plugboard/transport-stdio'
import * as z from 'zod'

// Chained, so `typeof server` carries each tool: a host's Client<CalculatorServer> checks its calls.
const server = new McpServer({ name: 'calculator', version: '1.0.0' })
  .withTool('add', { inputSchema: { a: z.number(), b: z.number() }, outputSchema: { sum: z.number() } }, async ({ a, b }) => ({
    structuredContent: { sum: a + b },
  }))
  .withTool('divide', { inputSchema: { a: z.number(), b: z.number() }, outputSchema: { quotient: z.number() } }, async ({ a, b }) =>
    b === 0 ? { content: [{ type: 'text', text: 'Cannot divide by zero' }], isError: true } : { structuredContent: { quotient: a / b } },
  )

export type CalculatorServer = typeof server

await server.connect(new StdioServerTransport())
