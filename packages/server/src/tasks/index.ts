export { tasks, startTask, type TasksOptions } from './tasks.js'
export { memoryTaskStore, type TaskStore, type StoredTask, type Task, type TaskStatus, type InputRequest, type MemoryTaskStoreOptions, type TaskListQuery, type TaskListPage } from './task-store.js'
