import type { CallToolResult, CreateMessageRequestParams, CreateMessageResult, Implementation, JSONRPCErrorObject, JSONRPCMessage, ListResourcesResult, ReadResourceResult, RequestId, Tool } from '@plugboard/protocol'
import {
  ALL_MODALITIES,
  APPS_PROTOCOL_VERSION,
  CODE,
  checkDownload,
  checkModalities,
  checkSampling,
  ViewError,
  checkInitialize,
  checkLink,
  checkLog,
  checkMessage,
  checkModelContext,
  checkSize,
  checkToolCall,
  checkUri,
  errorObject,
  isDisplayMode,
  isRecord,
  type McpUiDisplayMode,
  type McpUiDownloadFileParams,
  type McpUiDownloadFileResult,
  type McpUiHostCapabilities,
  type McpUiHostContext,
  type McpUiInitializeParams,
  type McpUiInitializeResult,
  type McpUiLogParams,
  type McpUiMessageParams,
  type McpUiSizeChangedParams,
  type McpUiSupportedContentBlockModalities,
  type McpUiUpdateModelContextParams,
} from './messages.js'
import { visibleToApp } from './ui-meta.js'

/** Options of {@link AppBridge}. */
export interface AppBridgeOptions {
  /** Sends a message to the view; a web page does `iframe.contentWindow.postMessage(message, '*')`. */
  post: (message: JSONRPCMessage) => void
  /**
   * Runs a view's `tools/call` on the view's server, applying the host's consent rules. Called only
   * for tools whose visibility includes `'app'`. A rejection (the user declined, the server is down)
   * becomes a JSON-RPC error for the view — its numeric `code` if it has one (an McpError), else
   * -32000; an `isError` result is passed on as a result.
   */
  callTool: (name: string, args: Record<string, unknown>) => Promise<CallToolResult>
  /**
   * The tools of the view's own server (the spec keeps a view to its server's tools), or a lookup
   * by name: the bridge refuses a call to a tool it cannot find here or whose visibility lacks
   * `'app'`, before `callTool` runs. Omitted: every `tools/call` is refused.
   */
  tools?: readonly Tool[] | ((name: string) => Tool | undefined | Promise<Tool | undefined>)
  /** Reads a resource of the view's server for the view (`resources/read`); omitted: refused as unknown. */
  readResource?: (uri: string) => Promise<ReadResourceResult>
  /** Lists the resources of the view's server for the view (`resources/list`, one page per `cursor`); omitted: refused as unknown. */
  listResources?: (cursor: string | undefined) => Promise<ListResourcesResult>
  /** The host's name and version (`hostInfo`). */
  hostInfo: Implementation
  /** The context the view starts with (theme, display mode, container size, the tool call…); change it with `setHostContext`. */
  hostContext?: McpUiHostContext
  /** The sandbox the host applied (granted permissions, approved CSP domains), told to the view in `hostCapabilities`. */
  sandbox?: McpUiHostCapabilities['sandbox']
  /** The view's content size changed (`ui/notifications/size-changed`): resize a flexible iframe to it. */
  onSizeChanged?: (size: McpUiSizeChangedParams) => void
  /** The view asks to add a message to the conversation (`ui/message`); reject to refuse. Omitted: refused as unknown. */
  onMessage?: (params: McpUiMessageParams) => void | Promise<void>
  /** The view asks to open an http(s) or mailto link (`ui/open-link`); reject to refuse. Omitted: refused as unknown. */
  onOpenLink?: (params: { url: string }) => void | Promise<void>
  /** The view replaces what the model knows of it (`ui/update-model-context`); reject to refuse. Omitted: refused as unknown. */
  onUpdateModelContext?: (params: McpUiUpdateModelContextParams) => void | Promise<void>
  /**
   * The view asks for another display mode (one it declared, `ui/request-display-mode`); resolve
   * with the mode now in force. Omitted: the view keeps its current mode.
   */
  onRequestDisplayMode?: (params: { mode: McpUiDisplayMode }) => McpUiDisplayMode | Promise<McpUiDisplayMode>
  /**
   * The kinds of content the host takes, told to the view in `hostCapabilities` and enforced (other
   * kinds are refused with -32602): for `ui/message` and for `ui/update-model-context`. Default:
   * every kind, for the callbacks given.
   */
  accepts?: { message?: McpUiSupportedContentBlockModalities; updateModelContext?: McpUiSupportedContentBlockModalities }
  /**
   * The view hands files to save (`ui/download-file`); ask the user first, as the spec says a host
   * should. Resolve with `{ isError: true }` when nothing was saved (the user declined); reject when
   * it failed. Omitted: refused as unknown, and `downloadFile` left out of `hostCapabilities`.
   */
  onDownloadFile?: (params: McpUiDownloadFileParams) => McpUiDownloadFileResult | void | Promise<McpUiDownloadFileResult | void>
  /**
   * The view asks the host's model (`sampling/createMessage`, without tool use): answer as you
   * answer a server's sampling, the user in the loop. Omitted: refused as unknown, and `sampling`
   * left out of `hostCapabilities`.
   */
  onCreateMessage?: (params: CreateMessageRequestParams) => Promise<CreateMessageResult>
  /** The view logged (`notifications/message`). */
  onLog?: (params: McpUiLogParams) => void
  /** The view asks to be closed (`ui/notifications/request-teardown`, draft spec); the host may call `teardown()`. */
  onRequestTeardown?: () => void
  /** Something went wrong with no one to answer: a message from the view was dropped, a callback threw, `post` failed. */
  onError?: (error: Error) => void
  /** How long `teardown()` waits for the view's answer (3000 ms). */
  teardownTimeoutMs?: number
}

type Handler = (params: Record<string, unknown>) => unknown

/** Ids past this length are refused: nothing legitimate needs them, and each is echoed back. */
const MAX_ID_LENGTH = 256

/**
 * The host side of an MCP App (SEP-1865): speaks JSON-RPC with one view over whatever carries its
 * messages (`postMessage` in a browser). It answers `ui/initialize`, then sends the tool's input and
 * result — held until the view says `ui/notifications/initialized`, as the spec requires, and sent
 * again if the view reloads and initializes anew. It proxies the view's `tools/call` to the view's
 * server for tools visible to apps only, `resources/read` and `resources/list` when the host allows them, and hands
 * `ui/message`, `ui/open-link`, `ui/update-model-context`, `ui/request-display-mode`, size changes
 * and logs to the host's callbacks. `receive()` never throws: a malformed message gets a JSON-RPC
 * error (-32600, -32601, -32602) or, for a notification, is dropped and reported to `onError`.
 * Browser-safe: nothing here imports `node:*`.
 * @example
 * const bridge = new AppBridge({
 *   post: (message) => iframe.contentWindow?.postMessage(message, '*'),
 *   callTool: (name, args) => host.callAppTool(server, name, args),
 *   tools: catalog.serverTools(server),
 *   hostInfo: { name: 'my-host', version: '1.0.0' },
 *   hostContext: { theme: 'dark', displayMode: 'inline' },
 *   onSizeChanged: ({ height }) => height !== undefined && (iframe.style.height = `${height}px`),
 * })
 * window.addEventListener('message', (event) => event.source === iframe.contentWindow && bridge.receive(event.data))
 * bridge.sendToolInput(args)
 * bridge.sendToolResult(await callTool(args))
 * @see https://github.com/modelcontextprotocol/ext-apps/blob/main/specification/2026-01-26/apps.mdx#communication-protocol
 */
export class AppBridge {
  /** Resolves when the view first sends `ui/notifications/initialized`; rejects if the bridge is torn down first. */
  readonly initialized: Promise<void>
  readonly #options: AppBridgeOptions
  #context: McpUiHostContext
  #app: McpUiInitializeParams | undefined
  /** The view answered `ui/initialize` and said it is initialized: host messages may flow. */
  #ready = false
  /** `teardown()` was called: the host sends nothing more, but still serves the view until it answered. */
  #teardown: Promise<void> | undefined
  /** The teardown is over: the view is ignored. */
  #closed = false
  #nextId = 1
  readonly #pending = new Map<RequestId, (message: JSONRPCMessage) => void>()
  // What the view must be shown, replayed in this order on each `initialized`: the spec makes the
  // complete input come before the result, and partial inputs stop once it is sent.
  #partial: Record<string, unknown> | undefined
  #input: Record<string, unknown> | undefined
  #outcome: { method: 'ui/notifications/tool-result' | 'ui/notifications/tool-cancelled'; params: Record<string, unknown> } | undefined
  #settle!: { resolve: () => void; reject: (error: Error) => void }

  readonly #requests: Record<string, Handler> = {
    'ui/initialize': (params) => this.#initialize(params),
    ping: () => ({}),
    'tools/call': (params) => this.#callTool(params),
    'resources/read': (params) => {
      if (!this.#options.readResource) throw new ViewError(CODE.MethodNotFound, 'Method not found: resources/read (this host does not read resources for views)')
      return this.#options.readResource(checkUri(params, 'resources/read', 'uri'))
    },
    'resources/list': (params) => {
      if (!this.#options.listResources) throw new ViewError(CODE.MethodNotFound, 'Method not found: resources/list (this host does not list resources for views)')
      if (params.cursor !== undefined && typeof params.cursor !== 'string') throw new ViewError(CODE.InvalidParams, 'resources/list: cursor must be a string')
      return this.#options.listResources(params.cursor as string | undefined)
    },
    'ui/open-link': (params) => this.#callback('onOpenLink', 'ui/open-link', () => ({ url: checkLink(params) })),
    'ui/message': (params) =>
      this.#callback('onMessage', 'ui/message', () => {
        const message = checkMessage(params)
        checkModalities('ui/message', Array.isArray(message.content) ? message.content : [message.content], false, this.#accepts('message'))
        return message
      }),
    'ui/update-model-context': (params) =>
      this.#callback('onUpdateModelContext', 'ui/update-model-context', () => {
        const context = checkModelContext(params)
        checkModalities('ui/update-model-context', context.content ?? [], context.structuredContent !== undefined, this.#accepts('updateModelContext'))
        return context
      }),
    'ui/request-display-mode': (params) => this.#displayMode(params),
    'sampling/createMessage': (params) => {
      if (!this.#options.onCreateMessage) throw new ViewError(CODE.MethodNotFound, 'Method not found: sampling/createMessage (this host does not offer sampling to views)')
      return this.#options.onCreateMessage(checkSampling(params))
    },
    'ui/download-file': async (params) => {
      if (!this.#options.onDownloadFile) throw new ViewError(CODE.MethodNotFound, 'Method not found: ui/download-file (this host does not offer it)')
      const outcome = await this.#options.onDownloadFile(checkDownload(params))
      return outcome?.isError ? { isError: true } : {}
    },
  }

  readonly #notifications: Record<string, Handler> = {
    'ui/notifications/initialized': () => this.#initialized(),
    'ui/notifications/size-changed': (params) => {
      const size = checkSize(params)
      if (!size) return this.#report(new Error('Dropped ui/notifications/size-changed: width and height must be non-negative numbers'))
      this.#options.onSizeChanged?.(size)
    },
    'notifications/message': (params) => {
      const log = checkLog(params)
      if (!log) return this.#report(new Error('Dropped notifications/message: level must be a logging level'))
      this.#options.onLog?.(log)
    },
    'ui/notifications/request-teardown': () => this.#options.onRequestTeardown?.(),
  }

  constructor(options: AppBridgeOptions) {
    this.#options = options
    this.#context = { ...options.hostContext }
    this.initialized = new Promise((resolve, reject) => (this.#settle = { resolve, reject }))
    // Nobody may await it (a host that never asks); a teardown before initialization must not surface as an unhandled rejection.
    this.initialized.catch(() => {})
  }

  /** The view's `appInfo`, `appCapabilities` and `protocolVersion` from its `ui/initialize`, once it sent one. */
  get app(): McpUiInitializeParams | undefined {
    return this.#app
  }

  /** The host context as the view knows it (the initial one, with every `setHostContext` merged in). */
  get hostContext(): McpUiHostContext {
    return { ...this.#context }
  }

  /**
   * Handles one message from the view (a web page passes each `event.data` from the view's window).
   * Never throws; answers go out through `post`.
   */
  receive(message: unknown): void {
    if (this.#closed) return
    try {
      this.#receive(message)
    } catch (error) {
      this.#report(error)
    }
  }

  /**
   * Sends the complete arguments of the tool call (`ui/notifications/tool-input`), now or as soon as
   * the view is initialized. Partial arguments sent after it are ignored.
   */
  sendToolInput(args: Record<string, unknown>): void {
    this.#input = args
    this.#partial = undefined
    this.#send('ui/notifications/tool-input', { arguments: args })
  }

  /**
   * Sends arguments still streaming from the model (`ui/notifications/tool-input-partial`). Before
   * the view is initialized only the latest is kept; once the complete input is sent, none is.
   */
  sendToolInputPartial(args: Record<string, unknown>): void {
    if (this.#input !== undefined) return
    this.#partial = args
    this.#send('ui/notifications/tool-input-partial', { arguments: args })
  }

  /** Sends the tool call's result (`ui/notifications/tool-result`), now or once the view is initialized. */
  sendToolResult(result: CallToolResult): void {
    this.#outcome = { method: 'ui/notifications/tool-result', params: result as unknown as Record<string, unknown> }
    this.#send(this.#outcome.method, this.#outcome.params)
  }

  /** Tells the view the tool call was cancelled (`ui/notifications/tool-cancelled`), now or once it is initialized. */
  sendToolCancelled(reason?: string): void {
    this.#outcome = { method: 'ui/notifications/tool-cancelled', params: reason === undefined ? {} : { reason } }
    this.#send(this.#outcome.method, this.#outcome.params)
  }

  /**
   * Merges `changes` into the host context and tells an initialized view
   * (`ui/notifications/host-context-changed`, with the changed fields only); before that, the
   * `ui/initialize` answer carries them.
   */
  setHostContext(changes: Partial<McpUiHostContext>): void {
    this.#context = { ...this.#context, ...changes }
    if (this.#ready && !this.#teardown) this.#post({ jsonrpc: '2.0', method: 'ui/notifications/host-context-changed', params: changes })
  }

  /**
   * Asks the view to wind down (`ui/resource-teardown`) and resolves once it answered, or after
   * `teardownTimeoutMs` — the host removes the iframe either way. At once if the view never
   * initialized (the spec sends it nothing before). Until then the view's requests are still served
   * (it may save its state: the spec's reason to wait); the host sends nothing more, and afterwards
   * the bridge ignores the view. Calling it again returns the same promise.
   */
  teardown(reason = 'The host closed the view'): Promise<void> {
    this.#teardown ??= (async () => {
      this.#settle.reject(new Error('The view was torn down before it initialized'))
      if (!this.#ready) return
      const id = this.#nextId++
      let timer: ReturnType<typeof setTimeout> | undefined
      await new Promise<void>((resolve) => {
        this.#pending.set(id, () => resolve())
        timer = setTimeout(resolve, this.#options.teardownTimeoutMs ?? 3000)
        if (!this.#post({ jsonrpc: '2.0', id, method: 'ui/resource-teardown', params: { reason } })) resolve()
      })
      clearTimeout(timer)
      this.#pending.clear()
    })().finally(() => void (this.#closed = true))
    return this.#teardown
  }

  #receive(message: unknown): void {
    if (!isRecord(message)) return this.#reply(null, { error: { code: CODE.InvalidRequest, message: 'Invalid Request: a JSON-RPC message must be an object' } })
    const hasId = 'id' in message && message.id !== undefined
    const id = hasId ? this.#id(message.id) : undefined
    const fail = (code: number, text: string) => (hasId || !('method' in message) ? this.#reply(id ?? null, { error: { code, message: text } }) : this.#report(new Error(`Dropped a notification from the view: ${text}`)))
    if (message.jsonrpc !== '2.0') return fail(CODE.InvalidRequest, 'Invalid Request: "jsonrpc" must be "2.0"')
    if (hasId && id === undefined) return fail(CODE.InvalidRequest, `Invalid Request: "id" must be a string of at most ${MAX_ID_LENGTH} characters or a finite number`)
    if (!('method' in message)) {
      // A response: to our `ui/resource-teardown`; one to nothing we asked is dropped.
      if (id !== undefined) this.#pending.get(id)?.(message as unknown as JSONRPCMessage)
      return
    }
    const { method } = message
    if (typeof method !== 'string') return fail(CODE.InvalidRequest, 'Invalid Request: "method" must be a string')
    const params = message.params ?? {}
    if (!isRecord(params)) return fail(CODE.InvalidParams, `Invalid params of ${method}: "params" must be an object`)
    if (id === undefined) return this.#notify(method, params)
    void this.#request(id, method, params)
  }

  #id(value: unknown): RequestId | undefined {
    if (typeof value === 'string') return value.length <= MAX_ID_LENGTH ? value : undefined
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined
  }

  #notify(method: string, params: Record<string, unknown>): void {
    // Methods of the sandbox proxy (`ui/notifications/sandbox-*`) are the page's business, not the view's.
    if (!Object.hasOwn(this.#notifications, method)) return this.#report(new Error(`Dropped an unknown notification from the view: ${method}`))
    try {
      this.#notifications[method]!(params)
    } catch (error) {
      this.#report(error)
    }
  }

  async #request(id: RequestId, method: string, params: Record<string, unknown>): Promise<void> {
    let answer: { result: unknown } | { error: JSONRPCErrorObject }
    try {
      if (!Object.hasOwn(this.#requests, method)) throw new ViewError(CODE.MethodNotFound, `Method not found: ${method}`)
      if (!this.#app && method !== 'ui/initialize' && method !== 'ping') throw new ViewError(CODE.InvalidRequest, `Invalid Request: ${method} before ui/initialize`)
      const result = await this.#requests[method]!(params)
      answer = isRecord(result) ? { result } : { error: { code: CODE.InternalError, message: `The host gave no result object for ${method}` } }
    } catch (error) {
      answer = { error: errorObject(error) }
    }
    // The view asked before the teardown; the answer would reach a document on its way out.
    if (!this.#closed) this.#reply(id, answer)
  }

  #initialize(params: Record<string, unknown>): McpUiInitializeResult {
    this.#app = checkInitialize(params)
    // A view that initializes again (it reloaded) gets nothing until it says it is initialized again.
    this.#ready = false
    const { onOpenLink, onLog, onMessage, onUpdateModelContext, onDownloadFile, onCreateMessage, readResource, listResources, sandbox, tools } = this.#options
    const hostCapabilities: McpUiHostCapabilities = {
      ...(tools && { serverTools: {} }),
      ...((readResource || listResources) && { serverResources: {} }),
      ...(onOpenLink && { openLinks: {} }),
      ...(onLog && { logging: {} }),
      ...(sandbox && { sandbox }),
      ...(onMessage && { message: this.#accepts('message') }),
      ...(onUpdateModelContext && { updateModelContext: this.#accepts('updateModelContext') }),
      ...(onDownloadFile && { downloadFile: {} }),
      ...(onCreateMessage && { sampling: {} }),
    }
    // One revision exists; a view asking for another gets ours, as MCP's initialize does.
    return { protocolVersion: APPS_PROTOCOL_VERSION, hostInfo: this.#options.hostInfo, hostCapabilities, hostContext: { ...this.#context } }
  }

  #initialized(): void {
    if (!this.#app) return this.#report(new Error('Dropped ui/notifications/initialized: the view sent no ui/initialize'))
    if (this.#ready) return
    this.#ready = true
    this.#settle.resolve()
    if (this.#partial !== undefined) this.#send('ui/notifications/tool-input-partial', { arguments: this.#partial })
    if (this.#input !== undefined) this.#send('ui/notifications/tool-input', { arguments: this.#input })
    if (this.#outcome) this.#send(this.#outcome.method, this.#outcome.params)
  }

  async #callTool(params: Record<string, unknown>): Promise<CallToolResult> {
    const call = checkToolCall(params)
    const { tools } = this.#options
    const tool = typeof tools === 'function' ? await tools(call.name) : tools?.find((t) => t.name === call.name)
    if (!tool) throw new ViewError(CODE.InvalidParams, `Unknown tool: ${call.name}`)
    // The spec: "Host MUST reject tools/call requests from apps for tools that don't include 'app' in visibility".
    if (!visibleToApp(tool)) throw new ViewError(CODE.InvalidParams, `Tool ${call.name} is not callable by apps (its visibility excludes "app")`)
    return this.#options.callTool(call.name, call.arguments)
  }

  async #callback<K extends 'onOpenLink' | 'onMessage' | 'onUpdateModelContext'>(name: K, method: string, params: () => Parameters<NonNullable<AppBridgeOptions[K]>>[0]): Promise<Record<string, never>> {
    const callback = this.#options[name] as ((params: unknown) => void | Promise<void>) | undefined
    if (!callback) throw new ViewError(CODE.MethodNotFound, `Method not found: ${method} (this host does not offer it)`)
    await callback(params())
    return {}
  }

  #accepts(what: 'message' | 'updateModelContext'): McpUiSupportedContentBlockModalities {
    const accepted = this.#options.accepts?.[what]
    if (accepted) return accepted
    // A message has no structured content; a model context may.
    const { structuredContent: _, ...blocks } = ALL_MODALITIES
    return what === 'message' ? blocks : ALL_MODALITIES
  }

  async #displayMode(params: Record<string, unknown>): Promise<{ mode: McpUiDisplayMode }> {
    if (!isDisplayMode(params.mode)) throw new ViewError(CODE.InvalidParams, 'ui/request-display-mode: mode must be "inline", "fullscreen" or "pip"')
    const current = this.#context.displayMode ?? 'inline'
    const declared = this.#app?.appCapabilities.availableDisplayModes
    // The spec: the host "MUST NOT switch the View to a display mode that does not appear in its availableDisplayModes".
    if (!this.#options.onRequestDisplayMode || (Array.isArray(declared) && !declared.includes(params.mode))) return { mode: current }
    const mode = await this.#options.onRequestDisplayMode({ mode: params.mode })
    if (!isDisplayMode(mode)) throw new ViewError(CODE.InternalError, 'The host answered ui/request-display-mode with no display mode')
    if (mode !== current) this.setHostContext({ displayMode: mode })
    return { mode }
  }

  /** Sends a host notification if the view may get one now; else the replay on `initialized` sends it. */
  #send(method: string, params: Record<string, unknown>): void {
    if (this.#ready && !this.#teardown) this.#post({ jsonrpc: '2.0', method, params })
  }

  #reply(id: RequestId | null, answer: { result: unknown } | { error: JSONRPCErrorObject }): void {
    this.#post({ jsonrpc: '2.0', id, ...answer } as unknown as JSONRPCMessage)
  }

  #post(message: JSONRPCMessage): boolean {
    try {
      this.#options.post(message)
      return true
    } catch (error) {
      this.#report(error)
      return false
    }
  }

  #report(error: unknown): void {
    try {
      this.#options.onError?.(error instanceof Error ? error : new Error(String(error)))
    } catch {
      // A throwing error callback has nowhere left to report to; receive() must not throw.
    }
  }
}
