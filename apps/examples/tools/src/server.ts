// server.ts — a stdio server with a tool that declares an output schema; client.ts starts it.
import { McpServer } from '@plugboard/server'
import { StdioServerTransport } from '@plugboard/transport-stdio'
import * as z from 'zod'

const temperatures: Record<string, number> = { Paris: 18, Oslo: 4, Lima: 22 }

const server = new McpServer({ name: 'weather', version: '1.0.0' })

server.registerTool(
  'forecast',
  {
    title: 'Forecast',
    description: "Tomorrow's temperature in a city",
    inputSchema: { city: z.string().describe('A city name, e.g. Paris'), unit: z.enum(['C', 'F']).default('C') },
    // Clients see it in tools/list, and the server checks every structuredContent against it before sending.
    outputSchema: { city: z.string(), temperature: z.number(), unit: z.enum(['C', 'F']) },
    annotations: { readOnlyHint: true },
  },
  async ({ city, unit }, ctx) => {
    const celsius = temperatures[city]
    // A failure the model should read is a result with isError, not a thrown error.
    if (celsius === undefined) return { isError: true, content: [{ type: 'text', text: `No forecast for ${city}; try ${Object.keys(temperatures).join(', ')}` }] }
    await ctx.log.info(`forecast for ${city}`)
    const temperature = unit === 'C' ? celsius : Math.round((celsius * 9) / 5 + 32)
    // No content needed: the server adds the JSON as a text block for clients without structured output.
    return { structuredContent: { city, temperature, unit } }
  },
)

await server.connect(new StdioServerTransport())
