import type { PrimitiveSchemaDefinition } from '@plugboard/protocol'
import { sanitizeLine } from './sanitize.js'

/** A value a form field can hold, as `ElicitResult.content` carries it. */
export type FieldValue = string | number | boolean | string[]

/** One answer read: the typed value, or why the text is not valid for the field. */
export type FieldAnswer = { ok: true; value: FieldValue } | { ok: false; error: string }

/** One choice of an enum field: the value sent, and the title shown if the server gave one. */
export interface EnumOption {
  value: string
  title?: string
}

/** A form property read from its schema into one of the kinds the form knows how to ask. */
export type FormField = { key: string; title?: string; description?: string; required: boolean; default?: FieldValue } & (
  | { kind: 'string'; minLength?: number; maxLength?: number; format?: string; pattern?: string }
  | { kind: 'number' | 'integer'; minimum?: number; maximum?: number; exclusiveMinimum?: number; exclusiveMaximum?: number }
  | { kind: 'boolean' }
  | { kind: 'single'; options: EnumOption[] }
  | { kind: 'multi'; options: EnumOption[]; minItems?: number; maxItems?: number }
)

/** A schema the form cannot ask for, and why. */
export type Unsupported = { unsupported: string }

const MAX_FIELDS = 100
export const MAX_OPTIONS_SHOWN = 50
export const MAX_MESSAGE = 4000
export const MAX_DESCRIPTION = 1000

// The four formats the 2025-11-25 string schema allows; the email pattern is ajv-formats' own, so
// what passes here also passes the client's check of the answer.
export const FORMATS: Record<string, { hint: string; test: (text: string) => boolean }> = {
  email: { hint: 'an email address', test: (t) => /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i.test(t) },
  uri: { hint: 'a URI such as https://example.com/', test: (t) => /^[a-z][a-z0-9+.-]*:[\x21-\x7e]*$/i.test(t) && !/[<>"{}|\\^`]|%(?![0-9a-f]{2})/i.test(t) && URL.canParse(t) },
  date: { hint: 'a date, YYYY-MM-DD', test: (t) => isDate(t) },
  'date-time': { hint: 'a date and time with a zone, YYYY-MM-DDThh:mm:ssZ', test: (t) => isDate(DATE_TIME.exec(t)?.[1] ?? '') },
}
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[Tt ](?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:[Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/


/** Reads every property of a `requestedSchema`, in order; the first one the form cannot ask for makes the whole form unsupported. */
export function readForm(requestedSchema: unknown): FormField[] | Unsupported {
  if (!isRecord(requestedSchema) || !isRecord(requestedSchema.properties)) return { unsupported: 'its schema has no properties object' }
  const required = Array.isArray(requestedSchema.required) ? requestedSchema.required.filter((k): k is string => typeof k === 'string') : []
  const entries = Object.entries(requestedSchema.properties)
  if (entries.length > MAX_FIELDS) return { unsupported: `it has ${entries.length} fields (at most ${MAX_FIELDS} are shown)` }
  // A required key with no property could never be answered; the client would refuse the answer.
  const missing = required.find((key) => !Object.hasOwn(requestedSchema.properties as object, key))
  if (missing !== undefined) return { unsupported: `it requires "${sanitizeLine(missing, 60)}", which it does not describe` }
  const fields: FormField[] = []
  for (const [key, schema] of entries) {
    const field = readField(key, schema, required.includes(key))
    if ('unsupported' in field) return { unsupported: `field "${sanitizeLine(key, 60)}" is not supported (${field.unsupported})` }
    fields.push(field)
  }
  return fields
}

/** Reads one property's schema into a {@link FormField}; a default that breaks the field's own rules is dropped. */
export function readField(key: string, schema: unknown, required = false): FormField | Unsupported {
  if (!isRecord(schema)) return { unsupported: 'its schema is not an object' }
  const base = { key, required, title: text(schema.title), description: text(schema.description) }
  let field: FormField
  if (schema.type === 'string' && (Array.isArray(schema.enum) || Array.isArray(schema.oneOf))) {
    const options = Array.isArray(schema.oneOf) ? titledOptions(schema.oneOf) : untitledOptions(schema.enum, schema.enumNames)
    if (!options) return { unsupported: 'its options are not all strings' }
    field = { ...base, kind: 'single', options }
  } else if (schema.type === 'string') {
    const { format, pattern } = schema
    if (format !== undefined && (typeof format !== 'string' || !Object.hasOwn(FORMATS, format))) return { unsupported: `format ${sanitizeLine(JSON.stringify(format), 40)} is not one this form checks` }
    if (pattern !== undefined && (typeof pattern !== 'string' || !compiles(pattern))) return { unsupported: 'its pattern is not a valid regular expression' }
    field = { ...base, kind: 'string', minLength: count(schema.minLength), maxLength: count(schema.maxLength), format, pattern }
  } else if (schema.type === 'number' || schema.type === 'integer') {
    field = { ...base, kind: schema.type, minimum: finite(schema.minimum), maximum: finite(schema.maximum), exclusiveMinimum: finite(schema.exclusiveMinimum), exclusiveMaximum: finite(schema.exclusiveMaximum) }
  } else if (schema.type === 'boolean') {
    field = { ...base, kind: 'boolean' }
  } else if (schema.type === 'array' && isRecord(schema.items)) {
    const { items } = schema
    const options = Array.isArray(items.anyOf) ? titledOptions(items.anyOf) : items.type === 'string' || items.type === undefined ? untitledOptions(items.enum) : undefined
    if (!options) return { unsupported: 'only arrays of string options are supported' }
    field = { ...base, kind: 'multi', options, minItems: count(schema.minItems), maxItems: count(schema.maxItems) }
  } else {
    return { unsupported: `type ${sanitizeLine(JSON.stringify(schema.type) ?? 'undefined', 40)} is not a form field type` }
  }
  const impossible =
    (field.kind === 'string' && (field.minLength ?? 0) > (field.maxLength ?? Infinity)) ||
    ((field.kind === 'number' || field.kind === 'integer') && (field.minimum ?? -Infinity) > (field.maximum ?? Infinity)) ||
    ((field.kind === 'single' || field.kind === 'multi') && field.options.length === 0) ||
    (field.kind === 'multi' && (field.minItems ?? 0) > Math.min(field.maxItems ?? Infinity, field.options.length))
  if (impossible) return { unsupported: 'no answer can satisfy its constraints' }
  // The pattern is left out here: a server-chosen pattern run on a server-chosen default could
  // backtrack for ever (ReDoS) before the user sees anything. It is checked if the user takes it.
  const fallback = schema.default === undefined ? undefined : checkValue({ ...field, pattern: undefined } as FormField, schema.default)
  if (fallback?.ok) field.default = fallback.value
  return field
}

/**
 * Reads the text a user typed for a field with this schema: a number for `number`/`integer`,
 * y/n (or yes/no, true/false) for a boolean, an option's number, value or title for an enum,
 * comma-separated ones for a multi-select, and a string checked for length, format and pattern.
 * Empty answers (defaults, leaving a field out) are the form's business, not this function's.
 */
export function parseFieldAnswer(schema: PrimitiveSchemaDefinition, answer: string): FieldAnswer {
  const field = readField('value', schema)
  return 'unsupported' in field ? { ok: false, error: `This field is not supported: ${field.unsupported}.` } : parseAnswer(field, answer)
}

/** {@link parseFieldAnswer} for a field already read with {@link readField}. */
export function parseAnswer(field: FormField, answer: string): FieldAnswer {
  const trimmed = answer.trim()
  switch (field.kind) {
    case 'string':
      return checkValue(field, field.format ? trimmed : answer)
    case 'number':
    case 'integer':
      if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i.test(trimmed)) return { ok: false, error: `"${sanitizeLine(trimmed, 40)}" is not a number.` }
      return checkValue(field, Number(trimmed))
    case 'boolean': {
      const value = ({ y: true, yes: true, true: true, n: false, no: false, false: false } as Record<string, boolean>)[trimmed.toLowerCase()]
      return typeof value === 'boolean' ? { ok: true, value } : { ok: false, error: 'Answer y or n.' }
    }
    case 'single': {
      const option = findOption(field.options, trimmed)
      return option ? { ok: true, value: option.value } : { ok: false, error: `"${sanitizeLine(trimmed, 40)}" is not one of the options; answer a number from 1 to ${field.options.length} or a value.` }
    }
    case 'multi': {
      const chosen: string[] = []
      for (const part of trimmed.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
        const option = findOption(field.options, part)
        if (!option) return { ok: false, error: `"${sanitizeLine(part, 40)}" is not one of the options; answer numbers from 1 to ${field.options.length} or values, separated by commas.` }
        if (!chosen.includes(option.value)) chosen.push(option.value)
      }
      return checkValue(field, chosen)
    }
  }
}

/** Checks an already typed value (an answer, or a server's `default`) against the field's rules. */
export function checkValue(field: FormField, value: unknown): FieldAnswer {
  const fail = (error: string): FieldAnswer => ({ ok: false, error })
  switch (field.kind) {
    case 'string': {
      if (typeof value !== 'string') return fail('Expected text.')
      const length = Array.from(value).length // JSON Schema counts code points, as ajv does
      if (field.minLength !== undefined && length < field.minLength) return fail(`Must be at least ${field.minLength} characters (this has ${length}).`)
      if (field.maxLength !== undefined && length > field.maxLength) return fail(`Must be at most ${field.maxLength} characters (this has ${length}).`)
      if (field.format && !FORMATS[field.format]!.test(value)) return fail(`Must be ${FORMATS[field.format]!.hint}.`)
      if (field.pattern !== undefined && !new RegExp(field.pattern, 'u').test(value)) return fail(`Must match the pattern ${sanitizeLine(field.pattern, 80)}.`)
      return { ok: true, value }
    }
    case 'number':
    case 'integer':
      if (typeof value !== 'number' || !Number.isFinite(value)) return fail('Expected a number.')
      if (field.kind === 'integer' && !Number.isInteger(value)) return fail('Must be a whole number.')
      if (field.minimum !== undefined && value < field.minimum) return fail(`Must be at least ${field.minimum}.`)
      if (field.maximum !== undefined && value > field.maximum) return fail(`Must be at most ${field.maximum}.`)
      if (field.exclusiveMinimum !== undefined && value <= field.exclusiveMinimum) return fail(`Must be more than ${field.exclusiveMinimum}.`)
      if (field.exclusiveMaximum !== undefined && value >= field.exclusiveMaximum) return fail(`Must be less than ${field.exclusiveMaximum}.`)
      return { ok: true, value }
    case 'boolean':
      return typeof value === 'boolean' ? { ok: true, value } : fail('Expected y or n.')
    case 'single':
      return typeof value === 'string' && field.options.some((o) => o.value === value) ? { ok: true, value } : fail('Not one of the options.')
    case 'multi':
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && field.options.some((o) => o.value === v))) return fail('Not a list of the options.')
      if (field.minItems !== undefined && value.length < field.minItems) return fail(`Choose at least ${field.minItems}.`)
      if (field.maxItems !== undefined && value.length > field.maxItems) return fail(`Choose at most ${field.maxItems}.`)
      return { ok: true, value: [...value] as string[] }
  }
}

// An exact value wins over a number, so an enum of numeric strings ("1", "10") still works by value.
function findOption(options: EnumOption[], answer: string): EnumOption | undefined {
  const exact = options.find((o) => o.value === answer)
  if (exact) return exact
  if (/^\d+$/.test(answer)) return options[Number(answer) - 1]
  const lower = answer.toLowerCase()
  const loose = options.filter((o) => o.title?.toLowerCase() === lower || o.value.toLowerCase() === lower)
  return loose.length === 1 ? loose[0] : undefined
}

function titledOptions(list: unknown[]): EnumOption[] | undefined {
  const options = list.map((o) => (isRecord(o) && typeof o.const === 'string' ? { value: o.const, title: text(o.title) } : undefined))
  return options.every((o) => o !== undefined) ? (options as EnumOption[]) : undefined
}

function untitledOptions(values: unknown, names?: unknown): EnumOption[] | undefined {
  if (!Array.isArray(values) || !values.every((v) => typeof v === 'string')) return undefined
  return values.map((value: string, i) => ({ value, title: Array.isArray(names) ? text(names[i]) : undefined }))
}

function isDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  if (!m) return false
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const date = new Date(Date.UTC(year, month - 1, day))
  return month >= 1 && month <= 12 && date.getUTCDate() === day && date.getUTCMonth() === month - 1
}

const compiles = (pattern: string): boolean => {
  try {
    return new RegExp(pattern, 'u') instanceof RegExp
  } catch {
    return false
  }
}
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
const finite = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)
const count = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined)

