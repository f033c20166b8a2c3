import { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from '../revisions/index.js'

/**
 * The server's answer to a client's requested revision: the same one if the server speaks it,
 * else its latest. The client then decides whether it can speak the answer.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/lifecycle#version-negotiation
 */
export function negotiateProtocolVersion(requested: string, supported: readonly string[] = SUPPORTED_PROTOCOL_VERSIONS): string {
  if (supported.includes(requested)) return requested
  return supported.includes(LATEST_PROTOCOL_VERSION) ? LATEST_PROTOCOL_VERSION : [...supported].sort().at(-1)!
}
