import type { ElicitRequestFormParams, ElicitResult } from '@plugboard/protocol'
import { connect } from './connect.js'

/**
 * `elicitation-sep1034-client-defaults`: the server elicits a form whose fields all carry a
 * `default`; a user who changes nothing submits those defaults, so the client must send them
 * rather than an empty `content` (SEP-1034).
 * @see https://github.com/modelcontextprotocol/modelcontextprotocol/issues/1034
 */
export async function runElicitationDefaults(url: URL): Promise<void> {
  const client = await connect(url, { elicitation: { form: acceptDefaults } })
  try {
    const { tools } = await client.listTools()
    const name = 'test_client_elicitation_defaults'
    if (!tools.some((tool) => tool.name === name)) throw new Error(`${name} not listed`)
    const result = await client.callTool({ name, arguments: {} })
    if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`)
  } finally {
    await client.close()
  }
}

/** A user who accepts the form untouched: every field with a `default` is submitted with it. */
export function acceptDefaults(params: ElicitRequestFormParams): ElicitResult {
  const content: Record<string, string | number | boolean | string[]> = {}
  for (const [key, field] of Object.entries(params.requestedSchema.properties)) {
    const fallback = (field as { default?: string | number | boolean | string[] }).default
    if (fallback !== undefined) content[key] = fallback
  }
  return { action: 'accept', content }
}
