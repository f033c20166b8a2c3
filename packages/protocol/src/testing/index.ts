export * from './in-memory.js'
export * from './schema-check.js'
