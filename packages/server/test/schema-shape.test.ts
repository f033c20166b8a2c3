import * as z from 'zod'
import { describe, expect, it } from 'vitest'
import { compileSchema } from '../src/schema.js'

// A shape `{ a: z.number() }` is checked field by field; what the handler gets must be what the
// fields' schemas produce, whatever fast path hands it over.
describe('a shape of Standard Schemas, validated', () => {
  const compiled = compileSchema({ n: z.number(), s: z.string().optional(), d: z.string().default('x'), up: z.string().transform((v) => v.toUpperCase()) })

  it('gives the fields values, defaults applied and transforms run, with stray keys dropped', () => {
    expect(compiled.validate({ n: 1, up: 'a', stray: true })).toEqual({ ok: true, value: { n: 1, d: 'x', up: 'A' } })
  })

  it('hands over an input that every field accepts as it is (no copy needed) with the same content', () => {
    const input = { n: 2, s: 'k', d: 'y', up: 'B' }
    expect(compiled.validate(input)).toEqual({ ok: true, value: input })
  })

  it('keeps an explicitly undefined optional key, and reports every field in error with its path', () => {
    expect(compiled.validate({ n: 1, s: undefined, up: 'c' })).toEqual({ ok: true, value: { n: 1, s: undefined, d: 'x', up: 'C' } })
    const bad = compiled.validate({ n: 'one', up: 3 })
    expect(bad).toMatchObject({ ok: false, issues: [{ path: 'n' }, { path: 'up' }] })
  })

  it('waits for fields whose validation is asynchronous', async () => {
    const slow = compileSchema({ n: z.number().refine(async (v) => v > 0, 'positive'), t: z.string() })
    const ok = slow.validate({ n: 1, t: 'a', stray: 1 })
    expect(ok).toBeInstanceOf(Promise)
    expect(await ok).toEqual({ ok: true, value: { n: 1, t: 'a' } })
    expect(await slow.validate({ n: -1, t: 'a' })).toMatchObject({ ok: false, issues: [{ path: 'n', message: 'positive' }] })
  })
})
