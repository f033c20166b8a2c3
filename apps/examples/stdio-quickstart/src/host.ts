// host.ts — run with `node host.ts`: starts server.ts, calls its tool, shuts it down.
import { Client } from '@plugboard/client'
import { StdioClientTransport } from '@plugboard/transport-stdio'
import { join } from 'node:path'

const client = new Client({ name: 'host', version: '1.0.0' })
// server.ts beside this file (server.js once compiled), run by this same node with its flags (tsx's, on Node 20).
const server = join(import.meta.dirname, import.meta.filename.endsWith('.ts') ? 'server.ts' : 'server.js')
await client.connect(new StdioClientTransport({ command: process.execPath, args: [...process.execArgv, server] }))
console.log(await client.callTool({ name: 'now', arguments: {} }))
await client.close()
