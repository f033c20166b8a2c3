import { describe, expect, expectTypeOf, it } from 'vitest'
import type * as z from 'zod'
import * as r20241105 from './2024-11-05.js'
import * as r20250326 from './2025-03-26.js'
import * as r20250618 from './2025-06-18.js'
import * as r20251125 from './2025-11-25.js'
import * as r20260728 from './2026-07-28.js'
import * as w20241105 from './wire/2024-11-05.js'
import * as w20250326 from './wire/2025-03-26.js'
import * as w20250618 from './wire/2025-06-18.js'
import * as w20251125 from './wire/2025-11-25.js'
import * as w20260728 from './wire/2026-07-28.js'

// Each revision module is wire/'s schemas under declared spec types (so a consumer's type checker
// does not re-derive the zod types). These tests hold the two together: the same objects at run
// time, and the same types at compile time (`tsc` checks the expectTypeOf lines; vitest runs the rest).

/** Keys a type names, without the `[key: string]: unknown` of a loose object. */
type KnownKeys<T> = keyof { [K in keyof T as string extends K ? never : number extends K ? never : K]: 0 }
/** Mutually assignable and naming the same keys: catches a field missing, added or of another optionality. */
type Same<A, B> = [A] extends [B]
  ? [B] extends [A]
    ? [KnownKeys<A>] extends [KnownKeys<B>]
      ? [KnownKeys<B>] extends [KnownKeys<A>]
        ? true
        : false
      : false
    : false
  : false
/** The schema names whose declared type differs from what zod infers for the wire schema. */
type Mismatches<Public, Wire> = {
  [K in keyof Public & keyof Wire]: K extends `${string}Schema` ? (Same<z.output<Public[K]>, z.output<Wire[K]>> extends true ? never : K) : never
}[keyof Public & keyof Wire]

const REVISIONS = [
  ['2024-11-05', r20241105, w20241105],
  ['2025-03-26', r20250326, w20250326],
  ['2025-06-18', r20250618, w20250618],
  ['2025-11-25', r20251125, w20251125],
  ['2026-07-28', r20260728, w20260728],
] as const

describe('the declared revision types', () => {
  it.each(REVISIONS)('%s exports exactly the wire schemas and constants, as the same objects', (_, publicModule, wire) => {
    expect(Object.keys(publicModule).sort()).toEqual(Object.keys(wire).sort())
    for (const [name, value] of Object.entries(wire)) expect((publicModule as Record<string, unknown>)[name], name).toBe(value)
  })

  it('declare for every schema the type zod infers from it', () => {
    expectTypeOf<Mismatches<typeof r20241105, typeof w20241105>>().toEqualTypeOf<never>()
    expectTypeOf<Mismatches<typeof r20250326, typeof w20250326>>().toEqualTypeOf<never>()
    expectTypeOf<Mismatches<typeof r20250618, typeof w20250618>>().toEqualTypeOf<never>()
    expectTypeOf<Mismatches<typeof r20251125, typeof w20251125>>().toEqualTypeOf<never>()
    expectTypeOf<Mismatches<typeof r20260728, typeof w20260728>>().toEqualTypeOf<never>()
  })

  it('keep z.infer, .parse and ParamsOf-style input types on the declared types', () => {
    expectTypeOf<z.infer<typeof r20251125.CallToolResultSchema>>().toEqualTypeOf<r20251125.CallToolResult>()
    expectTypeOf<z.input<typeof r20260728.CallToolRequestParamsSchema>>().toEqualTypeOf<r20260728.CallToolRequestParams>()
    const parsed = r20251125.CallToolResultSchema.parse({ content: [{ type: 'text', text: 'hi' }] })
    expectTypeOf(parsed).toEqualTypeOf<r20251125.CallToolResult>()
    expect(parsed.content[0]).toEqual({ type: 'text', text: 'hi' })
  })
})
