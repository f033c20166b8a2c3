import { connect } from './connect.js'

/**
 * `initialize`: the handshake (protocol version, clientInfo) and a clean close. The referee's
 * server declares no capabilities, so the client asks for tools only if they are offered.
 */
export async function runBasic(url: URL): Promise<void> {
  const client = await connect(url)
  try {
    if (client.getServerCapabilities()?.tools) await client.listTools()
  } finally {
    await client.close()
  }
}

/** `tools_call`: finds the referee's `add_numbers` tool and calls it with two numbers. */
export async function runToolsCall(url: URL): Promise<void> {
  const client = await connect(url)
  try {
    const { tools } = await client.listTools()
    if (!tools.some((tool) => tool.name === 'add_numbers')) throw new Error(`add_numbers not listed (got ${tools.map((t) => t.name).join(', ')})`)
    const result = await client.callTool({ name: 'add_numbers', arguments: { a: 5, b: 3 } })
    if (result.isError) throw new Error(`add_numbers failed: ${JSON.stringify(result.content)}`)
  } finally {
    await client.close()
  }
}
