/**
 * The wire of the Tasks extension (SEP-2663, `io.modelcontextprotocol/tasks`, on 2026-07-28): the
 * task a `tools/call` may be answered with, the `tasks/get`, `tasks/update` and `tasks/cancel`
 * requests and the `notifications/tasks` notification — one definition for the server that serves
 * them and the client that calls them.
 *
 * Not in the core method table (`methods.ts`): that table holds what the official revision schemas
 * define, and 2026-07-28's has none of these; `tasks/get` and `tasks/cancel` there are the 2025-11-25
 * methods of the same names, with other shapes. {@link tasksMethods} is the extension's own table.
 * @see https://github.com/modelcontextprotocol/modelcontextprotocol/blob/main/seps/2663-tasks-extension.md
 */
import * as z from 'zod'
import { ErrorCode, McpError } from '../errors.js'
import type { NotificationEntry, RequestEntry } from '../methods.js'
import * as modern from '../revisions/2026-07-28.js'

/** Where a task is in its life; `completed`, `failed` and `cancelled` are final. */
export const TaskStatusSchema = modern.TaskStatusSchema
export type TaskStatus = z.infer<typeof TaskStatusSchema>

// Every schema below is declared by its interface rather than its inferred zod type, so our .d.ts
// carries a few short interfaces (see revisions/2025-11-25.ts); the unexported consts are the zod
// objects the schemas are built from.
type Schema<T> = z.ZodType<T, T>

/** One input request a task waits on: the `{ method, params }` of an elicitation, sampling or roots request. */
export interface TaskInputRequest {
  method: string
  params?: Record<string, unknown> | undefined
  [key: string]: unknown
}
export const TaskInputRequestSchema: Schema<TaskInputRequest> = z.looseObject({ method: z.string(), params: z.record(z.string(), z.unknown()).optional() })

/** The JSON-RPC error a `failed` task ended with. */
export interface TaskError {
  code: number
  message: string
  data?: unknown
  [key: string]: unknown
}
export const TaskErrorSchema: Schema<TaskError> = z.looseObject({ code: z.number(), message: z.string(), data: z.unknown().optional() })

/** A task's base fields, as a `CreateTaskResult` carries them. */
export interface Task {
  taskId: string
  status: TaskStatus
  statusMessage?: string | undefined
  /** ISO 8601. */
  createdAt: string
  /** ISO 8601, moved on every change. */
  lastUpdatedAt: string
  /** Lifetime from `createdAt`, in ms; `null` for unlimited. */
  ttlMs: number | null
  pollIntervalMs?: number | undefined
  [key: string]: unknown
}
const task = z.looseObject({
  taskId: z.string(),
  status: TaskStatusSchema,
  statusMessage: z.string().optional(),
  createdAt: z.string(),
  lastUpdatedAt: z.string(),
  ttlMs: z.number().nullable(),
  pollIntervalMs: z.number().optional(),
})
export const TaskSchema: Schema<Task> = task

/**
 * A task as `tasks/get` and `notifications/tasks` show it: the base fields, plus `inputRequests`
 * while `input_required`, `result` once `completed` (the `CallToolResult`, tool errors included)
 * and `error` once `failed`. The SEP's `DetailedTask` union, flattened.
 */
export interface DetailedTask extends Task {
  inputRequests?: Record<string, TaskInputRequest> | undefined
  result?: Record<string, unknown> | undefined
  error?: TaskError | undefined
}
const detailedTask = task.extend({
  inputRequests: z.record(z.string(), TaskInputRequestSchema).optional(),
  result: z.record(z.string(), z.unknown()).optional(),
  error: TaskErrorSchema.optional(),
})
export const DetailedTaskSchema: Schema<DetailedTask> = detailedTask

const result = { _meta: z.record(z.string(), z.unknown()).optional(), resultType: z.string().optional() }

/** The answer to a `tools/call` that became a task: `resultType: "task"` and the task, flat. */
export interface CreateTaskResult extends Task {
  _meta?: Record<string, unknown> | undefined
  resultType: 'task'
}
export const CreateTaskResultSchema: Schema<CreateTaskResult> = task.extend({ ...result, resultType: z.literal('task') })

export interface GetTaskRequestParams {
  taskId: string
  _meta?: Record<string, unknown> | undefined
  [key: string]: unknown
}
const taskIdParams = z.looseObject({ taskId: z.string(), _meta: z.record(z.string(), z.unknown()).optional() })
export const GetTaskRequestParamsSchema: Schema<GetTaskRequestParams> = taskIdParams
export interface GetTaskResult extends DetailedTask {
  _meta?: Record<string, unknown> | undefined
  resultType?: string | undefined
}
export const GetTaskResultSchema: Schema<GetTaskResult> = detailedTask.extend(result)
/** `inputResponses`: the client's answers to the task's `inputRequests`, by the same keys. */
export interface UpdateTaskRequestParams extends GetTaskRequestParams {
  inputResponses: Record<string, unknown>
}
export const UpdateTaskRequestParamsSchema: Schema<UpdateTaskRequestParams> = taskIdParams.extend({ inputResponses: z.record(z.string(), z.unknown()) })
export type CancelTaskRequestParams = GetTaskRequestParams
export const CancelTaskRequestParamsSchema: Schema<CancelTaskRequestParams> = taskIdParams
/** `tasks/update` and `tasks/cancel` answer an empty acknowledgement. */
export interface EmptyTaskResult {
  _meta?: Record<string, unknown> | undefined
  resultType?: string | undefined
  [key: string]: unknown
}
export const EmptyTaskResultSchema: Schema<EmptyTaskResult> = z.looseObject(result)
/** `notifications/tasks`: the whole task, as `tasks/get` answers it now. */
export interface TaskStatusNotificationParams extends DetailedTask {
  _meta?: Record<string, unknown> | undefined
}
export const TaskStatusNotificationParamsSchema: Schema<TaskStatusNotificationParams> = detailedTask.extend({ _meta: z.record(z.string(), z.unknown()).optional() })

const since = '2026-07-28'
/**
 * The extension's method table, in the core table's shape: a client sends the requests, the
 * server the notification (on a `subscriptions/listen` stream that asked for `taskIds`).
 */
export const tasksMethods = {
  'tasks/get': { kind: 'request', from: 'client', since, params: GetTaskRequestParamsSchema, result: GetTaskResultSchema },
  'tasks/update': { kind: 'request', from: 'client', since, params: UpdateTaskRequestParamsSchema, result: EmptyTaskResultSchema },
  'tasks/cancel': { kind: 'request', from: 'client', since, params: CancelTaskRequestParamsSchema, result: EmptyTaskResultSchema },
  'notifications/tasks': { kind: 'notification', from: 'server', since, params: TaskStatusNotificationParamsSchema },
} as const satisfies Record<string, RequestEntry | NotificationEntry>

export type TasksMethod = keyof typeof tasksMethods

/** Why a running task's handler was stopped: `ctx.signal.reason` is a {@link TaskEndedError} saying which. */
export type TaskEndReason = 'completed' | 'failed' | 'cancelled' | 'expired' | 'closed'

const ENDED: Record<TaskEndReason, string> = {
  completed: 'completed',
  failed: 'failed',
  cancelled: 'was cancelled by the client (tasks/cancel)',
  expired: 'expired (its ttlMs passed)',
  closed: 'was stopped: the server is closing',
}

/**
 * The abort reason of a task handler's `ctx.signal`: `RequestCancelled`, with `reason` telling a
 * client's `tasks/cancel` from an expiry or the server closing.
 */
export class TaskEndedError extends McpError {
  constructor(
    readonly taskId: string,
    readonly reason: TaskEndReason,
  ) {
    super(ErrorCode.RequestCancelled, `Task ${taskId} ${ENDED[reason]}`, { taskId, reason })
  }
}

/** `data.reason` of a {@link TaskStoreFullError}. */
export const TASK_STORE_FULL = 'task_store_full' as const

/**
 * A task store with no room for one more running task: try again later, once some task finished.
 * SEP-2663 names no code for it, and lists `-32603` for internal errors, so it is that code,
 * with the message "Task store full" and `data: { reason: "task_store_full", maxTasks }` for a client
 * to recognise it ({@link isTaskStoreFull}); it is a condition to retry, not a bug.
 */
export class TaskStoreFullError extends McpError {
  constructor(readonly maxTasks: number) {
    super(ErrorCode.InternalError, `Task store full: ${maxTasks} tasks are in progress; try again once one has finished`, { reason: TASK_STORE_FULL, maxTasks })
  }
}

/** Whether `error` (thrown here, or received from a server) says the task store is full; retry later. */
export function isTaskStoreFull(error: unknown): error is McpError & { data: { reason: typeof TASK_STORE_FULL; maxTasks: number } } {
  return error instanceof McpError && error.code === ErrorCode.InternalError && (error.data as { reason?: unknown } | undefined)?.reason === TASK_STORE_FULL
}
