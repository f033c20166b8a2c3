import type { GetPromptRequestParams, GetPromptResult, ListPromptsResult, PaginatedRequestParams, RequestOptions, Session } from '@plugboard/protocol'
import type { ClientEvents, Emitter } from '../events.js'

/**
 * Listing and getting the server's prompts; `notifications/prompts/list_changed` becomes the
 * `promptListChanged` event.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/server/prompts
 */
export class Prompts {
  readonly #session: Session

  constructor(session: Session, events: Emitter<ClientEvents>) {
    this.#session = session
    session.setNotificationHandler('notifications/prompts/list_changed', (params) => events.emit('promptListChanged', params))
  }

  list(params?: PaginatedRequestParams, options?: RequestOptions): Promise<ListPromptsResult> {
    return this.#session.request('prompts/list', params, options)
  }

  get(params: GetPromptRequestParams, options?: RequestOptions): Promise<GetPromptResult> {
    return this.#session.request('prompts/get', params, options)
  }
}
