import {
  ErrorCode,
  MODERN_PROTOCOL_VERSIONS,
  McpError,
  RELATED_TASK_META_KEY,
  TASKS_EXTENSION_ID,
  TaskEndedError,
  hasCapability,
  methodEntry,
  type MiddlewareCall,
  type RequestContext,
  type RequestEntry,
  type RequestOptions,
  type Session,
  type TaskEndReason,
} from '@plugboard/protocol'
import type { ServerContext } from '../context.js'
import { clientExtension, type ExtensionHost, type ServerExtension } from '../extensions.js'
import { claimListen, type ListenSend } from '../features/subscriptions.js'
import { EXPERIMENTAL_TASKS_VERSION, cancelTask, experimentalCapability, experimentalTtl, experimentalWire, getTask, listTasks, notifyStatus, taskResult, type ExperimentalParts } from './experimental.js'
import { isFinal, memoryTaskStore, type InputRequest, type StoredTask, type TaskStore } from './task-store.js'

/** Options of {@link tasks}. */
export interface TasksOptions {
  /** Where tasks live; default {@link memoryTaskStore}. */
  store?: TaskStore
  /** How long a task stays readable after it was created, in ms; `null` for ever. Default one hour. */
  ttlMs?: number | null
  /** How often clients should poll `tasks/get`, in ms. Default 1000. */
  pollIntervalMs?: number
  /** Errors with no one to answer: a store that failed to save a task, a handler that crashed inside one. */
  onerror?: (error: Error) => void
}

/** `requiredCapabilities` of the -32021 answered to a client that did not declare the extension. */
const REQUIRED = { extensions: { [TASKS_EXTENSION_ID]: {} } }
const KIND: Record<string, string> = { 'elicitation/create': 'elicit', 'sampling/createMessage': 'sample', 'roots/list': 'roots' }
// Failures of the task's own calls: the tool's error to report, not a JSON-RPC error of the task.
const LOCAL_CODES = new Set<number>([ErrorCode.ConnectionClosed, ErrorCode.RequestTimeout, ErrorCode.RequestCancelled, ErrorCode.CapabilityNotSupported])
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Calls that may become tasks, by the signal their handler's `ctx` carries (the task's own). */
const candidates = new WeakMap<AbortSignal, TaskRun>()

/**
 * Makes the tool call being handled a task, now: the client gets a `CreateTaskResult` at once, and
 * the handler goes on in the background — `ctx.signal` fires on `tasks/cancel`, expiry or
 * `server.close()` (never because the request's connection closed), its reason a `TaskEndedError`
 * whose `reason` says which (`cancelled`, `expired`, `closed`), and `ctx.elicit`/`sample`/`listRoots` park the task in
 * `input_required` until the client answers with `tasks/update`. Asks made before it are ordinary
 * 2026-07-28 multi round-trip rounds. Resolves once the task is stored.
 *
 * A no-op (the call simply goes on synchronously) unless the tool declared
 * `execution: { taskSupport: 'optional' | 'required' }`, the {@link tasks} extension is installed,
 * and the request declared the extension — the server alone decides which calls become tasks.
 * @example
 * server.registerTool('render', { execution: { taskSupport: 'optional' } }, async (args, ctx) => {
 *   await startTask(ctx)
 *   return { content: [{ type: 'text', text: await render(args, ctx.signal) }] }
 * })
 */
export function startTask(ctx: Pick<ServerContext, 'signal'>, options: { statusMessage?: string } = {}): Promise<void> {
  return candidates.get(ctx.signal)?.start(options.statusMessage) ?? Promise.resolve()
}

/** Whether the request declared the tasks extension, in a revision it exists in (2026-07-28 on: before, it "does not apply"). */
function declares(ctx: Pick<ServerContext, 'client' | 'protocolVersion'>): boolean {
  return (MODERN_PROTOCOL_VERSIONS as readonly string[]).includes(ctx.protocolVersion ?? '') && clientExtension(ctx, TASKS_EXTENSION_ID) !== undefined
}

/** Whether the request came on a connection that negotiated 2025-11-25, whose experimental tasks this extension serves too. */
const experimental = (ctx: { protocolVersion?: string | undefined }): boolean => ctx.protocolVersion === EXPERIMENTAL_TASKS_VERSION

/**
 * `initialize` that negotiated 2025-11-25: the server declares `capabilities.tasks` on that
 * connection (its answer, and what the connection holds inbound task requests to). Other revisions
 * do not have it.
 */
function declareExperimental(connection: Session, result: Record<string, unknown>, store: TaskStore): Record<string, unknown> {
  if (result.protocolVersion !== EXPERIMENTAL_TASKS_VERSION) return result
  const capabilities = { ...(result.capabilities as Record<string, unknown> | undefined), tasks: experimentalCapability(store) }
  connection.state.localCapabilities = capabilities
  return { ...result, capabilities }
}

/** Whether this server declared 2025-11-25 tasks where the request came (an initialized 2025-11-25 connection). */
const declaredExperimental = (ctx: RequestContext): boolean => experimental(ctx) && hasCapability(ctx.scope.localCapabilities, 'tasks.requests.tools.call')

/**
 * `execution` of `tools/list`, where it means something: a 2025-11-25 connection this server declared
 * `tasks` on. 2026-07-28's `Tool` has no such field — the extension lets the server decide per
 * call — and earlier revisions never had it.
 */
function showExecution(result: Record<string, unknown>, ctx: RequestContext): Record<string, unknown> {
  if (declaredExperimental(ctx) || !Array.isArray(result.tools)) return result
  if (!(result.tools as Record<string, unknown>[]).some((tool) => 'execution' in tool)) return result
  return { ...result, tools: (result.tools as Record<string, unknown>[]).map(({ execution: _, ...tool }) => tool) }
}

const missingCapability = (what: string) => new McpError(ErrorCode.MissingRequiredClientCapability, `Missing required client capability: ${what} needs the ${TASKS_EXTENSION_ID} extension`, { requiredCapabilities: REQUIRED })

/** Who may see a task: the OAuth client, else a digest of the token; nobody in particular when unauthenticated. */
async function principalOf(auth: { token: string; clientId?: string } | undefined): Promise<string | undefined> {
  if (!auth) return undefined
  if (auth.clientId) return `client:${auth.clientId}`
  const hash = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(auth.token))
  return `token:${Array.from(new Uint8Array(hash), (b) => b.toString(16).padStart(2, '0')).join('')}`
}

/** A task as it goes on the wire: only the fields its status allows, never its owner. */
function wire(task: StoredTask, detailed: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { taskId: task.taskId, status: task.status, createdAt: task.createdAt, lastUpdatedAt: task.lastUpdatedAt, ttlMs: task.ttlMs }
  if (task.statusMessage !== undefined) out.statusMessage = task.statusMessage
  if (task.pollIntervalMs !== undefined) out.pollIntervalMs = task.pollIntervalMs
  if (!detailed) return out
  if (task.status === 'input_required') out.inputRequests = task.inputRequests ?? {}
  if (task.status === 'completed') out.result = task.result ?? { content: [] }
  if (task.status === 'failed') out.error = task.error ?? { code: ErrorCode.InternalError, message: 'Internal error' }
  return out
}

interface Waiter {
  entry: RequestEntry
  resolve(result: Record<string, unknown>): void
  reject(error: unknown): void
}

/** One call that may become a task, and, once it is one, the task's live side: its signal, its waiting asks. */
class TaskRun {
  readonly controller = new AbortController()
  task: StoredTask | undefined
  readonly #waiters = new Map<string, Waiter>()
  #starting: Promise<void> | undefined
  #started!: (task: StoredTask) => void
  readonly started = new Promise<StoredTask>((resolve) => (this.#started = resolve))
  #writes: Promise<void> = Promise.resolve()
  #asks = 0
  /** 2025-11-25: asks sent and not answered yet; the task is `input_required` while there are some. */
  #waiting = 0
  #expiry: ReturnType<typeof setTimeout> | undefined
  readonly #unlink: () => void
  #ended!: () => void
  /** Resolves once the task reached a final status (or expired): what a 2025-11-25 `tasks/result` waits for. */
  readonly ended = new Promise<void>((resolve) => (this.#ended = resolve))

  /**
   * `experimental`: a 2025-11-25 task (the client asked with `params.task`), whose asks go to the
   * client as requests on its connection and whose changes are sent as `notifications/tasks/status`.
   */
  constructor(
    readonly tasks: TasksRuntime,
    readonly request: RequestContext,
    readonly experimental?: { ttlMs: number | null },
  ) {
    // Until it is a task, the call is cancelled with its request; after, only by tasks/cancel.
    const onAbort = () => this.controller.abort(request.signal.reason)
    request.signal.addEventListener('abort', onAbort, { once: true })
    this.#unlink = () => request.signal.removeEventListener('abort', onAbort)
    candidates.set(this.controller.signal, this)
  }

  /** The context the handler runs with: the task's signal; its asks and notifications follow the task once it exists. */
  context(): RequestContext {
    const run = this
    const base = this.request
    if (this.experimental) {
      return Object.create(base, {
        signal: { get: () => run.controller.signal },
        sendRequest: { value: (method: string, params: Record<string, unknown>, options?: RequestOptions) => run.askOnConnection(method, params, options) },
      }) as RequestContext
    }
    return Object.create(base, {
      signal: { get: () => run.controller.signal },
      sendRequest: { value: (method: string, params: Record<string, unknown>, options?: RequestOptions) => (run.task ? run.ask(method, params, options) : base.sendRequest(method as never, params as never, options)) },
      // A task has no stream to carry progress or logs once its request is answered (SEP-2663): dropped.
      sendNotification: { value: (method: string, params: unknown) => (run.task ? Promise.resolve() : base.sendNotification(method as never, params as never)) },
      sendProgress: { value: (progress: number, total?: number, message?: string) => (run.task ? Promise.resolve() : base.sendProgress(progress, total, message)) },
    }) as RequestContext
  }

  start(statusMessage?: string): Promise<void> {
    return (this.#starting ??= this.#create(statusMessage))
  }

  async #create(statusMessage: string | undefined): Promise<void> {
    const { pollIntervalMs, store } = this.tasks
    const ttlMs = this.experimental ? this.experimental.ttlMs : this.tasks.ttlMs
    const now = new Date().toISOString()
    const task: StoredTask = { taskId: crypto.randomUUID(), status: 'working', createdAt: now, lastUpdatedAt: now, ttlMs, pollIntervalMs }
    if (statusMessage !== undefined) task.statusMessage = statusMessage
    const owner = await principalOf(this.request.authInfo)
    if (owner !== undefined) task.owner = owner
    // "MUST NOT return CreateTaskResult until the task is durably created."
    await store.create(task)
    this.#unlink()
    this.task = task
    this.tasks.live.set(task.taskId, this)
    if (ttlMs !== null) {
      this.#expiry = setTimeout(() => this.#expire(), ttlMs)
      ;(this.#expiry as { unref?: () => void }).unref?.()
    }
    this.#started(task)
  }

  /** Ends a call that never became a task. */
  dispose(): void {
    this.#unlink()
    candidates.delete(this.controller.signal)
  }

  /** Writes the task, in order with earlier writes; resolves when it is stored. */
  #save(change: (task: StoredTask) => void): Promise<void> {
    const task = this.task!
    change(task)
    task.lastUpdatedAt = new Date().toISOString()
    const snapshot = structuredClone(task)
    this.tasks.publish(snapshot)
    if (this.experimental) notifyStatus(this.request.connection, snapshot, this.tasks.report)
    return (this.#writes = this.#writes.then(() => this.tasks.store.put(snapshot)).catch((error) => this.tasks.report(error)))
  }

  /** An ask of the running task: listed in `inputRequests` until `tasks/update` answers it. */
  async ask(method: string, params: Record<string, unknown>, options: RequestOptions & { inputKey?: string } = {}): Promise<Record<string, unknown>> {
    const entry = methodEntry(method) as RequestEntry | undefined
    const kind = KIND[method]
    if (!entry || !kind) throw new McpError(ErrorCode.InternalError, `${method} cannot be asked of a client inside a task`)
    // "Servers MUST NOT send an inputRequests that the client has not declared support for."
    for (const path of [entry.capability, options.requiredCapability]) {
      if (path && !hasCapability(this.request.peer.capabilities, path)) throw new McpError(ErrorCode.CapabilityNotSupported, `Client did not declare the ${path} capability needed for ${method}`, { capability: path })
    }
    const task = this.task!
    if (isFinal(task.status) || this.controller.signal.aborted) throw new McpError(ErrorCode.RequestCancelled, `Task ${task.taskId} was cancelled`)
    // Keys are never reused over the task's life.
    let key = options.inputKey ?? `${kind}-${this.#asks}`
    this.#asks++
    while (this.#waiters.has(key) || task.inputRequests?.[key]) key = `${key}-${this.#asks++}`
    const answer = new Promise<Record<string, unknown>>((resolve, reject) => this.#waiters.set(key, { entry, resolve, reject }))
    await this.#save((t) => {
      t.inputRequests = { ...t.inputRequests, [key]: { method, params } satisfies InputRequest }
      t.status = 'input_required'
    })
    return answer
  }

  /**
   * An ask of a running 2025-11-25 task: a request to the client on the task's connection (not on
   * the answered `tools/call`'s stream), tagged with the task, the task `input_required` meanwhile.
   */
  async askOnConnection(method: string, params: Record<string, unknown>, options: RequestOptions = {}): Promise<Record<string, unknown>> {
    const task = this.task
    const connection = this.request.connection
    if (!task) return this.request.sendRequest(method as never, params as never, options) as Promise<Record<string, unknown>>
    if (!connection) throw new McpError(ErrorCode.CapabilityNotSupported, `Cannot send ${method}: the task's request came with no connection to ask on`)
    if (isFinal(task.status) || this.controller.signal.aborted) throw new McpError(ErrorCode.RequestCancelled, `Task ${task.taskId} was cancelled`)
    const meta = { ...(params._meta as Record<string, unknown> | undefined), [RELATED_TASK_META_KEY]: { taskId: task.taskId } }
    this.#waiting++
    await this.#save((t) => void (t.status = 'input_required'))
    try {
      return (await connection.request(method as never, { ...params, _meta: meta } as never, { ...options, signal: options.signal ?? this.controller.signal })) as Record<string, unknown>
    } finally {
      if (--this.#waiting === 0 && task.status === 'input_required') await this.#save((t) => void (t.status = 'working'))
    }
  }

  /**
   * Applies the client's answers before acknowledging them, so the next `tasks/get` already shows
   * what is still outstanding. Keys not outstanding are ignored, as SEP-2663 asks.
   */
  async answer(responses: Record<string, unknown>): Promise<void> {
    const answers = new Map<string, Record<string, unknown>>()
    for (const [key, response] of Object.entries(responses)) {
      const waiter = this.#waiters.get(key)
      if (!waiter) continue
      const parsed = waiter.entry.result.safeParse(response)
      if (!parsed.success) throw new McpError(ErrorCode.InvalidParams, `Invalid inputResponses.${key}: ${parsed.error.message}`, { key })
      answers.set(key, parsed.data as Record<string, unknown>)
    }
    if (answers.size === 0) return
    const saved = this.#save((t) => {
      const left = Object.fromEntries(Object.entries(t.inputRequests ?? {}).filter(([key]) => !answers.has(key)))
      if (Object.keys(left).length === 0) {
        delete t.inputRequests
        if (t.status === 'input_required') t.status = 'working'
      } else t.inputRequests = left
    })
    // The record changed first: whatever the handler does next is written after it.
    for (const [key, result] of answers) {
      this.#waiters.get(key)!.resolve(result)
      this.#waiters.delete(key)
    }
    await saved
  }

  /** The handler returned: the task completed with its result (a tool error included). */
  complete(result: Record<string, unknown>): Promise<void> {
    return this.#finish('completed', (t) => {
      const { resultType: _, ...rest } = result
      t.status = 'completed'
      t.result = rest
    })
  }

  /** The handler threw: a JSON-RPC error makes the task `failed`. */
  fail(thrown: unknown): Promise<void> {
    return this.#finish('failed', (t) => {
      const error = thrown instanceof McpError && !LOCAL_CODES.has(thrown.code) ? thrown : new McpError(ErrorCode.InternalError, 'Internal error')
      if (!(thrown instanceof McpError)) this.tasks.report(thrown instanceof Error ? thrown : new Error(String(thrown)))
      t.status = 'failed'
      t.error = { code: error.code, message: error.message, ...(error.data === undefined ? {} : { data: error.data }) }
      t.statusMessage = error.message
    })
  }

  /** `tasks/cancel`: the task is `cancelled` at once, and its handler is told through `ctx.signal`. */
  cancel(): Promise<void> {
    return this.#finish('cancelled', (t) => {
      t.status = 'cancelled'
    })
  }

  /**
   * The server is closing: the task is `cancelled`, saying why, and its handler is stopped. A store
   * that outlives the process (a database) so shows a final task, not one `working` for ever.
   */
  stop(): Promise<void> {
    return this.#finish('closed', (t) => {
      t.status = 'cancelled'
      t.statusMessage = 'The server closed before the task finished'
    })
  }

  #finish(why: TaskEndReason, change: (task: StoredTask) => void): Promise<void> {
    const task = this.task!
    if (isFinal(task.status)) return this.#writes
    const done = this.#save((t) => {
      change(t)
      delete t.inputRequests
    })
    this.#end(new TaskEndedError(task.taskId, why))
    return done
  }

  #end(reason: TaskEndedError): void {
    clearTimeout(this.#expiry)
    this.#ended()
    this.tasks.live.delete(this.task!.taskId)
    candidates.delete(this.controller.signal)
    for (const waiter of this.#waiters.values()) waiter.reject(reason)
    this.#waiters.clear()
    this.controller.abort(reason)
  }

  #expire(): void {
    const task = this.task!
    this.#end(new TaskEndedError(task.taskId, 'expired'))
    this.#writes = this.#writes.then(() => this.tasks.store.delete(task.taskId)).catch((error) => this.tasks.report(error))
  }
}

/** What the extension's methods and middleware share. */
interface TasksRuntime {
  readonly store: TaskStore
  readonly ttlMs: number | null
  readonly pollIntervalMs: number
  /** Running tasks of this process, by id. */
  readonly live: Map<string, TaskRun>
  /** Listen streams that asked for `notifications/tasks` of a task, by task id. */
  readonly watchers: Map<string, Set<ListenSend>>
  /** Sends the task, as `tasks/get` now answers it, to every listen stream that agreed to it. */
  publish(task: StoredTask): void
  report(error: unknown): void
}

/**
 * The MCP Tasks extension (SEP-2663, `io.modelcontextprotocol/tasks`), server side: a `tools/call`
 * that declared the extension may be answered with a task — `resultType: "task"` — which the client
 * polls with `tasks/get`, feeds with `tasks/update` and stops with `tasks/cancel`. A tool opts in
 * with `execution: { taskSupport: 'optional' | 'required' }` and its handler calls
 * {@link startTask}; a `required` tool called without the extension is refused with -32021.
 * Tasks outlive the connection that started them, and are visible only to the principal that made them.
 * @see https://github.com/modelcontextprotocol/ext-tasks/blob/main/specification/draft/tasks.md
 * @example
 * const server = new McpServer({ name: 'jobs', version: '1.0.0' }, { extensions: [tasks()] })
 */
export function tasks(options: TasksOptions = {}): ServerExtension {
  const ttlMs = options.ttlMs === undefined ? 3_600_000 : options.ttlMs
  if (ttlMs !== null && (!Number.isInteger(ttlMs) || ttlMs < 1)) throw new RangeError(`ttlMs must be a positive integer or null, got ${ttlMs}`)
  const pollIntervalMs = options.pollIntervalMs ?? 1000
  if (!Number.isInteger(pollIntervalMs) || pollIntervalMs < 1) throw new RangeError(`pollIntervalMs must be a positive integer, got ${pollIntervalMs}`)
  let host: ExtensionHost | undefined
  const report = (error: unknown) => options.onerror?.(error instanceof Error ? error : new Error(String(error)))
  const watchers = new Map<string, Set<ListenSend>>()
  const publish = (task: StoredTask) => {
    const sends = watchers.get(task.taskId)
    if (!sends) return
    const params = wire(task, true)
    for (const send of sends) send('notifications/tasks', params).catch(report)
  }
  const runtime: TasksRuntime = { store: options.store ?? memoryTaskStore(), ttlMs, pollIntervalMs, live: new Map(), watchers, publish, report }

  /** Stops every running task of this process: handlers aborted (reason `closed`), expiry timers cleared, final states written. */
  async function stopAll(): Promise<void> {
    await Promise.all([...runtime.live.values()].map((run) => run.stop()))
  }

  /**
   * `notifications.taskIds` of a `subscriptions/listen` (SEP-2663 status notifications): -32021
   * without the extension on that request; else the stream gets `notifications/tasks` for the ids
   * that name a task the caller may see — those alone are acknowledged.
   */
  async function listen(params: Record<string, unknown>, ctx: RequestContext): Promise<void> {
    const requested = isObject(params.notifications) ? params.notifications.taskIds : undefined
    if (requested === undefined) return
    const scope = { client: { info: undefined, capabilities: (ctx.peer.capabilities ?? {}) as never }, protocolVersion: ctx.protocolVersion }
    if (!declares(scope)) throw missingCapability('notifications.taskIds of subscriptions/listen')
    if (!Array.isArray(requested) || !requested.every((id) => typeof id === 'string')) throw new McpError(ErrorCode.InvalidParams, 'Invalid params for subscriptions/listen: notifications.taskIds must be an array of strings')
    const principal = await principalOf(ctx.authInfo)
    const agreed: string[] = []
    for (const taskId of new Set(requested)) {
      const task = await runtime.store.get(taskId)
      if (task && task.owner === principal) agreed.push(taskId)
    }
    claimListen(ctx.signal, {
      key: 'taskIds',
      agreed,
      attach(send) {
        for (const taskId of agreed) {
          const sends = watchers.get(taskId) ?? new Set()
          sends.add(send)
          watchers.set(taskId, sends)
        }
        return () => {
          for (const taskId of agreed) {
            const sends = watchers.get(taskId)
            sends?.delete(send)
            if (sends?.size === 0) watchers.delete(taskId)
          }
        }
      },
    })
  }

  /** The task `params.taskId` names, if the caller may see it; else -32602, as for an unknown one. -32021 first. */
  async function lookup(method: string, params: Record<string, unknown>, ctx: ServerContext): Promise<StoredTask> {
    // 2025-11-25: the method table already held the request to the `tasks` capability this connection declared.
    if (!experimental(ctx) && !declares(ctx)) throw missingCapability(method)
    const taskId = params.taskId
    if (typeof taskId !== 'string') throw new McpError(ErrorCode.InvalidParams, `Invalid params for ${method}: taskId must be a string`)
    const task = await runtime.store.get(taskId)
    // Another principal's task is as unknown as a missing one: no oracle for task ids.
    if (!task || task.owner !== (await principalOf(ctx.auth))) throw new McpError(ErrorCode.InvalidParams, `Failed to retrieve task: Task not found`, { taskId })
    return task
  }

  /** A task whose process is gone: nothing runs it any more, so it is `cancelled` in the store. */
  async function cancelOrphan(task: StoredTask): Promise<StoredTask> {
    const { inputRequests: _, ...rest } = task
    const cancelled: StoredTask = { ...rest, status: 'cancelled', lastUpdatedAt: new Date().toISOString() }
    await runtime.store.put(cancelled)
    publish(cancelled)
    return cancelled
  }

  const parts: ExperimentalParts = {
    store: runtime.store,
    lookup,
    live: (taskId) => runtime.live.get(taskId),
    principal: (ctx) => principalOf(ctx.auth),
  }

  /** A 2025-11-25 `tools/call` with `params.task`: the task is made before the handler runs (the client asked for one), and answered `{ task }`. */
  async function experimentalCall(call: MiddlewareCall & { ctx: RequestContext }, support: string, next: (ctx?: RequestContext) => Promise<Record<string, unknown>>): Promise<Record<string, unknown>> {
    // "Servers SHOULD return a -32601 (Method not found) error if a client attempts to do so."
    if (support === 'forbidden') throw new McpError(ErrorCode.MethodNotFound, `Tool ${String(call.params.name)} does not support running as a task`)
    const requested = call.params.task as Record<string, unknown>
    const run = new TaskRun(runtime, call.ctx, { ttlMs: experimentalTtl(requested.ttl, runtime.ttlMs) })
    try {
      await run.start()
    } catch (error) {
      run.dispose()
      throw error
    }
    next(run.context()).then(
      (result) => run.complete(result),
      (thrown: unknown) => run.fail(thrown),
    )
    return { task: experimentalWire(run.task!) }
  }

  return {
    id: TASKS_EXTENSION_ID,
    methods: {
      'tasks/get': {
        handler: async (params, ctx) => {
          if (experimental(ctx)) return getTask(parts, params, ctx)
          const task = await lookup('tasks/get', params, ctx)
          const live = runtime.live.get(task.taskId)?.task
          return { resultType: 'complete', ...wire(live ?? task, true) }
        },
      },
      'tasks/update': {
        handler: async (params, ctx) => {
          const task = await lookup('tasks/update', params, ctx)
          const responses = params.inputResponses
          if (!isObject(responses)) throw new McpError(ErrorCode.InvalidParams, 'Invalid params for tasks/update: inputResponses must be an object keyed by input request')
          await runtime.live.get(task.taskId)?.answer(responses)
          return { resultType: 'complete' }
        },
      },
      'tasks/cancel': {
        handler: async (params, ctx) => {
          if (experimental(ctx)) return cancelTask(parts, params, ctx, cancelOrphan)
          const task = await lookup('tasks/cancel', params, ctx)
          const live = runtime.live.get(task.taskId)
          if (live) await live.cancel()
          else if (!isFinal(task.status)) await cancelOrphan(task)
          return { resultType: 'complete' }
        },
      },
    },
    middleware: async (call, next) => {
      if (call.direction === 'inbound' && call.method === 'subscriptions/listen' && call.ctx) {
        await listen(call.params, call.ctx)
        return next()
      }
      if (call.direction === 'inbound' && call.method === 'initialize' && call.ctx?.connection) return declareExperimental(call.ctx.connection, await next(), runtime.store)
      if (call.direction === 'inbound' && call.method === 'tools/list' && call.ctx) return showExecution(await next(), call.ctx)
      if (call.direction !== 'inbound' || call.method !== 'tools/call' || !call.ctx || !host) return next()
      const support = host.getTool(String(call.params.name))?.execution?.taskSupport ?? 'forbidden'
      // Only where this server declared 2025-11-25 tasks: elsewhere the task could not be read back, and the call is served as usual.
      if (isObject(call.params.task) && declaredExperimental(call.ctx)) return experimentalCall(call as MiddlewareCall & { ctx: RequestContext }, support, next)
      if (support === 'forbidden') return next()
      const request = call.ctx
      const ctx = { client: { info: undefined, capabilities: (request.peer.capabilities ?? {}) as never }, protocolVersion: request.protocolVersion }
      if (!declares(ctx)) {
        if (support !== 'required') return next()
        // Before 2026-07-28 the extension does not exist: the legacy answer to a task-only tool.
        if (experimental(request)) throw new McpError(ErrorCode.MethodNotFound, `Tool ${String(call.params.name)} runs only as a task: call it with params.task`)
        if (!(MODERN_PROTOCOL_VERSIONS as readonly string[]).includes(request.protocolVersion ?? '')) throw new McpError(ErrorCode.MethodNotFound, `Tool ${String(call.params.name)} runs only as a task, which needs protocol revision ${EXPERIMENTAL_TASKS_VERSION}, or ${MODERN_PROTOCOL_VERSIONS[0]} and the ${TASKS_EXTENSION_ID} extension`)
        throw missingCapability(`tool ${String(call.params.name)}`)
      }
      const run = new TaskRun(runtime, request)
      const work = next(run.context())
      const first = await Promise.race([work.then((result) => ({ result }), (thrown: unknown) => ({ thrown })), run.started.then((task) => ({ task }))])
      if (!run.task) {
        run.dispose()
        if ('thrown' in first) throw first.thrown
        return (first as { result: Record<string, unknown> }).result
      }
      work.then(
        (result) => run.complete(result),
        (thrown: unknown) => run.fail(thrown),
      )
      return { resultType: 'task', ...wire(run.task, false) }
    },
    setup(server) {
      host = server
      // 2025-11-25 only (the method table ends them there): not claimed, so 2026-07-28 answers them -32601.
      const removers = [server.setRequestHandler('tasks/result', (params, ctx) => taskResult(parts, params, ctx)), server.setRequestHandler('tasks/list', (params, ctx) => listTasks(parts, params, ctx))]
      return () => {
        host = undefined
        for (const remove of removers) remove()
        void stopAll()
      }
    },
    close: stopAll,
  }
}


