export * from './server/index.js'
export * from './client/index.js'
export * from './node.js'
export * from './hono.js'
