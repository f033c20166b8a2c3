import { Emitter, type Listener, type TaskState, type TaskStatus, type ToolTask } from '@plugboard/client'
import { ErrorCode, McpError, TASKS_EXTENSION_ID, type CallToolResult, type RequestOptions } from '@plugboard/protocol'
import type { Catalog } from './catalog.js'
import type { ServerManager } from './manager.js'

/** A tool call the host runs as a task (SEP-2663), as last seen. */
export interface HostTask {
  readonly taskId: string
  readonly server: string
  /** The tool's own name on its server. */
  readonly tool: string
  readonly status: TaskStatus
  readonly statusMessage?: string
  /** When the host started it, in ms since the epoch. */
  readonly startedAt: number
  /**
   * Once it ended: the tool's result; for a `failed` or `cancelled` task (or one the host lost
   * track of, `failed` too) an `isError` result saying so.
   */
  readonly result?: CallToolResult
}

/** What a {@link TaskList} emits. */
export interface TaskListEvents {
  /** A task was created, or its status or status message changed. */
  task: HostTask
  /** An error with no caller (a throwing listener). */
  error: { error: Error }
}

/** How {@link TaskList.start} ended: a task now running, or the result when the call never became one. */
export type TaskStart = { task: HostTask } | { result: CallToolResult }

const FINAL = new Set<TaskStatus>(['completed', 'failed', 'cancelled'])
/** Ended tasks kept for `list()`; the oldest ended ones go first. */
const MAX_ENDED = 100

interface Entry {
  task: HostTask
  readonly handle: ToolTask
  readonly ended: Promise<HostTask>
  end(task: HostTask): void
}

/**
 * The host's tasks: tool calls of servers that offer the Tasks extension (SEP-2663) made so that
 * the server may answer with a task (see {@link TaskList.runsAsTask}), each task followed to its
 * end — pushed over `subscriptions/listen` where the server offers it, else polled — with a `task`
 * event per change. The manager's clients must declare the extension
 * (`capabilities: { extensions: { 'io.modelcontextprotocol/tasks': {} } }`).
 *
 * @example
 * const tasks = new TaskList(catalog, manager)
 * tasks.on('task', (t) => console.error(`${t.taskId} ${t.status} ${t.statusMessage ?? ''}`))
 * if (tasks.runsAsTask('render__video')) {
 *   const started = await tasks.start('render__video', { file: 'a.mp4' })
 *   if ('task' in started) console.log((await tasks.settled(started.task.taskId)).result)
 * }
 * @see https://github.com/modelcontextprotocol/ext-tasks/blob/main/specification/draft/tasks.md
 */
export class TaskList {
  readonly #catalog: Catalog
  readonly #manager: ServerManager
  readonly #entries = new Map<string, Entry>()
  readonly #events: Emitter<TaskListEvents> = new Emitter((error, event) => {
    if (event !== 'error') this.#events.emit('error', { error })
  })
  // Stops following every task on close(); one signal for all, so no listener piles up per request.
  readonly #stop = new AbortController()

  constructor(catalog: Catalog, manager: ServerManager) {
    this.#catalog = catalog
    this.#manager = manager
  }

  /**
   * Whether a call to the model-facing tool `name` is made as a task: its server is ready and
   * offers the extension, and the tool does not declare `execution.taskSupport: 'forbidden'`. A
   * listing that carries `execution` (2025-11-25) says `optional` or `required`; 2026-07-28's
   * `tools/list` has no such field, as the server decides per call, so every other tool of that
   * server is called ready for a task — answered at once, it gives its result as usual.
   */
  runsAsTask(name: string): boolean {
    const entry = this.#catalog.resolve(name)
    if (!entry) return false
    const support = (entry.tool as { execution?: { taskSupport?: string } }).execution?.taskSupport
    if (support === 'forbidden') return false
    return this.#manager.client(entry.server)?.getServerExtension(TASKS_EXTENSION_ID) !== undefined
  }

  /**
   * Calls the model-facing tool `name` so that the server may answer with a task. Resolves with the
   * task once the server created it, or with the result when the server answered at once. `options`
   * apply to the call itself (its `signal` cancels the call, not a task it became); the task's
   * `tasks/get` and `tasks/cancel` get its `timeout`. Never rejects: an unknown tool, a server that
   * is down or a protocol error becomes an `isError` result, as `Catalog.callTool` does.
   */
  async start(name: string, args: Record<string, unknown> = {}, options: RequestOptions = {}): Promise<TaskStart> {
    const entry = this.#catalog.resolve(name)
    if (!entry) return { result: errorResult(`Unknown tool "${name}".`) }
    const client = this.#manager.client(entry.server)
    if (!client) return { result: errorResult(`The server "${entry.server}" of tool "${name}" is not available (${this.#manager.status(entry.server)?.state}).`) }
    let first: ToolTask
    try {
      first = await client.callTool({ name: entry.tool.name, arguments: args }, { ...options, task: true })
      if (first.taskId === undefined || !first.state) return { result: await first.result() }
    } catch (error) {
      return { result: errorResult(`Calling tool "${entry.tool.name}" of server "${entry.server}" failed: ${(error as Error).message}`) }
    }
    // Followed under the list's own signal: the task outlives whatever the call's signal belongs to (a turn).
    const handle = client.resumeTask(first.taskId, { signal: this.#stop.signal, ...(options.timeout === undefined ? {} : { timeout: options.timeout }) })
    let end!: (task: HostTask) => void
    const ended = new Promise<HostTask>((resolve) => (end = resolve))
    const task: HostTask = { taskId: first.taskId, server: entry.server, tool: entry.tool.name, startedAt: Date.now(), ...snapshot(first.state) }
    this.#entries.set(task.taskId, { task, handle, ended, end })
    this.#prune()
    this.#events.emit('task', task)
    void this.#follow(task.taskId)
    return { task }
  }

  /** Every task the host started (of those that ended, the last 100), oldest first. */
  list(): HostTask[] {
    return [...this.#entries.values()].map((entry) => entry.task)
  }

  /** A task as last seen, or `undefined` for an id the host does not know. */
  get(taskId: string): HostTask | undefined {
    return this.#entries.get(taskId)?.task
  }

  /**
   * Resolves with the task once it ended, or, after `timeoutMs` (none by default) or when `signal`
   * aborts, with the task as it is then. Rejects for an id the host does not know.
   */
  async settled(taskId: string, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<HostTask> {
    const entry = this.#entries.get(taskId)
    if (!entry) throw new Error(`No task "${taskId}"`)
    const { timeoutMs, signal } = options
    if (FINAL.has(entry.task.status) || signal?.aborted) return entry.task
    let timer: ReturnType<typeof setTimeout> | undefined
    let onAbort: (() => void) | undefined
    const early = new Promise<void>((resolve) => {
      if (timeoutMs !== undefined && Number.isFinite(timeoutMs)) timer = setTimeout(resolve, timeoutMs)
      onAbort = resolve
      signal?.addEventListener('abort', onAbort, { once: true })
    })
    try {
      await Promise.race([entry.ended, early])
    } finally {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort!)
    }
    return entry.task
  }

  /**
   * Asks the task's server to stop it (`tasks/cancel`) and resolves with the task once it ended
   * (at once for one that had already ended). Resolves with `undefined` for an id the host does not know.
   */
  async cancel(taskId: string): Promise<HostTask | undefined> {
    const entry = this.#entries.get(taskId)
    if (!entry) return undefined
    if (FINAL.has(entry.task.status)) return entry.task
    await entry.handle.cancel()
    return this.settled(taskId, { timeoutMs: 10_000 })
  }

  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof TaskListEvents>(event: K, listener: Listener<TaskListEvents[K]>): () => void {
    return this.#events.on(event, listener)
  }

  /** Stops following the tasks (they go on running on their servers). */
  close(): void {
    this.#stop.abort(new McpError(ErrorCode.RequestCancelled, 'The task list was closed'))
  }

  async #follow(taskId: string): Promise<void> {
    const entry = this.#entries.get(taskId)!
    let result: CallToolResult
    try {
      for await (const state of entry.handle) this.#update(entry, snapshot(state))
      result = await entry.handle.result()
    } catch (error) {
      if (this.#stop.signal.aborted) return
      const status = entry.handle.status
      if (status === 'cancelled') result = errorResult(`Task ${taskId} was cancelled.`)
      else if (status === 'failed') result = errorResult(`Task ${taskId} failed: ${(error as Error).message}`)
      else {
        // The connection went (the server crashed, or was restarted): nobody can tell how it ends.
        const message = `The host lost track of task ${taskId}: ${(error as Error).message}`
        return this.#finish(entry, { status: 'failed', statusMessage: message }, errorResult(message))
      }
    }
    this.#finish(entry, snapshot(entry.handle.state!), result)
  }

  #update(entry: Entry, change: Pick<HostTask, 'status' | 'statusMessage'>): void {
    const { task } = entry
    if (FINAL.has(change.status) || (change.status === task.status && change.statusMessage === task.statusMessage)) return
    entry.task = { ...task, ...change }
    this.#events.emit('task', entry.task)
  }

  #finish(entry: Entry, change: Pick<HostTask, 'status' | 'statusMessage'>, result: CallToolResult): void {
    entry.task = { ...entry.task, ...change, result }
    entry.end(entry.task)
    this.#events.emit('task', entry.task)
  }

  #prune(): void {
    const ended = [...this.#entries.values()].filter((entry) => FINAL.has(entry.task.status))
    for (const entry of ended.slice(0, Math.max(0, ended.length - MAX_ENDED))) this.#entries.delete(entry.task.taskId)
  }
}

function snapshot(state: TaskState): Pick<HostTask, 'status' | 'statusMessage'> {
  return { status: state.status, ...(state.statusMessage === undefined ? {} : { statusMessage: state.statusMessage }) }
}

function errorResult(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true }
}
