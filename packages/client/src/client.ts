import {
  ErrorCode,
  McpError,
  Session,
  existsIn,
  methods,
  modernEra,
  type CallToolRequestParams,
  type CompleteRequestParams,
  type CompleteResult,
  type EmptyResult,
  type GetPromptRequestParams,
  type GetPromptResult,
  type Implementation,
  type ListPromptsResult,
  type ListResourcesResult,
  type ListResourceTemplatesResult,
  type ListToolsResult,
  type LoggingLevel,
  type Middleware,
  type PaginatedRequestParams,
  type ParamsOf,
  type ReadResourceRequestParams,
  type ReadResourceResult,
  type RequestMethod,
  type RequestOptions,
  type ResultOf,
  type ServerCapabilities,
  type SubscribeRequestParams,
  type SubscriptionFilter,
  type Transport,
  type UnsubscribeRequestParams,
} from '@plugboard/protocol'
import { ClientCache, type CacheableRequestOptions } from './cache.js'
import { ClientFeatures } from './capabilities.js'
import { Connector } from './connect.js'
import { Emitter, type ClientEvents, type Listener } from './events.js'
import { Completion } from './features/completion.js'
import type { ElicitationHandlers } from './features/elicitation.js'
import { Logging } from './features/logging.js'
import { Prompts } from './features/prompts.js'
import { Resources } from './features/resources.js'
import type { RootsOption } from './features/roots.js'
import type { SamplingHandler, SamplingOptions } from './features/sampling.js'
import { Subscriptions, type ListenOptions, type Subscription, type SubscriptionHandlers } from './features/subscriptions.js'
import { ToolTask, claimTaskMethods, type TaskOptions } from './features/tasks.js'
import { Tools } from './features/tools.js'
import type { ClientOptions, ConnectOptions } from './options.js'
import type { CallToolParams, CallToolResultOf, GetPromptParams, PromptName, ToolName, ToolTaskOf } from './typed.js'
import { ITEMS_KEY, iterateList, type PaginatedItems, type PaginatedMethod } from './pagination.js'

type Params<M extends string> = M extends RequestMethod ? ParamsOf<M> : Record<string, unknown>
type Result<M extends string> = M extends RequestMethod ? ResultOf<M> : Record<string, unknown>

/**
 * An MCP client: connects to one server over any `Transport`, calls its tools, resources and
 * prompts, and answers its sampling, elicitation and roots requests — in either protocol era (the
 * `initialize` handshake of 2025-11-25 and older, or per-request `_meta`), chosen per server by
 * `connect()`, with one API. Every call takes `RequestOptions` and rejects with `McpError` only.
 *
 * @example
 * const client = new Client({ name: 'host', version: '1.0.0' }, {
 *   sampling: async (params) => ({ role: 'assistant', model: 'm', content: { type: 'text', text: await llm(params.messages) } }),
 *   roots: [{ uri: 'file:///home/me/project', name: 'project' }],
 * })
 * await client.connect(new StdioClientTransport({ command: 'node', args: ['server.js'] }))
 * const { tools } = await client.listTools()
 * const result = await client.callTool({ name: 'add', arguments: { a: 1, b: 2 } }, { timeout: 10_000 })
 * client.on('log', ({ level, data }) => console.log(level, data))
 * await client.close()
 *
 * @example
 * // Typed end to end: the server module exports `type CalculatorServer = typeof server` (built with
 * // `withTool()`); a misspelt tool name, a wrong argument or a wrong `structuredContent` field is a compile error.
 * import type { CalculatorServer } from './server.js'
 * const client = new Client<CalculatorServer>({ name: 'host', version: '1.0.0' })
 * const { structuredContent } = await client.callTool({ name: 'add', arguments: { a: 1, b: 2 } })
 * structuredContent?.sum // number
 *
 * @typeParam Server - A server's type (`typeof server` of an McpServer built with `withTool()`), read
 * only by type; left out, the client takes any tool name and arguments.
 */
export class Client<Server = unknown> {
  readonly #info: Implementation
  readonly #options: ClientOptions
  readonly #session: Session
  readonly #events = new Emitter<ClientEvents>((error, event) => {
    if (event !== 'error') this.#events.emit('error', error)
  })
  readonly #cache: ClientCache
  readonly #connector: Connector
  readonly #tools: Tools
  readonly #resources: Resources
  readonly #prompts: Prompts
  readonly #completion: Completion
  readonly #logging: Logging
  readonly #features: ClientFeatures
  readonly #subscriptions: Subscriptions

  constructor(info: Implementation, options: ClientOptions = {}) {
    this.#info = info
    this.#options = options
    const report = (error: Error) => this.#events.emit('error', error)
    const { timeout, maxPendingRequests, maxInflightRequests } = options
    const session = new Session({ role: 'client', timeout, maxPendingRequests, maxInflightRequests, onerror: report })
    session.onclose = () => {
      this.#tools.invalidate()
      this.#subscriptions.closed()
      this.#events.emit('close', undefined)
    }
    this.#session = session
    this.#cache = new ClientCache(session, options.cache)
    this.#connector = new Connector(modernEra({ maxInputRounds: options.maxInputRounds }), options.versionNegotiation)
    // Outermost first: the version retry around everything, then the cache's marking of MRTR results.
    session.use(this.#connector.middleware(session))
    this.#tools = new Tools(session, this.#events, this.#cache)
    claimTaskMethods(session)
    this.#resources = new Resources(session, this.#events, this.#cache)
    this.#prompts = new Prompts(session, this.#events, this.#cache)
    this.#completion = new Completion(session)
    this.#logging = new Logging(session, this.#events)
    this.#features = new ClientFeatures(session, this.#events, options)
    this.#subscriptions = new Subscriptions(session, this.#events, { timeout: () => options.timeout ?? 60_000, report })
  }

  /**
   * Opens the connection: starts the transport and finds the server's era (`versionNegotiation`,
   * by default a `server/discover` probe falling back to `initialize`), then puts back the
   * subscriptions of an earlier connection in the background. Rejects (and closes the transport)
   * if no revision both speak works out.
   */
  async connect(transport: Transport, options: ConnectOptions = {}): Promise<void> {
    if (this.#session.transport) throw new Error('Client is already connected; close() it before connecting again')
    const session = this.#session
    const capabilities = (session.state.localCapabilities = this.#features.capabilities())
    session.state.localInfo = this.#info
    this.#tools.invalidate()
    this.#cache.clearPrivate()
    await session.connect(transport)
    try {
      await this.#connector.open(session, { clientInfo: this.#info, capabilities }, { signal: options.signal, timeout: options.timeout ?? this.#options.timeout })
    } catch (error) {
      await session.close().catch(() => {})
      throw error
    }
    // In the background: a server slow to acknowledge a listen stream must not hold up connect().
    void this.#subscriptions.restore().catch((error: unknown) => this.#events.emit('error', error instanceof Error ? error : new Error(String(error))))
  }

  /** Closes the connection; pending requests reject with McpError(ConnectionClosed). */
  async close(): Promise<void> {
    if (this.#session.transport) await this.#session.close()
  }

  /** The server's `serverInfo` (name, version, title…), once connected. */
  getServerVersion(): Implementation | undefined {
    return this.#connector.server?.serverInfo
  }

  /** What the server declared it supports (`initialize`, or `server/discover` in the modern era). */
  getServerCapabilities(): ServerCapabilities | undefined {
    return this.#connector.server?.capabilities as ServerCapabilities | undefined
  }

  /**
   * The settings the server declared for extension `id` (`capabilities.extensions[id]`, `{}` for none),
   * or `undefined` when it does not offer it. Declare the client's own under
   * `capabilities.extensions` (they go into `initialize`, and into every modern request's `_meta`).
   * @see https://modelcontextprotocol.io/extensions/overview#negotiation
   */
  getServerExtension(id: string): Record<string, unknown> | undefined {
    const declared = (this.getServerCapabilities() as { extensions?: Record<string, unknown> } | undefined)?.extensions?.[id]
    return typeof declared === 'object' && declared !== null && !Array.isArray(declared) ? (declared as Record<string, unknown>) : undefined
  }

  /** The server's `instructions` for the model, if it sent any. */
  getInstructions(): string | undefined {
    return this.#connector.server?.instructions
  }

  /** The protocol revision in force, once connected (these getters describe the last connection after `close()`). */
  getNegotiatedProtocolVersion(): string | undefined {
    return this.#session.state.protocolVersion
  }

  /** Adds a listener; returns its remover. A list-changed listener keeps that notification coming in either era. */
  on<K extends keyof ClientEvents>(event: K, listener: Listener<ClientEvents[K]>): () => void {
    const off = this.#events.on(event, listener)
    const release = this.#subscriptions.follow(event)
    return release ? () => (off(), release()) : off
  }

  /** Adds onion middleware `(call, next)` around every inbound and outbound request; returns a remover. */
  use(middleware: Middleware): () => void {
    return this.#session.use(middleware)
  }

  /** Sends any request of the method table (or a custom one) and resolves with its validated result. */
  request<M extends RequestMethod | (string & {})>(method: M, params?: Params<M>, options?: RequestOptions): Promise<Result<M>> {
    return this.#session.request(method, params as never, options) as Promise<Result<M>>
  }

  /** Checks the server is alive: `ping`, or in the modern era (no ping) a `server/discover` past the cache. */
  ping(options?: RequestOptions): Promise<EmptyResult> {
    if (existsIn(methods.ping, this.#session.state.protocolVersion)) return this.#session.request('ping', undefined, options)
    return this.discover({ ...options, cache: 'bypass' }).then(() => ({}))
  }

  /** The server's `server/discover` (cached while fresh), or a legacy server's `initialize` answer in that shape. */
  async discover(options?: CacheableRequestOptions): Promise<ResultOf<'server/discover'>> {
    if (existsIn(methods['server/discover'], this.#session.state.protocolVersion)) return this.#cache.request('server/discover', {}, options)
    const discovered = this.#session.transport && this.#connector.discovered()
    if (!discovered) throw new McpError(ErrorCode.ConnectionClosed, 'Not connected')
    return discovered as ResultOf<'server/discover'>
  }

  /** One page of the server's tools (pass `nextCursor` as `cursor` for the next; or use `iterate`). */
  listTools(params?: PaginatedRequestParams, options?: CacheableRequestOptions): Promise<ListToolsResult> {
    return this.#tools.list(params, options)
  }

  /**
   * Calls a tool and returns a handle on its task (MCP Tasks, SEP-2663): `status`, `get()`,
   * `result()`, `cancel()`, and `for await` over its states, polled every `pollIntervalMs`. Needs the
   * extension declared: `capabilities: { extensions: { 'io.modelcontextprotocol/tasks': {} } }`. A
   * server may still answer at once; the handle is then already settled (`taskId` undefined).
   */
  callTool<N extends ToolName<Server>>(params: CallToolParams<Server, N>, options: RequestOptions & TaskOptions & { task: true }): Promise<ToolTaskOf<Server, N>>
  // The plain form comes last: `Parameters<Client['callTool']>` reads the last overload.
  /**
   * Calls a tool. If the tool declares an `outputSchema`, its `structuredContent` is validated
   * (draft 2020-12, validator compiled once per tool): a missing or invalid one rejects with
   * McpError(InvalidParams) whose `data.result` holds the result. `isError` results are not checked.
   * A server that answers `input_required` (modern era) gets its input requests fulfilled by this
   * client's sampling, elicitation and roots handlers, and the call is retried with the answers.
   * A server that answers with a task (the client declared MCP Tasks) is polled until the task ends.
   * On a `Client<typeof server>`, `name`, `arguments` and the result's `structuredContent` are typed
   * from the server's definition.
   */
  callTool<N extends ToolName<Server>>(params: CallToolParams<Server, N>, options?: RequestOptions & { task?: false }): Promise<CallToolResultOf<Server, N>>
  // Loosely typed on purpose: callers see only the overloads, and a deferred server type does not compare with the plain one.
  callTool(params: CallToolParams<Server, ToolName<Server>>, options?: RequestOptions & TaskOptions & { task?: boolean }): Promise<unknown> {
    const untyped = params as CallToolRequestParams
    if (options?.task) {
      const { task: _, ...rest } = options
      return this.#tools.start(untyped, rest)
    }
    return this.#tools.call(untyped, options)
  }

  /** A handle on a task this client (or an earlier run of it, same principal) started, by its `taskId`. */
  resumeTask(taskId: string, options?: TaskOptions): ToolTask {
    return new ToolTask(this.#session, { taskId }, options)
  }

  /** One page of the server's resources. */
  listResources(params?: PaginatedRequestParams, options?: CacheableRequestOptions): Promise<ListResourcesResult> {
    return this.#resources.list(params, options)
  }

  /** One page of the server's resource templates. */
  listResourceTemplates(params?: PaginatedRequestParams, options?: CacheableRequestOptions): Promise<ListResourceTemplatesResult> {
    return this.#resources.listTemplates(params, options)
  }

  /** Reads a resource by URI (cached while the result's `ttlMs` says so; `{ cache: 'refresh' }` asks anyway). */
  readResource(params: ReadResourceRequestParams, options?: CacheableRequestOptions): Promise<ReadResourceResult> {
    return this.#resources.read(params, options)
  }

  /**
   * Subscribes to change notifications: `resourceUpdated` for `resourceSubscriptions`, and the
   * list-changed events, each also passed to `handlers`. One `subscriptions/listen` stream
   * (modern era, re-sent after a cut) or `resources/subscribe` per URI (legacy) carries them;
   * resolves once the server acknowledged what it will send (`acknowledged`).
   */
  listen(filter: SubscriptionFilter, handlers?: SubscriptionHandlers, options?: ListenOptions): Promise<Subscription> {
    return this.#subscriptions.listen(filter, handlers, options)
  }

  /** Subscribes to a resource: its changes arrive as `resourceUpdated` events (needs `resources.subscribe`). */
  subscribeResource(params: SubscribeRequestParams, options?: RequestOptions): Promise<EmptyResult> {
    return this.#subscriptions.subscribe(params.uri, options).then(() => ({}))
  }

  /** Ends a subscription made with `subscribeResource`. */
  unsubscribeResource(params: UnsubscribeRequestParams): Promise<EmptyResult> {
    return this.#subscriptions.unsubscribe(params.uri).then(() => ({}))
  }

  /** One page of the server's prompts. */
  listPrompts(params?: PaginatedRequestParams, options?: CacheableRequestOptions): Promise<ListPromptsResult> {
    return this.#prompts.list(params, options)
  }

  /**
   * Gets a prompt, filled in with `arguments` (through `input_required` rounds, like `callTool`). On a
   * `Client<typeof server>`, `name` and `arguments` are checked against the server's prompts.
   */
  getPrompt<N extends PromptName<Server>>(params: GetPromptParams<Server, N>, options?: RequestOptions): Promise<GetPromptResult> {
    return this.#prompts.get(params as GetPromptRequestParams, options)
  }

  /** Asks for completions of a prompt or resource-template argument. */
  complete(params: CompleteRequestParams, options?: RequestOptions): Promise<CompleteResult> {
    return this.#completion.complete(params, options)
  }

  /**
   * Sets the lowest level of log messages the server sends (they arrive as `log` events): with
   * `logging/setLevel`, or in the modern era on every later request (where nothing set means no logs).
   */
  setLoggingLevel(level: LoggingLevel, options?: RequestOptions): Promise<EmptyResult> {
    return this.#logging.setLevel(level, options)
  }

  /**
   * Every item of a paginated list across all pages, fetched page by page as you iterate. Throws
   * McpError(InternalError) if the server repeats a cursor.
   * @example
   * for await (const tool of client.iterate('tools/list')) console.log(tool.name)
   */
  iterate<M extends PaginatedMethod>(method: M, params?: PaginatedRequestParams, options?: CacheableRequestOptions): AsyncIterable<PaginatedItems[M]> {
    const lists: Record<PaginatedMethod, (page: PaginatedRequestParams) => Promise<{ nextCursor?: string } & Record<string, unknown>>> = {
      'tools/list': (page) => this.#tools.list(page, options),
      'resources/list': (page) => this.#resources.list(page, options),
      'resources/templates/list': (page) => this.#resources.listTemplates(page, options),
      'prompts/list': (page) => this.#prompts.list(page, options),
    }
    return iterateList<PaginatedItems[M]>(lists[method], ITEMS_KEY[method], params)
  }

  /** Sets the sampling handler (declares `sampling`; set it before `connect()`). */
  setSamplingHandler(handler: SamplingHandler, options: SamplingOptions = {}): void {
    this.#features.setSampling(handler, options)
  }

  /** Sets the elicitation handlers, one per mode (declares `elicitation`; set them before `connect()`). */
  setElicitationHandler(handlers: ElicitationHandlers): void {
    this.#features.setElicitation(handlers)
  }

  /**
   * Sets the roots the server may list. Before `connect()` this declares `roots`; once connected
   * (with roots declared) it also sends `notifications/roots/list_changed` where that exists (a
   * modern server asks for the roots each time it needs them).
   */
  setRoots(roots: RootsOption): Promise<void> {
    return this.#features.setRoots(roots)
  }
}
