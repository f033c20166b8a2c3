export * from './session.js'
export * from './context.js'
export { type RequestOptions, type Progress } from './pending.js'
export { Router, assertCanSend, type Inbound, type RouterOptions } from './router.js'
