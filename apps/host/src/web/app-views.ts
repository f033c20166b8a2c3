import { randomBytes } from 'node:crypto'
import { allowFor, cspFor, RESOURCE_MIME_TYPE, sandboxFor, uiOf, visibleToApp, type McpUiResourceMeta } from '@plugboard/host/apps'
import { CreateMessageRequestParamsSchema, McpError, type CallToolResult, type ContentBlock, type Tool } from '@plugboard/protocol'
import type { HostEvent } from '../events.js'
import type { HostApp } from '../app.js'
import type { WebUi } from './web-ui.js'

/** What the page is told about views, in order: a view to show, then its call's result or its end without one. */
export type AppMessage =
  | {
      type: 'app'
      callId: string
      viewId: string
      /** Where the iframe loads the view from: this server, at a path only this view has. */
      src: string
      sandbox: string
      allow: string
      prefersBorder?: boolean
      server: string
      tool: Tool
      /** The view's server's tools, which the page's AppBridge checks a view's `tools/call` against. */
      tools: Tool[]
      arguments: Record<string, unknown>
    }
  | { type: 'app_result'; callId: string; result: CallToolResult }
  | { type: 'app_cancelled'; callId: string; reason: string }

/** Views kept for their iframes (a reload fetches the view again); older ones are dropped. */
const MAX_VIEWS = 50

interface View {
  server: string
  /** The tool whose view it is. */
  tool: string
  html?: string
  csp?: string
  /** Resolves once the page was told about the view (true), or that it could not be shown (false). */
  shown: Promise<boolean>
  result?: CallToolResult
}

type Call = { server: string; tool: string; name: string; arguments: Record<string, unknown> }

/**
 * MCP Apps (SEP-1865) for the web host: when an allowed tool call's tool links a `ui://` view,
 * reads the view from its server and tells the page to show it, then hands it the call's whole
 * result (or its end without one). Serves each view's document with the CSP the view declares, and
 * runs the view's `tools/call`s — only to its own server's tools visible to apps, and through the
 * host's consent rules like the model's calls.
 * @see https://github.com/modelcontextprotocol/ext-apps/blob/main/specification/2026-01-26/apps.mdx
 */
export class AppViews {
  readonly #app: HostApp
  readonly #ui: WebUi
  readonly #send: (message: AppMessage) => void
  readonly #views = new Map<string, View>()
  readonly #calls = new Map<string, Call>()
  /** Tool call id → view id. */
  readonly #viewOf = new Map<string, string>()
  readonly #off: () => void

  constructor(options: { app: HostApp; ui: WebUi; send: (message: AppMessage) => void }) {
    this.#app = options.app
    this.#ui = options.ui
    this.#send = options.send
    this.#off = options.ui.listen((message) => (message.type === 'event' ? this.#onEvent(message.event) : undefined))
    // The whole result, matched to its call by id; it comes just before the call's tool_result event.
    this.#app.onToolResult = (call, result) => {
      const view = this.#views.get(this.#viewOf.get(call.id) ?? '')
      if (view) view.result = result
    }
  }

  /** The document of view `id` and its Content-Security-Policy, once read from its server. */
  document(id: string): { html: string; csp: string } | undefined {
    const view = this.#views.get(id)
    return view?.html === undefined ? undefined : { html: view.html, csp: view.csp! }
  }

  /**
   * Runs a `tools/call` of view `id` (relayed by the page's AppBridge, which checked it too):
   * `body` is `{ name, arguments }`. Answers the HTTP status and body: the tool's result, a consent
   * refusal as an `isError` result, or an error with a JSON-RPC `code` for the view.
   */
  async call(id: string, body: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
    const view = this.#views.get(id)
    if (!view) return { status: 404, body: { error: 'No such view.', code: -32602 } }
    const { name, arguments: args = {} } = body
    if (typeof name !== 'string' || typeof args !== 'object' || args === null || Array.isArray(args)) return { status: 400, body: { error: 'Send { name, arguments }.', code: -32602 } }
    const tool = this.#app.catalog.serverTools(view.server).find((t) => t.name === name)
    if (!tool) return { status: 404, body: { error: `Unknown tool: ${name}`, code: -32602 } }
    // The spec: "Host MUST reject tools/call requests from apps for tools that don't include 'app' in visibility".
    if (!visibleToApp(tool)) return { status: 403, body: { error: `Tool ${name} is not callable by apps`, code: -32602 } }
    // Said first, so a consent dialog that follows reads as the view's request, not the model's.
    this.#ui.output(`The ${view.tool} view of ${view.server} asks to call ${name}.`)
    const outcome = await this.#app.consent.authorize({ server: view.server, tool: name, arguments: args as Record<string, unknown>, annotations: tool.annotations })
    this.#ui.output(`${name} (asked by the ${view.tool} view): ${outcome.allowed ? 'allowed' : 'denied'}, ${outcome.reason}.`)
    if (!outcome.allowed) return { status: 200, body: { result: outcome.result } }
    return this.#onServer(view, (client) => client.callTool({ name, arguments: args as Record<string, unknown> }))
  }

  /** Runs `request` with the client of `view`'s server: its result, or the server's error (with its JSON-RPC code) for the view. */
  async #onServer(view: View, request: (client: NonNullable<ReturnType<HostApp['manager']['client']>>) => Promise<unknown>): Promise<{ status: number; body: unknown }> {
    const client = this.#app.manager.client(view.server)
    if (!client) return { status: 503, body: { error: `${view.server} is not connected.`, code: -32000 } }
    try {
      return { status: 200, body: { result: await request(client) } }
    } catch (error) {
      return { status: 502, body: { error: (error as Error).message, code: error instanceof McpError ? error.code : -32000 } }
    }
  }

  /**
   * Reads a resource of view `id`'s own server for it (`resources/read`, relayed by the page's
   * AppBridge): `body` is `{ uri }`. The view and the resource come from the same server, so no
   * consent is asked; another server's resources are out of its reach.
   */
  async readResource(id: string, body: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
    const view = this.#views.get(id)
    if (!view) return { status: 404, body: { error: 'No such view.', code: -32602 } }
    const { uri } = body
    if (typeof uri !== 'string' || !URL.canParse(uri)) return { status: 400, body: { error: 'Send { uri } with an absolute URI.', code: -32602 } }
    return this.#onServer(view, (client) => client.readResource({ uri }))
  }

  /**
   * Answers view `id`'s `sampling/createMessage` with the host's model, through the same review as
   * its server's sampling (the server's rate limit, the request and the answer shown to the user).
   */
  async sample(id: string, body: Record<string, unknown>, signal: AbortSignal): Promise<{ status: number; body: unknown }> {
    const view = this.#views.get(id)
    if (!view) return { status: 404, body: { error: 'No such view.', code: -32602 } }
    const params = CreateMessageRequestParamsSchema.safeParse(body)
    if (!params.success) return { status: 400, body: { error: `Invalid sampling/createMessage params: ${params.error.message}`, code: -32602 } }
    try {
      return { status: 200, body: { result: await this.#app.sample(view.server, `${view.server} (its ${view.tool} view)`, params.data, signal) } }
    } catch (error) {
      // The user declined, the rate limit, the model failed: the view gets the error with its code.
      return { status: 422, body: { error: (error as Error).message, code: error instanceof McpError ? error.code : -32000 } }
    }
  }

  /** Lists the resources of view `id`'s own server for it (`resources/list`): `body` is `{ cursor? }`. */
  async listResources(id: string, body: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
    const view = this.#views.get(id)
    if (!view) return { status: 404, body: { error: 'No such view.', code: -32602 } }
    const { cursor } = body
    if (cursor !== undefined && typeof cursor !== 'string') return { status: 400, body: { error: 'cursor must be a string.', code: -32602 } }
    return this.#onServer(view, (client) => client.listResources(cursor === undefined ? {} : { cursor }))
  }

  /**
   * Takes view `id`'s `ui/update-model-context` (relayed by the page's AppBridge, which checked
   * its shape): `body` is `{ content?, structuredContent? }`, text only for content. The model gets
   * it with the next user message, replacing what the view said before.
   */
  updateModelContext(id: string, body: Record<string, unknown>): { status: number; body: unknown } {
    const view = this.#views.get(id)
    if (!view) return { status: 404, body: { error: 'No such view.', code: -32602 } }
    const { content, structuredContent } = body
    if (content !== undefined && !(Array.isArray(content) && content.every((b) => isRecord(b) && b.type === 'text' && typeof b.text === 'string'))) return { status: 400, body: { error: 'content must be an array of text blocks.', code: -32602 } }
    if (structuredContent !== undefined && !isRecord(structuredContent)) return { status: 400, body: { error: 'structuredContent must be an object.', code: -32602 } }
    this.#app.setModelContext(`view:${id}`, `The ${view.tool} view of ${view.server}`, { content: content as ContentBlock[] | undefined, structuredContent: structuredContent as Record<string, unknown> | undefined })
    return { status: 200, body: {} }
  }

  /** The page tore view `id` down: its document, its calls and what it told the model are forgotten. */
  closeView(id: string): { status: number; body: unknown } {
    if (!this.#views.delete(id)) return { status: 404, body: { error: 'No such view.' } }
    this.#app.setModelContext(`view:${id}`, '', undefined)
    return { status: 200, body: { closed: true } }
  }

  /** Stops following tool calls and forgets every view. */
  close(): void {
    this.#off()
    this.#app.onToolResult = undefined
    for (const id of this.#views.keys()) this.#app.setModelContext(`view:${id}`, '', undefined)
    this.#views.clear()
  }

  #onEvent(event: HostEvent): void {
    if (event.type === 'tool_call' && event.server !== undefined && event.tool !== undefined) {
      this.#calls.set(event.id, { server: event.server, tool: event.tool, name: event.name, arguments: event.arguments })
    } else if (event.type === 'consent' && event.allowed) {
      // Only an allowed call shows its view: a denied one never ran.
      const call = this.#calls.get(event.id)
      if (call) this.#show(event.id, call)
    } else if (event.type === 'tool_result') {
      this.#calls.delete(event.id)
      const view = this.#views.get(this.#viewOf.get(event.id) ?? '')
      this.#viewOf.delete(event.id)
      // The result goes after the view itself; a call that ended without one (cancelled, failed) tells the view so.
      void view?.shown.then((shown) => {
        if (!shown) return
        if (view.result) this.#send({ type: 'app_result', callId: event.id, result: view.result })
        else this.#send({ type: 'app_cancelled', callId: event.id, reason: event.text })
      })
    }
  }

  #show(callId: string, call: Call): void {
    const tools = this.#app.catalog.serverTools(call.server)
    const tool = tools.find((t) => t.name === call.tool)
    const uri = tool && uiOf(tool)?.resourceUri
    if (!tool || !uri) return
    const id = randomBytes(16).toString('base64url')
    let announce!: (shown: boolean) => void
    const view: View = { server: call.server, tool: call.tool, shown: new Promise((resolve) => (announce = resolve)) }
    this.#views.set(id, view)
    this.#viewOf.set(callId, id)
    for (const old of [...this.#views.keys()].slice(0, Math.max(0, this.#views.size - MAX_VIEWS))) this.closeView(old)
    this.#read(call.server, uri).then(
      ({ html, meta }) => {
        view.html = html
        // The view's own policy, plus the CSP sandbox: even opened on its own, the document gets an opaque origin.
        view.csp = `${cspFor(meta)}; sandbox allow-scripts allow-forms`
        const allow = allowFor(meta)
        this.#send({ type: 'app', callId, viewId: id, src: `/apps/${id}`, sandbox: sandboxFor(), allow, prefersBorder: meta?.prefersBorder, server: call.server, tool, tools, arguments: call.arguments })
        announce(true)
      },
      (error: Error) => {
        this.#ui.output(`The view of ${call.server}/${call.tool} (${uri}) cannot be shown: ${error.message}`)
        announce(false)
      },
    )
  }

  async #read(server: string, uri: string): Promise<{ html: string; meta?: McpUiResourceMeta }> {
    const client = this.#app.manager.client(server)
    if (!client) throw new Error(`${server} is not connected`)
    const { contents } = await client.readResource({ uri })
    const content = contents.find((c) => c.uri === uri) ?? contents[0]
    if (!content) throw new Error('the server sent no content')
    if (content.mimeType !== undefined && content.mimeType !== RESOURCE_MIME_TYPE && !content.mimeType.startsWith('text/html')) throw new Error(`its type is ${content.mimeType}, not HTML`)
    const { text, blob } = content as { text?: unknown; blob?: unknown }
    const html = typeof text === 'string' ? text : typeof blob === 'string' ? Buffer.from(blob, 'base64').toString('utf8') : undefined
    if (html === undefined) throw new Error('its content has neither text nor blob')
    // The content item's `_meta.ui` is the one the spec makes authoritative for the CSP.
    return { html, meta: (content._meta as { ui?: McpUiResourceMeta } | undefined)?.ui }
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
