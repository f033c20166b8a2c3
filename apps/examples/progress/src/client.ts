// client.ts — run with `node client.ts`: starts server.ts, follows one call's progress, cancels another midway.
import { Client, ErrorCode, McpError } from '@plugboard/client'
import { StdioClientTransport } from '@plugboard/transport-stdio'
import { join } from 'node:path'

const server = join(import.meta.dirname, import.meta.filename.endsWith('.ts') ? 'server.ts' : 'server.js')
const client = new Client({ name: 'progress-example', version: '1.0.0' })
await client.connect(new StdioClientTransport({ command: process.execPath, args: [...process.execArgv, server] }))

// onprogress sends a progressToken with the call; resetTimeoutOnProgress keeps a long call alive while it reports.
const result = await client.callTool(
  { name: 'index-files', arguments: { files: 3 } },
  { onprogress: ({ progress, total, message }) => console.log(`progress ${progress}/${total}: ${message}`), timeout: 5_000, resetTimeoutOnProgress: true },
)
console.log(result.content)

// Aborting the signal sends notifications/cancelled; the server's ctx.signal fires and the call rejects here.
const controller = new AbortController()
try {
  await client.callTool(
    { name: 'index-files', arguments: { files: 100 } },
    { signal: controller.signal, onprogress: ({ progress }) => progress === 2 && controller.abort('enough') },
  )
} catch (error) {
  if (!(error instanceof McpError) || error.code !== ErrorCode.RequestCancelled) throw error
  console.log(`cancelled after 2 of 100: ${error.message}`)
}

await client.close()
