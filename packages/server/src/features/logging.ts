import type { LoggingLevel, LoggingMessageNotificationParams } from '@plugboard/protocol'

/** RFC 5424 severities, least severe first, as the spec orders them. */
export const LOGGING_LEVELS: readonly LoggingLevel[] = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency']

const RANK = Object.fromEntries(LOGGING_LEVELS.map((level, i) => [level, i])) as Record<LoggingLevel, number>

/**
 * Whether a message of `level` goes to a client whose minimum is `minimum`. Until the client sends
 * `logging/setLevel` there is no minimum and everything is sent: the spec leaves the default to
 * the server, and a client that wants less says so.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/server/utilities/logging
 */
export function shouldLog(level: LoggingLevel, minimum: LoggingLevel | undefined): boolean {
  return minimum === undefined || RANK[level] >= RANK[minimum]
}

/**
 * Sends `notifications/message` at each severity: `ctx.log.info('indexed', 'indexer')`. Messages
 * below the client's `logging/setLevel` are dropped, and so is a message the connection can no
 * longer carry — logging never makes a handler fail.
 */
export class Logger {
  readonly #emit: (params: LoggingMessageNotificationParams) => Promise<void>

  /** @internal The server builds loggers; handlers get one as `ctx.log`. */
  constructor(emit: (params: LoggingMessageNotificationParams) => Promise<void>) {
    this.#emit = emit
  }

  /** Sends `data` (any JSON value) at `level`, naming the `logger` if given. */
  log(level: LoggingLevel, data: unknown, logger?: string): Promise<void> {
    const params: LoggingMessageNotificationParams = logger === undefined ? { level, data } : { level, logger, data }
    return this.#emit(params).catch(() => {})
  }

  debug(data: unknown, logger?: string): Promise<void> {
    return this.log('debug', data, logger)
  }
  info(data: unknown, logger?: string): Promise<void> {
    return this.log('info', data, logger)
  }
  notice(data: unknown, logger?: string): Promise<void> {
    return this.log('notice', data, logger)
  }
  warning(data: unknown, logger?: string): Promise<void> {
    return this.log('warning', data, logger)
  }
  error(data: unknown, logger?: string): Promise<void> {
    return this.log('error', data, logger)
  }
  critical(data: unknown, logger?: string): Promise<void> {
    return this.log('critical', data, logger)
  }
  alert(data: unknown, logger?: string): Promise<void> {
    return this.log('alert', data, logger)
  }
  emergency(data: unknown, logger?: string): Promise<void> {
    return this.log('emergency', data, logger)
  }
}
