export * from './in-memory.js'
export * from './schema-check.js'
export * from './spec-dir.js'
