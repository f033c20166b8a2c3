import type {
  EmptyResult,
  ListResourcesResult,
  ListResourceTemplatesResult,
  PaginatedRequestParams,
  ReadResourceRequestParams,
  ReadResourceResult,
  RequestOptions,
  Session,
  SubscribeRequestParams,
  UnsubscribeRequestParams,
} from '@plugboard/protocol'
import type { ClientEvents, Emitter } from '../events.js'

/**
 * Reading the server's resources and subscribing to them; `notifications/resources/updated` and
 * `…/list_changed` become the `resourceUpdated` and `resourceListChanged` events.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/server/resources
 */
export class Resources {
  readonly #session: Session

  constructor(session: Session, events: Emitter<ClientEvents>) {
    this.#session = session
    session.setNotificationHandler('notifications/resources/updated', (params) => events.emit('resourceUpdated', params))
    session.setNotificationHandler('notifications/resources/list_changed', (params) => events.emit('resourceListChanged', params))
  }

  list(params?: PaginatedRequestParams, options?: RequestOptions): Promise<ListResourcesResult> {
    return this.#session.request('resources/list', params, options)
  }

  listTemplates(params?: PaginatedRequestParams, options?: RequestOptions): Promise<ListResourceTemplatesResult> {
    return this.#session.request('resources/templates/list', params, options)
  }

  read(params: ReadResourceRequestParams, options?: RequestOptions): Promise<ReadResourceResult> {
    return this.#session.request('resources/read', params, options)
  }

  /** Needs the server's `resources.subscribe` capability. */
  subscribe(params: SubscribeRequestParams, options?: RequestOptions): Promise<EmptyResult> {
    return this.#session.request('resources/subscribe', params, options)
  }

  unsubscribe(params: UnsubscribeRequestParams, options?: RequestOptions): Promise<EmptyResult> {
    return this.#session.request('resources/unsubscribe', params, options)
  }
}
