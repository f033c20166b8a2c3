// `node bench/inproc.mjs [echo|wide] [calls]`: the CPU cost of Plugboard's own stack per tools/call,
// client and server in one process over InMemoryTransport (no pipes, no syscalls), 64 in flight.
// A microbenchmark for the engine's hot path; the scenarios in run.mjs remain the measure that counts.
import { Client } from '@plugboard/client'
import { InMemoryTransport } from '@plugboard/protocol/testing'
import { McpServer } from '@plugboard/server'
import { PerformanceObserver, constants } from 'node:perf_hooks'
import * as z from 'zod'
import { wideArgs, wideShape, wideText } from './servers/common.mjs'

const tool = process.argv[2] ?? 'echo'
const calls = Number(process.argv[3] ?? 50_000)
const server = new McpServer({ name: 'inproc', version: '1.0.0' })
server.registerTool('echo', { inputSchema: { text: z.string() } }, ({ text }) => ({ content: [{ type: 'text', text }] }))
server.registerTool('wide', { inputSchema: wideShape(z) }, (args) => ({ content: [{ type: 'text', text: wideText(args) }] }))
const [a, b] = InMemoryTransport.createLinkedPair()
await server.connect(b)
const client = new Client({ name: 'inproc', version: '1.0.0' }, { versionNegotiation: { mode: 'legacy' } })
await client.connect(a)
const params = tool === 'echo' ? { name: 'echo', arguments: { text: 'hello' } } : { name: 'wide', arguments: wideArgs() }
async function run(n) {
  let next = 0
  const lane = async () => { while (next++ < n) await client.callTool(params) }
  await Promise.all(Array.from({ length: 64 }, lane))
}
await run(5_000) // warm up
// Scavenges per 1,000 calls track bytes allocated per call (new space has a fixed size), and unlike
// time they do not change with the machine's load.
let scavenges = 0
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) scavenges++
})
observer.observe({ entryTypes: ['gc'] })
const cpu = process.cpuUsage()
const t = performance.now()
await run(calls)
const ms = performance.now() - t
const used = process.cpuUsage(cpu)
await new Promise((resolve) => setTimeout(resolve, 50))
observer.disconnect()
console.log(`${tool}: ${Math.round(calls / (ms / 1000))} calls/s wall, ${((used.user + used.system) / calls).toFixed(1)} µs CPU per call, ${((scavenges * 1000) / calls).toFixed(2)} scavenges per 1,000 calls`)
await client.close()
await server.close()
