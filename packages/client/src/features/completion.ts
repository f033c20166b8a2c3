import type { CompleteRequestParams, CompleteResult, RequestOptions, Session } from '@plugboard/protocol'

/**
 * Asking the server to complete a prompt or resource-template argument (`completion/complete`,
 * revision 2025-03-26 on; needs the server's `completions` capability).
 * @see https://modelcontextprotocol.io/specification/2025-11-25/server/utilities/completion
 */
export class Completion {
  readonly #session: Session

  constructor(session: Session) {
    this.#session = session
  }

  complete(params: CompleteRequestParams, options?: RequestOptions): Promise<CompleteResult> {
    return this.#session.request('completion/complete', params, options)
  }
}
