import type { Era, HandlerParamsOf, HandlerResultOf, RequestMethod, ServerCapabilities } from '@plugboard/protocol'
import type { ServerContext } from './context.js'
import type { ServerExtension } from './extensions.js'
import type { ServerSession } from './server-session.js'
import type { JsonSchemaConverters } from './schema.js'

/** Options of {@link McpServer}. */
export interface McpServerOptions {
  /** How to use this server, for the client to pass on to its model (`InitializeResult.instructions`). */
  instructions?: string
  /**
   * Capabilities to declare on top of those derived from what is registered — `experimental`, or
   * `tools: {}` to declare tools before the first one is registered after `connect()`.
   */
  capabilities?: ServerCapabilities
  /** Items per page of `tools/list`, `resources/list`, `resources/templates/list`, `prompts/list`. Default 100. */
  pageSize?: number
  /** Default timeout in ms of requests to the client (sampling, elicitation, roots). Default 60 000. */
  timeout?: number
  /**
   * Most requests to the client (sampling, elicitation, roots) awaiting a response at once, per
   * connection. One more gives up on the oldest: it rejects with `McpError(RequestCancelled)`
   * (`data.maxPendingRequests`) and the client is sent `notifications/cancelled`. Default 10 000.
   */
  maxPendingRequests?: number
  /**
   * Most requests from one connection handled at once. One more is answered -32603
   * (`data.maxInflightRequests`) at once, so a client cannot pile up handlers without bound.
   * Requests served without a connection (2026-07-28, stateless HTTP) are not counted here.
   * Default 10 000.
   */
  maxInflightRequests?: number
  /** Errors with no caller to reject: a non-McpError thrown by a non-tool handler, a failed broadcast. */
  onerror?: (error: Error) => void
  /**
   * The protocol eras served, each request going to the first that accepts it. Default: the modern
   * era (2026-07-28, per-request `_meta`) and the legacy one (initialize handshake), on one endpoint.
   * Pass `[legacyEra]` to serve 2025-11-25 and older only, or `[modernEra({ requestState })]` to
   * configure how multi round-trip `requestState` is signed (share its keys across instances).
   */
  eras?: readonly Era[]
  /**
   * Caching hints of the cacheable results (2026-07-28 `ttlMs` and `cacheScope`), per method.
   * Unset: `{ ttlMs: 0, cacheScope: 'private' }`, always stale and never shared. Say `public` only
   * for what is the same for every user (no per-user filtering in middleware or handlers).
   * @see https://modelcontextprotocol.io/specification/2026-07-28/server/utilities/caching
   */
  cache?: Partial<Record<CacheableMethod, CacheHint>>
  /** MCP extensions to install (Tasks, Skills, your own): see {@link ServerExtension} and `server.extend()`. */
  extensions?: readonly ServerExtension[]
  /**
   * JSON Schema converters, by Standard Schema vendor, for schema libraries that have none of their
   * own: what `tools/list` and `prompts/list` advertise for their schemas. zod ≥ 3.25's `zod/v4`,
   * zod 4, arktype and valibot wrapped in `toStandardJsonSchema()` need none; registering a schema
   * nothing can describe throws a TypeError that says which converter to add here.
   * @example
   * import { zodToJsonSchema } from 'zod-to-json-schema'  // zod 3 schemas
   * import { toJsonSchema } from '@valibot/to-json-schema' // plain valibot schemas
   * const server = new McpServer(info, { jsonSchema: { zod: zodToJsonSchema, valibot: toJsonSchema } })
   */
  jsonSchema?: JsonSchemaConverters
}

/** The methods whose results carry caching hints. */
export type CacheableMethod = 'server/discover' | 'tools/list' | 'prompts/list' | 'resources/list' | 'resources/templates/list' | 'resources/read'
/** How long a client may reuse a result (ms), and whether it may share it across users. */
export interface CacheHint {
  ttlMs: number
  cacheScope: 'public' | 'private'
}

type ParamsFor<M extends string> = M extends RequestMethod ? HandlerParamsOf<M> : Record<string, unknown>
type ResultFor<M extends string> = M extends RequestMethod ? HandlerResultOf<M> : Record<string, unknown>

/** A low-level request handler: validated params of method M and the request's `ctx`. */
export type ServerRequestHandler<M extends string = string> = (params: ParamsFor<M>, ctx: ServerContext) => ResultFor<M> | Promise<ResultFor<M>>
/** A notification handler: its params and the connection it came on (`undefined` for one served without a connection). */
export type ServerNotificationHandler<M extends string = string> = (params: ParamsFor<M>, session: ServerSession | undefined) => void | Promise<void>

