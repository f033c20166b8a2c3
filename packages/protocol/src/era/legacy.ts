import { ErrorCode, McpError } from '../errors.js'
import { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from '../revisions/index.js'
import type { Era, ServerHello } from './era.js'
import { negotiateProtocolVersion } from './negotiate.js'

// Before initialize completes, only these may be handled (lifecycle: "SHOULD NOT send requests
// other than pings before the server has responded to the initialize request").
const BEFORE_INITIALIZE = new Set(['initialize', 'ping'])

/**
 * The legacy era (2024-11-05 … 2025-11-25): an `initialize` request fixes the revision and both
 * sides' capabilities for the life of the connection.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/lifecycle
 */
export const legacyEra: Era = {
  name: 'legacy',

  async open(session, hello, options) {
    const requested = hello.protocolVersion ?? LATEST_PROTOCOL_VERSION
    const supported = hello.supportedVersions ?? SUPPORTED_PROTOCOL_VERSIONS
    const result = (await session.request('initialize', { protocolVersion: requested, capabilities: hello.capabilities, clientInfo: hello.clientInfo } as never, options)) as unknown as ServerHello
    if (!supported.includes(result.protocolVersion)) {
      await session.close()
      throw new McpError(ErrorCode.InvalidRequest, `Server answered protocol version ${result.protocolVersion}, which this client does not support (supported: ${supported.join(', ')})`, { supported, requested: result.protocolVersion })
    }
    session.state.protocolVersion = result.protocolVersion
    session.state.peer = { info: result.serverInfo, capabilities: result.capabilities ?? {} }
    await session.notify('notifications/initialized')
    return result
  },

  serve(session, identity, options = {}) {
    let phase: 'new' | 'initialized' | 'stateless' = 'new'
    if (options.stateless) {
      phase = 'stateless'
      session.state.protocolVersion = options.stateless.protocolVersion
    }
    session.admit = (method) => {
      if (phase === 'stateless') return undefined
      if (method === 'initialize' && phase !== 'new') return new McpError(ErrorCode.InvalidRequest, 'Invalid Request: initialize was already received on this connection')
      if (phase === 'new' && !BEFORE_INITIALIZE.has(method)) return new McpError(ErrorCode.InvalidRequest, `Invalid Request: received ${method} before initialize`)
      return undefined
    }
    session.setRequestHandler('initialize', (params) => {
      const p = params as unknown as { protocolVersion: string; capabilities?: Record<string, unknown>; clientInfo: { name: string; version: string } }
      const protocolVersion = negotiateProtocolVersion(p.protocolVersion, identity.supportedVersions ?? SUPPORTED_PROTOCOL_VERSIONS)
      if (phase === 'new') phase = 'initialized'
      session.state.protocolVersion = protocolVersion
      session.state.peer = { info: p.clientInfo, capabilities: p.capabilities ?? {} }
      const result: ServerHello = { protocolVersion, capabilities: identity.capabilities, serverInfo: identity.serverInfo }
      if (identity.instructions !== undefined) result.instructions = identity.instructions
      return result as never
    })
    session.setNotificationHandler('notifications/initialized', () => identity.oninitialized?.())
  },
}
