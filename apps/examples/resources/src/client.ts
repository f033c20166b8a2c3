// client.ts — run with `node client.ts`: starts server.ts, lists its resources and templates, completes a name, reads.
import { Client, McpError } from '@plugboard/client'
import { StdioClientTransport } from '@plugboard/transport-stdio'
import { join } from 'node:path'

const server = join(import.meta.dirname, import.meta.filename.endsWith('.ts') ? 'server.ts' : 'server.js')
const client = new Client({ name: 'resources-example', version: '1.0.0' })
await client.connect(new StdioClientTransport({ command: process.execPath, args: [...process.execArgv, server] }))

const { resources } = await client.listResources()
console.log('resources:', resources.map((resource) => resource.uri).join(' '))
const { resourceTemplates } = await client.listResourceTemplates()
console.log('templates:', resourceTemplates.map((template) => template.uriTemplate).join(' '))

// What a UI asks while the user types notes://g…
const { completion } = await client.complete({ ref: { type: 'ref/resource', uri: 'notes://{name}' }, argument: { name: 'name', value: 'g' } })
console.log('complete notes://g… →', completion.values.join(', '))

const { contents } = await client.readResource({ uri: 'notes://travel' })
console.log('notes://travel:', contents[0] && 'text' in contents[0] ? contents[0].text : '')

try {
  await client.readResource({ uri: 'notes://missing' })
} catch (error) {
  if (!(error instanceof McpError)) throw error
  console.log(`notes://missing: error ${error.code} ${error.message}`)
}

await client.close()
