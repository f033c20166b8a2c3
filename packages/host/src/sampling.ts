import type { ModelPreferences } from '@plugboard/protocol'

/** A token bucket: up to `burst` requests at once, refilled at `perMinute`. */
export interface RateLimit {
  burst: number
  perMinute: number
}

/** Options of {@link SamplingPolicy}. */
export interface SamplingPolicyOptions {
  /** The limit of every server (default: burst 5, 10 per minute); `false` for none. */
  rateLimit?: RateLimit | false
  /** Per-server limits instead of `rateLimit`. */
  servers?: Record<string, RateLimit | false>
  /** The clock, in ms. Default `Date.now`. */
  now?: () => number
}

/** The limit of a server with none configured: a burst of 5, then 10 a minute. */
export const DEFAULT_SAMPLING_RATE_LIMIT: RateLimit = { burst: 5, perMinute: 10 }

/** Whether a sampling request may go ahead, and if not, when the next one could. */
export type RateDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterMs: number }

/**
 * Limits how often each server may ask for sampling (`sampling/createMessage`), so that a server
 * cannot spend the user's tokens in a loop: a token bucket per server. Call `take(server)` in the
 * sampling handler before asking the user; refuse the request when it is not allowed.
 *
 * @example
 * const limits = new SamplingPolicy({ servers: { chatty: { burst: 1, perMinute: 2 } } })
 * const sampling = (server: string): SamplingHandler => async (params) => {
 *   const verdict = limits.take(server)
 *   if (!verdict.allowed) throw new McpError(ErrorCode.InvalidRequest, `Too many sampling requests; retry in ${verdict.retryAfterMs} ms`)
 *   …
 * }
 */
export class SamplingPolicy {
  readonly #options: SamplingPolicyOptions
  readonly #now: () => number
  readonly #buckets = new Map<string, { tokens: number; at: number }>()

  constructor(options: SamplingPolicyOptions = {}) {
    this.#options = options
    this.#now = options.now ?? Date.now
  }

  /** Spends one request of `server`'s budget if there is one left. */
  take(server: string): RateDecision {
    const limit = this.#limit(server)
    if (!limit) return { allowed: true, remaining: Infinity }
    const now = this.#now()
    const perMs = limit.perMinute / 60_000
    const bucket = this.#buckets.get(server) ?? { tokens: limit.burst, at: now }
    const tokens = Math.min(limit.burst, bucket.tokens + Math.max(0, now - bucket.at) * perMs)
    if (tokens >= 1) {
      this.#buckets.set(server, { tokens: tokens - 1, at: now })
      return { allowed: true, remaining: Math.floor(tokens - 1) }
    }
    this.#buckets.set(server, { tokens, at: now })
    return { allowed: false, retryAfterMs: perMs > 0 ? Math.ceil((1 - tokens) / perMs) : Infinity }
  }

  /** Refills one server's bucket (or every bucket). */
  reset(server?: string): void {
    if (server === undefined) this.#buckets.clear()
    else this.#buckets.delete(server)
  }

  #limit(server: string): RateLimit | false {
    const own = this.#options.servers?.[server]
    if (own !== undefined) return own
    return this.#options.rateLimit ?? DEFAULT_SAMPLING_RATE_LIMIT
  }
}

/**
 * A model the host can sample with. Scores run from 0 to 1 and default to 0.5: `cost` is how
 * expensive it is (1 the dearest), `speed` how fast, `intelligence` how capable.
 */
export interface ModelProfile {
  name: string
  provider?: string
  /** Other names hints may use for it (`"sonnet"`, or a rival's model it stands in for). */
  aliases?: string[]
  cost?: number
  speed?: number
  intelligence?: number
}

/** The chosen model, and why: a matching hint, the priorities, or the first model as default. */
export interface ModelChoice<M extends ModelProfile = ModelProfile> {
  model: M
  reason: 'hint' | 'priorities' | 'default'
  /** The hint that matched. */
  hint?: string
  /** The model's priority score: costPriority × (1 − cost) + speedPriority × speed + intelligencePriority × intelligence. */
  score: number
}

/**
 * Maps a server's model preferences onto the configured models, deterministically:
 *
 * 1. Hints are tried in order; a hint matches a model whose name or alias contains it
 *    (case-insensitive substring, as the spec suggests: `sonnet` matches `claude-sonnet-4-5`).
 *    The first hint that matches anything wins; among the models it matches, the best score wins.
 * 2. Without a matching hint, the best score over all models wins.
 * 3. Ties go to the model listed first; with no priorities at all, that is the first model.
 *
 * The score is `costPriority × (1 − cost) + speedPriority × speed + intelligencePriority ×
 * intelligence`, missing priorities counting 0 and missing model scores 0.5. Returns `undefined`
 * only when `models` is empty.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/client/sampling#model-preferences
 */
export function chooseModel<M extends ModelProfile>(preferences: ModelPreferences | undefined, models: readonly M[]): ModelChoice<M> | undefined {
  if (models.length === 0) return undefined
  const score = (model: M) =>
    (preferences?.costPriority ?? 0) * (1 - (model.cost ?? 0.5)) +
    (preferences?.speedPriority ?? 0) * (model.speed ?? 0.5) +
    (preferences?.intelligencePriority ?? 0) * (model.intelligence ?? 0.5)
  const best = (candidates: readonly M[]) => candidates.reduce((a, b) => (score(b) > score(a) ? b : a))

  for (const { name } of preferences?.hints ?? []) {
    const hint = name?.trim().toLowerCase()
    if (!hint) continue
    const matching = models.filter((model) => [model.name, ...(model.aliases ?? [])].some((n) => n.toLowerCase().includes(hint)))
    if (matching.length > 0) {
      const model = best(matching)
      return { model, reason: 'hint', hint: name, score: score(model) }
    }
  }
  const model = best(models)
  const prioritized = [preferences?.costPriority, preferences?.speedPriority, preferences?.intelligencePriority].some((p) => (p ?? 0) > 0)
  return { model, reason: prioritized ? 'priorities' : 'default', score: score(model) }
}
