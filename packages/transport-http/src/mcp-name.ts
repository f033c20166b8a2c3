/**
 * Where a 2026-07-28 request's `Mcp-Name` header comes from, per method: `params.name`, `params.uri`,
 * or — for the Tasks extension's methods (SEP-2663: "clients MUST include `Mcp-Name: <taskId>`") —
 * `params.taskId`. The client sets the header from it and the server checks the header against it.
 */
export const MCP_NAME_SOURCE: Readonly<Record<string, 'name' | 'uri' | 'taskId'>> = {
  'tools/call': 'name',
  'prompts/get': 'name',
  'resources/read': 'uri',
  'tasks/get': 'taskId',
  'tasks/update': 'taskId',
  'tasks/cancel': 'taskId',
}
