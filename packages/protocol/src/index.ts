export * from './jsonrpc/messages.js'
export * from './jsonrpc/parse.js'
export * from './errors.js'
export * from './transport.js'
export * from './revisions/index.js'
export * from './methods.js'
export * from './session/index.js'
export * from './era/index.js'
export * from './trace.js'
// The Tasks extension (SEP-2663): under its own namespace, since `Task`, `GetTaskResult`… at the top
// level are 2025-11-25's; the names no revision uses are at the top level too.
export * as tasksExtension from './extensions/tasks.js'
export {
  DetailedTaskSchema,
  TaskInputRequestSchema,
  TaskErrorSchema,
  UpdateTaskRequestParamsSchema,
  EmptyTaskResultSchema,
  tasksMethods,
  TaskEndedError,
  TASK_STORE_FULL,
  TaskStoreFullError,
  isTaskStoreFull,
} from './extensions/tasks.js'
export type { DetailedTask, TaskInputRequest, TaskError, UpdateTaskRequestParams, EmptyTaskResult, TasksMethod, TaskEndReason } from './extensions/tasks.js'
