// One client shape over every adapter, so a scenario is written once: `call(name, args)` resolves
// with the first text block of the tool's result; `listTools()`; `close()` (ends the session).
export const LEGACY = '2025-11-25'
export const MODERN = '2026-07-28'

/**
 * Wraps an SDK `Client` (all three share `callTool`/`listTools`/`close`). `era` is the revision the
 * scenario means to measure: a client that reports another one (an option it silently ignored)
 * fails the measurement instead of measuring the wrong wire.
 */
export function wrap(client, era = LEGACY) {
  const negotiated = client.getNegotiatedProtocolVersion?.()
  if (negotiated !== undefined && negotiated !== era) throw new Error(`negotiated ${negotiated}, the scenario needs ${era}`)
  return {
    call: async (name, args) => {
      const result = await client.callTool({ name, arguments: args })
      if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`)
      return result.content[0].text
    },
    listTools: async () => (await client.listTools()).tools,
    close: () => client.close(),
  }
}
