import * as z from 'zod'
import { ErrorCode, McpError } from '@plugboard/protocol'
import { ResourceTemplate, type McpServer } from '@plugboard/server'
import { TINY_PNG } from './tiny-image.js'

/** The static text resource. */
export const STATIC_TEXT_URI = 'everything://static/readme'
/** The static binary resource (a PNG). */
export const STATIC_BLOB_URI = 'everything://static/tiny.png'
/** The items' URI template; `id` runs from 1 to 12. */
export const ITEM_TEMPLATE = 'everything://items/{id}'
/** The URI of one item. */
export const itemUri = (id: string): string => `everything://items/${id}`

const README = 'This is the everything-server: one of everything MCP offers, for testing clients.'

/** The static text resource's contents, also embedded by the `get-embedded-resource` tool. */
export function staticTextContents(): { uri: string; mimeType: string; text: string } {
  return { uri: STATIC_TEXT_URI, mimeType: 'text/plain', text: README }
}

/** Items 1…12, each a small JSON document; `update-item` bumps one's revision. */
const items = new Map(Array.from({ length: 12 }, (_, i) => [String(i + 1), { id: String(i + 1), name: `Item ${i + 1}`, revision: 1 }]))

/**
 * Resources: a static text one, a static binary one, and a template `everything://items/{id}`
 * whose instances are listed and whose `id` completes. Items can be subscribed to; the
 * `update-item` tool changes one and notifies its subscribers.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/server/resources
 */
export function registerResources(server: McpServer): void {
  server.registerResource('readme', STATIC_TEXT_URI, { title: 'Readme', description: 'A static text resource', mimeType: 'text/plain' }, async () => ({
    contents: [staticTextContents()],
  }))

  server.registerResource('tiny-png', STATIC_BLOB_URI, { title: 'Tiny PNG', description: 'A static binary resource', mimeType: 'image/png' }, async (uri) => ({
    contents: [{ uri: uri.href, mimeType: 'image/png', blob: TINY_PNG }],
  }))

  const template = new ResourceTemplate(ITEM_TEMPLATE, {
    list: async () => ({
      resources: [...items.values()].map((item) => ({ uri: itemUri(item.id), name: `item-${item.id}`, title: item.name, mimeType: 'application/json' })),
    }),
    complete: {
      id: async (value: string) => [...items.keys()].filter((id) => id.startsWith(value)),
    },
  })
  server.registerResource('item', template, { title: 'Item', description: 'One of twelve items, by id', mimeType: 'application/json' }, async (uri, variables) => {
    const id = String(variables.id)
    const item = items.get(id)
    // -32002 with the URI in data, as the spec's error example has it.
    if (!item) throw new McpError(ErrorCode.ResourceNotFound, `Resource not found: no item with id ${id}`, { uri: uri.href })
    return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(item) }] }
  })

  server.registerTool(
    'update-item',
    {
      title: 'Update item',
      description: 'Bumps an item’s revision and notifies clients subscribed to it.',
      inputSchema: z.object({ id: z.string().describe('Item id, 1 to 12') }),
    },
    async ({ id }) => {
      const item = items.get(id)
      if (!item) return { content: [{ type: 'text', text: `No item with id ${id}` }], isError: true }
      item.revision++
      await server.sendResourceUpdated({ uri: itemUri(id) })
      return { content: [{ type: 'text', text: `Item ${id} is now at revision ${item.revision}` }] }
    },
  )
}
