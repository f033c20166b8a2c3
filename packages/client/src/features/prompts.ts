import type { GetPromptRequestParams, GetPromptResult, ListPromptsResult, PaginatedRequestParams, RequestOptions, Session } from '@plugboard/protocol'
import type { CacheableRequestOptions, ClientCache } from '../cache.js'
import type { ClientEvents, Emitter } from '../events.js'

/**
 * Listing and getting the server's prompts; `notifications/prompts/list_changed` drops the cached
 * lists and becomes the `promptListChanged` event.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/server/prompts
 */
export class Prompts {
  readonly #session: Session
  readonly #cache: ClientCache

  constructor(session: Session, events: Emitter<ClientEvents>, cache: ClientCache) {
    this.#session = session
    this.#cache = cache
    session.setNotificationHandler('notifications/prompts/list_changed', (params) => {
      cache.invalidate('prompts/list')
      events.emit('promptListChanged', params)
    })
  }

  list(params?: PaginatedRequestParams, options?: CacheableRequestOptions): Promise<ListPromptsResult> {
    return this.#cache.request('prompts/list', params, options)
  }

  get(params: GetPromptRequestParams, options?: RequestOptions): Promise<GetPromptResult> {
    return this.#session.request('prompts/get', params, options)
  }
}
