// host.ts — run with `node host.ts [url]` (Node ≥ 22.18) against any MCP server URL (default http://localhost:3000/mcp).
import { Client } from '@plugboard/client'
import { HttpClientTransport } from '@plugboard/transport-http'

const transport = new HttpClientTransport(process.argv[2] ?? 'http://localhost:3000/mcp', {
  authProvider: { token: () => process.env.MCP_TOKEN },
})
const client = new Client({ name: 'host', version: '1.0.0' })
await client.connect(transport) // Streamable HTTP, or HTTP+SSE for a 2024-11-05 server
console.log(transport.kind, transport.sessionId, await client.listTools())
await client.close() // ends the streams and DELETEs the session
