import * as z from 'zod'
import type { ContentBlock } from '@plugboard/protocol'
import type { McpServer } from '@plugboard/server'
import { itemUri, STATIC_TEXT_URI, staticTextContents } from './resources.js'
import { TINY_PNG } from './tiny-image.js'

/**
 * Tools that answer at once: text, structured output, every content type (image, resource link,
 * embedded resource), annotations, and a tool error (`isError: true`).
 * @see https://modelcontextprotocol.io/specification/2025-11-25/server/tools
 */
export function registerTools(server: McpServer): void {
  server.registerTool(
    'echo',
    {
      title: 'Echo',
      description: 'Echoes back the message it is given.',
      inputSchema: z.object({ message: z.string().describe('What to echo') }),
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async ({ message }) => ({ content: [{ type: 'text', text: `Echo: ${message}` }] }),
  )

  server.registerTool(
    'add',
    {
      title: 'Add',
      description: 'Adds two numbers; the sum comes back as structured content too.',
      inputSchema: z.object({ a: z.number().describe('First addend'), b: z.number().describe('Second addend') }),
      outputSchema: z.object({ sum: z.number() }),
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async ({ a, b }) => ({
      content: [{ type: 'text', text: `${a} + ${b} = ${a + b}` }],
      structuredContent: { sum: a + b },
    }),
  )

  server.registerTool(
    'get-tiny-image',
    { title: 'Tiny image', description: 'Returns an 8×8 PNG as image content.', annotations: { readOnlyHint: true } },
    async () => ({
      content: [
        { type: 'text', text: 'An 8×8 checkerboard:' },
        { type: 'image', data: TINY_PNG, mimeType: 'image/png' },
      ],
    }),
  )

  server.registerTool(
    'get-resource-link',
    {
      title: 'Resource link',
      description: 'Returns links to resources this server serves, without their contents.',
      inputSchema: z.object({ id: z.string().default('1').describe('Item id for the templated link') }),
      annotations: { readOnlyHint: true },
    },
    async ({ id }) => ({
      content: [
        { type: 'resource_link', uri: STATIC_TEXT_URI, name: 'readme', mimeType: 'text/plain', description: 'A static text resource' },
        { type: 'resource_link', uri: itemUri(id), name: `item-${id}`, mimeType: 'application/json' },
      ],
    }),
  )

  server.registerTool(
    'get-embedded-resource',
    { title: 'Embedded resource', description: 'Returns a resource embedded in the result, contents included.', annotations: { readOnlyHint: true } },
    async () => ({
      content: [
        { type: 'text', text: 'The readme, embedded:' },
        { type: 'resource', resource: staticTextContents() },
      ],
    }),
  )

  server.registerTool(
    'annotated-message',
    {
      title: 'Annotated message',
      description: 'Returns content carrying audience and priority annotations.',
      inputSchema: z.object({
        messageType: z.enum(['error', 'success', 'debug']).describe('Which annotation pattern to show'),
        includeImage: z.boolean().default(false).describe('Also return an annotated image'),
      }),
      annotations: { readOnlyHint: true },
    },
    async ({ messageType, includeImage }) => {
      const { text, priority, audience } = ANNOTATED[messageType]
      const content: ContentBlock[] = [{ type: 'text', text, annotations: { priority, audience } }]
      if (includeImage) content.push({ type: 'image', data: TINY_PNG, mimeType: 'image/png', annotations: { priority: 0.5, audience: ['user'] } })
      return { content }
    },
  )

  server.registerTool(
    'fail',
    {
      title: 'Fail',
      description: 'Always fails: the error comes back as a result with isError, not as a protocol error.',
      inputSchema: z.object({ reason: z.string().default('asked to fail') }),
    },
    async ({ reason }) => {
      throw new Error(`Intentional failure: ${reason}`)
    },
  )
}

type Audience = Array<'user' | 'assistant'>
const ANNOTATED: Record<'error' | 'success' | 'debug', { text: string; priority: number; audience: Audience }> = {
  error: { text: 'Error: the operation failed', priority: 1, audience: ['user', 'assistant'] },
  success: { text: 'The operation completed', priority: 0.7, audience: ['user'] },
  debug: { text: 'Debug: cache hit ratio 0.95', priority: 0.3, audience: ['assistant'] },
}
