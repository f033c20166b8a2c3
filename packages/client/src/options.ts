import type { ClientCapabilities } from '@plugboard/protocol'
import type { ResponseCache } from './cache.js'
import type { VersionNegotiationOptions } from './connect.js'
import type { ElicitationHandlers } from './features/elicitation.js'
import type { RootsOption } from './features/roots.js'
import type { SamplingHandler } from './features/sampling.js'

/** Options of a `Client`. Handlers given here are the same as the `set…` methods called before `connect()`. */
export interface ClientOptions {
  /** Capabilities beyond those derived from handlers (`experimental`, …); merged under the derived ones. */
  capabilities?: ClientCapabilities
  /** Default timeout of every request in ms (60 000). */
  timeout?: number
  /**
   * Most requests to the server awaiting a response at once. One more gives up on the oldest: it
   * rejects with `McpError(RequestCancelled)` (`data.maxPendingRequests`) and the server is sent
   * `notifications/cancelled`. Default 10 000.
   */
  maxPendingRequests?: number
  /**
   * Most requests from the server (sampling, elicitation, roots) handled at once. One more is
   * answered -32603 (`data.maxInflightRequests`) at once. Default 10 000.
   */
  maxInflightRequests?: number
  /**
   * Answers `sampling/createMessage` (a server request, or an input request of an `input_required`
   * result in the modern era); declares `sampling`.
   */
  sampling?: SamplingHandler
  /** Answers `elicitation/create` per mode; declares `elicitation.form` / `elicitation.url`. */
  elicitation?: ElicitationHandlers
  /** Answers `roots/list`; declares `roots: { listChanged: true }`. */
  roots?: RootsOption
  /**
   * Which protocol era and revision to speak: `{ mode: 'auto' }` by default (probe with
   * `server/discover`, fall back to `initialize`), or `'legacy'`, `'modern'`, `{ pin: '2025-11-25' }`.
   */
  versionNegotiation?: VersionNegotiationOptions
  /**
   * Modern era: how many `input_required` rounds one `callTool`, `getPrompt` or `readResource` may
   * take before it rejects with `McpError(InternalError)` (a server asking forever). Default 10.
   */
  maxInputRounds?: number
  /**
   * Where results with caching hints (`ttlMs`, modern era) are kept: by default in memory, per
   * client. Pass a `ResponseCache` to share `cacheScope: "public"` results among the Clients of one
   * server (private ones stay per client), or `false` to cache nothing.
   */
  cache?: ResponseCache | false
}

/** Options of `Client.connect`. */
export interface ConnectOptions {
  /** Aborts connecting; the transport is then closed. */
  signal?: AbortSignal
  /** How long connecting may take in all (the era probe and the handshake), in ms. Default: the client's `timeout`. */
  timeout?: number
}
