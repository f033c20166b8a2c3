import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client'
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio'
import { LEGACY, MODERN, wrap } from './sdk.mjs'

export async function connectStdio({ command, args }) {
  const client = new Client({ name: 'bench-v2', version: '1.0.0' }, { versionNegotiation: { mode: 'legacy' } })
  await client.connect(new StdioClientTransport({ command, args, stderr: 'inherit' }))
  return wrap(client)
}

export async function connectHttp(url, { modern = false } = {}) {
  const client = new Client({ name: 'bench-v2', version: '1.0.0' }, { versionNegotiation: { mode: modern ? { pin: MODERN } : 'legacy' } })
  const transport = new StreamableHTTPClientTransport(new URL(url))
  await client.connect(transport)
  // close() alone leaves a 2025-era session open on the server; the docs end one with terminateSession().
  return { ...wrap(client, modern ? MODERN : LEGACY), close: async () => { if (!modern) await transport.terminateSession(); await client.close() } }
}
