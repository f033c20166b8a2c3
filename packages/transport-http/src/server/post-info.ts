import type { AuthInfo, MessageInfo } from '@plugboard/protocol'
import type { Stream } from './events.js'
import type { IncomingRequest } from './http.js'

/** What a POST's messages carry to the server: session, credentials, the HTTP request, and the polling hook. */
export class PostInfo implements MessageInfo {
  readonly sessionId: string | undefined
  readonly authInfo: AuthInfo | undefined
  readonly #req: IncomingRequest
  readonly #stream: Stream | undefined
  readonly #retryMs: number

  readonly protocolVersion: string | undefined
  readonly signal: AbortSignal | undefined

  constructor(
    sessionId: string | undefined,
    authInfo: AuthInfo | undefined,
    req: IncomingRequest,
    stream: Stream | undefined,
    retryMs: number,
    served: { protocolVersion?: string; signal?: AbortSignal } = {},
  ) {
    this.sessionId = sessionId
    this.authInfo = authInfo
    this.protocolVersion = served.protocolVersion
    this.signal = served.signal
    this.#req = req
    this.#stream = stream
    this.#retryMs = retryMs
  }

  get request(): MessageInfo['request'] {
    return { headers: this.#req.headers, url: this.#req.url }
  }

  closeSSEStream(): boolean {
    return this.#stream?.disconnect(this.#retryMs) ?? false
  }
}
