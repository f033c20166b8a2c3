import { ErrorCode, LOG_LEVEL_META_KEY, McpError, existsIn, hasCapability, methods, type EmptyResult, type LoggingLevel, type RequestOptions, type Session } from '@plugboard/protocol'
import type { ClientEvents, Emitter } from '../events.js'

const setLevel = methods['logging/setLevel']

/**
 * The server's log: each `notifications/message` becomes a `log` event. How much it sends is set
 * with `logging/setLevel` where that method exists; where it does not (modern era) the level is
 * kept here and sent with every request as `_meta["io.modelcontextprotocol/logLevel"]` — without
 * it such a server sends no log messages at all.
 * @see https://modelcontextprotocol.io/specification/latest/server/utilities/logging
 */
export class Logging {
  readonly #session: Session
  #level: LoggingLevel | undefined

  constructor(session: Session, events: Emitter<ClientEvents>) {
    this.#session = session
    session.setNotificationHandler('notifications/message', (params) => events.emit('log', params))
    session.use((call, next) => {
      if (call.direction === 'outbound' && this.#level !== undefined && !existsIn(setLevel, session.state.protocolVersion)) {
        call.params = { ...call.params, _meta: { ...call.params._meta, [LOG_LEVEL_META_KEY]: this.#level } }
      }
      return next()
    })
  }

  setLevel(level: LoggingLevel, options?: RequestOptions): Promise<EmptyResult> {
    const session = this.#session
    if (existsIn(setLevel, session.state.protocolVersion)) return session.request('logging/setLevel', { level }, options)
    if (!hasCapability(session.state.peer.capabilities, 'logging')) {
      return Promise.reject(new McpError(ErrorCode.CapabilityNotSupported, 'Server did not declare the logging capability needed for setLoggingLevel', { capability: 'logging' }))
    }
    this.#level = level
    return Promise.resolve({})
  }
}
