import { ErrorCode, McpError } from '@plugboard/protocol'

/** Where a task is in its life (SEP-2663); `completed`, `failed` and `cancelled` are final. */
export type TaskStatus = 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled'

/** One input request a task waits on: the `{ method, params }` of an elicitation, sampling or roots request. */
export interface InputRequest {
  method: string
  params: Record<string, unknown>
}

/**
 * A task as `tasks/get` shows it: the base fields, plus `inputRequests` while `input_required`,
 * `result` once `completed` (the `CallToolResult`, tool errors included) and `error` once `failed`.
 * @see https://github.com/modelcontextprotocol/ext-tasks/blob/main/specification/draft/tasks.md
 */
export interface Task {
  taskId: string
  status: TaskStatus
  statusMessage?: string
  /** ISO 8601. */
  createdAt: string
  /** ISO 8601, moved on every change. */
  lastUpdatedAt: string
  /** Lifetime from `createdAt`, in ms; `null` for unlimited. */
  ttlMs: number | null
  pollIntervalMs?: number
  inputRequests?: Record<string, InputRequest>
  result?: Record<string, unknown>
  error?: { code: number; message: string; data?: unknown }
}

/** A task as a {@link TaskStore} keeps it: with the principal that created it, never sent. */
export interface StoredTask extends Task {
  /** Who created it (an OAuth client id, or a digest of the token); `undefined` when nothing authenticated the request. */
  owner?: string
}

/**
 * Where tasks live between polls. Every method may be async (a database, Redis); a task must be
 * readable by `get` once `create` resolves, because its id goes to the client right after. A store
 * forgets a task once `createdAt + ttlMs` has passed.
 */
export interface TaskStore {
  create(task: StoredTask): void | Promise<void>
  /** The task, or `undefined` when it is unknown or expired. */
  get(taskId: string): StoredTask | undefined | Promise<StoredTask | undefined>
  /** Replaces the stored task with `task` (same `taskId`). */
  put(task: StoredTask): void | Promise<void>
  delete(taskId: string): void | Promise<void>
}

/** Options of {@link memoryTaskStore}. */
export interface MemoryTaskStoreOptions {
  /** How many tasks it holds at most; past it, the oldest finished task is dropped. Default 10 000. */
  maxTasks?: number
}

const FINAL = new Set<TaskStatus>(['completed', 'failed', 'cancelled'])

/** Whether a task has reached a final status (it never changes after that). */
export const isFinal = (status: TaskStatus): boolean => FINAL.has(status)

/** Whether `task` outlived its `ttlMs` at `now`. */
export const isExpired = (task: Task, now = Date.now()): boolean => task.ttlMs !== null && Date.parse(task.createdAt) + task.ttlMs <= now

/**
 * The in-process {@link TaskStore}: a bounded map. Expired tasks go when next touched, and when a
 * new task needs room; at `maxTasks` the oldest finished task is evicted, and with none finished
 * creating one fails (-32603) rather than grow without bound.
 */
export function memoryTaskStore(options: MemoryTaskStoreOptions = {}): TaskStore {
  const maxTasks = options.maxTasks ?? 10_000
  if (!Number.isInteger(maxTasks) || maxTasks < 1) throw new RangeError(`maxTasks must be a positive integer, got ${maxTasks}`)
  const tasks = new Map<string, StoredTask>()
  const copy = (task: StoredTask): StoredTask => structuredClone(task)
  return {
    create(task) {
      if (tasks.size >= maxTasks) {
        const now = Date.now()
        for (const [id, t] of tasks) if (isExpired(t, now)) tasks.delete(id)
      }
      if (tasks.size >= maxTasks) {
        // Map order is creation order: the first finished one is the oldest.
        let evicted = false
        for (const [id, t] of tasks) {
          if (isFinal(t.status)) {
            tasks.delete(id)
            evicted = true
            break
          }
        }
        if (!evicted) throw new McpError(ErrorCode.InternalError, `Too many tasks in progress (${maxTasks}); try again later`)
      }
      tasks.set(task.taskId, copy(task))
    },
    get(taskId) {
      const task = tasks.get(taskId)
      if (!task) return undefined
      if (isExpired(task)) {
        tasks.delete(taskId)
        return undefined
      }
      return copy(task)
    },
    put(task) {
      if (tasks.has(task.taskId)) tasks.set(task.taskId, copy(task))
    },
    delete(taskId) {
      tasks.delete(taskId)
    },
  }
}
