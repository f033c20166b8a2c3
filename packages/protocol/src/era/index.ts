export * from './era.js'
export { legacyEra } from './legacy.js'
export { negotiateProtocolVersion } from './negotiate.js'
