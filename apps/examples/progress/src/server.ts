// server.ts — a stdio server with a long tool that reports progress and stops when cancelled; client.ts starts it.
import { McpServer } from '@plugboard/server'
import { StdioServerTransport } from '@plugboard/transport-stdio'
import { setTimeout as sleep } from 'node:timers/promises'
import * as z from 'zod'

const server = new McpServer({ name: 'indexer', version: '1.0.0' })

server.registerTool('index-files', { description: 'Indexes some files, slowly', inputSchema: { files: z.number().int().min(1) } }, async ({ files }, ctx) => {
  for (let done = 1; done <= files; done++) {
    // ctx.signal aborts when the client cancels (notifications/cancelled) or goes away; passing it on
    // stops the work at once: sleep rejects, and the cancelled call gets no result.
    await sleep(50, undefined, { signal: ctx.signal })
    // A no-op unless the client asked for progress (it sent a progressToken).
    void ctx.progress(done, files, `file ${done} of ${files}`)
  }
  return { content: [{ type: 'text', text: `Indexed ${files} files` }] }
})

await server.connect(new StdioServerTransport())
