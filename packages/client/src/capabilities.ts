import type { ClientCapabilities } from '@plugboard/protocol'

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
