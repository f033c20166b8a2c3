import {
  ErrorCode,
  McpError,
  Router,
  Session,
  hasCapability,
  legacyEra,
  methodEntry,
  modernEra,
  type JSONRPCMessage,
  type JSONRPCResponse,
  type MessageInfo,
  type Reply,
  type Implementation,
  type LoggingMessageNotificationParams,
  type Middleware,
  type NotificationMethod,
  type RequestMethod,
  type ServerCapabilities,
  type Transport,
} from '@plugboard/protocol'
import { createContext } from './context.js'
import { isExtensionId, methodHandler, settingsOf, type ServerExtension } from './extensions.js'
import { Prompts, type PromptCallback, type PromptConfig, type RegisteredPrompt } from './features/prompts.js'
import {
  Resources,
  type ReadResourceCallback,
  type ReadResourceTemplateCallback,
  type RegisteredResource,
  type RegisteredResourceTemplate,
  type ResourceMetadata,
  type ResourceTemplate,
} from './features/resources.js'
import { builtinHandlers, type Builtin } from './builtins.js'
import { Listeners, notifyUpdated } from './features/subscriptions.js'
import type { CacheableMethod, McpServerOptions, ServerNotificationHandler, ServerRequestHandler } from './options.js'
import { Tools, type AnyToolCallback, type RegisteredTool, type ToolCallback, type ToolConfig } from './features/tools.js'
import type { SchemaInput } from './schema.js'
import type { PromptSignatureOf, ServerTypes, ToolSignatureOf } from './typed.js'
import { ServerSession } from './server-session.js'

type ListKind = 'tools' | 'resources' | 'prompts'

/**
 * An MCP server: register tools, resources and prompts once, then `connect()` as many clients as
 * you like — each connection gets a small {@link ServerSession}; schemas and handlers are shared.
 *
 * Capabilities are derived at each `connect()` from what is registered (`tools`, `resources` with
 * `subscribe`, `prompts` — all with `listChanged` — `completions` when something completes, and
 * `logging` always) and merged with `options.capabilities`. They are fixed for the life of a
 * connection, as the spec has it: to add the first tool of a kind after a client connected,
 * pre-declare the kind (`capabilities: { tools: {} }`).
 *
 * @example
 * import * as z from 'zod'
 * import { McpServer } from '@plugboard/server'
 * import { StdioServerTransport } from '@plugboard/transport-stdio'
 *
 * const server = new McpServer({ name: 'demo', version: '1.0.0' })
 * server.registerTool('add', { description: 'Adds two numbers', inputSchema: { a: z.number(), b: z.number() } },
 *   async ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }] }))
 * await server.connect(new StdioServerTransport())
 *
 * @example
 * // Typed end to end: chain withTool(), export the type, and a host's `Client<CalculatorServer>` checks its calls.
 * export const server = new McpServer({ name: 'calculator', version: '1.0.0' })
 *   .withTool('add', { inputSchema: { a: z.number(), b: z.number() }, outputSchema: { sum: z.number() } },
 *     async ({ a, b }) => ({ structuredContent: { sum: a + b } }))
 * export type CalculatorServer = typeof server
 */
export class McpServer<ToolTypes extends object = {}, PromptTypes extends object = {}> {
  // Defaults of `{}`: every table of tools is assignable to it, so a typed server is still a plain `McpServer`.
  /**
   * Type only, never set: the tools and prompts defined with `withTool()`/`withPrompt()`, which
   * `Client<typeof server>` reads (structurally, so the client does not depend on this package).
   */
  declare readonly '~types'?: ServerTypes<ToolTypes, PromptTypes>
  /** `serverInfo`: name, version, and optionally title, description, icons, websiteUrl. */
  readonly info: Implementation
  readonly #options: McpServerOptions
  readonly #tools = new Tools(() => this.#listChanged('tools'), () => this.#options.jsonSchema)
  readonly #resources = new Resources(() => this.#listChanged('resources'))
  readonly #prompts = new Prompts(() => this.#listChanged('prompts'), () => this.#options.jsonSchema)
  readonly #sessions = new Set<ServerSession>()
  readonly #listeners = new Listeners()
  readonly #builtins: { [M in Builtin]: ServerRequestHandler<M> }
  readonly #handlers = new Map<string, ServerRequestHandler>()
  readonly #notificationHandlers = new Map<string, ServerNotificationHandler>()
  readonly #rootsListeners = new Set<(session: ServerSession) => void>()
  readonly #pendingListChanged = new Set<ListKind>()
  /** Methods whose router handler is ours (dispatching to overrides and built-ins). */
  readonly #installed = new Set<string>()
  /** The method table bound to handlers and middleware, built once and shared by every connection and connection-less request. */
  readonly #router: Router
  /** Installed extensions, by id. */
  readonly #extensions = new Map<string, ServerExtension>()

  constructor(info: Implementation, options: McpServerOptions = {}) {
    const pageSize = options.pageSize ?? 100
    if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`pageSize must be a positive integer, got ${pageSize}`)
    this.info = info
    this.#options = options
    this.#builtins = builtinHandlers({
      tools: this.#tools,
      resources: this.#resources,
      prompts: this.#prompts,
      listeners: this.#listeners,
      pageSize,
      capabilities: () => this.#capabilities(),
    })
    const eras = options.eras ?? [modernEra(), legacyEra]
    this.#router = new Router({ role: 'server', eras, capabilities: () => this.#capabilities(), onerror: this.#report })
    const identity = {
      serverInfo: info,
      capabilities: () => this.#capabilities(),
      instructions: options.instructions,
      supportedVersions: eras.flatMap((era) => era.versions),
      discoverCache: options.cache?.['server/discover'],
    }
    for (const era of eras) era.serve(this.#router, identity)
    for (const method of Object.keys(this.#builtins)) this.#install(method)
    this.#router.setNotificationHandler('notifications/roots/list_changed', (_params, { connection }) => {
      const conn = connection?.owner as ServerSession | undefined
      if (conn) for (const listener of this.#rootsListeners) listener(conn)
    })
    for (const extension of options.extensions ?? []) this.extend(extension)
  }

  /**
   * Installs an MCP extension: declares it under `capabilities.extensions[id]` (with the core
   * capabilities it needs), adds its methods and middleware, and runs its `setup`. Returns an
   * uninstaller. Install before `connect()`: a connection's capabilities are fixed when it opens.
   * @throws TypeError for a malformed id; Error when an extension of that id is installed.
   */
  extend(extension: ServerExtension): () => void {
    if (!isExtensionId(extension.id)) throw new TypeError(`Extension id ${JSON.stringify(extension.id)} is not {vendor-prefix}/{extension-name}`)
    if (this.#extensions.has(extension.id)) throw new Error(`Extension ${extension.id} is already installed`)
    this.#extensions.set(extension.id, extension)
    const undo: (() => void)[] = []
    for (const [method, spec] of Object.entries(extension.methods ?? {})) {
      undo.push(this.setRequestHandler(method, methodHandler(method, spec) as ServerRequestHandler))
      // An extension may reuse a name a later revision dropped (2026-07-28 tasks/get): it serves it there.
      undo.push(this.#router.claim(method))
    }
    if (extension.middleware) undo.push(this.use(extension.middleware))
    const teardown = extension.setup?.(this)
    if (teardown) undo.push(teardown)
    return () => {
      if (this.#extensions.get(extension.id) !== extension) return
      this.#extensions.delete(extension.id)
      for (const run of undo.reverse()) run()
    }
  }

  /** The open connections. */
  get sessions(): ReadonlySet<ServerSession> {
    return this.#sessions
  }

  /**
   * Registers a tool. `inputSchema` and `outputSchema` take a Standard Schema (zod, valibot, arktype),
   * a shape of them (`{ a: z.number() }`), or raw JSON Schema; they are compiled here, once.
   * @throws Error when a tool of that name exists; TypeError for an empty name (names outside the
   * spec's `[A-Za-z0-9_.-]{1,128}` only warn).
   */
  registerTool<I extends SchemaInput | undefined = undefined, O extends SchemaInput | undefined = undefined>(name: string, config: ToolConfig<I, O>, callback: ToolCallback<I, O>): RegisteredTool {
    return this.#tools.register(name, config, callback as AnyToolCallback)
  }

  /**
   * Registers a tool, as {@link registerTool} does, and returns this server retyped to include it —
   * chain the calls and export `typeof server`, and a `Client<typeof server>` gets checked tool
   * names, `arguments` and `structuredContent`. A statement cannot change the type of a variable,
   * so only what is chained onto the expression you export is in the type; the tool's handle is
   * `getTool(name)`.
   * @example
   * export const server = new McpServer({ name: 'calculator', version: '1.0.0' })
   *   .withTool('add', { inputSchema: { a: z.number(), b: z.number() }, outputSchema: { sum: z.number() } },
   *     async ({ a, b }) => ({ structuredContent: { sum: a + b } }))
   * export type CalculatorServer = typeof server
   */
  withTool<N extends string, I extends SchemaInput | undefined = undefined, O extends SchemaInput | undefined = undefined>(
    name: N,
    config: ToolConfig<I, O>,
    callback: ToolCallback<I, O>,
  ): McpServer<ToolTypes & { [K in N]: ToolSignatureOf<I, O> }, PromptTypes> {
    this.registerTool(name, config, callback)
    return this as McpServer<ToolTypes & { [K in N]: ToolSignatureOf<I, O> }, PromptTypes>
  }

  /** The enabled tool registered under `name`. */
  getTool(name: string): RegisteredTool | undefined {
    return this.#tools.get(name)
  }

  /** Registers a static resource at `uri`, read by `callback`. */
  registerResource(name: string, uri: string, metadata: ResourceMetadata, callback: ReadResourceCallback): RegisteredResource
  /** Registers a resource template: every URI it matches is read by `callback` with the template's variables. */
  registerResource(name: string, template: ResourceTemplate, metadata: ResourceMetadata, callback: ReadResourceTemplateCallback): RegisteredResourceTemplate
  registerResource(
    name: string,
    target: string | ResourceTemplate,
    metadata: ResourceMetadata,
    callback: ReadResourceCallback | ReadResourceTemplateCallback,
  ): RegisteredResource | RegisteredResourceTemplate {
    return typeof target === 'string'
      ? this.#resources.registerStatic(name, target, metadata, callback as ReadResourceCallback)
      : this.#resources.registerTemplate(name, target, metadata, callback as ReadResourceTemplateCallback)
  }

  /** Registers a prompt; `argsSchema` (usually a shape of string schemas) becomes its listed `arguments`. */
  registerPrompt<A extends SchemaInput | undefined = undefined>(name: string, config: PromptConfig<A>, callback: PromptCallback<A>): RegisteredPrompt {
    return this.#prompts.register(name, config as PromptConfig<SchemaInput | undefined>, callback as PromptCallback<never>)
  }

  /**
   * Registers a prompt, as {@link registerPrompt} does, and returns this server retyped to include
   * it, so `Client<typeof server>` checks `getPrompt` names and arguments (see {@link withTool}).
   */
  withPrompt<N extends string, A extends SchemaInput | undefined = undefined>(
    name: N,
    config: PromptConfig<A>,
    callback: PromptCallback<A>,
  ): McpServer<ToolTypes, PromptTypes & { [K in N]: PromptSignatureOf<A> }> {
    this.registerPrompt(name, config, callback)
    return this as McpServer<ToolTypes, PromptTypes & { [K in N]: PromptSignatureOf<A> }>
  }

  /**
   * Serves one client over `transport` and resolves once it is started. Call it once per connection
   * (HTTP calls it per session); `sessionId` names the connection for `sendLoggingMessage()`. Each
   * request on it is served under its own era: a legacy client's `initialize` fixes the connection's
   * revision, while a modern request (2026-07-28 `_meta`) carries its own.
   */
  async connect(transport: Transport, options: { sessionId?: string } = {}): Promise<ServerSession> {
    const { timeout, maxPendingRequests, maxInflightRequests } = this.#options
    const session = new Session({ role: 'server', router: this.#router, timeout, maxPendingRequests, maxInflightRequests, localCapabilities: this.#capabilities(), onerror: this.#report })
    const conn = new ServerSession(session, options.sessionId)
    session.owner = conn
    this.#sessions.add(conn)
    session.onclose = () => void this.#sessions.delete(conn)
    try {
      await session.connect(transport)
    } catch (error) {
      this.#sessions.delete(conn)
      throw error
    }
    return conn
  }

  /**
   * Serves one message that came without a connection — a Streamable HTTP POST of the modern era,
   * or of stateless HTTP — and resolves with the response to send (`undefined` for a notification).
   * Related messages (progress, logs) go to `reply`; `info.signal` aborting cancels the request.
   */
  async dispatch(message: JSONRPCMessage, reply: Reply, info?: MessageInfo): Promise<JSONRPCResponse | undefined> {
    if (!('method' in message)) return undefined // responses belong to a connection
    if (!('id' in message) || message.id === undefined) {
      await this.#router.notify(message, { messageInfo: info })
      return undefined
    }
    return this.#router.handle(message, { reply, info, signal: info?.signal })
  }

  #install(method: string): void {
    if (this.#installed.has(method)) return
    this.#installed.add(method)
    // A handler an era installed (server/discover) stays the default, under any override.
    const own = this.#router.getRequestHandler(method)
    const cache = this.#options.cache?.[method as CacheableMethod]
    this.#router.setRequestHandler(method, (params, request) => {
      const handler = (this.#handlers.get(method) ?? this.#builtins[method as Builtin]) as ServerRequestHandler | undefined
      if (!handler) {
        if (own) return own(params, request) as never
        throw new McpError(ErrorCode.MethodNotFound, `Method not found: ${method}`)
      }
      const conn = request.connection?.owner as ServerSession | undefined
      if (conn) conn.sessionId ??= request.sessionId
      const result = handler(params as Record<string, unknown>, createContext(request, conn)) as Record<string, unknown> | Promise<Record<string, unknown>>
      if (!cache) return result as never
      return Promise.resolve(result).then((r) => (r && r.ttlMs === undefined ? { ...r, ...cache } : r)) as never
    })
  }

  #installNotification(method: string): void {
    this.#router.setNotificationHandler(method, (params, { connection }) => this.#notificationHandlers.get(method)?.(params as Record<string, unknown>, connection?.owner as ServerSession | undefined))
  }

  #capabilities(): ServerCapabilities {
    const declared = this.#options.capabilities ?? {}
    const capabilities: ServerCapabilities = { ...declared, logging: declared.logging ?? {} }
    if (this.#tools.size > 0 || declared.tools) capabilities.tools = { listChanged: true, ...declared.tools }
    if (this.#resources.size > 0 || declared.resources) capabilities.resources = { subscribe: true, listChanged: true, ...declared.resources }
    if (this.#prompts.size > 0 || declared.prompts) capabilities.prompts = { listChanged: true, ...declared.prompts }
    if (this.#prompts.hasCompletions || this.#resources.hasCompletions || declared.completions) capabilities.completions = declared.completions ?? {}
    if (this.#extensions.size > 0) {
      const extensions: Record<string, Record<string, unknown>> = { ...(declared as { extensions?: Record<string, Record<string, unknown>> }).extensions }
      for (const extension of this.#extensions.values()) {
        extensions[extension.id] = settingsOf(extension)
        for (const [key, value] of Object.entries(extension.capabilities ?? {})) {
          const slot = capabilities as Record<string, unknown>
          slot[key] = { ...(value as object), ...(slot[key] as object | undefined) }
        }
      }
      ;(capabilities as { extensions?: Record<string, Record<string, unknown>> }).extensions = extensions
    }
    return capabilities
  }

  /** Adds onion middleware around every request, of every connection and connection-less request; returns a remover. */
  use(middleware: Middleware): () => void {
    return this.#router.use(middleware)
  }

  /**
   * Handles a request method on every connection: overrides a built-in (`tools/list` to filter per
   * client) or adds a custom one. The method's capability must still be declared. Returns a remover.
   */
  setRequestHandler<M extends RequestMethod | (string & {})>(method: M, handler: ServerRequestHandler<M>): () => void {
    // The lifecycle belongs to the era; overriding it would break version negotiation.
    if (method === 'initialize') throw new Error('initialize is handled by the server lifecycle and cannot be overridden')
    this.#handlers.set(method, handler as ServerRequestHandler)
    this.#install(method)
    return () => void (this.#handlers.get(method) === handler && this.#handlers.delete(method))
  }

  /** Handles a notification method from every connection. Returns a remover. */
  setNotificationHandler<M extends NotificationMethod | (string & {})>(method: M, handler: ServerNotificationHandler<M>): () => void {
    const isNew = !this.#notificationHandlers.has(method)
    this.#notificationHandlers.set(method, handler as ServerNotificationHandler)
    if (isNew) this.#installNotification(method)
    return () => void (this.#notificationHandlers.get(method) === handler && this.#notificationHandlers.delete(method))
  }

  /** Calls `listener` when a client says its roots changed (`notifications/roots/list_changed`); returns a remover. */
  onRootsListChanged(listener: (session: ServerSession) => void): () => void {
    this.#rootsListeners.add(listener)
    return () => void this.#rootsListeners.delete(listener)
  }

  /** Tells every connected client the tool list changed (sent automatically when tools change). */
  sendToolListChanged(): Promise<void> {
    return this.#broadcast('notifications/tools/list_changed')
  }
  /** Tells every connected client the resource list changed (sent automatically when resources change). */
  sendResourceListChanged(): Promise<void> {
    return this.#broadcast('notifications/resources/list_changed')
  }
  /** Tells every connected client the prompt list changed (sent automatically when prompts change). */
  sendPromptListChanged(): Promise<void> {
    return this.#broadcast('notifications/prompts/list_changed')
  }

  /** Sends `notifications/resources/updated` to the clients subscribed to `uri`, and only to them. */
  sendResourceUpdated(params: { uri: string }): Promise<void> {
    return Promise.all([notifyUpdated(this.#ready(), params.uri, this.#report), this.#listeners.updated(params.uri, this.#report)]).then(() => {})
  }

  /** Sends a log message to every client (or the one with `sessionId`) whose `logging/setLevel` lets it through. */
  async sendLoggingMessage(params: LoggingMessageNotificationParams, sessionId?: string): Promise<void> {
    const sends: Promise<void>[] = []
    for (const conn of this.#ready()) if (sessionId === undefined || conn.sessionId === sessionId) sends.push(conn.sendLoggingMessage(params).catch(this.#report))
    await Promise.all(sends)
  }

  /**
   * Stops what installed extensions run in the background (running tasks, their timers), ends every
   * `subscriptions/listen` stream gracefully and closes every connection.
   */
  async close(): Promise<void> {
    await Promise.all([...this.#extensions.values()].map(async (extension) => extension.close?.()).map((closing) => closing.catch(this.#report)))
    await this.#listeners.close()
    await Promise.all([...this.#sessions].map((conn) => conn.close()))
  }

  // Several changes in one tick (registering 50 tools after connect) make one notification.
  #listChanged(kind: ListKind): void {
    if ((this.#sessions.size === 0 && this.#listeners.size === 0) || this.#pendingListChanged.has(kind)) return
    this.#pendingListChanged.add(kind)
    queueMicrotask(() => {
      this.#pendingListChanged.delete(kind)
      void this.#broadcast(`notifications/${kind}/list_changed`)
    })
  }

  async #broadcast(method: `notifications/${ListKind}/list_changed`): Promise<void> {
    const capability = methodEntry(method)?.capability ?? ''
    const sends: Promise<void>[] = []
    // Only to connections that declared `<kind>.listChanged`: capabilities are fixed per connection.
    for (const conn of this.#ready()) if (hasCapability(conn.session.state.localCapabilities, capability)) sends.push(conn.session.notify(method).catch(this.#report))
    // …and to every subscriptions/listen stream that opted in (2026-07-28).
    sends.push(this.#listeners.listChanged(method, this.#report))
    await Promise.all(sends)
  }

  /** Connections past `initialize`: a client that has not negotiated yet lists everything anyway. */
  *#ready(): Generator<ServerSession> {
    for (const conn of this.#sessions) if (conn.protocolVersion !== undefined) yield conn
  }

  #report = (error: Error): void => {
    this.#options.onerror?.(error)
  }
}
