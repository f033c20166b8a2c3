// protected.ts — run with `node protected.ts https://your-server.example/mcp`: signs in in the browser, lists the tools.
import { fileTokenStore, loopbackRedirect, oauthProvider } from '@plugboard/auth/client'
import { Client } from '@plugboard/client'
import { StreamableHTTPClientTransport } from '@plugboard/transport-http'

const authProvider = oauthProvider({
  clientName: 'My CLI',
  redirect: loopbackRedirect(), // opens the browser (and prints the URL), waits for the redirect on 127.0.0.1
  store: fileTokenStore('~/.my-cli/tokens.json'), // 0600; the next run needs no sign-in
})
const client = new Client({ name: 'my-cli', version: '1.0.0' })
await client.connect(new StreamableHTTPClientTransport(new URL(process.argv[2] ?? 'https://mcp.example.com/mcp'), { authProvider }))
console.log((await client.listTools()).tools.map((tool) => tool.name))
await client.close()
