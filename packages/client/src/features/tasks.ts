import {
  CallToolResultSchema,
  ErrorCode,
  McpError,
  TASKS_EXTENSION_ID,
  existsIn,
  hasCapability,
  legacyEra,
  methods,
  tasksMethods,
  type CallToolResult,
  type DetailedTask,
  type RequestOptions,
  type Session,
  type Task,
  type Tool,
  type tasksExtension,
} from '@plugboard/protocol'
import { followTask, watchTaskStatus } from './subscriptions.js'

/** Where a task is in its life (SEP-2663); `completed`, `failed` and `cancelled` are final. */
export type TaskStatus = tasksExtension.TaskStatus

/** A task as `tasks/get` shows it (the protocol's `DetailedTask`), its `result` a `CallToolResult`. */
export type TaskState = DetailedTask & { result?: CallToolResult }

/** Options of a task handle: how it polls. */
export interface TaskOptions extends Pick<RequestOptions, 'signal' | 'timeout'> {
  /** Polling interval when the server suggests none, in ms. Default 1000; never below 50. */
  pollIntervalMs?: number
  /**
   * How long the server should keep the task after it was created, in ms: 2025-11-25's `params.task.ttl`,
   * which the server may shorten. The Tasks extension leaves the lifetime to the server (`ttlMs` of the task).
   */
  ttlMs?: number
}

const FINAL = new Set<TaskStatus>(['completed', 'failed', 'cancelled'])
const MIN_POLL = 50
// Following a task on a listen stream, a poll is only the safety net for a lost notification.
const FOLLOWING_POLL_FACTOR = 10
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Lets `session` send the Tasks extension's methods, which 2026-07-28 dropped from the core table. */
export function claimTaskMethods(session: Session): void {
  for (const [method, entry] of Object.entries(tasksMethods)) if (entry.kind === 'request') session.router.claim(method)
}

/**
 * Whether `session` has 2025-11-25's experimental tasks (`tasks/get`, `tasks/result`… of the core
 * method table) rather than the Tasks extension, which replaced them in 2026-07-28.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/utilities/tasks
 */
export function hasExperimentalTasks(session: Session): boolean {
  const version = session.state.protocolVersion
  return version !== undefined && existsIn(methods['tasks/result'], version)
}

/**
 * How a call of `tool` may run as a 2025-11-25 task: its `execution.taskSupport` where the server
 * declared `tasks.requests.tools.call`; `forbidden` otherwise, a tool the client does not know included
 * ("clients MUST NOT attempt to invoke the tool as a task" when it is absent).
 */
export function experimentalTaskSupport(session: Session, tool: Tool | undefined): 'forbidden' | 'optional' | 'required' {
  if (!hasExperimentalTasks(session) || !hasCapability(session.state.peer.capabilities, 'tasks.requests.tools.call')) return 'forbidden'
  return tool?.execution?.taskSupport ?? 'forbidden'
}

/** Whether this client declared the Tasks extension. */
export function declaresTasks(session: Session): boolean {
  const extensions = (session.state.localCapabilities as { extensions?: Record<string, unknown> }).extensions
  return isObject(extensions?.[TASKS_EXTENSION_ID])
}

/**
 * A tool call the server runs as a task, or answered at once: poll it (`get()`), wait for its result
 * (`result()`), follow each change (`for await (const state of task)`), or `cancel()` it. The same
 * handle for the Tasks extension (SEP-2663, 2026-07-28) and 2025-11-25's experimental tasks.
 * Input the task asks for is answered with this client's own sampling, elicitation and roots
 * handlers (`input_required` and `tasks/update` in the extension, each key once; plain requests on the
 * connection in 2025-11-25). Keep `taskId` to pick the task up later with `client.resumeTask()`.
 * @see https://github.com/modelcontextprotocol/ext-tasks/blob/main/specification/draft/tasks.md
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/utilities/tasks
 */
export class ToolTask implements AsyncIterable<TaskState> {
  /** `undefined` when the server answered the call at once (no task was made). */
  readonly taskId: string | undefined
  readonly #session: Session
  readonly #options: TaskOptions
  readonly #answered = new Set<string>()
  #state: TaskState | undefined
  #immediate: CallToolResult | undefined
  /**
   * 2025-11-25: the `tasks/result` call made when the task first asked for input. A server may hold
   * its requests to the client (elicitation, sampling) until one is made — the official SDK's task
   * message queue delivers them on that call's stream — and it answers once the task ended.
   */
  #resultCall: Promise<CallToolResult> | undefined
  /** Wakes a waiting iterator (a status notification, the end of `#resultCall`). */
  #wake: (() => void) | undefined
  /** Checks a result against the tool's `outputSchema` (unknown for a resumed task). */
  readonly #check: ((result: CallToolResult) => void) | undefined

  /** @internal */
  constructor(session: Session, first: { task: TaskState } | { result: CallToolResult } | { taskId: string }, options: TaskOptions = {}, check?: (result: CallToolResult) => void) {
    this.#session = session
    this.#options = options
    this.#check = check
    if ('result' in first) {
      this.#immediate = first.result
      this.taskId = undefined
    } else if ('task' in first) {
      this.#state = first.task
      this.taskId = first.task.taskId
    } else this.taskId = first.taskId
  }

  /** The last status seen (`completed` for a call answered at once). */
  get status(): TaskStatus | undefined {
    return this.#immediate ? 'completed' : this.#state?.status
  }

  /** The last state seen. */
  get state(): TaskState | undefined {
    return this.#state
  }

  /** Polls once (`tasks/get`) and answers any new input requests. */
  async get(): Promise<TaskState> {
    if (this.taskId === undefined) throw new McpError(ErrorCode.InvalidParams, 'This call was answered at once: it has no task to poll')
    if (hasExperimentalTasks(this.#session)) {
      this.#state = fromExperimental(await this.#session.request('tasks/get', { taskId: this.taskId }, this.#requestOptions()))
      if (this.#state.status === 'input_required') this.#fetchResult(this.#state.taskId)
      return this.#state
    }
    const raw = await this.#session.request('tasks/get', { taskId: this.taskId }, this.#requestOptions())
    // The session leaves an extension's results to it: checked here, against the extension's table.
    const parsed = tasksMethods['tasks/get'].result.safeParse(raw)
    if (!parsed.success) throw new McpError(ErrorCode.InternalError, `Invalid result for tasks/get: ${parsed.error.message}`, { issues: parsed.error.issues })
    const { _meta: _, resultType: __, ...state } = parsed.data
    this.#state = state as TaskState
    if (this.#state.status === 'input_required') await this.#answer(this.#state)
    return this.#state
  }

  /**
   * Waits for the end: the tool's result (an `isError` one included); rejects with the task's error if
   * it `failed`, RequestCancelled if `cancelled`, and McpError(InvalidParams) like `callTool` when the
   * result does not fit the tool's `outputSchema`.
   */
  async result(): Promise<CallToolResult> {
    const result = this.#immediate ?? (await this.#final())
    this.#check?.(result)
    return result
  }

  async #final(): Promise<CallToolResult> {
    let state = this.#state
    if (!state || !FINAL.has(state.status)) for await (state of this);
    if (!hasExperimentalTasks(this.#session) || state!.status === 'cancelled') return outcome(state!)
    // 2025-11-25 inlines no result: `tasks/result` answers what the tools/call would have (a tool error
    // shows as `failed`, with its isError result), and answers at once now that the task ended.
    if (this.#resultCall) {
      try {
        return await this.#resultCall
      } catch (error) {
        // Held open while the task ran, that call may have hit the request timeout; the task has ended now, so ask again.
        if (!(error instanceof McpError && error.code === ErrorCode.RequestTimeout)) throw error
      }
    }
    return this.#requestResult(state!.taskId)
  }

  #requestResult(taskId: string): Promise<CallToolResult> {
    return this.#session.request('tasks/result', { taskId }, { ...this.#requestOptions(), resultSchema: CallToolResultSchema }) as Promise<CallToolResult>
  }

  /**
   * 2025-11-25, a task asking for input: calls `tasks/result` once, as the spec says a requestor
   * should, so a server that queues its requests for that call delivers them (they reach this
   * client's handlers like any request). It answers when the task ends; `result()` takes that answer.
   */
  #fetchResult(taskId: string): void {
    if (this.#resultCall) return
    this.#resultCall = this.#requestResult(taskId)
    // Awaited by result(), if anyone asks; the iterator only needs to know it ended.
    this.#resultCall.then(
      () => this.#wake?.(),
      () => this.#wake?.(),
    )
  }

  /** Asks the server to stop the task (`tasks/cancel`); a task that already ended stays as it ended. */
  async cancel(): Promise<void> {
    if (this.taskId === undefined) return
    if (!hasExperimentalTasks(this.#session)) {
      await this.#session.request('tasks/cancel', { taskId: this.taskId }, this.#requestOptions())
      return
    }
    try {
      this.#state = fromExperimental(await this.#session.request('tasks/cancel', { taskId: this.taskId }, this.#requestOptions()))
    } catch (error) {
      // 2025-11-25 answers -32602 for a task already ended; the extension acknowledges it. Same here.
      const ended = error instanceof McpError && error.code === ErrorCode.InvalidParams && (await this.get().catch(() => undefined))
      if (!ended || !FINAL.has(ended.status)) throw error
    }
  }

  /**
   * Each state the task goes through until it ends: pushed by the server over `subscriptions/listen`
   * when it offers that (SEP-2663 task status notifications), else polled every `pollIntervalMs`. A
   * 2025-11-25 server's `notifications/tasks/status` come in between polls.
   */
  async *[Symbol.asyncIterator](): AsyncIterator<TaskState> {
    if (this.taskId === undefined) return
    const pushed: TaskState[] = []
    let wake: (() => void) | undefined
    const push = (task: TaskState) => {
      pushed.push(task)
      wake?.()
    }
    // 2025-11-25 status notifications are optional ("MAY"): they only cut a poll short, never stretch it.
    const unwatch = hasExperimentalTasks(this.#session) ? watchTaskStatus(this.#session, this.taskId, (task) => push(fromExperimental(task))) : undefined
    const following = unwatch ? undefined : await followTask(this.#session, this.taskId, push, this.#requestOptions())
    try {
      let last = ''
      // Read once after the stream is acknowledged: a change made before it is not missed.
      let state = await this.get()
      for (;;) {
        const seen = `${state.status} ${state.lastUpdatedAt}`
        if (seen !== last) {
          last = seen
          yield state
        }
        if (FINAL.has(state.status)) return
        const interval = Math.max(MIN_POLL, state.pollIntervalMs ?? this.#options.pollIntervalMs ?? 1000)
        if (pushed.length === 0) await sleep(following ? interval * FOLLOWING_POLL_FACTOR : interval, this.#options.signal, (w) => (wake = this.#wake = w))
        wake = this.#wake = undefined
        const next = pushed.shift()
        if (next) {
          this.#state = next
          if (next.status === 'input_required') {
            if (hasExperimentalTasks(this.#session)) this.#fetchResult(next.taskId)
            else await this.#answer(next)
          }
          state = next
        } else state = await this.get()
      }
    } finally {
      unwatch?.()
      await following?.close()
    }
  }

  #requestOptions(): RequestOptions {
    const { signal, timeout } = this.#options
    return { ...(signal ? { signal } : {}), ...(timeout === undefined ? {} : { timeout }) }
  }

  /** Answers the input requests not answered yet, with this client's own handlers, in one `tasks/update`. */
  async #answer(state: TaskState): Promise<void> {
    const session = this.#session
    const fresh = Object.entries(state.inputRequests ?? {}).filter(([key]) => !this.#answered.has(key))
    if (fresh.length === 0) return
    for (const [key] of fresh) this.#answered.add(key)
    const scope = { era: legacyEra, protocolVersion: session.state.protocolVersion, peer: session.state.peer, localCapabilities: session.state.localCapabilities, logLevel: undefined }
    const entries = await Promise.all(
      fresh.map(async ([key, input]) => {
        const response = await session.router.handle(
          { jsonrpc: '2.0', id: `task-input:${key}`, method: input.method, params: isObject(input.params) ? input.params : {} },
          { connection: session, reply: () => Promise.resolve(), signal: this.#options.signal ?? new AbortController().signal },
          scope,
        )
        if ('error' in response) throw McpError.fromError(response.error)
        return [key, response.result] as const
      }),
    )
    await session.request('tasks/update', { taskId: state.taskId, inputResponses: Object.fromEntries(entries) }, this.#requestOptions())
  }
}

function outcome(state: TaskState): CallToolResult {
  if (state.status === 'completed') {
    const { resultType: _, ...result } = (state.result ?? { content: [] }) as CallToolResult & { resultType?: string }
    return result as CallToolResult
  }
  if (state.status === 'failed') throw new McpError(state.error?.code ?? ErrorCode.InternalError, state.error?.message ?? `Task ${state.taskId} failed`, state.error?.data)
  throw new McpError(ErrorCode.RequestCancelled, `Task ${state.taskId} was cancelled`, { taskId: state.taskId })
}

/** Waits `ms`, or less when woken through `onWake`'s function; rejects when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined, onWake?: (wake: () => void) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const cancelled = () => new McpError(ErrorCode.RequestCancelled, 'Polling the task was cancelled', { reason: String(signal?.reason) })
    if (signal?.aborted) return reject(cancelled())
    const onAbort = () => {
      clearTimeout(timer)
      reject(cancelled())
    }
    const done = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
    onWake?.(done)
  })
}

/** A 2025-11-25 task in the handle's terms: `ttl` and `pollInterval` are `ttlMs` and `pollIntervalMs` there. */
function fromExperimental(task: Task): TaskState {
  const { taskId, status, statusMessage, createdAt, lastUpdatedAt, ttl, pollInterval } = task
  return { taskId, status, ...(statusMessage === undefined ? {} : { statusMessage }), createdAt, lastUpdatedAt, ttlMs: ttl, ...(pollInterval === undefined ? {} : { pollIntervalMs: pollInterval }) }
}

/**
 * The task a `tools/call` answered with, if it did: a flat CreateTaskResult (`resultType: "task"`,
 * the extension) or 2025-11-25's `{ task }`.
 */
export function taskOf(result: Record<string, unknown>): TaskState | undefined {
  if (isObject(result.task) && typeof result.task.taskId === 'string' && result.resultType === undefined) return fromExperimental(result.task as Task)
  if (result.resultType !== 'task' || typeof result.taskId !== 'string') return undefined
  const { resultType: _, _meta: __, ...task } = result
  return task as unknown as TaskState
}
