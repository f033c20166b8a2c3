import {
  ErrorCode,
  McpError,
  type ElicitRequestFormParams,
  type ElicitRequestParams,
  type ElicitRequestURLParams,
  type ElicitResult,
  type RequestContext,
  type Session,
} from '@plugboard/protocol'
import type { ClientEvents, Emitter } from '../events.js'
import { describeErrors, validatorFor } from '../json-schema.js'

/** Answers a form-mode elicitation: show `message` and a form for `requestedSchema`, return the user's answers. */
export type FormElicitationHandler = (params: ElicitRequestFormParams, ctx: RequestContext) => ElicitResult | Promise<ElicitResult>

/**
 * Answers a URL-mode elicitation: ask the user's consent, open `url` outside the client, and return
 * `accept` once it is opened — the outcome arrives later as the `elicitationComplete` event.
 */
export type UrlElicitationHandler = (params: ElicitRequestURLParams, ctx: RequestContext) => ElicitResult | Promise<ElicitResult>

/** One handler per elicitation mode the client supports; each declares its mode. */
export interface ElicitationHandlers {
  form?: FormElicitationHandler
  url?: UrlElicitationHandler
  /**
   * Fill the fields an accepted form answer leaves out with the `default` each property of
   * `requestedSchema` declares (2025-11-25, SEP-1034), so a UI that only shows changed fields still
   * answers completely. Off by default: the answer is sent as the handler returned it.
   */
  applyDefaults?: boolean
}

/**
 * The `elicitation` capability for these handlers, or `undefined` for none. Form is declared as
 * `form: {}` rather than the older bare `elicitation: {}`: 2025-11-25 reads both as form, and
 * older servers ignore the extra key.
 */
export function elicitationCapability(handlers: ElicitationHandlers): Record<string, unknown> | undefined {
  if (!handlers.form && !handlers.url) return undefined
  const capability: Record<string, unknown> = {}
  if (handlers.form) capability.form = {}
  if (handlers.url) capability.url = {}
  return capability
}

/**
 * Serves `elicitation/create` by mode (no `mode` means form), and turns
 * `notifications/elicitation/complete` into the `elicitationComplete` event. A request for a mode
 * with no handler is refused with -32602. A form answer is checked against `requestedSchema`
 * before it is sent, so a handler bug surfaces here (as an `error` event and -32603 to the server)
 * rather than in the server's tool.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/client/elicitation
 */
export class Elicitation {
  #handlers: ElicitationHandlers = {}

  constructor(session: Session, events: Emitter<ClientEvents>) {
    session.setRequestHandler('elicitation/create', (params, ctx) => this.#handle(params, ctx))
    session.setNotificationHandler('notifications/elicitation/complete', (params) => events.emit('elicitationComplete', params))
  }

  get handlers(): ElicitationHandlers {
    return this.#handlers
  }

  set(handlers: ElicitationHandlers): void {
    this.#handlers = { ...handlers }
  }

  async #handle(params: ElicitRequestParams, ctx: RequestContext): Promise<ElicitResult> {
    if (params.mode === 'url') {
      if (!this.#handlers.url) throw new McpError(ErrorCode.InvalidParams, 'This client does not support URL-mode elicitation')
      return this.#handlers.url(params, ctx)
    }
    if (!this.#handlers.form) throw new McpError(ErrorCode.InvalidParams, 'This client does not support form-mode elicitation')
    let result = await this.#handlers.form(params, ctx)
    if (result.action === 'accept' && this.#handlers.applyDefaults) result = { ...result, content: withDefaults(params.requestedSchema, result.content) }
    if (result.action === 'accept' && result.content !== undefined) {
      const validate = validatorFor(params.requestedSchema)
      if (!validate(result.content)) throw new Error(`The form elicitation handler answered content that does not match requestedSchema: ${describeErrors(validate.errors)}`)
    }
    return result
  }
}

/** The answer with every property it lacks set to that property's declared `default`. */
function withDefaults(schema: ElicitRequestFormParams['requestedSchema'], content: ElicitResult['content']): ElicitResult['content'] {
  const filled: Record<string, unknown> = { ...content }
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const fallback = (property as { default?: unknown }).default
    if (filled[name] === undefined && fallback !== undefined) filled[name] = fallback
  }
  return filled as ElicitResult['content']
}
