import { ErrorCode, McpError, type CreateMessageRequestParams, type CreateMessageResult, type RequestContext, type Session } from '@plugboard/protocol'

/**
 * Answers the server's `sampling/createMessage`: run the messages through an LLM of the host's
 * choosing, after a human had the chance to review them, and return the model's reply.
 */
export type SamplingHandler = (params: CreateMessageRequestParams, ctx: RequestContext) => CreateMessageResult | Promise<CreateMessageResult>

/** What the sampling handler supports beyond plain messages; each declares a sub-capability. */
export interface SamplingOptions {
  /** The handler accepts `tools` and `toolChoice` (declares `sampling.tools`). */
  tools?: boolean
  /** The handler honours `includeContext` (declares `sampling.context`). */
  context?: boolean
}

/** The `sampling` capability a handler with these options declares. */
export function samplingCapability(options: SamplingOptions = {}): Record<string, unknown> {
  const capability: Record<string, unknown> = {}
  if (options.tools) capability.tools = {}
  if (options.context) capability.context = {}
  return capability
}

/**
 * Serves `sampling/createMessage` with the host's handler. The session answers -32601 when the
 * `sampling` capability was not declared; a request with `tools` the handler did not opt into is
 * refused with -32602, as the spec forbids servers to send one.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/client/sampling
 */
export class Sampling {
  #handler: SamplingHandler | undefined
  #options: SamplingOptions = {}

  constructor(session: Session) {
    session.setRequestHandler('sampling/createMessage', (params, ctx) => this.#handle(params, ctx))
  }

  get enabled(): boolean {
    return this.#handler !== undefined
  }

  get options(): SamplingOptions {
    return this.#options
  }

  set(handler: SamplingHandler, options: SamplingOptions = {}): void {
    this.#handler = handler
    this.#options = options
  }

  #handle(params: CreateMessageRequestParams, ctx: RequestContext): CreateMessageResult | Promise<CreateMessageResult> {
    if (!this.#handler) throw new McpError(ErrorCode.MethodNotFound, 'This client has no sampling handler')
    if (params.tools !== undefined && !this.#options.tools) {
      throw new McpError(ErrorCode.InvalidParams, 'sampling/createMessage carries tools, but this client did not declare the sampling.tools capability')
    }
    return this.#handler(params, ctx)
  }
}
