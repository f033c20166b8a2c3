// client.ts — run with `node client.ts`: starts server.ts and fills its forms for a scripted user.
import { Client, type FormElicitationHandler } from '@plugboard/client'
import { StdioClientTransport } from '@plugboard/transport-stdio'
import { join } from 'node:path'

// A real host shows params.message and a form built from params.requestedSchema; this user is scripted.
const user: FormElicitationHandler = async (params) => {
  console.log(`form: ${params.message} fields: ${Object.keys(params.requestedSchema.properties).join(', ')}`)
  if (params.message.includes('offers')) return { action: 'decline' }
  return { action: 'accept', content: { email: 'ada@example.com', frequency: 'daily' } }
}

const server = join(import.meta.dirname, import.meta.filename.endsWith('.ts') ? 'server.ts' : 'server.js')
// `elicitation.form` declares the capability; applyDefaults fills fields the answer left out (html) from their defaults.
const client = new Client({ name: 'elicitation-example', version: '1.0.0' }, { elicitation: { form: user, applyDefaults: true } })
await client.connect(new StdioClientTransport({ command: process.execPath, args: [...process.execArgv, server] }))

for (const list of ['release notes', 'special offers']) {
  const result = await client.callTool({ name: 'subscribe', arguments: { list } })
  console.log(result.content)
}

await client.close()
