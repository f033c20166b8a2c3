export * from './metadata.js'
export * from './bearer-auth.js'
export * from './jwt-verifier.js'
export * from './introspection-verifier.js'
