import { createRequire } from 'node:module'
import type { ElicitRequestFormParams, ElicitResult, PrimitiveSchemaDefinition } from '@plugboard/protocol'
import { describe, expect, it } from 'vitest'
import { parseFieldAnswer, readField, readForm, type FormField } from '../../src/ui/form-fields.js'
import { describeField, fillForm } from '../../src/ui/form.js'
import { ScriptedPrompter } from '../../src/ui/prompter.js'

// The host app does not depend on ajv, so the check borrows the copy @plugboard/client validates
// form answers with, set up as `packages/client/src/json-schema.ts` does (draft 2020-12, formats, not strict).
type Validate = ((data: unknown) => boolean) & { errors?: unknown }
const fromClient = createRequire(new URL('../../../../packages/client/package.json', import.meta.url))
const { Ajv2020 } = fromClient('ajv/dist/2020') as { Ajv2020: new (options: object) => { compile(schema: object): Validate } }
const addFormats = (fromClient('ajv-formats') as { default: (ajv: unknown) => void }).default
const ajv = new Ajv2020({ allErrors: true, strict: false })
addFormats(ajv)

type Schema = ElicitRequestFormParams['requestedSchema']

/** Fills the form with scripted answers; every accepted answer must pass the client's check against `requestedSchema`. */
async function fill(properties: Record<string, unknown>, answers: Array<string | undefined>, required: string[] = []) {
  const requestedSchema = { type: 'object', properties, ...(required.length ? { required } : {}) } as Schema
  const io = new ScriptedPrompter(answers)
  const result = await fillForm(io, { server: 'everything', params: { mode: 'form', message: 'Tell me about you', requestedSchema } })
  if (result.action === 'accept') {
    const validate = ajv.compile(requestedSchema)
    expect(validate(result.content), JSON.stringify(validate.errors)).toBe(true)
  }
  return { result, output: io.output, remaining: io.remaining }
}

const accepted = (content: NonNullable<ElicitResult['content']>): ElicitResult => ({ action: 'accept', content })

describe('fillForm: the dialog', () => {
  it('shows the server and the message, asks each field in order, and sends typed values after accept', async () => {
    const { result, output } = await fill(
      {
        name: { type: 'string', title: 'Name', description: 'Your full name' },
        age: { type: 'integer', title: 'Age', minimum: 0 },
        ratio: { type: 'number' },
        subscribe: { type: 'boolean', title: 'Subscribe' },
      },
      ['Ada Lovelace', '36', '0.5', 'y', 'a'],
      ['name'],
    )
    expect(result).toEqual(accepted({ name: 'Ada Lovelace', age: 36, ratio: 0.5, subscribe: true }))
    expect(output).toContain('── elicitation from everything ──')
    expect(output).toContain('Tell me about you')
    expect(output).toContain('Your full name')
    expect(output.indexOf('Name:')).toBeLessThan(output.indexOf('Age:'))
    expect(output).toMatch(/── your answers ──[\s\S]*Age: 36[\s\S]*Submit\? \[a\]ccept/)
  })

  it('takes each kind of default on an empty line and shows it in brackets', async () => {
    const { result, output } = await fill(
      {
        city: { type: 'string', default: 'Paris' },
        count: { type: 'integer', default: 3 },
        ok: { type: 'boolean', default: false },
        color: { type: 'string', enum: ['red', 'green'], default: 'green' },
        tags: { type: 'array', items: { type: 'string', enum: ['a', 'b', 'c'] }, default: ['a', 'c'] },
      },
      ['', '', '', '', '', 'accept'],
    )
    expect(result).toEqual(accepted({ city: 'Paris', count: 3, ok: false, color: 'green', tags: ['a', 'c'] }))
    expect(output).toContain('city [Paris]: ')
    expect(output).toContain('ok [no]: ')
    expect(output).toContain('tags [a, c]: ')
  })

  it('leaves out an optional field without default on an empty line, and says so in the summary', async () => {
    const { result, output } = await fill({ nickname: { type: 'string' }, name: { type: 'string' } }, ['', 'Ada', 'a'], ['name'])
    expect(result).toEqual(accepted({ name: 'Ada' }))
    expect(output).toContain('nickname: (left out)')
  })

  it('re-asks a required field after an empty answer', async () => {
    const { result, output } = await fill({ name: { type: 'string' } }, ['', 'Ada', 'a'], ['name'])
    expect(result).toEqual(accepted({ name: 'Ada' }))
    expect(output).toContain('This field is required.')
  })

  it('leaves out an optional field that has a default when the user types /clear', async () => {
    const { result } = await fill({ city: { type: 'string', default: 'Paris' } }, ['/clear', 'a'])
    expect(result).toEqual(accepted({}))
  })

  it('re-asks a number field after an out-of-range answer and accepts the second', async () => {
    const { result, output } = await fill({ age: { type: 'number', minimum: 18, maximum: 130 } }, ['12', '30', 'a'])
    expect(result).toEqual(accepted({ age: 30 }))
    expect(output).toContain('Must be at least 18.')
    expect(output.match(/age: /g)).toHaveLength(2 + 1) // two questions and the summary line
  })

  it('re-asks an integer field after a fraction and a non-number', async () => {
    const { result, output } = await fill({ n: { type: 'integer' } }, ['2.5', 'twelve', '1e3', 'a'])
    expect(result).toEqual(accepted({ n: 1000 }))
    expect(output).toContain('Must be a whole number.')
    expect(output).toContain('"twelve" is not a number.')
  })

  it('reads y/n, yes/no and true/false for a boolean and re-asks anything else', async () => {
    const { result, output } = await fill({ a: { type: 'boolean' }, b: { type: 'boolean' }, c: { type: 'boolean' } }, ['maybe', 'yes', 'n', 'TRUE', 'a'])
    expect(result).toEqual(accepted({ a: true, b: false, c: true }))
    expect(output).toContain('Answer y or n.')
  })

  it('checks string length, counting characters rather than UTF-16 units', async () => {
    const { result, output } = await fill({ code: { type: 'string', minLength: 3, maxLength: 4 } }, ['ab', 'abcde', '😀😀😀', 'a'])
    expect(result).toEqual(accepted({ code: '😀😀😀' }))
    expect(output).toContain('Must be at least 3 characters (this has 2).')
    expect(output).toContain('Must be at most 4 characters (this has 5).')
  })

  it('checks the email, uri, date and date-time formats before accepting', async () => {
    const { result, output } = await fill(
      {
        email: { type: 'string', format: 'email' },
        site: { type: 'string', format: 'uri' },
        day: { type: 'string', format: 'date' },
        at: { type: 'string', format: 'date-time' },
      },
      ['ada@', 'ada@example.com', 'example.com', 'https://example.com/x', '2023-02-29', '2024-02-29', '2024-02-29T10:00:00', '2024-02-29T10:00:00Z', 'a'],
    )
    expect(result).toEqual(accepted({ email: 'ada@example.com', site: 'https://example.com/x', day: '2024-02-29', at: '2024-02-29T10:00:00Z' }))
    expect(output).toContain('Must be an email address.')
    expect(output).toContain('Must be a URI')
    expect(output).toContain('Must be a date, YYYY-MM-DD.')
    expect(output).toContain('Must be a date and time with a zone')
  })

  it('checks a pattern the schema gives', async () => {
    const { result, output } = await fill({ id: { type: 'string', pattern: '^[A-Z]{3}$' } }, ['abc', 'ABC', 'a'])
    expect(result).toEqual(accepted({ id: 'ABC' }))
    expect(output).toContain('Must match the pattern ^[A-Z]{3}$.')
  })

  it('checks a default against the pattern only when the user takes it, so a hostile pattern never runs unasked', async () => {
    const { result, output } = await fill({ id: { type: 'string', pattern: '^[A-Z]+$', default: 'abc' } }, ['', 'XYZ', 'a'])
    expect(result).toEqual(accepted({ id: 'XYZ' }))
    expect(output).toContain('id [abc]: ')
    expect(output).toContain('Must match the pattern ^[A-Z]+$.')
  })

  it('declines at /decline and cancels at /cancel, from any field', async () => {
    const properties = { a: { type: 'string' }, b: { type: 'string' } }
    expect((await fill(properties, ['x', '/decline'])).result).toEqual({ action: 'decline' })
    expect((await fill(properties, ['/CANCEL'])).result).toEqual({ action: 'cancel' })
  })

  it('cancels when the user presses Ctrl-C in the middle of the form', async () => {
    const { result, remaining } = await fill({ a: { type: 'string' }, b: { type: 'string' }, c: { type: 'string' } }, ['x', undefined, 'never asked'])
    expect(result).toEqual({ action: 'cancel' })
    expect(remaining).toBe(1)
  })

  it('cancels after five invalid answers to one field instead of asking forever', async () => {
    const { result, output, remaining } = await fill({ n: { type: 'number' } }, ['a', 'b', 'c', 'd', 'e', '1'])
    expect(result).toEqual({ action: 'cancel' })
    expect(output).toContain('Too many invalid answers')
    expect(remaining).toBe(1)
  })

  it('re-asks the submit question after garbage, and declines or cancels from there', async () => {
    const garbage = await fill({ a: { type: 'string' } }, ['x', 'sure', '', 'a'])
    expect(garbage.result).toEqual(accepted({ a: 'x' }))
    expect(garbage.output).toContain('Please answer one of:')
    expect((await fill({ a: { type: 'string' } }, ['x', 'd'])).result).toEqual({ action: 'decline' })
    expect((await fill({ a: { type: 'string' } }, ['x', 'c'])).result).toEqual({ action: 'cancel' })
    expect((await fill({ a: { type: 'string' } }, ['x', undefined])).result).toEqual({ action: 'cancel' })
  })

  it('lets the user edit the answers from the summary, offering the previous ones as defaults', async () => {
    const { result, output } = await fill({ a: { type: 'string' }, n: { type: 'integer' } }, ['x', '1', 'e', '', '2', 'a'])
    expect(result).toEqual(accepted({ a: 'x', n: 2 }))
    expect(output).toContain('a [x]: ')
    expect(output).toContain('n [1]: ')
  })
})

describe('fillForm: the five SEP-1330 enum shapes', () => {
  it('untitled single-select (enum): answers by number or by value', async () => {
    const { result, output } = await fill({ c: { type: 'string', enum: ['red', 'green', 'blue'] }, d: { type: 'string', enum: ['red', 'green'] } }, ['2', 'red', 'a'])
    expect(result).toEqual(accepted({ c: 'green', d: 'red' }))
    expect(output).toContain('    1) red\n    2) green\n    3) blue')
  })

  it('titled single-select (oneOf const/title): shows titles with the values sent, accepts a title', async () => {
    const oneOf = [{ const: '#f00', title: 'Red' }, { const: '#0f0', title: 'Green' }]
    const { result, output } = await fill({ c: { type: 'string', oneOf }, d: { type: 'string', oneOf } }, ['green', '1', 'a'])
    expect(result).toEqual(accepted({ c: '#0f0', d: '#f00' }))
    expect(output).toContain('1) Red (#f00)')
    expect(output).toContain('c: Green (#0f0)')
  })

  it('legacy titled single-select (enum + enumNames): shows the names, sends the values', async () => {
    const { result, output } = await fill({ c: { type: 'string', enum: ['s', 'm'], enumNames: ['Small', 'Medium'] } }, ['Medium', 'a'])
    expect(result).toEqual(accepted({ c: 'm' }))
    expect(output).toContain('1) Small (s)')
  })

  it('untitled multi-select (items.enum): reads comma-separated numbers and values, without duplicates', async () => {
    const { result } = await fill({ t: { type: 'array', items: { type: 'string', enum: ['a', 'b', 'c'] } } }, ['1, c, 1', 'a'])
    expect(result).toEqual(accepted({ t: ['a', 'c'] }))
  })

  it('titled multi-select (items.anyOf): enforces minItems and maxItems', async () => {
    const anyOf = [{ const: 'x', title: 'Ex' }, { const: 'y', title: 'Why' }, { const: 'z', title: 'Zed' }]
    const { result, output } = await fill({ t: { type: 'array', items: { anyOf }, minItems: 1, maxItems: 2 } }, ['', '1,2,3', 'nine', 'Why, 3', 'a'], ['t'])
    expect(result).toEqual(accepted({ t: ['y', 'z'] }))
    expect(output).toContain('Choose at least 1.')
    expect(output).toContain('Choose at most 2.')
    expect(output).toContain('"nine" is not one of the options')
    expect(output).toContain('1 to 2 of them')
  })

  it('sends an empty list for a required multi-select that allows none when the answer is empty', async () => {
    const { result } = await fill({ t: { type: 'array', items: { type: 'string', enum: ['a'] } } }, ['', 'a'], ['t'])
    expect(result).toEqual(accepted({ t: [] }))
  })
})

describe('fillForm: hostile schemas', () => {
  it('neutralizes ANSI escape sequences and newlines in titles, descriptions, options and the message', async () => {
    const io = new ScriptedPrompter(['1', 'a'])
    const requestedSchema = {
      type: 'object' as const,
      properties: { c: { type: 'string' as const, title: '\u001b[2J\u001b[HName\nSubmit? [a]ccept', description: 'x\u001b]0;pwned\u0007', enum: ['\u001b[31mred'] } },
    }
    await fillForm(io, { server: 'evil', params: { message: 'hi\r\u009b2J', requestedSchema } })
    expect(io.output).not.toMatch(/[\u001b\u0007\u009b\r]/)
    expect(io.output).toContain('␛[2J␛[HName⏎Submit? [a]ccept')
    expect(io.output).toContain('<U+009B>2J')
  })

  it('declines a form with a field type it cannot ask for, and explains why', async () => {
    const { result, output } = await fill({ ok: { type: 'string' }, nested: { type: 'object', properties: {} } }, [])
    expect(result).toEqual({ action: 'decline' })
    expect(output).toContain('field "nested" is not supported (type "object" is not a form field type)')
  })

  it('declines a form that requires a field it does not describe, or whose constraints cannot be met', async () => {
    expect((await fill({ a: { type: 'string' } }, [], ['b'])).result).toEqual({ action: 'decline' })
    expect((await fill({ a: { type: 'string', minLength: 5, maxLength: 2 } }, [])).result).toEqual({ action: 'decline' })
    expect((await fill({ a: { type: 'string', format: 'ipv9' } }, [])).result).toEqual({ action: 'decline' })
    expect((await fill({ a: { type: 'string', enum: [1, 2] } }, [])).result).toEqual({ action: 'decline' })
  })

  it('shows at most 50 options of a huge enum but still accepts any by number or value', async () => {
    const values = Array.from({ length: 500 }, (_, i) => `v${i}`)
    const { result, output } = await fill({ a: { type: 'string', enum: values }, b: { type: 'string', enum: values } }, ['400', 'v499', 'a'])
    expect(result).toEqual(accepted({ a: 'v399', b: 'v499' }))
    expect(output).toContain('… and 450 more options not shown')
    expect(output).not.toContain(') v60\n')
  })

  it('clips a very long title and ignores a default that breaks the field rules', async () => {
    const { result, output } = await fill({ a: { type: 'integer', title: 'T'.repeat(10_000), default: 2.5, maximum: 10 } }, ['', '7', 'a'], ['a'])
    expect(result).toEqual(accepted({ a: 7 }))
    expect(output.length).toBeLessThan(2000)
    expect(output).not.toContain('[2.5]')
    expect(output).toContain('This field is required.')
  })
})

describe('form helpers', () => {
  const field = (schema: unknown, required = false) => readField('f', schema, required) as FormField

  it('parseFieldAnswer types each kind of answer and explains a wrong one', () => {
    expect(parseFieldAnswer({ type: 'number' }, ' 4.5 ')).toEqual({ ok: true, value: 4.5 })
    expect(parseFieldAnswer({ type: 'integer', maximum: 3 }, '4')).toEqual({ ok: false, error: 'Must be at most 3.' })
    expect(parseFieldAnswer({ type: 'boolean' }, 'N')).toEqual({ ok: true, value: false })
    expect(parseFieldAnswer({ type: 'string', enum: ['1', '10'] }, '10')).toEqual({ ok: true, value: '10' })
    expect(parseFieldAnswer({ type: 'array', items: { anyOf: [{ const: 'a', title: 'A' }] } }, 'A')).toEqual({ ok: true, value: ['a'] })
    expect(parseFieldAnswer({ type: 'object' } as unknown as PrimitiveSchemaDefinition, 'x').ok).toBe(false)
  })

  it('describeField names the field, marks it required, and gives the kind of answer expected', () => {
    const text = describeField(field({ type: 'string', title: 'Email', description: 'Work address', format: 'email', maxLength: 60 }, true))
    expect(text).toBe('Email (f) — required\n  Work address\n  text, at most 60 characters, an email address\n')
    expect(describeField(field({ type: 'integer', minimum: 1, maximum: 5 }))).toContain('a whole number, 1 to 5')
  })

  it('readForm keeps the property order and marks required fields', () => {
    const fields = readForm({ type: 'object', properties: { b: { type: 'string' }, a: { type: 'boolean' } }, required: ['a'] })
    expect(Array.isArray(fields) && fields.map((f) => [f.key, f.kind, f.required])).toEqual([
      ['b', 'string', false],
      ['a', 'boolean', true],
    ])
    expect(readForm({ type: 'object' })).toEqual({ unsupported: 'its schema has no properties object' })
  })
})
