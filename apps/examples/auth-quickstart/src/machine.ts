// machine.ts — run with `node machine.ts <server URL>`: a service with its own credentials (client credentials grant: no user, no browser).
import { oauthProvider } from '@plugboard/auth/client'
import { Client } from '@plugboard/client'
import { StreamableHTTPClientTransport } from '@plugboard/transport-http'

const authProvider = oauthProvider({
  client: { client_id: 'nightly-report', client_secret: process.env.CLIENT_SECRET ?? '' }, // registered with the authorization server
  grant: 'client_credentials',
})
const client = new Client({ name: 'nightly-report', version: '1.0.0' })
await client.connect(new StreamableHTTPClientTransport(new URL(process.argv[2] ?? 'http://127.0.0.1:3000/mcp'), { authProvider }))
console.log(await client.callTool({ name: 'read_file', arguments: {} }))
await client.close()
