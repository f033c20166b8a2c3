import type { ClientCapabilities, Session } from '@plugboard/protocol'
import type { ClientEvents, Emitter } from './events.js'
import { Elicitation, elicitationCapability, type ElicitationHandlers } from './features/elicitation.js'
import { ROOTS_CAPABILITY, Roots, type RootsOption } from './features/roots.js'
import { Sampling, samplingCapability, type SamplingHandler, type SamplingOptions } from './features/sampling.js'

/** The client capabilities that follow from the handlers a host sets. */
export type DerivedCapability = 'sampling' | 'elicitation' | 'roots'

/**
 * What a client declares: the host's own `capabilities` (`experimental`, …) with each capability
 * derived from a handler merged over the same key, so a handler cannot be declared away.
 */
export function clientCapabilities(base: ClientCapabilities | undefined, derived: Partial<Record<DerivedCapability, Record<string, unknown> | undefined>>): ClientCapabilities {
  const capabilities: ClientCapabilities = { ...base }
  for (const key of Object.keys(derived) as DerivedCapability[]) {
    const value = derived[key]
    if (value) capabilities[key] = { ...base?.[key], ...value }
  }
  return capabilities
}

/**
 * The client features — sampling, elicitation, roots: the handlers that answer the server (its
 * requests, or the input requests of an `input_required` result) and the capabilities they
 * declare. Capabilities are fixed once connected: a handler may then be replaced, not added.
 */
export class ClientFeatures {
  readonly #session: Session
  readonly #base: ClientCapabilities | undefined
  readonly #sampling: Sampling
  readonly #elicitation: Elicitation
  readonly #roots: Roots

  constructor(session: Session, events: Emitter<ClientEvents>, options: { capabilities?: ClientCapabilities; sampling?: SamplingHandler; elicitation?: ElicitationHandlers; roots?: RootsOption }) {
    this.#session = session
    this.#base = options.capabilities
    this.#sampling = new Sampling(session)
    this.#elicitation = new Elicitation(session, events)
    this.#roots = new Roots(session)
    if (options.sampling) this.#sampling.set(options.sampling)
    if (options.elicitation) this.#elicitation.set(options.elicitation)
    if (options.roots) void this.#roots.set(options.roots)
  }

  /** What the client declares now. */
  capabilities(): ClientCapabilities {
    return clientCapabilities(this.#base, {
      sampling: this.#sampling.enabled ? samplingCapability(this.#sampling.options) : undefined,
      elicitation: elicitationCapability(this.#elicitation.handlers),
      roots: this.#roots.enabled ? ROOTS_CAPABILITY : undefined,
    })
  }

  setSampling(handler: SamplingHandler, options: SamplingOptions = {}): void {
    this.#assertUnchanged('sampling', samplingCapability(options))
    this.#sampling.set(handler, options)
  }

  setElicitation(handlers: ElicitationHandlers): void {
    this.#assertUnchanged('elicitation', elicitationCapability(handlers))
    this.#elicitation.set(handlers)
  }

  async setRoots(roots: RootsOption): Promise<void> {
    this.#assertUnchanged('roots', ROOTS_CAPABILITY)
    return this.#roots.set(roots)
  }

  #assertUnchanged(key: DerivedCapability, derived: Record<string, unknown> | undefined): void {
    if (!this.#session.transport) return
    const wanted = clientCapabilities(this.#base, { [key]: derived })[key]
    if (JSON.stringify(this.#session.state.localCapabilities[key]) !== JSON.stringify(wanted)) {
      throw new Error(`Cannot change the ${key} capability of a connected client; set its handler before connect()`)
    }
  }
}
