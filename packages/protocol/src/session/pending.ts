import { ErrorCode, McpError } from '../errors.js'
import type { RequestId } from '../jsonrpc/messages.js'

/** Options of one outbound request. */
export interface RequestOptions {
  /** Aborting sends `notifications/cancelled` and rejects with `McpError(RequestCancelled)`. */
  signal?: AbortSignal
  /** Milliseconds without a response (or progress, see below) before rejecting with RequestTimeout. */
  timeout?: number
  /** Restart the timeout whenever progress arrives. */
  resetTimeoutOnProgress?: boolean
  /** Hard cap in milliseconds, progress or not. */
  maxTotalTimeout?: number
  /** Receives `notifications/progress` for this request; setting it sends a progressToken. */
  onprogress?: (progress: Progress) => void
  /** The inbound request this one is made on behalf of (routes it onto that request's stream). */
  relatedRequestId?: RequestId
  /**
   * Asking the client from a handler (`ctx.elicit`, `ctx.sample`, `ctx.listRoots`): a capability the
   * client must have declared beyond the method's own (`elicitation.url`, `sampling.tools`). Missing,
   * the ask fails: `CapabilityNotSupported` on a legacy connection, `-32021` in 2026-07-28.
   */
  requiredCapability?: string
  /** Asking the client in 2026-07-28: this ask's key in `inputRequests` (default `<elicit|sample|roots>-<n>`). Unique per request. */
  inputKey?: string
  /** Passed to the transport as `SendOptions.headerParams` (2026-07-28 `x-mcp-header` values). */
  headerParams?: Record<string, string | number | boolean>
}

export interface Progress {
  progress: number
  total?: number
  message?: string
}

export interface PendingRequest {
  readonly id: RequestId
  readonly method: string
  resolve(result: unknown): void
  reject(error: McpError): void
  onprogress?: (progress: Progress) => void
}

interface Entry extends PendingRequest {
  /** When it times out (ms since the epoch); Infinity for never. */
  deadline: number
  startedAt: number
  timeout: number
  maxTotal: number | undefined
  resetOnProgress: boolean
  /** Tells the peer we stopped waiting (`notifications/cancelled` with this reason). */
  onGiveUp: (reason: string) => void
  detach?: () => void
}

/**
 * Outbound requests waiting for their response: correlation by id, per-request timeouts with an
 * optional reset on progress and a hard maximum. Late responses (after timeout or cancel) find no
 * entry and are dropped. At most `max` wait at once: adding one more gives up on the oldest, so a
 * peer that never answers cannot grow the map (and what each entry holds) without bound.
 */
export class PendingRequests {
  readonly #entries = new Map<RequestId, Entry>()
  // One timer for all entries, armed for the earliest deadline: a timer per request cost a pipelined
  // client ~15% of its CPU (setTimeout + clearTimeout per call). When it fires, one pass rejects what
  // is due and re-arms for the next deadline; an entry settled early simply drops out of that pass.
  #timer: ReturnType<typeof setTimeout> | undefined
  #timerAt = Infinity

  constructor(readonly max = Infinity) {}

  get size(): number {
    return this.#entries.size
  }

  add(request: PendingRequest, options: { timeout: number; maxTotalTimeout?: number; resetTimeoutOnProgress?: boolean; onGiveUp: (reason: string) => void; detach?: () => void }): void {
    if (this.#entries.size >= this.max) {
      // Map order is insertion order: the first entry is the one waiting longest.
      const oldest = this.#entries.values().next().value!
      oldest.onGiveUp('too many requests pending')
      this.#settle(oldest.id)?.reject(
        new McpError(ErrorCode.RequestCancelled, `Request ${oldest.method} was given up: ${this.max} requests were already awaiting a response (maxPendingRequests), and this was the oldest`, { maxPendingRequests: this.max }),
      )
    }
    const startedAt = Date.now()
    const entry: Entry = {
      id: request.id,
      method: request.method,
      resolve: request.resolve,
      reject: request.reject,
      onprogress: request.onprogress,
      deadline: startedAt + Math.min(options.timeout, options.maxTotalTimeout ?? Infinity),
      startedAt,
      timeout: options.timeout,
      maxTotal: options.maxTotalTimeout,
      resetOnProgress: options.resetTimeoutOnProgress ?? false,
      onGiveUp: options.onGiveUp,
      detach: options.detach,
    }
    this.#entries.set(request.id, entry)
    this.#schedule(entry.deadline)
  }

  /** Makes sure the timer fires by `deadline`. */
  #schedule(deadline: number): void {
    if (deadline >= this.#timerAt || !Number.isFinite(deadline)) return
    if (this.#timer) clearTimeout(this.#timer)
    this.#timerAt = deadline
    this.#timer = setTimeout(() => this.#sweep(), Math.max(0, deadline - Date.now()))
    // A pending request must not keep the process alive on its own.
    this.#timer.unref?.()
  }

  #sweep(): void {
    this.#timer = undefined
    this.#timerAt = Infinity
    const now = Date.now()
    const due: Entry[] = []
    let next = Infinity
    for (const entry of this.#entries.values()) {
      if (entry.deadline <= now) due.push(entry)
      else if (entry.deadline < next) next = entry.deadline
    }
    this.#schedule(next)
    for (const entry of due) {
      if (!this.#entries.has(entry.id)) continue
      entry.onGiveUp('timeout')
      this.#settle(entry.id)?.reject(new McpError(ErrorCode.RequestTimeout, `Request ${entry.method} timed out after ${now - entry.startedAt} ms`, { timeout: entry.timeout }))
    }
  }

  #stopTimer(): void {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = undefined
    this.#timerAt = Infinity
  }

  /** Removes and returns the entry; it will not be resolved or rejected again. */
  #settle(id: RequestId): Entry | undefined {
    const entry = this.#entries.get(id)
    if (!entry) return undefined
    this.#entries.delete(id)
    // The last one gone, nothing is due: no timer outlives the requests (a sequential caller re-arms per call, as before).
    if (this.#entries.size === 0) this.#stopTimer()
    entry.detach?.()
    return entry
  }

  resolve(id: RequestId, result: unknown): boolean {
    const entry = this.#settle(id)
    entry?.resolve(result)
    return entry !== undefined
  }

  reject(id: RequestId, error: McpError): boolean {
    const entry = this.#settle(id)
    entry?.reject(error)
    return entry !== undefined
  }

  /** Delivers progress to the request whose token it carries; restarts its timeout if asked to. */
  progress(id: RequestId, progress: Progress): boolean {
    const entry = this.#entries.get(id)
    if (!entry) return false
    if (entry.resetOnProgress) {
      const elapsed = Date.now() - entry.startedAt
      const left = entry.maxTotal === undefined ? entry.timeout : Math.min(entry.timeout, entry.maxTotal - elapsed)
      if (left <= 0) {
        entry.onGiveUp('timeout')
        this.#settle(id)?.reject(new McpError(ErrorCode.RequestTimeout, `Request ${entry.method} exceeded its maximum total timeout of ${entry.maxTotal} ms`, { maxTotalTimeout: entry.maxTotal }))
        return true
      }
      // Moving a deadline later needs no timer change: the sweep at the old one re-arms for it.
      entry.deadline = Date.now() + left
      this.#schedule(entry.deadline)
    }
    entry.onprogress?.(progress)
    return true
  }

  /** Rejects every pending request (the connection closed). */
  rejectAll(error: McpError): void {
    for (const id of [...this.#entries.keys()]) this.reject(id, error)
  }
}
