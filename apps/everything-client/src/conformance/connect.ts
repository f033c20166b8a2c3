import { Client, type ClientOptions } from '@plugboard/client'
import { StreamableHTTPClientTransport } from '@plugboard/transport-http'

/** The `clientInfo` the referee checks (name and version must be present). */
export const CLIENT_INFO = { name: 'plugboard-everything-client', version: '0.0.0' }

/**
 * The revision the referee runs the scenario at (`MCP_CONFORMANCE_PROTOCOL_VERSION`): the client
 * is pinned to it, so its lifecycle follows — `initialize` for 2025-11-25 and older, per-request
 * `_meta` for the modern revisions. Unset (an older referee): the client probes (`'auto'`).
 */
export function versionNegotiation(env: NodeJS.ProcessEnv = process.env): ClientOptions['versionNegotiation'] {
  const pin = env.MCP_CONFORMANCE_PROTOCOL_VERSION
  return pin ? { mode: { pin } } : { mode: 'auto' }
}

/** Connects a fresh `Client` to `url` over Streamable HTTP, as every scenario starts. */
export async function connect(url: URL, options: ClientOptions = {}): Promise<Client> {
  const client = new Client(CLIENT_INFO, { timeout: 20_000, versionNegotiation: versionNegotiation(), ...options })
  await client.connect(new StreamableHTTPClientTransport(url))
  return client
}

/** Runs `steps` on a connected client and closes it whatever happens. */
export async function withClient(url: URL, options: ClientOptions, steps: (client: Client) => Promise<void>): Promise<void> {
  const client = await connect(url, options)
  try {
    await steps(client)
  } finally {
    await client.close()
  }
}

/** The named tool of the server's list; throws if it is not listed. */
export async function listedTool(client: Client, name: string) {
  const { tools } = await client.listTools()
  const tool = tools.find((t) => t.name === name)
  if (!tool) throw new Error(`${name} not listed (got ${tools.map((t) => t.name).join(', ')})`)
  return tool
}
