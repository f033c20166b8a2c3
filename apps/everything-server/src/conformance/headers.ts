import type { McpServer } from '@plugboard/server'

/**
 * The fixture of scenario `http-custom-header-server-validation` (SEP-2243): a tool whose `region`
 * argument is mirrored into an `Mcp-Param-Region` header (`x-mcp-header` in its input schema,
 * which is raw JSON Schema so the annotation reaches `tools/list` as written). Checking the header
 * against the body — Base64 `=?base64?…?=` values decoded, a missing or different header refused
 * with 400 and -32020 — is the Streamable HTTP transport's job; the tool only echoes its arguments.
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports#custom-headers
 */
export function registerHeaderTools(server: McpServer): void {
  server.registerTool(
    'test_header_param',
    {
      description: 'Echoes its region, which clients also send as the Mcp-Param-Region header (conformance: http-custom-header-server-validation).',
      inputSchema: {
        type: 'object',
        properties: {
          region: { type: 'string', description: 'Where to run; mirrored into Mcp-Param-Region', 'x-mcp-header': 'Region' },
          query: { type: 'string', description: 'What to run (body only)' },
        },
        required: ['region'],
      },
    },
    (args) => ({ content: [{ type: 'text', text: `region=${String(args.region)} query=${String(args.query ?? '')}` }] }),
  )
}
