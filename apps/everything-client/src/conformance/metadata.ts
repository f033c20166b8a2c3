import { acceptDefaults } from './elicitation.js'
import { withClient } from './connect.js'

/**
 * `request-metadata` (SEP-2575): every request carries `_meta` protocol version, client
 * capabilities and info, and the `MCP-Protocol-Version` header matching it. The referee refuses
 * the first request with `UnsupportedProtocolVersion` listing 2026-07-28, and checks that the
 * client retries in that revision. Sampling, elicitation and roots handlers make the client
 * declare those capabilities, so the referee can check how they are declared.
 */
export async function runRequestMetadata(url: URL): Promise<void> {
  const options = {
    sampling: () => ({ role: 'assistant' as const, model: 'none', content: { type: 'text' as const, text: '' } }),
    elicitation: { form: acceptDefaults },
    roots: [{ uri: 'file:///conformance', name: 'conformance' }],
  }
  await withClient(url, options, async (client) => {
    // Connecting sent server/discover (refused once, then retried); one more request with the same _meta.
    await client.ping()
  })
}
