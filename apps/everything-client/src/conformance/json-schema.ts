import { listedTool, withClient } from './connect.js'

/**
 * `json-schema-ref-no-deref` (SEP-2106): a listed tool's `inputSchema` has a `$ref` to a network
 * URL; listing it must not fetch that URL (our client compiles no input schema, and never fetches).
 */
export async function runRefNoDeref(url: URL): Promise<void> {
  await withClient(url, {}, async (client) => {
    await listedTool(client, 'lookup_user')
  })
}

/**
 * `json-schema-2020-12-preservation` (SEP-1613, SEP-2106): the client must keep every keyword of a
 * tool's `inputSchema` (`$schema`, `$defs`, `$anchor`, `allOf`/`anyOf`, `if`/`then`/`else`,
 * `additionalProperties`); it sends the schema it received back through the echo tool.
 */
export async function runSchemaPreservation(url: URL): Promise<void> {
  await withClient(url, {}, async (client) => {
    const focal = await listedTool(client, 'json_schema_2020_12_tool')
    const result = await client.callTool({ name: 'json_schema_echo', arguments: { schema: focal.inputSchema } })
    if (result.isError) throw new Error(`json_schema_echo failed: ${JSON.stringify(result.content)}`)
  })
}
