// task.ts — run with `node task.ts` beside reports.ts (the task server of the @plugboard/server README).
import { Client } from '@plugboard/client'
import { StdioClientTransport } from '@plugboard/transport-stdio'
import { join } from 'node:path'

const client = new Client({ name: 'my-host', version: '1.0.0' }, {
  capabilities: { extensions: { 'io.modelcontextprotocol/tasks': {} } }, // the server may then answer with a task
})
// reports.ts beside this file (reports.js once compiled), or the script named as the argument.
const reports = process.argv[2] ?? join(import.meta.dirname, import.meta.filename.endsWith('.ts') ? 'reports.ts' : 'reports.js')
await client.connect(new StdioClientTransport({ command: process.execPath, args: [...process.execArgv, reports] }))

const report = await client.callTool({ name: 'render-report', arguments: { pages: 3 } }, { task: true })
for await (const state of report) console.log(`task ${state.status}`) // working, then completed
console.log((await report.result()).content)

const big = await client.callTool({ name: 'render-report', arguments: { pages: 1000 } }, { task: true })
await big.cancel() // the server's handler sees ctx.signal abort
console.log(`big task ${(await big.get()).status}`) // cancelled

await client.close()
