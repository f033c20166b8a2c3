import type { RequestId } from '../jsonrpc/messages.js'

/**
 * Inbound requests being handled. The AbortController of each is created only when a handler
 * reads `ctx.signal` or a cancellation arrives — most requests never need one.
 */
export class InFlight {
  readonly #entries = new Map<RequestId, { controller?: AbortController; cancelled: boolean; done?: Array<() => void> }>()

  get size(): number {
    return this.#entries.size
  }

  has(id: RequestId): boolean {
    return this.#entries.has(id)
  }

  begin(id: RequestId): void {
    this.#entries.set(id, { cancelled: false })
  }

  signal(id: RequestId): AbortSignal {
    const entry = this.#entries.get(id)
    if (!entry) return AbortSignal.abort()
    entry.controller ??= new AbortController()
    return entry.controller.signal
  }

  /** Marks the request cancelled and fires its signal. Its response will not be sent. */
  cancel(id: RequestId, reason: unknown): boolean {
    const entry = this.#entries.get(id)
    if (!entry || entry.cancelled) return false
    entry.cancelled = true
    entry.controller ??= new AbortController()
    entry.controller.abort(reason)
    return true
  }

  /** Whether the request was cancelled (and so must not be answered). */
  cancelled(id: RequestId): boolean {
    return this.#entries.get(id)?.cancelled ?? false
  }

  /** Ends the request (answered, or dropped when cancelled); whoever waited for it is told. */
  end(id: RequestId): void {
    const entry = this.#entries.get(id)
    this.#entries.delete(id)
    for (const resolve of entry?.done ?? []) resolve()
  }

  /** Resolves once the request has ended (at once when it is not in flight). */
  ended(id: RequestId): Promise<void> {
    const entry = this.#entries.get(id)
    if (!entry) return Promise.resolve()
    return new Promise((resolve) => (entry.done ??= []).push(resolve))
  }

  cancelAll(reason: unknown): void {
    for (const id of [...this.#entries.keys()]) this.cancel(id, reason)
  }
}
