import { Client, type ClientOptions } from '@plugboard/client'
import { StreamableHTTPClientTransport } from '@plugboard/transport-http'

/** The `clientInfo` the referee checks (name and version must be present). */
export const CLIENT_INFO = { name: 'plugboard-everything-client', version: '0.0.0' }

/** Connects a fresh `Client` to `url` over Streamable HTTP, as every scenario starts. */
export async function connect(url: URL, options: ClientOptions = {}): Promise<Client> {
  const client = new Client(CLIENT_INFO, { timeout: 20_000, ...options })
  await client.connect(new StreamableHTTPClientTransport(url))
  return client
}
