// client.ts — run with `node client.ts`: starts server.ts, lists its prompt, completes its arguments, gets it.
import { Client } from '@plugboard/client'
import { StdioClientTransport } from '@plugboard/transport-stdio'
import { join } from 'node:path'

const server = join(import.meta.dirname, import.meta.filename.endsWith('.ts') ? 'server.ts' : 'server.js')
const client = new Client({ name: 'prompts-example', version: '1.0.0' })
await client.connect(new StdioClientTransport({ command: process.execPath, args: [...process.execArgv, server] }))

for (const prompt of (await client.listPrompts()).prompts) {
  const args = prompt.arguments?.map((arg) => (arg.required ? arg.name : `${arg.name}?`)).join(', ')
  console.log(`${prompt.name}(${args}): ${prompt.description}`)
}

const ref = { type: 'ref/prompt', name: 'review-code' } as const
const language = await client.complete({ ref, argument: { name: 'language', value: 'py' } })
console.log('language "py" →', language.completion.values)
const style = await client.complete({ ref, argument: { name: 'style', value: '' }, context: { arguments: { language: 'python' } } })
console.log('style for python →', style.completion.values)

const { messages } = await client.getPrompt({ name: 'review-code', arguments: { language: 'python', style: 'black', code: 'print( 1 )' } })
for (const message of messages) console.log(`${message.role}: ${message.content.type === 'text' ? message.content.text : message.content.type}`)

await client.close()
