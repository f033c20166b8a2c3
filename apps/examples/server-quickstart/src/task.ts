// reports.ts — a stdio server: the @plugboard/client README's task.ts starts it.
import { McpServer, startTask, tasks } from '@plugboard/server'
import { StdioServerTransport } from '@plugboard/transport-stdio'
import { setTimeout as sleep } from 'node:timers/promises'
import * as z from 'zod'

const server = new McpServer({ name: 'reports', version: '1.0.0' }, { extensions: [tasks()] })

server.registerTool('render-report', { inputSchema: { pages: z.number().int() }, execution: { taskSupport: 'optional' } }, async ({ pages }, ctx) => {
  await startTask(ctx) // the client now holds a task id; the rest runs in the background
  for (let page = 1; page <= pages; page++) await sleep(100, undefined, { signal: ctx.signal }) // tasks/cancel aborts it
  return { content: [{ type: 'text', text: `Rendered ${pages} pages` }] }
})

await server.connect(new StdioServerTransport())
