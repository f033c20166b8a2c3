// weather.ts — one of the two stdio servers in mcp.json; host.ts starts it.
import { McpServer } from '@plugboard/server'
import { StdioServerTransport } from '@plugboard/transport-stdio'
import * as z from 'zod'

const cities: Record<string, number> = { Paris: 18, Oslo: 4 }
const server = new McpServer({ name: 'weather', version: '1.0.0' })
server.registerTool('forecast', { description: "Tomorrow's temperature in a city", inputSchema: { city: z.string() } }, ({ city }) => ({
  content: [{ type: 'text', text: `${city}: ${cities[city] ?? '?'} °C` }],
}))
// Both servers have a `search` tool: the catalog tells them apart by their server's name.
server.registerTool('search', { description: 'Finds cities with a forecast', inputSchema: { query: z.string() } }, ({ query }) => ({
  content: [{ type: 'text', text: Object.keys(cities).filter((city) => city.toLowerCase().includes(query.toLowerCase())).join(', ') }],
}))
await server.connect(new StdioServerTransport())
