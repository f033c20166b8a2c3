// elicit.ts — a stdio server: an MCP client that offers elicitation starts it.
import { McpServer } from '@plugboard/server'
import { StdioServerTransport } from '@plugboard/transport-stdio'
import * as z from 'zod'

const server = new McpServer({ name: 'bistro', version: '1.0.0' })
const bookings: string[] = []

server.registerTool(
  'book-table',
  { description: 'Books a table, asking the user for the number of guests', inputSchema: { date: z.string() } },
  async ({ date }, ctx) => {
    // A 2025 client gets an elicitation/create request; a 2026-07-28 client an input_required round.
    const answer = await ctx.elicit({
      message: `How many guests on ${date}?`,
      requestedSchema: { type: 'object', properties: { guests: { type: 'integer', minimum: 1 } }, required: ['guests'] },
    })
    if (answer.action !== 'accept') return { content: [{ type: 'text', text: 'No table booked' }] }
    // The side effect comes after the last ask: in 2026-07-28 each round runs the handler from the top.
    bookings.push(`${date}: ${answer.content?.guests}`)
    return { content: [{ type: 'text', text: `Booked ${date} for ${answer.content?.guests} (booking #${bookings.length})` }] }
  },
)

await server.connect(new StdioServerTransport())
