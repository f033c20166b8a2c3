import * as z from 'zod'
import type { McpServer } from '@plugboard/server'
import { itemUri } from './resources.js'
import { TINY_PNG } from './tiny-image.js'

const STYLES = ['casual', 'formal', 'pirate', 'technical']
const ITEM_IDS = Array.from({ length: 12 }, (_, i) => String(i + 1))

/**
 * Prompts: one without arguments, one with arguments that complete, and one whose messages
 * embed a resource and an image.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/server/prompts
 */
export function registerPrompts(server: McpServer): void {
  server.registerPrompt('simple', { title: 'Simple prompt', description: 'A prompt without arguments' }, async () => ({
    messages: [{ role: 'user', content: { type: 'text', text: 'This is a simple prompt without arguments.' } }],
  }))

  server.registerPrompt(
    'complex',
    {
      title: 'Complex prompt',
      description: 'A prompt with arguments; `style` completes',
      argsSchema: {
        temperature: z.string().describe('Sampling temperature, e.g. 0.7'),
        style: z.string().optional().describe(`One of ${STYLES.join(', ')}`),
      },
      complete: { style: async (value: string) => STYLES.filter((s) => s.startsWith(value)) },
    },
    async ({ temperature, style }) => ({
      description: `A complex prompt at temperature ${temperature}`,
      messages: [
        { role: 'user', content: { type: 'text', text: `Answer at temperature ${temperature}, in a ${style ?? 'casual'} style.` } },
        { role: 'assistant', content: { type: 'text', text: 'Understood. What is the question?' } },
        { role: 'user', content: { type: 'image', data: TINY_PNG, mimeType: 'image/png' } },
      ],
    }),
  )

  server.registerPrompt(
    'item-context',
    {
      title: 'Item in context',
      description: 'Embeds an item resource and an image in the prompt',
      argsSchema: { id: z.string().describe('Item id, 1 to 12') },
      complete: { id: async (value: string) => ITEM_IDS.filter((id) => id.startsWith(value)) },
    },
    async ({ id }) => ({
      messages: [
        { role: 'user', content: { type: 'text', text: `Here is item ${id} and a picture of it:` } },
        { role: 'user', content: { type: 'resource', resource: { uri: itemUri(id), mimeType: 'application/json', text: JSON.stringify({ id, name: `Item ${id}` }) } } },
        { role: 'user', content: { type: 'image', data: TINY_PNG, mimeType: 'image/png' } },
      ],
    }),
  )
}
