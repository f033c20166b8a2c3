#!/usr/bin/env node
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { McpServer } from '@plugboard/server'
import { createMcpHandler, toNodeHandler } from '@plugboard/transport-http'
import * as z from 'zod'

/**
 * The demo's HTTP server: a notebook with a tool that writes (asks for consent) and one that
 * claims to be read-only (runs without asking when the policy trusts such claims), served over
 * Streamable HTTP on 127.0.0.1. Prints its URL on stderr: `notes-server: serving MCP on <url>`.
 * Usage: `node notes-server.js [port] [--exit-on-stdin-end]` (port 0, the default, picks a free
 * one; with the flag it stops when its stdin ends, so it cannot outlive the process that started it).
 */
const notes: string[] = []
const server = new McpServer({ name: 'notes', version: '1.0.0', title: 'Notes (demo)' })

server.registerTool(
  'add-note',
  {
    title: 'Add a note',
    description: 'Adds a note to the notebook.',
    inputSchema: z.object({ text: z.string().min(1).max(2000).describe('The note') }),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
  },
  ({ text }) => {
    notes.push(text)
    return { content: [{ type: 'text', text: `Saved note #${notes.length}: ${text}` }] }
  },
)

server.registerTool(
  'list-notes',
  { title: 'List notes', description: 'Lists every note in the notebook.', annotations: { readOnlyHint: true } },
  () => ({ content: [{ type: 'text', text: notes.length ? notes.map((n, i) => `${i + 1}. ${n}`).join('\n') : 'The notebook is empty.' }] }),
)

server.registerResource('notebook', 'notes://all', { title: 'All notes', mimeType: 'text/plain' }, (uri) => ({
  contents: [{ uri: uri.href, mimeType: 'text/plain', text: notes.join('\n') }],
}))

const handler = createMcpHandler(server, { path: '/mcp' })
const listener = createServer(toNodeHandler(handler))
const port = Number(process.argv[2] ?? 0)
listener.listen(Number.isInteger(port) ? port : 0, '127.0.0.1', () => {
  const { port: bound } = listener.address() as AddressInfo
  process.stderr.write(`notes-server: serving MCP on http://127.0.0.1:${bound}/mcp\n`)
})

let stopping = false
const stop = () => {
  if (stopping) return
  stopping = true
  setTimeout(() => process.exit(1), 3000).unref()
  void handler.close().then(() => {
    listener.closeAllConnections()
    listener.close(() => process.exit(0))
  })
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
if (process.argv.includes('--exit-on-stdin-end')) {
  process.stdin.once('end', stop)
  process.stdin.once('error', stop)
  process.stdin.resume()
}
