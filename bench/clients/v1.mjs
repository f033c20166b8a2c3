import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { wrap } from './sdk.mjs'

export async function connectStdio({ command, args }) {
  const client = new Client({ name: 'bench-v1', version: '1.0.0' })
  await client.connect(new StdioClientTransport({ command, args, stderr: 'inherit' }))
  return wrap(client)
}

export async function connectHttp(url, { modern = false } = {}) {
  // v1 speaks the handshake revisions only; it has no 2026-07-28 mode (S10 is n/a for it).
  if (modern) throw new Error('v1 has no 2026-07-28 mode')
  const client = new Client({ name: 'bench-v1', version: '1.0.0' })
  const transport = new StreamableHTTPClientTransport(new URL(url))
  await client.connect(transport)
  return { ...wrap(client), close: async () => { await transport.terminateSession(); await client.close() } }
}
