// notes.ts — one of the two stdio servers in mcp.json; host.ts starts it.
import { McpServer } from '@plugboard/server'
import { StdioServerTransport } from '@plugboard/transport-stdio'
import * as z from 'zod'

const notes: string[] = []
const server = new McpServer({ name: 'notes', version: '1.0.0' })
server.registerTool('add_note', { description: 'Keeps a note', inputSchema: { text: z.string() } }, ({ text }) => {
  notes.push(text)
  return { content: [{ type: 'text', text: `Note ${notes.length} kept` }] }
})
server.registerTool('search', { description: 'Finds notes', inputSchema: { query: z.string() } }, ({ query }) => ({
  content: [{ type: 'text', text: notes.filter((note) => note.includes(query)).join('; ') || 'no note matches' }],
}))
await server.connect(new StdioServerTransport())
