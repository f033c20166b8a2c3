import { Ajv2020 } from 'ajv/dist/2020.js'
import * as v from 'valibot'
import { describe, expect, expectTypeOf, it, vi } from 'vitest'
import { z } from 'zod'
import { compileSchema, formatIssues } from './schema.js'
import type { InferInput, InferOutput, StandardSchemaV1, ValidationResult } from './schema.js'

/** A Standard Schema written by hand: no library at all, which is the whole point of neutrality. */
function evenNumber(): StandardSchemaV1<number, number> {
  return {
    '~standard': {
      version: 1,
      vendor: 'handmade',
      validate: (value) =>
        typeof value === 'number' && value % 2 === 0 ? { value } : { issues: [{ message: 'expected an even number' }] },
    },
  }
}

function failed(result: ValidationResult | Promise<ValidationResult>) {
  if (result instanceof Promise) throw new Error('expected a synchronous result')
  if (result.ok) throw new Error('expected validation to fail')
  return result.issues
}

describe('compileSchema with a zod 4 object', () => {
  const schema = z.object({
    a: z.number().describe('first operand'),
    b: z.string().optional(),
    n: z.string().transform((s) => s.length),
  })

  it('advertises properties and required from zod’s Standard JSON Schema, without $schema', () => {
    const { jsonSchema } = compileSchema(schema)
    expect(jsonSchema).not.toHaveProperty('$schema')
    expect(jsonSchema.type).toBe('object')
    expect(jsonSchema.properties).toMatchObject({ a: { type: 'number', description: 'first operand' }, b: { type: 'string' } })
    expect(jsonSchema.required).toEqual(['a', 'n'])
  })

  it('returns the transformed value when arguments are valid', async () => {
    expect(await compileSchema(schema).validate({ a: 1, n: 'four' })).toEqual({ ok: true, value: { a: 1, n: 4 } })
  })

  it('reports each invalid argument with its path', () => {
    const issues = failed(compileSchema(schema).validate({ a: 'x', n: 3 }))
    expect(issues.map((i) => i.path)).toEqual(['a', 'n'])
    expect(formatIssues(issues)).toMatch(/^a: .*number.*; n: .*string/)
  })

  it('gives nested paths as a.b[0]', () => {
    const nested = compileSchema(z.object({ list: z.array(z.object({ id: z.number() })) }))
    expect(failed(nested.validate({ list: [{ id: 'x' }] }))[0]?.path).toBe('list[0].id')
  })

  it('describes the output side in output mode, where a transform cannot be expressed', () => {
    const out = compileSchema(z.object({ total: z.number(), label: z.string().default('sum') }), { io: 'output' })
    expect(out.jsonSchema.required).toEqual(['total', 'label'])
    const transforming = compileSchema(schema, { io: 'output' })
    expect(transforming.jsonSchema.properties).toMatchObject({ n: {} })
  })

  it('rejects a schema whose root is not an object', () => {
    expect(() => compileSchema(z.string())).toThrow(/must describe an object/)
  })

  it('supports async refinements by returning a promise', async () => {
    const slow = z.object({ id: z.string().refine(async (s) => s.startsWith('u_'), 'unknown user') })
    const result = compileSchema(slow).validate({ id: 'x' })
    expect(result).toBeInstanceOf(Promise)
    expect(await result).toEqual({ ok: false, issues: [{ path: 'id', message: 'unknown user' }] })
    expect(await compileSchema(slow).validate({ id: 'u_1' })).toEqual({ ok: true, value: { id: 'u_1' } })
  })
})

describe('compileSchema with a shape of Standard Schemas', () => {
  it('treats { a: z.number() } as an object with required and optional keys', () => {
    const compiled = compileSchema({ a: z.number(), b: z.string().optional(), c: z.number().default(3) })
    expect(compiled.jsonSchema).toEqual({
      type: 'object',
      properties: { a: { type: 'number' }, b: { type: 'string' }, c: { type: 'number', default: 3 } },
      required: ['a'],
    })
    expect(compiled.validate({ a: 1, extra: true })).toEqual({ ok: true, value: { a: 1, c: 3 } })
    expect(failed(compiled.validate({ b: 2 })).map((i) => i.path)).toEqual(['a', 'b'])
    expect(failed(compiled.validate([1]))).toEqual([{ path: '', message: 'expected object' }])
  })

  it('counts a defaulted key as required on the output side', () => {
    expect(compileSchema({ c: z.number().default(3) }, { io: 'output' }).jsonSchema.required).toEqual(['c'])
  })

  it('hoists $defs of recursive fields and re-points their self references', () => {
    const Node: z.ZodType<{ kids: unknown[] }> = z.object({ get kids() { return z.array(Node) } })
    const { jsonSchema } = compileSchema({ tree: Node, other: z.object({ inner: Node }) })
    expect(jsonSchema.properties).toMatchObject({ tree: { properties: { kids: { items: { $ref: '#/properties/tree' } } } } })
    // Whatever was generated must resolve as one document.
    const ajv = new Ajv2020({ strict: false })
    expect(ajv.validate(jsonSchema, { tree: { kids: [{ kids: [] }] }, other: { inner: { kids: [] } } })).toBe(true)
    expect(ajv.validate(jsonSchema, { tree: { kids: [{ kids: 1 }] }, other: { inner: { kids: [] } } })).toBe(false)
  })

  it('awaits fields that validate asynchronously', async () => {
    const later: StandardSchemaV1<string, string> = {
      '~standard': { version: 1, vendor: 'handmade', validate: async (value) => (typeof value === 'string' ? { value } : { issues: [{ message: 'expected string' }] }) },
    }
    const jsonSchema = { handmade: () => ({ type: 'string' }) }
    expect(await compileSchema({ a: later, b: z.number() }, { jsonSchema }).validate({ a: 'x', b: 1 })).toEqual({ ok: true, value: { a: 'x', b: 1 } })
    expect(await compileSchema({ a: later }, { jsonSchema }).validate({ a: 1 })).toEqual({ ok: false, issues: [{ path: 'a', message: 'expected string' }] })
  })
})

describe('compileSchema with a Standard Schema that is not zod', () => {
  it('refuses a hand-written Standard Schema it cannot describe, naming the field, the vendor and the fix', () => {
    expect(() => compileSchema({ count: evenNumber() }, { name: 'tool "pairs" inputSchema' })).toThrow(TypeError)
    expect(() => compileSchema({ count: evenNumber() }, { name: 'tool "pairs" inputSchema' })).toThrow(
      /tool "pairs" inputSchema \(field "count"\).*vendor "handmade".*~standard\.jsonSchema.*jsonSchema: \{ handmade:/,
    )
  })

  it('describes a hand-written Standard Schema with the converter given for its vendor, and still validates with it', () => {
    const converter = vi.fn(() => ({ type: 'integer', multipleOf: 2 }))
    const compiled = compileSchema({ count: evenNumber() }, { jsonSchema: { other: () => ({ type: 'string' }), handmade: converter } })
    expect(compiled.jsonSchema).toEqual({ type: 'object', properties: { count: { type: 'integer', multipleOf: 2 } }, required: ['count'] })
    expect(converter).toHaveBeenCalledTimes(1)
    expect(compiled.validate({ count: 2 })).toEqual({ ok: true, value: { count: 2 } })
    expect(formatIssues(failed(compiled.validate({ count: 3 })))).toBe('count: expected an even number')
  })

  it('prefers the schema’s own Standard JSON Schema to a converter given for its vendor', () => {
    const converter = vi.fn(() => ({ type: 'string' }))
    const compiled = compileSchema({ a: z.number() }, { jsonSchema: { zod: converter } })
    expect(compiled.jsonSchema.properties).toEqual({ a: { type: 'number' } })
    expect(converter).not.toHaveBeenCalled()
  })

  it('refuses a converter that answers undefined, and wraps one that throws with its reason', () => {
    expect(() => compileSchema(evenNumber() as never, { jsonSchema: { handmade: () => undefined } })).toThrow(/vendor "handmade"/)
    const failing = () => compileSchema({ n: evenNumber() }, { jsonSchema: { handmade: () => { throw new Error('no way') } } })
    expect(failing).toThrow(TypeError)
    expect(failing).toThrow(/field "n".*handmade converter failed: no way/)
  })

  it('refuses a plain valibot object, naming toStandardJsonSchema and the valibot converter option', () => {
    expect(() => compileSchema(v.object({ a: v.number(), b: v.optional(v.string()) }))).toThrow(/valibot.*toStandardJsonSchema\(\).*\{ valibot: toJsonSchema \}/)
  })

  it('reads optionality of valibot fields in a shape', () => {
    const compiled = compileSchema({ a: v.number(), b: v.optional(v.string()) }, { jsonSchema: { valibot: () => ({}) } })
    expect(compiled.jsonSchema.required).toEqual(['a'])
    expect(compiled.validate({ a: 1 })).toEqual({ ok: true, value: { a: 1 } })
    expect(failed(compiled.validate({ a: 'x' }))[0]?.path).toBe('a')
  })
})

describe('compileSchema with raw JSON Schema', () => {
  const raw = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    properties: { a: { type: 'number' }, email: { type: 'string', format: 'email' }, tags: { type: 'array', items: { type: 'string' } } },
    required: ['a'],
    additionalProperties: false,
  }

  it('compiles with ajv once at registration and reuses the validator on every call', () => {
    const compile = vi.spyOn(Ajv2020.prototype, 'compile')
    try {
      const compiled = compileSchema(raw)
      for (let i = 0; i < 50; i++) expect(compiled.validate({ a: i })).toEqual({ ok: true, value: { a: i } })
      expect(compile).toHaveBeenCalledTimes(1)
    } finally {
      compile.mockRestore()
    }
  })

  it('advertises the $schema the user wrote (SEP-1613) and still validates as 2020-12', () => {
    expect(compileSchema(raw).jsonSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema')
    const draft7 = compileSchema({ ...raw, $schema: 'http://json-schema.org/draft-07/schema#' })
    expect(draft7.jsonSchema.$schema).toBe('http://json-schema.org/draft-07/schema#')
    expect(draft7.validate({ a: 1 })).toEqual({ ok: true, value: { a: 1 } })
  })

  it('reports required, unknown, format and nested errors with readable paths', () => {
    const issues = failed(compileSchema(raw).validate({ email: 'nope', tags: ['x', 2], zz: 1 }))
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'a', message: 'required' },
        { path: 'zz', message: 'unknown property' },
        { path: 'email', message: expect.stringContaining('email') },
        { path: 'tags[1]', message: 'must be string' },
      ]),
    )
  })

  it('lets two schemas share an $id without clashing', () => {
    compileSchema({ $id: 'https://example.com/args.json', type: 'object' })
    expect(compileSchema({ $id: 'https://example.com/args.json', type: 'object', required: ['x'] }).validate({})).toMatchObject({ ok: false })
  })

  it('throws at registration for an invalid schema or a non-object root', () => {
    expect(() => compileSchema({ type: 'object', properties: { a: { type: 'nope' } } })).toThrow()
    expect(() => compileSchema({ type: 'array' })).toThrow(/must describe an object/)
  })
})

describe('formatIssues', () => {
  it('joins issues and caps the list', () => {
    const issues = Array.from({ length: 12 }, (_, i) => ({ path: `k${i}`, message: 'bad' }))
    expect(formatIssues(issues, 2)).toBe('k0: bad; k1: bad; and 10 more')
    expect(formatIssues([{ path: '', message: 'expected object' }])).toBe('expected object')
  })
})

describe('type inference', () => {
  it('infers arguments from a Standard Schema, a shape and raw JSON Schema', () => {
    const obj = z.object({ a: z.number(), n: z.string().transform((s) => s.length) })
    expectTypeOf<InferInput<typeof obj>>().toEqualTypeOf<{ a: number; n: string }>()
    expectTypeOf<InferOutput<typeof obj>>().toEqualTypeOf<{ a: number; n: number }>()
    const shape = { a: z.number(), b: z.string().optional(), c: v.number() }
    expectTypeOf<InferOutput<typeof shape>>().toEqualTypeOf<{ a: number; c: number; b?: string | undefined }>()
    expectTypeOf<InferInput<{ type: 'object' }>>().toEqualTypeOf<Record<string, unknown>>()
  })
})
