import { ResourceTemplate, type McpServer } from '@plugboard/server'
import { TINY_PNG } from '../tiny-image.js'

/** `test://` URIs the scenarios read, subscribe to, or expect to find embedded. */
export const CONFORMANCE_URIS = {
  staticText: 'test://static-text',
  staticBinary: 'test://static-binary',
  template: 'test://template/{id}/data',
  watched: 'test://watched-resource',
} as const

/**
 * Scenarios `resources-{list,read-text,read-binary,templates-read,subscribe,unsubscribe}`. The
 * 2026-07-28 ones about resources in general need nothing more: `sep-2164-resource-not-found`
 * reads a URI nothing answers to (-32602 with `data.uri`), and `caching` reads the first listed one.
 */
export function registerResources(server: McpServer): void {
  server.registerResource('static-text', CONFORMANCE_URIS.staticText, { title: 'Static text', description: 'A static text resource (conformance)', mimeType: 'text/plain' }, () => ({
    contents: [{ uri: CONFORMANCE_URIS.staticText, mimeType: 'text/plain', text: 'This is the content of the static text resource.' }],
  }))

  server.registerResource('static-binary', CONFORMANCE_URIS.staticBinary, { title: 'Static binary', description: 'A static PNG resource (conformance)', mimeType: 'image/png' }, () => ({
    contents: [{ uri: CONFORMANCE_URIS.staticBinary, mimeType: 'image/png', blob: TINY_PNG }],
  }))

  server.registerResource(
    'template',
    new ResourceTemplate(CONFORMANCE_URIS.template, { list: undefined }),
    { title: 'Template', description: 'A resource template whose {id} is echoed in the data (conformance)', mimeType: 'application/json' },
    (uri, variables) => {
      const id = String(variables.id)
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` }) }] }
    },
  )

  // Subscribing needs a resource that exists: an unknown URI is -32002, like reading it.
  server.registerResource('watched-resource', CONFORMANCE_URIS.watched, { title: 'Watched resource', description: 'A resource clients subscribe to (conformance)', mimeType: 'text/plain' }, () => ({
    contents: [{ uri: CONFORMANCE_URIS.watched, mimeType: 'text/plain', text: 'Watched resource content' }],
  }))
}
