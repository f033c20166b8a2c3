import type { EmptyResult, LoggingLevel, RequestOptions, Session } from '@plugboard/protocol'
import type { ClientEvents, Emitter } from '../events.js'

/**
 * The server's log: `logging/setLevel` sets how much it sends, and each `notifications/message`
 * becomes a `log` event.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/server/utilities/logging
 */
export class Logging {
  readonly #session: Session

  constructor(session: Session, events: Emitter<ClientEvents>) {
    this.#session = session
    session.setNotificationHandler('notifications/message', (params) => events.emit('log', params))
  }

  setLevel(level: LoggingLevel, options?: RequestOptions): Promise<EmptyResult> {
    return this.#session.request('logging/setLevel', { level }, options)
  }
}
