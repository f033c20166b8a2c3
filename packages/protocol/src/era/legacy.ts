import { ErrorCode, McpError } from '../errors.js'
import { DEFAULT_NEGOTIATED_PROTOCOL_VERSION, LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from '../revisions/index.js'
import { Router } from '../session/router.js'
import type { Session } from '../session/session.js'
import type { Era, RequestScope, ServerHello, ServerIdentity } from './era.js'
import { negotiateProtocolVersion } from './negotiate.js'

// Before initialize completes, only these may be handled (lifecycle: "SHOULD NOT send requests
// other than pings before the server has responded to the initialize request").
const BEFORE_INITIALIZE = new Set(['initialize', 'ping'])
// Fields only the modern era defines on results; a legacy peer is not sent them.
const MODERN_RESULT_FIELDS = ['resultType', 'ttlMs', 'cacheScope'] as const

// Routers whose connections follow the legacy lifecycle (`serve` was called for them).
const served = new WeakSet<Router>()
// The scope each connection's requests are served under, while its negotiated state is unchanged.
const scopes = new WeakMap<Session, RequestScope>()

/**
 * The legacy era (2024-11-05 … 2025-11-25): an `initialize` request fixes the revision and both
 * sides' capabilities for the life of the connection, and the server asks the client for
 * sampling, elicitation and roots with requests of its own. A request served without a
 * connection (stateless HTTP) speaks the transport's revision (`MessageInfo.protocolVersion`).
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/lifecycle
 */
export const legacyEra: Era = {
  name: 'legacy',
  versions: [...SUPPORTED_PROTOCOL_VERSIONS].reverse(),

  // The fallback era: whatever the modern era does not claim.
  accepts: () => true,

  scope({ request, inbound, router }) {
    const conn = inbound.connection
    if (!conn) {
      return {
        era: legacyEra,
        // "If the server does not receive an MCP-Protocol-Version header … SHOULD assume 2025-03-26."
        protocolVersion: inbound.info?.protocolVersion ?? DEFAULT_NEGOTIATED_PROTOCOL_VERSION,
        peer: {},
        localCapabilities: router.capabilities(),
        logLevel: 'debug',
      }
    }
    if (served.has(router) && router.role === 'server') {
      const initialized = conn.state.protocolVersion !== undefined
      if (request.method === 'initialize' && initialized) throw new McpError(ErrorCode.InvalidRequest, 'Invalid Request: initialize was already received on this connection')
      if (!initialized && !BEFORE_INITIALIZE.has(request.method)) throw new McpError(ErrorCode.InvalidRequest, `Invalid Request: received ${request.method} before initialize`)
    }
    // One scope per connection, remade only when what it reads changed (initialize, logging/setLevel).
    const state = conn.state
    const cached = scopes.get(conn)
    if (cached && cached.protocolVersion === state.protocolVersion && cached.peer === state.peer && cached.localCapabilities === state.localCapabilities && cached.logLevel === (state.logLevel ?? 'debug')) return cached
    const scope: RequestScope = { era: legacyEra, protocolVersion: state.protocolVersion, peer: state.peer, localCapabilities: state.localCapabilities, logLevel: state.logLevel ?? 'debug' }
    scopes.set(conn, scope)
    return scope
  },

  asker({ request, inbound }) {
    const conn = inbound.connection
    return (method, params, options) => {
      if (!conn) return Promise.reject(new McpError(ErrorCode.CapabilityNotSupported, `Cannot send ${method}: a stateless request has no connection to the client to ask on`))
      return conn.request(method, params as never, { ...options, relatedRequestId: request.id, reply: inbound.reply })
    }
  },

  finish({ router }, _scope, outcome) {
    if ('thrown' in outcome) return Router.failed(outcome.thrown, router)
    const result = outcome.result
    if (MODERN_RESULT_FIELDS.some((key) => key in result)) {
      const copy = { ...result }
      for (const key of MODERN_RESULT_FIELDS) delete copy[key]
      return { result: copy }
    }
    return outcome
  },

  serve(router, identity: ServerIdentity) {
    served.add(router)
    // The revisions the server speaks, less those another era of this router serves.
    const others = new Set(router.eras.filter((era) => era !== legacyEra).flatMap((era) => era.versions))
    const supported = identity.supportedVersions.filter((v) => !others.has(v))
    router.setRequestHandler('initialize', (params, ctx) => {
      const p = params as unknown as { protocolVersion: string; capabilities?: Record<string, unknown>; clientInfo: { name: string; version: string } }
      const protocolVersion = negotiateProtocolVersion(p.protocolVersion, supported)
      const capabilities = ctx.connection?.state.localCapabilities ?? identity.capabilities()
      if (ctx.connection) {
        ctx.connection.state.protocolVersion = protocolVersion
        ctx.connection.state.peer = { info: p.clientInfo, capabilities: p.capabilities ?? {} }
      }
      const result: ServerHello = { protocolVersion, capabilities, serverInfo: identity.serverInfo }
      if (identity.instructions !== undefined) result.instructions = identity.instructions
      return result as never
    })
  },

  async open(session, hello, options) {
    const requested = hello.protocolVersion ?? LATEST_PROTOCOL_VERSION
    const supported = hello.supportedVersions ?? SUPPORTED_PROTOCOL_VERSIONS
    const result = (await session.request('initialize', { protocolVersion: requested, capabilities: hello.capabilities, clientInfo: hello.clientInfo } as never, options)) as unknown as ServerHello
    if (!supported.includes(result.protocolVersion)) {
      await session.close()
      throw new McpError(ErrorCode.InvalidRequest, `Server answered protocol version ${result.protocolVersion}, which this client does not support (supported: ${supported.join(', ')})`, { supported, requested: result.protocolVersion })
    }
    session.era = legacyEra
    session.state.protocolVersion = result.protocolVersion
    session.state.peer = { info: result.serverInfo, capabilities: result.capabilities ?? {} }
    await session.notify('notifications/initialized')
    return result
  },

  stamp: (params) => params,
}
