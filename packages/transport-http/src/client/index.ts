export { StreamableHTTPClientTransport, DEFAULT_RECONNECTION, type StreamableHTTPClientTransportOptions, type ReconnectionOptions } from './streamable.js'
export { SSEClientTransport, type SSEClientTransportOptions } from './legacy-sse.js'
export { HttpClientTransport, type HttpClientTransportOptions } from './fallback.js'
export type { AuthProvider, FetchLike, HeadersOption, HttpTransportOptions } from './http.js'
