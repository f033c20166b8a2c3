// host.js — run with `node host.js`: spawns server.js, calls its tool, shuts it down.
import { Client } from '@plugboard/client'
import { StdioClientTransport } from '@plugboard/transport-stdio'

const client = new Client({ name: 'host', version: '1.0.0' })
await client.connect(new StdioClientTransport({ command: 'node', args: ['server.js'] }))
console.log(await client.callTool({ name: 'now', arguments: {} }))
await client.close()
