// client.ts — run with `node client.ts`: starts the everything-server through npx, lists its tools, calls echo.
import { Client } from '@plugboard/client'
import { StdioClientTransport } from '@plugboard/transport-stdio'

const client = new Client({ name: 'my-host', version: '1.0.0' }, {
  roots: [{ uri: `file://${process.cwd()}`, name: 'workspace' }],
})
await client.connect(new StdioClientTransport({ command: 'npx', args: ['-y', '@modelcontextprotocol/server-everything'] }))
console.log('connected to', client.getServerVersion()?.name, 'over', client.getNegotiatedProtocolVersion())

for await (const tool of client.iterate('tools/list')) console.log(`${tool.name}: ${tool.description ?? ''}`)

const result = await client.callTool({ name: 'echo', arguments: { message: 'hello' } }, { timeout: 10_000 })
console.log(result.content)

await client.close()
