import {
  legacyEra,
  Session,
  type CallToolRequestParams,
  type CallToolResult,
  type ClientCapabilities,
  type CompleteRequestParams,
  type CompleteResult,
  type EmptyResult,
  type GetPromptRequestParams,
  type GetPromptResult,
  type Implementation,
  type InitializeResult,
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
  type Transport,
  type UnsubscribeRequestParams,
} from '@plugboard/protocol'
import { clientCapabilities, type DerivedCapability } from './capabilities.js'
import { Emitter, type ClientEvents, type Listener } from './events.js'
import { Completion } from './features/completion.js'
import { Elicitation, elicitationCapability, type ElicitationHandlers } from './features/elicitation.js'
import { Logging } from './features/logging.js'
import { Prompts } from './features/prompts.js'
import { Resources } from './features/resources.js'
import { ROOTS_CAPABILITY, Roots, type RootsOption } from './features/roots.js'
import { Sampling, samplingCapability, type SamplingHandler, type SamplingOptions } from './features/sampling.js'
import { Tools } from './features/tools.js'
import { ITEMS_KEY, paginate, type PaginatedItems, type PaginatedMethod } from './pagination.js'

/** Options of a `Client`. Handlers given here are the same as the `set…` methods called before `connect()`. */
export interface ClientOptions {
  /** Capabilities beyond those derived from handlers (`experimental`, …); merged under the derived ones. */
  capabilities?: ClientCapabilities
  /** Default timeout of every request in ms (60 000). */
  timeout?: number
  /** Answers `sampling/createMessage`; declares `sampling`. */
  sampling?: SamplingHandler
  /** Answers `elicitation/create` per mode; declares `elicitation.form` / `elicitation.url`. */
  elicitation?: ElicitationHandlers
  /** Answers `roots/list`; declares `roots: { listChanged: true }`. */
  roots?: RootsOption
}

/** Options of `Client.connect`. */
export interface ConnectOptions {
  /** Aborts the handshake; the transport is then closed. */
  signal?: AbortSignal
  /** Timeout of the `initialize` request in ms. */
  timeout?: number
}

type Params<M extends string> = M extends RequestMethod ? ParamsOf<M> : Record<string, unknown>
type Result<M extends string> = M extends RequestMethod ? ResultOf<M> : Record<string, unknown>

/**
 * An MCP client: connects to one server over any `Transport`, calls its tools, resources and
 * prompts, and answers its sampling, elicitation and roots requests. It holds a protocol
 * `Session` (one engine for both roles); every call takes `RequestOptions` (signal, timeout,
 * progress) and rejects with `McpError` only.
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
 */
export class Client {
  readonly #info: Implementation
  readonly #options: ClientOptions
  readonly #session: Session
  readonly #events = new Emitter<ClientEvents>((error, event) => {
    if (event !== 'error') this.#events.emit('error', error)
  })
  readonly #tools: Tools
  readonly #resources: Resources
  readonly #prompts: Prompts
  readonly #completion: Completion
  readonly #logging: Logging
  readonly #sampling: Sampling
  readonly #elicitation: Elicitation
  readonly #roots: Roots
  #server: InitializeResult | undefined

  constructor(info: Implementation, options: ClientOptions = {}) {
    this.#info = info
    this.#options = options
    const session = new Session({ role: 'client', timeout: options.timeout, onerror: (error) => this.#events.emit('error', error) })
    session.onclose = () => {
      this.#tools.invalidate()
      this.#events.emit('close', undefined)
    }
    this.#session = session
    this.#tools = new Tools(session, this.#events)
    this.#resources = new Resources(session, this.#events)
    this.#prompts = new Prompts(session, this.#events)
    this.#completion = new Completion(session)
    this.#logging = new Logging(session, this.#events)
    this.#sampling = new Sampling(session)
    this.#elicitation = new Elicitation(session, this.#events)
    this.#roots = new Roots(session)
    if (options.sampling) this.#sampling.set(options.sampling)
    if (options.elicitation) this.#elicitation.set(options.elicitation)
    if (options.roots) this.#roots.set(options.roots)
  }

  /**
   * Opens the connection: starts the transport and performs the `initialize` handshake. Rejects
   * (and closes the transport) if the handshake fails or the server answers a protocol revision
   * this client does not speak.
   */
  async connect(transport: Transport, options: ConnectOptions = {}): Promise<void> {
    if (this.#session.transport) throw new Error('Client is already connected; close() it before connecting again')
    const session = this.#session
    const capabilities = this.#capabilities()
    session.state.protocolVersion = undefined
    session.state.peer = {}
    session.state.localCapabilities = capabilities
    this.#server = undefined
    this.#tools.invalidate()
    await session.connect(transport)
    try {
      this.#server = (await legacyEra.open(session, { clientInfo: this.#info, capabilities }, options)) as InitializeResult
    } catch (error) {
      await session.close().catch(() => {})
      throw error
    }
  }

  /** Closes the connection; pending requests reject with McpError(ConnectionClosed). */
  async close(): Promise<void> {
    if (this.#session.transport) await this.#session.close()
  }

  /** The server's `serverInfo` (name, version, title…), once connected. */
  getServerVersion(): Implementation | undefined {
    return this.#server?.serverInfo
  }

  /** What the server declared it supports, once connected. */
  getServerCapabilities(): ServerCapabilities | undefined {
    return this.#server?.capabilities
  }

  /** The server's `instructions` for the model, if it sent any. */
  getInstructions(): string | undefined {
    return this.#server?.instructions
  }

  /** The protocol revision in force, once connected (these getters describe the last connection after `close()`). */
  getNegotiatedProtocolVersion(): string | undefined {
    return this.#session.state.protocolVersion
  }

  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof ClientEvents>(event: K, listener: Listener<ClientEvents[K]>): () => void {
    return this.#events.on(event, listener)
  }

  /** Adds onion middleware `(call, next)` around every inbound and outbound request; returns a remover. */
  use(middleware: Middleware): () => void {
    return this.#session.use(middleware)
  }

  /** Sends any request of the method table (or a custom one) and resolves with its validated result. */
  request<M extends RequestMethod | (string & {})>(method: M, params?: Params<M>, options?: RequestOptions): Promise<Result<M>> {
    return this.#session.request(method, params as never, options) as Promise<Result<M>>
  }

  /** Checks the server is alive. */
  ping(options?: RequestOptions): Promise<EmptyResult> {
    return this.#session.request('ping', undefined, options)
  }

  /** One page of the server's tools (pass `nextCursor` as `cursor` for the next; or use `iterate`). */
  listTools(params?: PaginatedRequestParams, options?: RequestOptions): Promise<ListToolsResult> {
    return this.#tools.list(params, options)
  }

  /**
   * Calls a tool. If the tool declares an `outputSchema`, its `structuredContent` is validated
   * (draft 2020-12, validator compiled once per tool): a missing or invalid one rejects with
   * McpError(InvalidParams) whose `data.result` holds the result. `isError` results are not checked.
   */
  callTool(params: CallToolRequestParams, options?: RequestOptions): Promise<CallToolResult> {
    return this.#tools.call(params, options)
  }

  /** One page of the server's resources. */
  listResources(params?: PaginatedRequestParams, options?: RequestOptions): Promise<ListResourcesResult> {
    return this.#resources.list(params, options)
  }

  /** One page of the server's resource templates. */
  listResourceTemplates(params?: PaginatedRequestParams, options?: RequestOptions): Promise<ListResourceTemplatesResult> {
    return this.#resources.listTemplates(params, options)
  }

  /** Reads a resource by URI. */
  readResource(params: ReadResourceRequestParams, options?: RequestOptions): Promise<ReadResourceResult> {
    return this.#resources.read(params, options)
  }

  /** Subscribes to a resource: its changes arrive as `resourceUpdated` events. */
  subscribeResource(params: SubscribeRequestParams, options?: RequestOptions): Promise<EmptyResult> {
    return this.#resources.subscribe(params, options)
  }

  /** Ends a subscription made with `subscribeResource`. */
  unsubscribeResource(params: UnsubscribeRequestParams, options?: RequestOptions): Promise<EmptyResult> {
    return this.#resources.unsubscribe(params, options)
  }

  /** One page of the server's prompts. */
  listPrompts(params?: PaginatedRequestParams, options?: RequestOptions): Promise<ListPromptsResult> {
    return this.#prompts.list(params, options)
  }

  /** Gets a prompt, filled in with `arguments`. */
  getPrompt(params: GetPromptRequestParams, options?: RequestOptions): Promise<GetPromptResult> {
    return this.#prompts.get(params, options)
  }

  /** Asks for completions of a prompt or resource-template argument. */
  complete(params: CompleteRequestParams, options?: RequestOptions): Promise<CompleteResult> {
    return this.#completion.complete(params, options)
  }

  /** Sets the lowest level of log messages the server sends (they arrive as `log` events). */
  setLoggingLevel(level: LoggingLevel, options?: RequestOptions): Promise<EmptyResult> {
    return this.#logging.setLevel(level, options)
  }

  /**
   * Every item of a paginated list across all pages, fetched page by page as you iterate. Throws
   * McpError(InternalError) if the server repeats a cursor.
   * @example
   * for await (const tool of client.iterate('tools/list')) console.log(tool.name)
   */
  iterate<M extends PaginatedMethod>(method: M, params?: PaginatedRequestParams, options?: RequestOptions): AsyncIterable<PaginatedItems[M]> {
    const fetchPage = (cursor: string | undefined) => {
      const page: PaginatedRequestParams = { ...params }
      if (cursor === undefined) delete page.cursor
      else page.cursor = cursor
      return method === 'tools/list' ? this.#tools.list(page, options) : this.#session.request<PaginatedMethod>(method, page, options)
    }
    return paginate<PaginatedItems[M]>(fetchPage, ITEMS_KEY[method], params?.cursor)
  }

  /** Sets the sampling handler (declares `sampling`; set it before `connect()`). */
  setSamplingHandler(handler: SamplingHandler, options: SamplingOptions = {}): void {
    this.#assertUnchanged('sampling', samplingCapability(options))
    this.#sampling.set(handler, options)
  }

  /** Sets the elicitation handlers, one per mode (declares `elicitation`; set them before `connect()`). */
  setElicitationHandler(handlers: ElicitationHandlers): void {
    this.#assertUnchanged('elicitation', elicitationCapability(handlers))
    this.#elicitation.set(handlers)
  }

  /**
   * Sets the roots the server may list. Before `connect()` this declares `roots`; once connected
   * (with roots declared) it also sends `notifications/roots/list_changed`.
   */
  async setRoots(roots: RootsOption): Promise<void> {
    this.#assertUnchanged('roots', ROOTS_CAPABILITY)
    this.#roots.set(roots)
    // Not during the handshake: nothing but ping may precede notifications/initialized.
    if (this.#session.transport && this.#session.state.protocolVersion !== undefined) await this.#session.notify('notifications/roots/list_changed')
  }

  #capabilities(): ClientCapabilities {
    return clientCapabilities(this.#options.capabilities, {
      sampling: this.#sampling.enabled ? samplingCapability(this.#sampling.options) : undefined,
      elicitation: elicitationCapability(this.#elicitation.handlers),
      roots: this.#roots.enabled ? ROOTS_CAPABILITY : undefined,
    })
  }

  /** Capabilities are fixed by the handshake: once connected, a handler may be replaced, not added. */
  #assertUnchanged(key: DerivedCapability, derived: Record<string, unknown> | undefined): void {
    if (!this.#session.transport) return
    const wanted = clientCapabilities(this.#options.capabilities, { [key]: derived })[key]
    if (JSON.stringify(this.#session.state.localCapabilities[key]) !== JSON.stringify(wanted)) {
      throw new Error(`Cannot change the ${key} capability of a connected client; set its handler before connect()`)
    }
  }
}
