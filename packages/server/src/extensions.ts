import { ErrorCode, McpError, type Middleware, type ServerCapabilities } from '@plugboard/protocol'
import type { ServerContext } from './context.js'
import type { RegisteredTool } from './features/tools.js'
import type { McpServer } from './mcp-server.js'
import type { CacheHint } from './options.js'

/**
 * An MCP extension served by an `McpServer`: what it declares, the methods it adds, and how it wraps
 * requests — everything a package needs to add one without touching the engine. Install it with
 * `server.extend(extension)` or the `extensions` option; nothing is on until then (extensions are
 * opt-in). Tasks and Skills are written against this.
 * @see https://modelcontextprotocol.io/extensions/overview
 * @example
 * server.extend({
 *   id: 'com.example/echo',
 *   settings: { loud: true },
 *   methods: { 'echo/say': { handler: (params) => ({ said: params.text }) } },
 * })
 */
export interface ServerExtension {
  /** `{vendor-prefix}/{extension-name}`, e.g. `io.modelcontextprotocol/skills`. */
  readonly id: string
  /** The settings object declared under `capabilities.extensions[id]` (`{}` when absent); a function is read at each declaration. */
  readonly settings?: Record<string, unknown> | (() => Record<string, unknown>)
  /** Core capabilities the extension commits the server to (Skills needs `resources`), declared alongside. */
  readonly capabilities?: Omit<ServerCapabilities, 'extensions'>
  /** Request methods the extension adds, by wire name. */
  readonly methods?: Readonly<Record<string, ExtensionMethod>>
  /** Onion middleware around every request the server serves, to wrap or answer requests and add fields to results. */
  readonly middleware?: Middleware
  /** Runs once at install with the server (to register tools or resources); may return an uninstaller. */
  setup?(server: ExtensionHost): void | (() => void)
  /**
   * Runs when the server closes (`McpServer.close()`), before its connections do: stop the work the
   * extension owns beyond a request — background handlers, timers (Tasks stops its running tasks).
   */
  close?(): void | Promise<void>
}

/** One request method of an extension. */
export interface ExtensionMethod<P extends Record<string, unknown> = Record<string, unknown>> {
  /** Checks `params` first: any Standard Schema (zod, valibot…); a failure is answered `-32602`. */
  readonly params?: StandardSchemaLike<P>
  /** The result is cacheable: these hints (2026-07-28 `ttlMs`/`cacheScope`) go on it unless the handler sets its own. `true`: `{ ttlMs: 0, cacheScope: 'private' }`. */
  readonly cache?: CacheHint | true
  handler(params: P, ctx: ServerContext): Record<string, unknown> | Promise<Record<string, unknown>>
}

/** What `setup` gets: the server's registration surface. */
export interface ExtensionHost {
  setRequestHandler(method: string, handler: (params: Record<string, unknown>, ctx: ServerContext) => Record<string, unknown> | Promise<Record<string, unknown>>): () => void
  use(middleware: Middleware): () => void
  /** The enabled tool of that name, to read how it was registered (a tasks extension reads its `execution`). */
  getTool(name: string): RegisteredTool | undefined
  /** Registers a tool, as `McpServer.registerTool` (an extension that offers its own tools). */
  registerTool: McpServer['registerTool']
  /** Registers a resource or template, as `McpServer.registerResource` (Skills serves its files so). */
  registerResource: McpServer['registerResource']
}

/** The part of the Standard Schema interface (standardschema.dev) used here. */
export interface StandardSchemaLike<Output> {
  readonly '~standard': {
    validate(value: unknown): { value: Output; issues?: undefined } | { issues: ReadonlyArray<{ message: string; path?: ReadonlyArray<PropertyKey | { key: PropertyKey }> }> } | Promise<unknown>
  }
}

// The `_meta` key rules with a mandatory prefix: dot-separated labels, a slash, a name.
const LABEL = '[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?'
const EXTENSION_ID = new RegExp(`^${LABEL}(?:\\.${LABEL})*/[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$`)

/** Whether `id` is a well-formed extension identifier (`{vendor-prefix}/{extension-name}`). */
export function isExtensionId(id: string): boolean {
  return EXTENSION_ID.test(id)
}

/**
 * The settings the client declared for extension `id` on this request (2026-07-28: in the request's
 * `_meta`; before: at `initialize`), or `undefined` when it did not declare it. An extension a peer
 * offers that this side does not know is simply never asked about.
 */
export function clientExtension(ctx: Pick<ServerContext, 'client'>, id: string): Record<string, unknown> | undefined {
  const declared = (ctx.client.capabilities as { extensions?: Record<string, unknown> }).extensions?.[id]
  return typeof declared === 'object' && declared !== null && !Array.isArray(declared) ? (declared as Record<string, unknown>) : undefined
}

/** The settings an installed extension declares. */
export function settingsOf(extension: ServerExtension): Record<string, unknown> {
  const settings = typeof extension.settings === 'function' ? extension.settings() : extension.settings
  return settings ?? {}
}

/** Wraps an extension method's handler: params checked by its schema, cache hints added. */
export function methodHandler(method: string, spec: ExtensionMethod): (params: Record<string, unknown>, ctx: ServerContext) => Promise<Record<string, unknown>> {
  const hint: CacheHint | undefined = spec.cache === true ? { ttlMs: 0, cacheScope: 'private' } : spec.cache || undefined
  return async (params, ctx) => {
    let checked = params
    if (spec.params) {
      const outcome = (await spec.params['~standard'].validate(params)) as { value?: Record<string, unknown>; issues?: ReadonlyArray<{ message: string; path?: ReadonlyArray<PropertyKey | { key: PropertyKey }> }> }
      if (outcome.issues) {
        const detail = outcome.issues.map((issue) => `${issue.path?.map((p) => String(typeof p === 'object' ? p.key : p)).join('.') || 'params'}: ${issue.message}`).join('; ')
        throw new McpError(ErrorCode.InvalidParams, `Invalid params for ${method}: ${detail}`)
      }
      checked = outcome.value ?? params
    }
    const result = await spec.handler(checked, ctx)
    return hint && result.ttlMs === undefined ? { ...result, ...hint } : result
  }
}
