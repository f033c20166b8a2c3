import * as z from 'zod'
import type { McpServer } from '@plugboard/server'

/**
 * A tool that asks the client's model for a completion (`sampling/createMessage`).
 * @see https://modelcontextprotocol.io/specification/2025-11-25/client/sampling
 */
export function registerSamplingTools(server: McpServer): void {
  server.registerTool(
    'sample-llm',
    {
      title: 'Sample the LLM',
      description: "Asks the client's model to answer a prompt and returns its answer.",
      inputSchema: z.object({
        prompt: z.string().describe('What to ask the model'),
        maxTokens: z.number().int().min(1).default(100),
      }),
    },
    async ({ prompt, maxTokens }, ctx) => {
      const result = await ctx.sample({
        messages: [{ role: 'user', content: { type: 'text', text: prompt } }],
        systemPrompt: 'You are the model behind a test server. Answer briefly.',
        maxTokens,
      })
      const answer = result.content
      const text = !Array.isArray(answer) && answer.type === 'text' ? answer.text : JSON.stringify(answer)
      return {
        content: [{ type: 'text', text: `${result.model} says: ${text}` }],
        structuredContent: { model: result.model, text, stopReason: result.stopReason ?? null },
      }
    },
  )
}
