import type { CreateMessageResult, ParamsOf, RequestOptions } from '@plugboard/protocol'
import type { ClientLink } from '../context.js'

/** What a server passes to `sampling/createMessage`: messages, `maxTokens`, and optional preferences, tools… */
export type CreateMessageParams = ParamsOf<'sampling/createMessage'>

/**
 * Asks the client to sample its LLM. The session already refuses when the client did not declare
 * `sampling`; using tools needs `sampling.tools` as well, and the client "MUST return an error" if
 * it is missing (2025-11-25), so we fail locally instead of making the round trip.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/client/sampling
 */
export function createMessage(link: ClientLink, params: CreateMessageParams, options?: RequestOptions): Promise<CreateMessageResult> {
  const withTools = params.tools !== undefined || params.toolChoice !== undefined
  return link.sendRequest('sampling/createMessage', params, withTools ? { ...options, requiredCapability: 'sampling.tools' } : options)
}
