// schema-libraries.ts — a stdio server whose tools take their arguments from three schema libraries.
import { McpServer } from '@plugboard/server'
import { StdioServerTransport } from '@plugboard/transport-stdio'
import { toJsonSchema } from '@valibot/to-json-schema'
import { type } from 'arktype'
import * as v from 'valibot'
import * as z from 'zod'

// zod 4 and arktype describe their schemas in JSON Schema themselves; plain valibot needs a converter
// (zod 3 too: `jsonSchema: { zod: zodToJsonSchema }` from zod-to-json-schema).
const server = new McpServer({ name: 'units', version: '1.0.0' }, { jsonSchema: { valibot: toJsonSchema } })

server.registerTool('to-celsius', { inputSchema: { fahrenheit: z.number() } }, ({ fahrenheit }) => ({
  content: [{ type: 'text', text: `${(((fahrenheit - 32) * 5) / 9).toFixed(1)} °C` }],
}))
server.registerTool('to-km', { inputSchema: v.object({ miles: v.number() }) }, ({ miles }) => ({
  content: [{ type: 'text', text: `${(miles * 1.609344).toFixed(2)} km` }],
}))
server.registerTool('to-kg', { inputSchema: type({ pounds: 'number' }) }, ({ pounds }) => ({
  content: [{ type: 'text', text: `${(pounds * 0.45359237).toFixed(2)} kg` }],
}))

await server.connect(new StdioServerTransport())
