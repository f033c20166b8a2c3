import {
  CallToolResultSchema,
  CreateTaskResultSchema,
  ErrorCode,
  McpError,
  type CallToolRequestParams,
  type CallToolResult,
  type ListToolsResult,
  type PaginatedRequestParams,
  type RequestOptions,
  type Session,
  type Tool,
} from '@plugboard/protocol'
import type { ValidateFunction } from 'ajv/dist/2020.js'
import type { CacheableRequestOptions, ClientCache } from '../cache.js'
import type { ClientEvents, Emitter } from '../events.js'
import { compileJsonSchema, describeErrors } from '../json-schema.js'
import { paginate } from '../pagination.js'
import { ToolTask, declaresTasks, experimentalTaskSupport, taskOf, type TaskOptions } from './tasks.js'
import { headerParams, headerPaths, type HeaderPaths } from './tool-headers.js'

interface KnownTool {
  readonly tool: Tool
  /** Its `x-mcp-header` annotations: the arguments a call mirrors into HTTP headers. */
  readonly headers: HeaderPaths
  /** Compiled on the tool's first call, then reused until the tool list changes. */
  validate?: ValidateFunction
}

// What a 2025-11-25 tools/call with `params.task` is answered with: the task, or the result of a server that ran it at once.
const TASK_OR_RESULT = CreateTaskResultSchema.or(CallToolResultSchema)

/**
 * Calling the server's tools: `tools/list` pages (remembered), and `tools/call` with the result's
 * `structuredContent` checked against the tool's `outputSchema`, and the arguments its
 * `inputSchema` marks with `x-mcp-header` passed to the transport as `headerParams` (Streamable
 * HTTP mirrors them as `Mcp-Param-*` headers). A listed tool whose `x-mcp-header` annotations break
 * the spec's rules is left out of `tools/list`, with an `error` event saying why.
 *
 * The remembered list is dropped on close and on `notifications/tools/list_changed` (which then
 * becomes the `toolListChanged` event). A call to a tool not remembered fetches the whole list
 * once; a tool still absent after that is called without output validation.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/server/tools#output-schema
 */
export class Tools {
  readonly #session: Session
  readonly #cache: ClientCache
  readonly #events: Emitter<ClientEvents>
  readonly #known = new Map<string, KnownTool>()
  /** Whether `#known` holds the full list, so a missing name is really missing. */
  #complete = false
  #listing: Promise<void> | undefined
  /** Bumped by `invalidate`, so a listing that was in flight across it is not remembered. */
  #generation = 0

  constructor(session: Session, events: Emitter<ClientEvents>, cache: ClientCache) {
    this.#session = session
    this.#cache = cache
    this.#events = events
    session.setNotificationHandler('notifications/tools/list_changed', (params) => {
      this.invalidate()
      cache.invalidate('tools/list')
      events.emit('toolListChanged', params)
    })
  }

  /** One page of `tools/list` (from the cache while fresh); its tools are remembered for calls. */
  async list(params?: PaginatedRequestParams, options?: CacheableRequestOptions): Promise<ListToolsResult> {
    const generation = this.#generation
    const result = await this.#cache.request('tools/list', params, options)
    const tools: Tool[] = []
    for (const tool of result.tools) {
      const headers = headerPaths(tool)
      if ('invalid' in headers) {
        this.#events.emit('error', new McpError(ErrorCode.InvalidParams, `Tool ${tool.name} left out of tools/list: ${headers.invalid}`, { tool: tool.name }))
        continue
      }
      tools.push(tool)
      if (generation === this.#generation) this.#remember(tool, headers.paths)
    }
    return tools.length === result.tools.length ? result : { ...result, tools }
  }

  #remember(tool: Tool, headers: HeaderPaths): void {
    const old = this.#known.get(tool.name)
    const known: KnownTool = { tool, headers }
    // Listing again must not cost a recompile: keep the validator while the schema is unchanged.
    if (old?.validate && JSON.stringify(old.tool.outputSchema) === JSON.stringify(tool.outputSchema)) known.validate = old.validate
    this.#known.set(tool.name, known)
  }

  /** Forgets the remembered tools and their validators (the server's list changed). */
  invalidate(): void {
    this.#known.clear()
    this.#complete = false
    this.#listing = undefined
    this.#generation++
  }

  /**
   * Calls a tool. A result that does not fit the tool's `outputSchema` — `structuredContent`
   * missing (and not `isError`) or invalid — rejects with McpError(InvalidParams), whose
   * `data.result` still holds the result as received. A task the server answers with is waited for.
   */
  async call(params: CallToolRequestParams, options?: RequestOptions): Promise<CallToolResult> {
    // Gate before listing: a server without tools must reject locally, with nothing sent.
    this.#session.assertCanSend('tools/call')
    // Known (or known absent) in the common case: no await, so no microtask, before the request goes out.
    const known = this.#known.get(params.name) ?? (this.#complete ? undefined : await this.#lookup(params.name, options))
    // 2025-11-25: "If taskSupport is "required", clients MUST invoke the tool as a task."
    const asTask = params.task === undefined && experimentalTaskSupport(this.#session, known?.tool) === 'required'
    const result = await this.#send(asTask ? { ...params, task: {} } : params, known, options)
    const task = taskOf(result)
    // A server may answer a client that declared Tasks with a task for any call: wait for its end here.
    if (task) return new ToolTask(this.#session, { task }, options, this.#checker(params.name, known)).result()
    this.#checker(params.name, known)?.(result as CallToolResult)
    return result as CallToolResult
  }

  /**
   * Calls a tool and hands back its task — asked for with `params.task` where the server has
   * 2025-11-25 tasks for tool calls and the tool allows it, else left to the server (SEP-2663) — or an
   * already-settled handle when the server answered at once.
   */
  async start(params: CallToolRequestParams, options?: RequestOptions & TaskOptions): Promise<ToolTask> {
    this.#session.assertCanSend('tools/call')
    const known = await this.#lookup(params.name, options)
    const ttl = options?.ttlMs
    const asTask = params.task === undefined && experimentalTaskSupport(this.#session, known?.tool) !== 'forbidden'
    const result = await this.#send(asTask ? { ...params, task: ttl === undefined ? {} : { ttl } } : params, known, options)
    const task = taskOf(result)
    return new ToolTask(this.#session, task ? { task } : { result: result as CallToolResult }, options, this.#checker(params.name, known))
  }

  async #send(params: CallToolRequestParams, known: KnownTool | undefined, options?: RequestOptions): Promise<Record<string, unknown>> {
    const headers = known && headerParams(known.headers, params.arguments)
    const requestOptions = !headers && params.task === undefined ? options : { ...options, ...(headers ? { headerParams: headers } : {}), ...(params.task === undefined ? {} : { resultSchema: TASK_OR_RESULT }) }
    const result = (await this.#session.request('tools/call', params, requestOptions)) as Record<string, unknown>
    // "A CreateTaskResult for a request that did not declare the extension is an invalid response."
    if (result.resultType !== undefined && !(result.resultType === 'task' && declaresTasks(this.#session))) {
      throw new McpError(ErrorCode.InternalError, `Server answered tools/call with a resultType this client did not ask for: ${JSON.stringify(result.resultType)}`)
    }
    return result
  }

  /** The check of `name`'s results against its `outputSchema`, if it declares one; `isError` results pass. */
  #checker(name: string, known: KnownTool | undefined): ((result: CallToolResult) => void) | undefined {
    if (!known?.tool.outputSchema) return undefined
    return (result) => {
      if (!result.isError) this.#check(name, known, result)
    }
  }

  #check(name: string, known: KnownTool, result: CallToolResult): void {
    if (result.structuredContent === undefined) {
      throw new McpError(ErrorCode.InvalidParams, `Tool ${name} declares an outputSchema but its result has no structuredContent`, { tool: name, result })
    }
    let validate = known.validate
    if (!validate) {
      try {
        validate = known.validate = compileJsonSchema(known.tool.outputSchema as Record<string, unknown>)
      } catch (error) {
        throw new McpError(ErrorCode.InvalidParams, `Tool ${name} declares an outputSchema that cannot be compiled: ${(error as Error).message}`, { tool: name, result })
      }
    }
    if (!validate(result.structuredContent)) {
      const errors = validate.errors ?? []
      throw new McpError(ErrorCode.InvalidParams, `structuredContent of tool ${name} does not match its outputSchema: ${describeErrors(errors)}`, { tool: name, errors, result })
    }
  }

  async #lookup(name: string, options?: RequestOptions): Promise<KnownTool | undefined> {
    const known = this.#known.get(name)
    if (known || this.#complete) return known
    // Concurrent calls share one listing, run under the signal and timeout of the call that started it.
    const shared = this.#listing
    try {
      await (shared ?? this.#startListing(options))
    } catch (error) {
      // The caller that started the shared listing aborted it; that is no reason for this call to fail.
      if (shared && error instanceof McpError && error.code === ErrorCode.RequestCancelled && !options?.signal?.aborted) return this.#lookup(name, options)
      throw error
    }
    return this.#known.get(name)
  }

  #startListing(options?: RequestOptions): Promise<void> {
    const listing = this.#listAll({ signal: options?.signal, timeout: options?.timeout })
    this.#listing = listing
    const clear = () => {
      if (this.#listing === listing) this.#listing = undefined
    }
    listing.then(clear, clear)
    return listing
  }

  async #listAll(options: RequestOptions): Promise<void> {
    const generation = this.#generation
    const pages = paginate<Tool>((cursor) => this.list(cursor === undefined ? undefined : { cursor }, options), 'tools')
    while (!(await pages.next()).done);
    if (generation === this.#generation) this.#complete = true
  }
}
