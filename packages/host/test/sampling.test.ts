import { describe, expect, it } from 'vitest'
import { chooseModel, SamplingPolicy, type ModelProfile } from '../src/index.js'

describe('SamplingPolicy rate limits', () => {
  function clock() {
    let now = 0
    return { now: () => now, advance: (ms: number) => (now += ms) }
  }

  it('allows a burst, then one request per refill interval, telling when to retry', () => {
    const time = clock()
    const policy = new SamplingPolicy({ rateLimit: { burst: 2, perMinute: 6 }, now: time.now })
    expect(policy.take('a')).toEqual({ allowed: true, remaining: 1 })
    expect(policy.take('a')).toEqual({ allowed: true, remaining: 0 })
    expect(policy.take('a')).toEqual({ allowed: false, retryAfterMs: 10_000 })
    time.advance(4_000)
    expect(policy.take('a')).toEqual({ allowed: false, retryAfterMs: 6_000 })
    time.advance(6_000)
    expect(policy.take('a')).toEqual({ allowed: true, remaining: 0 })
    // Refills never exceed the burst.
    time.advance(3_600_000)
    expect(policy.take('a')).toEqual({ allowed: true, remaining: 1 })
  })

  it('keeps one bucket per server, with per-server limits and opt-outs', () => {
    const time = clock()
    const policy = new SamplingPolicy({ rateLimit: { burst: 1, perMinute: 1 }, servers: { trusted: false, chatty: { burst: 3, perMinute: 1 } }, now: time.now })
    expect(policy.take('a').allowed).toBe(true)
    expect(policy.take('a').allowed).toBe(false)
    expect(policy.take('b').allowed).toBe(true)
    for (let i = 0; i < 100; i++) expect(policy.take('trusted').allowed).toBe(true)
    expect([1, 2, 3, 4].map(() => policy.take('chatty').allowed)).toEqual([true, true, true, false])
    policy.reset('a')
    expect(policy.take('a').allowed).toBe(true)
  })

  it('limits by default to a burst of 5 and 10 a minute', () => {
    const policy = new SamplingPolicy({ now: () => 0 })
    expect(Array.from({ length: 6 }, () => policy.take('s').allowed)).toEqual([true, true, true, true, true, false])
    expect(policy.take('s')).toEqual({ allowed: false, retryAfterMs: 6_000 })
  })
})

describe('chooseModel', () => {
  const models: ModelProfile[] = [
    { name: 'claude-sonnet-4-5', provider: 'anthropic', aliases: ['sonnet'], cost: 0.5, speed: 0.6, intelligence: 0.85 },
    { name: 'claude-haiku-4-5', provider: 'anthropic', cost: 0.1, speed: 0.95, intelligence: 0.6 },
    { name: 'claude-opus-4-1', provider: 'anthropic', cost: 1, speed: 0.3, intelligence: 1 },
    { name: 'gpt-4o-mini', provider: 'openai', aliases: ['gpt-3.5'], cost: 0.05, speed: 0.9, intelligence: 0.5 },
  ]

  it('takes the first model when nothing is preferred', () => {
    expect(chooseModel(undefined, models)).toMatchObject({ model: { name: 'claude-sonnet-4-5' }, reason: 'default' })
    expect(chooseModel({}, models)).toMatchObject({ reason: 'default' })
    expect(chooseModel({}, [])).toBeUndefined()
  })

  it('follows the first hint that matches a name or alias, as a case-insensitive substring', () => {
    expect(chooseModel({ hints: [{ name: 'Haiku' }] }, models)).toMatchObject({ model: { name: 'claude-haiku-4-5' }, reason: 'hint', hint: 'Haiku' })
    expect(chooseModel({ hints: [{ name: 'gemini' }, { name: 'gpt-3.5' }, { name: 'opus' }] }, models)).toMatchObject({ model: { name: 'gpt-4o-mini' }, hint: 'gpt-3.5' })
  })

  it('breaks a hint that matches several models with the priorities', () => {
    expect(chooseModel({ hints: [{ name: 'claude' }], intelligencePriority: 1 }, models)?.model.name).toBe('claude-opus-4-1')
    expect(chooseModel({ hints: [{ name: 'claude' }], costPriority: 1 }, models)?.model.name).toBe('claude-haiku-4-5')
    // Same score: the one listed first.
    expect(chooseModel({ hints: [{ name: 'claude' }] }, models)?.model.name).toBe('claude-sonnet-4-5')
  })

  it('scores every model by the priorities when no hint matches', () => {
    expect(chooseModel({ hints: [{ name: 'llama' }], costPriority: 1 }, models)).toMatchObject({ model: { name: 'gpt-4o-mini' }, reason: 'priorities' })
    expect(chooseModel({ speedPriority: 1 }, models)?.model.name).toBe('claude-haiku-4-5')
    // 0.3 × (1 − 0.5) + 0.2 × 0.6 + 0.8 × 0.85 = 0.95, the best of the four.
    const choice = chooseModel({ costPriority: 0.3, speedPriority: 0.2, intelligencePriority: 0.8 }, models)
    expect(choice?.model.name).toBe('claude-sonnet-4-5')
    expect(choice?.score).toBeCloseTo(0.95)
  })

  it('treats missing model scores as 0.5', () => {
    const plain: ModelProfile[] = [{ name: 'a' }, { name: 'b', intelligence: 0.6 }]
    expect(chooseModel({ intelligencePriority: 1 }, plain)).toMatchObject({ model: { name: 'b' }, score: 0.6 })
    expect(chooseModel({ costPriority: 1 }, plain)).toMatchObject({ model: { name: 'a' }, score: 0.5 })
  })
})
