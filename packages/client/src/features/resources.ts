import type { ListResourcesResult, ListResourceTemplatesResult, PaginatedRequestParams, ReadResourceRequestParams, ReadResourceResult, Session } from '@plugboard/protocol'
import type { CacheableRequestOptions, ClientCache } from '../cache.js'
import type { ClientEvents, Emitter } from '../events.js'

/**
 * Listing and reading the server's resources (subscribing to them is `subscriptions.ts`);
 * `notifications/resources/updated` and `…/list_changed` drop what the cache holds of them and
 * become the `resourceUpdated` and `resourceListChanged` events.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/server/resources
 */
export class Resources {
  readonly #cache: ClientCache

  constructor(session: Session, events: Emitter<ClientEvents>, cache: ClientCache) {
    this.#cache = cache
    session.setNotificationHandler('notifications/resources/updated', (params) => {
      cache.invalidate('resources/read', params.uri)
      events.emit('resourceUpdated', params)
    })
    session.setNotificationHandler('notifications/resources/list_changed', (params) => {
      cache.invalidate('resources/list')
      cache.invalidate('resources/templates/list')
      events.emit('resourceListChanged', params)
    })
  }

  list(params?: PaginatedRequestParams, options?: CacheableRequestOptions): Promise<ListResourcesResult> {
    return this.#cache.request('resources/list', params, options)
  }

  listTemplates(params?: PaginatedRequestParams, options?: CacheableRequestOptions): Promise<ListResourceTemplatesResult> {
    return this.#cache.request('resources/templates/list', params, options)
  }

  /** May take `input_required` rounds (modern era), answered by this client's own handlers. */
  read(params: ReadResourceRequestParams, options?: CacheableRequestOptions): Promise<ReadResourceResult> {
    return this.#cache.request('resources/read', params, options)
  }
}
