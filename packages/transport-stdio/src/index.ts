export { StdioServerTransport, DEFAULT_DRAIN_GRACE_MS, type StdioServerTransportOptions } from './server.js'
export { StdioClientTransport, DEFAULT_MAX_STDERR_BUFFER, type StdioClientTransportOptions, type ExitInfo } from './client.js'
export { getDefaultEnvironment, DEFAULT_INHERITED_ENV_VARS } from './env.js'
export { ReadBuffer, LineWriter, DEFAULT_MAX_MESSAGE_SIZE, type ReadBufferHandlers } from './framing.js'
