// server.ts — a stdio server with a static resource and a resource template (list, read, complete); client.ts starts it.
import { ErrorCode, McpError } from '@plugboard/protocol'
import { McpServer, ResourceTemplate } from '@plugboard/server'
import { StdioServerTransport } from '@plugboard/transport-stdio'

const notes: Record<string, string> = { groceries: 'Milk, eggs, bread', garden: 'Water the tomatoes', travel: 'Book the night train' }

const server = new McpServer({ name: 'notes', version: '1.0.0' })

// A static resource: one URI, read(uri, ctx).
server.registerResource('index', 'notes://index', { title: 'All notes', mimeType: 'text/plain' }, async (uri) => ({
  contents: [{ uri: uri.href, mimeType: 'text/plain', text: Object.keys(notes).join('\n') }],
}))

// A template: every notes://{name} URI, read(uri, variables, ctx). `list` adds the concrete notes to
// resources/list; `complete` suggests values of {name} for completion/complete.
const note = new ResourceTemplate('notes://{name}', {
  list: async () => ({ resources: Object.keys(notes).map((name) => ({ uri: `notes://${name}`, name })) }),
  complete: { name: (value) => Object.keys(notes).filter((name) => name.startsWith(value)) },
})
server.registerResource('note', note, { description: 'One note', mimeType: 'text/plain' }, async (uri, { name }) => {
  const text = notes[String(name)]
  // The spec's "resource not found": -32002 up to 2025-11-25, -32602 in 2026-07-28 (the era maps it).
  if (text === undefined) throw new McpError(ErrorCode.ResourceNotFound, `No note named ${name}`, { uri: uri.href })
  return { contents: [{ uri: uri.href, mimeType: 'text/plain', text }] }
})

await server.connect(new StdioServerTransport())
