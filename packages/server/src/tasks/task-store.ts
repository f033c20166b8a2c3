import { TaskStoreFullError, type DetailedTask, type TaskInputRequest, type tasksExtension } from '@plugboard/protocol'

/** Where a task is in its life (SEP-2663); `completed`, `failed` and `cancelled` are final. */
export type TaskStatus = tasksExtension.TaskStatus

/** One input request a task waits on: the `{ method, params }` of an elicitation, sampling or roots request. */
export type InputRequest = TaskInputRequest

/**
 * A task as `tasks/get` shows it (the protocol's `DetailedTask`): the base fields, plus
 * `inputRequests` while `input_required`, `result` once `completed` and `error` once `failed`.
 * @see https://github.com/modelcontextprotocol/ext-tasks/blob/main/specification/draft/tasks.md
 */
export type Task = DetailedTask

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
  /**
   * The tasks of one principal, oldest first, a page at a time; `cursor` is a `nextCursor` it gave.
   * Optional: without it, a 2025-11-25 client is not offered `tasks/list`.
   */
  list?(query: TaskListQuery): TaskListPage | Promise<TaskListPage>
}

/** What {@link TaskStore.list} is asked: `owner` as in {@link StoredTask.owner} (`undefined`: unauthenticated tasks). */
export interface TaskListQuery {
  owner: string | undefined
  cursor?: string
}

/** One page of {@link TaskStore.list}. */
export interface TaskListPage {
  tasks: StoredTask[]
  nextCursor?: string
}

/** Options of {@link memoryTaskStore}. */
export interface MemoryTaskStoreOptions {
  /** How many tasks it holds at most; past it, the oldest finished task is dropped. Default 10 000. */
  maxTasks?: number
}

const LIST_PAGE = 100
const FINAL = new Set<TaskStatus>(['completed', 'failed', 'cancelled'])

/** Whether a task has reached a final status (it never changes after that). */
export const isFinal = (status: TaskStatus): boolean => FINAL.has(status)

/** Whether `task` outlived its `ttlMs` at `now`. */
export const isExpired = (task: Task, now = Date.now()): boolean => task.ttlMs !== null && Date.parse(task.createdAt) + task.ttlMs <= now

/**
 * The in-process {@link TaskStore}: a bounded map. Expired tasks go when next touched, and when a
 * new task needs room; at `maxTasks` the oldest finished task is evicted, and with none finished
 * creating one fails with {@link TaskStoreFullError} (-32603, `data.reason: "task_store_full"`,
 * retry later) rather than grow without bound.
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
        if (!evicted) throw new TaskStoreFullError(maxTasks)
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
    list({ owner, cursor }) {
      const now = Date.now()
      const page: StoredTask[] = []
      // The cursor is the id of the last task of the previous page; a task deleted since only ends the listing early.
      let started = cursor === undefined
      for (const [id, task] of tasks) {
        if (!started) {
          started = id === cursor
          continue
        }
        if (task.owner !== owner || isExpired(task, now)) continue
        if (page.length === LIST_PAGE) return { tasks: page, nextCursor: page[page.length - 1]!.taskId }
        page.push(copy(task))
      }
      return { tasks: page }
    },
  }
}
