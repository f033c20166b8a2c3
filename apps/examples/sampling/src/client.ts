// client.ts — run with `node client.ts`: starts server.ts and answers its sampling requests with a fake model.
import { Client, type SamplingHandler } from '@plugboard/client'
import { StdioClientTransport } from '@plugboard/transport-stdio'
import { join } from 'node:path'

// Stands in for a real LLM call: answers with the first sentence of the text it was given.
const fakeModel: SamplingHandler = async (params, ctx) => {
  // Since 2025-11-25 a message's content may be one block or a list of them (tool use).
  const blocks = params.messages.flatMap((message) => [message.content].flat())
  const prompt = blocks.map((block) => (block.type === 'text' ? block.text : '')).join('\n')
  console.log(`server asks (max ${params.maxTokens} tokens, system: ${params.systemPrompt}): ${JSON.stringify(prompt)}`)
  ctx.signal.throwIfAborted() // the server gave up on the call
  const text = prompt.split('\n\n')[1]?.split('. ')[0] ?? ''
  return { role: 'assistant', content: { type: 'text', text: `${text}.` }, model: 'fake-model-1', stopReason: 'endTurn' }
}

const server = join(import.meta.dirname, import.meta.filename.endsWith('.ts') ? 'server.ts' : 'server.js')
// Passing `sampling` declares the capability, so the server may ask.
const client = new Client({ name: 'sampling-example', version: '1.0.0' }, { sampling: fakeModel })
await client.connect(new StdioClientTransport({ command: process.execPath, args: [...process.execArgv, server] }))

const text = 'Plugboard speaks every MCP revision. It runs on Node and on fetch runtimes.'
const result = await client.callTool({ name: 'summarize', arguments: { text } })
console.log('tool result:', result.content)

await client.close()
