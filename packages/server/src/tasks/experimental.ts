import { ErrorCode, McpError, RELATED_TASK_META_KEY, type Session } from '@plugboard/protocol'
import type { ServerContext } from '../context.js'
import { isFinal, type StoredTask, type TaskStore } from './task-store.js'

/**
 * The experimental tasks of protocol revision 2025-11-25, served from the same store and runs as the
 * Tasks extension: the client asks with `params.task` on `tools/call` and reads the task with
 * `tasks/get`, `tasks/result`, `tasks/list` and `tasks/cancel`. 2026-07-28 replaced them with the
 * extension, so they exist on a connection that negotiated 2025-11-25 only.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/utilities/tasks
 */
export const EXPERIMENTAL_TASKS_VERSION = '2025-11-25'

/** What the server declares as `capabilities.tasks` on a 2025-11-25 connection; `list` only if the store can list. */
export function experimentalCapability(store: TaskStore): Record<string, unknown> {
  return { ...(store.list ? { list: {} } : {}), cancel: {}, requests: { tools: { call: {} } } }
}

/**
 * A task as 2025-11-25 shows it: `ttl` and `pollInterval` (not `ttlMs`, `pollIntervalMs`), no result
 * inlined — and a tool result with `isError: true` is `failed` there ("for tool calls specifically,
 * this includes cases where the tool call result has isError set to true"), `completed` in the extension.
 */
export function experimentalWire(task: StoredTask): Record<string, unknown> {
  const failed = task.status === 'completed' && task.result?.isError === true
  const out: Record<string, unknown> = { taskId: task.taskId, status: failed ? 'failed' : task.status, createdAt: task.createdAt, lastUpdatedAt: task.lastUpdatedAt, ttl: task.ttlMs }
  if (task.statusMessage !== undefined) out.statusMessage = task.statusMessage
  if (task.pollIntervalMs !== undefined) out.pollInterval = task.pollIntervalMs
  return out
}

/** `notifications/tasks/status` on the task's connection, while it is open (optional in the spec: a closed one is no error). */
export function notifyStatus(connection: Session | undefined, task: StoredTask, report: (error: unknown) => void): void {
  if (!connection?.transport) return
  connection.notify('notifications/tasks/status', experimentalWire(task) as never).catch((error: unknown) => {
    if (!(error instanceof McpError && error.code === ErrorCode.ConnectionClosed)) report(error)
  })
}

/** The ttl a 2025-11-25 task gets: the client's `task.ttl` when it asks for less than the server's. */
export function experimentalTtl(requested: unknown, configured: number | null): number | null {
  if (typeof requested !== 'number' || !Number.isInteger(requested) || requested < 1) return configured
  return configured === null ? requested : Math.min(requested, configured)
}

/** What the 2025-11-25 methods need of the extension. */
export interface ExperimentalParts {
  store: TaskStore
  /** The task `params.taskId` names, if the caller may see it; else -32602. */
  lookup(method: string, params: Record<string, unknown>, ctx: ServerContext): Promise<StoredTask>
  /** The running task of that id in this process, if any. */
  live(taskId: string): { task: StoredTask | undefined; ended: Promise<void>; cancel(): Promise<void> } | undefined
  principal(ctx: ServerContext): Promise<string | undefined>
}

/** `tasks/get`: the task, as 2025-11-25 shows it. */
export async function getTask(parts: ExperimentalParts, params: Record<string, unknown>, ctx: ServerContext): Promise<Record<string, unknown>> {
  const task = await parts.lookup('tasks/get', params, ctx)
  return experimentalWire(parts.live(task.taskId)?.task ?? task)
}

/**
 * `tasks/result`: waits for the end, then answers exactly what the `tools/call` would have — its
 * result, tagged with the task, or its JSON-RPC error.
 */
export async function taskResult(parts: ExperimentalParts, params: Record<string, unknown>, ctx: ServerContext): Promise<Record<string, unknown>> {
  let task = await parts.lookup('tasks/result', params, ctx)
  const live = parts.live(task.taskId)
  if (live && !isFinal(task.status)) {
    await Promise.race([live.ended, new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true }))])
    task = await parts.lookup('tasks/result', params, ctx)
  }
  const related = { [RELATED_TASK_META_KEY]: { taskId: task.taskId } }
  if (task.status === 'completed') {
    const result = task.result ?? { content: [] }
    return { ...result, _meta: { ...(result._meta as Record<string, unknown> | undefined), ...related } }
  }
  if (task.status === 'failed') throw new McpError(task.error?.code ?? ErrorCode.InternalError, task.error?.message ?? 'Internal error', task.error?.data)
  // Cancelled, or orphaned (no process runs it any more): no result will ever come.
  throw new McpError(ErrorCode.InternalError, task.status === 'cancelled' ? `Task ${task.taskId} was cancelled` : `Task ${task.taskId} is no longer running`, { taskId: task.taskId })
}

/** `tasks/cancel`: -32602 for a task already final; else the task, `cancelled`. */
export async function cancelTask(parts: ExperimentalParts, params: Record<string, unknown>, ctx: ServerContext, cancelOrphan: (task: StoredTask) => Promise<StoredTask>): Promise<Record<string, unknown>> {
  const task = await parts.lookup('tasks/cancel', params, ctx)
  const live = parts.live(task.taskId)
  const current = live?.task ?? task
  if (isFinal(current.status)) throw new McpError(ErrorCode.InvalidParams, `Cannot cancel task: already in terminal status '${current.status}'`, { taskId: task.taskId })
  if (live) {
    await live.cancel()
    return experimentalWire(live.task!)
  }
  return experimentalWire(await cancelOrphan(task))
}

/** `tasks/list`: the caller's tasks, oldest first, a page at a time (the cursor is the store's). */
export async function listTasks(parts: ExperimentalParts, params: Record<string, unknown>, ctx: ServerContext): Promise<Record<string, unknown>> {
  if (!parts.store.list) throw new McpError(ErrorCode.MethodNotFound, 'Method not found: tasks/list')
  const cursor = params.cursor
  if (cursor !== undefined && typeof cursor !== 'string') throw new McpError(ErrorCode.InvalidParams, 'Invalid params for tasks/list: cursor must be a string')
  const page = await parts.store.list({ owner: await parts.principal(ctx), cursor })
  return { tasks: page.tasks.map((task) => experimentalWire(parts.live(task.taskId)?.task ?? task)), ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }) }
}
