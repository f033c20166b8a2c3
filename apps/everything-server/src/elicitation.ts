import { randomUUID } from 'node:crypto'
import type { McpServer } from '@plugboard/server'

/**
 * A tool that asks the user for structured input through the client (form-mode
 * `elicitation/create`), with one field of each primitive type and defaults.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/client/elicitation
 */
export function registerElicitationTools(server: McpServer): void {
  server.registerTool(
    'elicit-input',
    { title: 'Elicit input', description: 'Asks the user for a name, an age, a subscription choice and a colour.' },
    async (_args, ctx) => {
      const result = await ctx.elicit({
        message: 'Tell us about yourself',
        requestedSchema: {
          type: 'object',
          properties: {
            name: { type: 'string', title: 'Name', description: 'Your name', minLength: 1 },
            age: { type: 'number', title: 'Age', minimum: 0, maximum: 150, default: 30 },
            subscribe: { type: 'boolean', title: 'Subscribe to news', default: false },
            color: { type: 'string', title: 'Favourite colour', enum: ['red', 'green', 'blue'], default: 'blue' },
          },
          required: ['name'],
        },
      })
      if (result.action !== 'accept') return { content: [{ type: 'text', text: `The user chose to ${result.action}` }] }
      const fields = Object.entries(result.content ?? {}).map(([key, value]) => `${key}=${String(value)}`)
      return { content: [{ type: 'text', text: `The user accepted: ${fields.join(', ')}` }], structuredContent: { action: result.action, content: result.content ?? {} } }
    },
  )

  server.registerTool(
    'elicit-url',
    { title: 'Elicit through a URL', description: 'Asks the user to open a URL (URL-mode elicitation), as an OAuth or payment flow would.' },
    async (_args, ctx) => {
      const result = await ctx.elicit({
        mode: 'url',
        elicitationId: randomUUID(),
        url: 'https://example.com/authorize?client=everything',
        message: 'Sign in to the example service to continue',
      })
      return { content: [{ type: 'text', text: `The user chose to ${result.action} opening the URL` }], structuredContent: { action: result.action } }
    },
  )
}
