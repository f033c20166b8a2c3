import { Client } from '@plugboard/client'
import { StdioClientTransport } from '@plugboard/transport-stdio'
import { StreamableHTTPClientTransport } from '@plugboard/transport-http'
import { LEGACY, MODERN, wrap } from './sdk.mjs'

export async function connectStdio({ command, args }) {
  const client = new Client({ name: 'bench-plugboard', version: '1.0.0' }, { versionNegotiation: { mode: 'legacy' } })
  await client.connect(new StdioClientTransport({ command, args, stderr: 'inherit' }))
  return wrap(client)
}

export async function connectHttp(url, { modern = false } = {}) {
  const client = new Client({ name: 'bench-plugboard', version: '1.0.0' }, { versionNegotiation: { mode: modern ? { pin: MODERN } : 'legacy' } })
  await client.connect(new StreamableHTTPClientTransport(new URL(url)))
  return wrap(client, modern ? MODERN : LEGACY)
}
