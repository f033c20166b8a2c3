import type { ListRootsResult, RequestOptions } from '@plugboard/protocol'
import type { ClientLink } from '../context.js'

/**
 * Asks the client for its roots (`roots/list`); rejects with `McpError(CapabilityNotSupported)`
 * when the client did not declare `roots`.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/client/roots
 */
export function listRoots(link: ClientLink, options?: RequestOptions): Promise<ListRootsResult> {
  return link.sendRequest('roots/list', {}, options)
}
