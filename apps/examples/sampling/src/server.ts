// server.ts — a stdio server whose tool asks the client's model (sampling); client.ts starts it.
import { McpServer } from '@plugboard/server'
import { StdioServerTransport } from '@plugboard/transport-stdio'
import * as z from 'zod'

const server = new McpServer({ name: 'summarizer', version: '1.0.0' })

server.registerTool('summarize', { description: 'Summarizes a text in one line', inputSchema: { text: z.string() } }, async ({ text }, ctx) => {
  // The server has no model of its own: it borrows the client's, which the client may review or refuse.
  if (!ctx.client.capabilities.sampling) return { isError: true, content: [{ type: 'text', text: 'This client cannot sample a model' }] }
  const answer = await ctx.sample({
    messages: [{ role: 'user', content: { type: 'text', text: `Summarize in one line:\n\n${text}` } }],
    systemPrompt: 'You are a terse editor.',
    modelPreferences: { hints: [{ name: 'small' }], speedPriority: 1 },
    maxTokens: 60,
  })
  const summary = [answer.content].flat().map((block) => (block.type === 'text' ? block.text : '')).join('')
  return { content: [{ type: 'text', text: `${summary} (by ${answer.model})` }] }
})

await server.connect(new StdioServerTransport())
