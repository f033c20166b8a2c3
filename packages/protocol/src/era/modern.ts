import { ErrorCode, McpError } from '../errors.js'
import type { RequestId } from '../jsonrpc/messages.js'
import { methodEntry } from '../methods.js'
import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  LOG_LEVEL_META_KEY,
  LoggingLevelSchema,
  MODERN_PROTOCOL_VERSIONS,
  PROTOCOL_VERSION_META_KEY,
  SERVER_INFO_META_KEY,
  rev20260728,
  type LoggingLevel,
} from '../revisions/index.js'
import { Router } from '../session/router.js'
import type { Session } from '../session/session.js'
import type { Era, EraCall, Finished, RequestScope, ServerHello, ServerIdentity } from './era.js'
import { InputRound, settleInputRequired, type InputRoundOptions } from './mrtr.js'
import { RequestStateCodec, type RequestStateOptions } from './request-state.js'

/** Options of {@link modernEra}. */
export interface ModernEraOptions extends InputRoundOptions {
  /** How `requestState` of multi round-trip requests is signed (server side). */
  requestState?: RequestStateOptions
  /** Client side: how many `input_required` rounds one request may take before it fails. Default 10. */
  maxInputRounds?: number
}

// Results the spec makes cacheable: they carry `ttlMs` and `cacheScope` (caching.mdx). A feature
// that sets none gets the most careful hint: immediately stale, and never shared across users.
const CACHEABLE = new Set(['server/discover', 'tools/list', 'prompts/list', 'resources/list', 'resources/templates/list', 'resources/read'])

const META_ERROR = (what: string) => new McpError(ErrorCode.InvalidParams, `Invalid params: _meta.${what}`)
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * The modern era (2026-07-28): no handshake and no session. Every request names its revision and
 * the client's capabilities in `_meta`; every result says `resultType` and who answered; a handler
 * that needs the client (sampling, elicitation, roots) ends its round with `input_required`, and
 * the retry runs the same handler again with the answers (see `mrtr.ts`).
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/versioning
 */
export function modernEra(options: ModernEraOptions = {}): Era {
  const identities = new WeakMap<Router, ServerIdentity>()
  const rounds = new WeakMap<EraCall, InputRound>()
  let codec: RequestStateCodec | undefined
  const maxRounds = options.maxInputRounds ?? 10
  // What server/discover and UnsupportedProtocolVersion offer, the same list in both (the referee
  // correlates them): the revisions a client can name in _meta. Legacy ones are negotiated with
  // initialize, so a client retrying with one of them in _meta would get nowhere.
  const offered = (router: Router): string[] => {
    const mine = era.versions as readonly string[]
    return identities.get(router)?.supportedVersions.filter((v) => mine.includes(v)) ?? [...mine]
  }

  const era: Era = {
    name: 'modern',
    versions: MODERN_PROTOCOL_VERSIONS,

    // Any of the per-request keys makes it ours: one with capabilities but no version is a malformed modern request (-32602).
    accepts: (request) => {
      const meta = request.params?._meta
      return isObject(meta) && (PROTOCOL_VERSION_META_KEY in meta || CLIENT_CAPABILITIES_META_KEY in meta)
    },

    async scope(call) {
      const { request, router } = call
      // Only requests naming a modern version come here, unless this era is a server's only one.
      const meta = isObject(request.params?._meta) ? request.params._meta : {}
      const version = meta[PROTOCOL_VERSION_META_KEY]
      if (request.method === 'initialize' && version === undefined) {
        // A legacy client on a modern-only server: "SHOULD name the protocol versions it supports".
        const supported = router.eras.flatMap((e) => e.versions)
        const requested = (request.params as { protocolVersion?: unknown } | undefined)?.protocolVersion
        throw new McpError(ErrorCode.UnsupportedProtocolVersion, `This server does not use initialize: it speaks ${supported.join(', ')}, with the protocol version in each request's _meta`, { supported, requested: String(requested) })
      }
      if (typeof version !== 'string') throw META_ERROR(`${PROTOCOL_VERSION_META_KEY} must be a string`)
      if (!(era.versions as readonly string[]).includes(version)) {
        throw new McpError(ErrorCode.UnsupportedProtocolVersion, `Unsupported protocol version: ${version}`, { supported: offered(router), requested: version })
      }
      const declared = meta[CLIENT_CAPABILITIES_META_KEY]
      if (!isObject(declared)) throw META_ERROR(`${CLIENT_CAPABILITIES_META_KEY} is required (an object; {} declares none)`)
      const checked = rev20260728.ClientCapabilitiesSchema.safeParse(declared)
      if (!checked.success) throw META_ERROR(`${CLIENT_CAPABILITIES_META_KEY} is malformed: ${checked.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`)
      const capabilities = checked.data as Record<string, unknown>
      const info = meta[CLIENT_INFO_META_KEY]
      if (info !== undefined && !isObject(info)) throw META_ERROR(`${CLIENT_INFO_META_KEY} must be an Implementation object`)
      let logLevel: LoggingLevel | undefined
      if (meta[LOG_LEVEL_META_KEY] !== undefined) {
        const parsed = LoggingLevelSchema.safeParse(meta[LOG_LEVEL_META_KEY])
        if (!parsed.success) throw META_ERROR(`${LOG_LEVEL_META_KEY} must be one of ${LoggingLevelSchema.options.join(', ')}`)
        logLevel = parsed.data
      }
      const scope: RequestScope = { era, protocolVersion: version, peer: { info: info as never, capabilities }, localCapabilities: router.capabilities(), logLevel }
      if (methodEntry(request.method)?.kind === 'request' && (methodEntry(request.method) as { inputRequired?: boolean }).inputRequired) {
        codec ??= new RequestStateCodec(options.requestState)
        rounds.set(call, await InputRound.resume(call, scope, codec, options))
      }
      return scope
    },

    asker(call) {
      return (method, params, askOptions) => {
        const round = rounds.get(call)
        if (!round) return Promise.reject(new McpError(ErrorCode.InternalError, `${call.request.method} cannot ask the client for input: only tools/call, prompts/get and resources/read may answer input_required`))
        return round.ask(method, params, askOptions)
      }
    },

    async finish(call, scope, outcome): Promise<Finished> {
      const round = rounds.get(call)
      const identity = identities.get(call.router)
      const stampInfo = (result: Record<string, unknown>) => {
        if (identity) result._meta = { ...(result._meta as object | undefined), [SERVER_INFO_META_KEY]: identity.serverInfo }
        return result
      }
      // A protocol error in the client's answers wins over whatever the handler made of it.
      if (round?.error) return { error: round.error }
      if (round?.pending) return { result: stampInfo(await round.inputRequired()) }
      if ('thrown' in outcome) return mapError(Router.failed(outcome.thrown, call.router))
      const result: Record<string, unknown> = { ...outcome.result, resultType: outcome.result.resultType ?? 'complete' }
      if (CACHEABLE.has(call.request.method)) {
        result.ttlMs ??= 0
        result.cacheScope ??= 'private'
      }
      void scope
      return { result: stampInfo(result) }
    },

    serve(router, identity) {
      identities.set(router, identity)
      router.setRequestHandler('server/discover', () => {
        const result: Record<string, unknown> = { supportedVersions: offered(router), capabilities: identity.capabilities(), ...identity.discoverCache }
        if (identity.instructions !== undefined) result.instructions = identity.instructions
        return result as never
      })
    },

    async open(session, hello, openOptions) {
      const version = hello.protocolVersion && (era.versions as readonly string[]).includes(hello.protocolVersion) ? hello.protocolVersion : era.versions[0]!
      session.era = era
      session.state.protocolVersion = version
      session.state.localInfo = hello.clientInfo
      session.state.localCapabilities = hello.capabilities
      const result = (await session.request('server/discover', {}, openOptions)) as Record<string, unknown>
      const supported = Array.isArray(result.supportedVersions) ? (result.supportedVersions as string[]) : []
      const chosen = supported.includes(version) ? version : era.versions.find((v) => supported.includes(v))
      if (!chosen) throw new McpError(ErrorCode.UnsupportedProtocolVersion, `Server supports none of ${era.versions.join(', ')} (it supports ${supported.join(', ')})`, { supported, requested: version })
      session.state.protocolVersion = chosen
      const serverInfo = (result._meta as Record<string, unknown> | undefined)?.[SERVER_INFO_META_KEY] as ServerHello['serverInfo'] | undefined
      const hello2: ServerHello = { protocolVersion: chosen, serverInfo: serverInfo ?? { name: 'unknown', version: 'unknown' }, capabilities: (result.capabilities as Record<string, unknown>) ?? {}, supportedVersions: supported }
      if (typeof result.instructions === 'string') hello2.instructions = result.instructions
      session.state.peer = { info: hello2.serverInfo, capabilities: hello2.capabilities }
      return hello2
    },

    stamp(params, session: Session) {
      const meta: Record<string, unknown> = { ...(params._meta as object | undefined), [PROTOCOL_VERSION_META_KEY]: session.state.protocolVersion, [CLIENT_CAPABILITIES_META_KEY]: session.state.localCapabilities }
      if (session.state.localInfo) meta[CLIENT_INFO_META_KEY] = session.state.localInfo
      return { ...params, _meta: meta }
    },

    settle(session, request, result, resend, signal) {
      return settleInputRequired(session, request, result, resend, maxRounds, signal)
    },
  }
  return era
}

/** 2026-07-28 error codes: a resource that is not there is -32602; a capability the request needs is -32021. */
function mapError(finished: Finished): Finished {
  if (!('error' in finished)) return finished
  const error = finished.error
  if (error.code === ErrorCode.ResourceNotFound) return { error: new McpError(ErrorCode.InvalidParams, error.message, error.data) }
  if (error.code === ErrorCode.CapabilityNotSupported) {
    const path = (error.data as { capability?: unknown } | undefined)?.capability
    const required: Record<string, unknown> = {}
    if (typeof path === 'string') {
      let node = required
      for (const key of path.split('.')) node = node[key] = {} as Record<string, unknown>
    }
    return { error: new McpError(ErrorCode.MissingRequiredClientCapability, error.message, { requiredCapabilities: required }) }
  }
  return finished
}

export type { RequestId }
