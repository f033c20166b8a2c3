// server.ts — a stdio server whose tool asks the user for details (elicitation, form mode); client.ts starts it.
import { McpServer } from '@plugboard/server'
import { StdioServerTransport } from '@plugboard/transport-stdio'
import * as z from 'zod'

const server = new McpServer({ name: 'newsletter', version: '1.0.0' })

server.registerTool('subscribe', { description: 'Subscribes the user to a newsletter', inputSchema: { list: z.string() } }, async ({ list }, ctx) => {
  // A form is a flat object of strings, numbers, booleans and enums; it is checked before it is sent.
  const answer = await ctx.elicit({
    message: `Subscribe to "${list}"?`,
    requestedSchema: {
      type: 'object',
      properties: {
        email: { type: 'string', format: 'email', title: 'Email address' },
        frequency: { type: 'string', enum: ['daily', 'weekly'], default: 'weekly' },
        html: { type: 'boolean', title: 'HTML mail', default: true },
      },
      required: ['email'],
    },
  })
  // accept (with content), decline (the user said no) or cancel (the user dismissed the form).
  if (answer.action !== 'accept') return { content: [{ type: 'text', text: `Not subscribed to ${list} (${answer.action})` }] }
  const { email, frequency, html } = answer.content ?? {}
  return { content: [{ type: 'text', text: `Subscribed ${email} to ${list}, ${frequency}, ${html ? 'HTML' : 'plain text'}` }] }
})

await server.connect(new StdioServerTransport())
