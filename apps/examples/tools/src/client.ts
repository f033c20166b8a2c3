// client.ts — run with `node client.ts`: starts server.ts, lists its tool with both schemas, calls it twice.
import { Client } from '@plugboard/client'
import { StdioClientTransport } from '@plugboard/transport-stdio'
import { join } from 'node:path'

// server.ts beside this file (server.js once compiled), run by this same node with the same flags.
const server = join(import.meta.dirname, import.meta.filename.endsWith('.ts') ? 'server.ts' : 'server.js')
const client = new Client({ name: 'tools-example', version: '1.0.0' })
await client.connect(new StdioClientTransport({ command: process.execPath, args: [...process.execArgv, server] }))

const { tools } = await client.listTools()
for (const tool of tools) {
  console.log(`${tool.name}: ${tool.description}`)
  console.log(`  input:  ${JSON.stringify(tool.inputSchema.properties)}`)
  console.log(`  output: ${JSON.stringify(tool.outputSchema?.properties)}`)
}

// callTool checks structuredContent against the listed outputSchema before resolving.
const paris = await client.callTool({ name: 'forecast', arguments: { city: 'Paris', unit: 'F' } })
console.log('structuredContent:', paris.structuredContent)
console.log('content:', paris.content)

const nowhere = await client.callTool({ name: 'forecast', arguments: { city: 'Atlantis' } })
console.log('isError:', nowhere.isError, nowhere.content)

await client.close()
