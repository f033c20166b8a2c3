import type { Client } from '@plugboard/client'
import type { Tool } from '@plugboard/protocol'
import { withClient } from './connect.js'

/**
 * `http-standard-headers` (SEP-2243): every POST carries `Mcp-Method`, and `tools/call`,
 * `resources/read` and `prompts/get` carry `Mcp-Name` (Base64-encoded when not header-safe). The
 * transport writes them; this walks every method the referee checks.
 */
export async function runStandardHeaders(url: URL): Promise<void> {
  await withClient(url, {}, async (client) => {
    for (const tool of (await client.listTools()).tools) await client.callTool({ name: tool.name, arguments: {} })
    for (const resource of (await client.listResources()).resources) await client.readResource({ uri: resource.uri })
    for (const prompt of (await client.listPrompts()).prompts) await client.getPrompt({ name: prompt.name })
  })
}

/**
 * `http-custom-headers`: the calls the referee lists in `MCP_CONFORMANCE_CONTEXT`, whose tools mark
 * arguments with `x-mcp-header`; the client hands those values to the transport, which mirrors
 * them as `Mcp-Param-*` headers.
 */
export async function runCustomHeaders(url: URL): Promise<void> {
  const context = JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT ?? '{}') as { toolCalls?: { name: string; arguments?: Record<string, unknown> }[] }
  await withClient(url, {}, async (client) => {
    await client.listTools()
    for (const call of context.toolCalls ?? []) await client.callTool({ name: call.name, arguments: call.arguments ?? {} })
  })
}

/**
 * `http-invalid-tool-headers`: the client leaves out of `tools/list` every tool whose
 * `x-mcp-header` annotations break the rules, so calling what it lists calls only the valid one.
 */
export async function runInvalidToolHeaders(url: URL): Promise<void> {
  await withClient(url, {}, async (client) => {
    for (const tool of (await client.listTools()).tools) await callWithPlaceholders(client, tool)
  })
}

/** Calls `tool` with a placeholder value for each required argument, by its declared type. */
async function callWithPlaceholders(client: Client, tool: Tool): Promise<void> {
  const properties = (tool.inputSchema.properties ?? {}) as Record<string, { type?: string }>
  const placeholder: Record<string, unknown> = { string: 'us-west1', integer: 1, number: 1, boolean: true, object: {}, array: [] }
  const args = Object.fromEntries((tool.inputSchema.required ?? []).map((name) => [name, placeholder[properties[name]?.type ?? 'string'] ?? null]))
  await client.callTool({ name: tool.name, arguments: args })
}
