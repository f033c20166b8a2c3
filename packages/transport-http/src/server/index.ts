export { createMcpHandler, type McpHandler, type McpHandlerOptions } from './handler.js'
export { InMemoryEventStore, type EventStore, type EventId, type StreamId, type InMemoryEventStoreOptions } from './events.js'
export type { GuardOptions } from './guards.js'
export type { ServerLike, ConnectionLike } from './sessions.js'
