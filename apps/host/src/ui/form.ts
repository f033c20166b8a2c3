import type { ElicitRequestFormParams, ElicitResult, PrimitiveSchemaDefinition } from '@plugboard/protocol'
import { askChoice, MAX_TRIES } from './dialogs.js'
import type { Prompter } from './prompter.js'
import { clipText, indent, sanitize, sanitizeLine } from './sanitize.js'

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
const MAX_OPTIONS_SHOWN = 50
const MAX_MESSAGE = 4000
const MAX_DESCRIPTION = 1000

// The four formats the 2025-11-25 string schema allows; the email pattern is ajv-formats' own, so
// what passes here also passes the client's check of the answer.
const FORMATS: Record<string, { hint: string; test: (text: string) => boolean }> = {
  email: { hint: 'an email address', test: (t) => /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i.test(t) },
  uri: { hint: 'a URI such as https://example.com/', test: (t) => /^[a-z][a-z0-9+.-]*:[\x21-\x7e]*$/i.test(t) && !/[<>"{}|\\^`]|%(?![0-9a-f]{2})/i.test(t) && URL.canParse(t) },
  date: { hint: 'a date, YYYY-MM-DD', test: (t) => isDate(t) },
  'date-time': { hint: 'a date and time with a zone, YYYY-MM-DDThh:mm:ssZ', test: (t) => isDate(DATE_TIME.exec(t)?.[1] ?? '') },
}
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[Tt ](?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:[Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/

/**
 * Asks the user to fill a form-mode elicitation, one field at a time, then shows the answers and
 * asks whether to send them (the spec requires a review and a way to change answers before
 * sending). Ctrl-C anywhere cancels; `/decline` or `/cancel` at any field ends the form; a schema
 * the form cannot ask for is declined with an explanation rather than sent half-filled.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/client/elicitation
 */
export async function fillForm(io: Prompter, request: { server: string; params: ElicitRequestFormParams }): Promise<ElicitResult> {
  const { server, params } = request
  io.write(`\n── elicitation from ${sanitizeLine(server, 80)} ──\n${indent(clipText(sanitize(String(params.message ?? '')), MAX_MESSAGE))}\n`)
  const fields = readForm(params.requestedSchema)
  if (!Array.isArray(fields)) {
    io.write(`This form cannot be shown here: ${fields.unsupported}. Declining it.\n`)
    return { action: 'decline' }
  }
  io.write(`(${fields.length} ${fields.length === 1 ? 'field' : 'fields'}; type /decline or /cancel at any question, /clear to leave an optional field out)\n`)
  let previous: Map<string, FieldValue> | undefined
  for (;;) {
    const values = new Map<string, FieldValue>()
    for (const field of fields) {
      const answer = await askField(io, field, previous ? previous.get(field.key) : field.default)
      if ('action' in answer) return finish(io, answer.action)
      if (answer.value !== undefined) values.set(field.key, answer.value)
    }
    io.write(`── your answers ──\n${fields.map((f) => `  ${label(f)}: ${values.has(f.key) ? formatValue(f, values.get(f.key)!) : '(left out)'}\n`).join('')}`)
    const choices = { a: 'accept', accept: 'accept', e: 'edit', edit: 'edit', d: 'decline', decline: 'decline', '/decline': 'decline', c: 'cancel', cancel: 'cancel', '/cancel': 'cancel' } as const
    const choice = await askChoice(io, 'Submit? [a]ccept / [e]dit / [d]ecline / [c]ancel: ', choices)
    if (choice === 'accept') {
      io.write(`Sent to ${sanitizeLine(server, 80)}.\n`)
      return { action: 'accept', content: Object.fromEntries(values) }
    }
    if (choice !== 'edit') return finish(io, choice ?? 'cancel')
    previous = values
  }
}

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

/** The lines shown before a field's question: its title, description, what kind of answer it takes, and its options. */
export function describeField(field: FormField): string {
  const lines = [`${label(field)}${field.title !== undefined ? ` (${sanitizeLine(field.key, 60)})` : ''}${field.required ? ' — required' : ''}`]
  if (field.description) lines.push(indent(clipText(sanitize(field.description), MAX_DESCRIPTION)))
  lines.push(`  ${typeHint(field)}`)
  if (field.kind === 'single' || field.kind === 'multi') {
    field.options.slice(0, MAX_OPTIONS_SHOWN).forEach((option, i) => lines.push(`    ${i + 1}) ${formatOption(option)}`))
    if (field.options.length > MAX_OPTIONS_SHOWN) lines.push(`    … and ${field.options.length - MAX_OPTIONS_SHOWN} more options not shown (answer with the value)`)
  }
  return `${lines.join('\n')}\n`
}

/** A value as the form shows it: an option's title with its value, a list joined by commas, yes/no. */
export function formatValue(field: FormField, value: FieldValue): string {
  const option = (v: string) => {
    const found = field.kind === 'single' || field.kind === 'multi' ? field.options.find((o) => o.value === v) : undefined
    return found ? formatOption(found) : sanitizeLine(v)
  }
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.map(option).join(', ')
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  return typeof value === 'string' ? option(value) : String(value)
}

async function askField(io: Prompter, field: FormField, current: FieldValue | undefined): Promise<{ value: FieldValue | undefined } | { action: 'decline' | 'cancel' }> {
  io.write(describeField(field))
  const question = `${label(field)}${current === undefined ? '' : ` [${formatValue(field, current)}]`}: `
  for (let tries = 0; tries < MAX_TRIES; tries++) {
    const answer = await io.ask(question)
    if (answer === undefined) return { action: 'cancel' }
    const command = answer.trim().toLowerCase()
    if (command === '/cancel' || command === '/decline') return { action: command === '/cancel' ? 'cancel' : 'decline' }
    if (command === '/clear' || command === '') {
      const kept = command === '' && current !== undefined ? checkValue(field, current) : undefined
      if (kept?.ok) return { value: kept.value }
      if (kept) {
        io.write(`  ${kept.error}\n`)
        continue
      }
      if (command === '' && field.kind === 'multi' && checkValue(field, []).ok) return { value: field.required ? [] : undefined }
      if (!field.required) return { value: undefined }
      io.write(`  ${field.kind === 'multi' && field.minItems ? `Choose at least ${field.minItems}.` : 'This field is required.'}\n`)
      continue
    }
    const parsed = parseAnswer(field, answer)
    if (parsed.ok) return { value: parsed.value }
    io.write(`  ${parsed.error}\n`)
  }
  io.write(`Too many invalid answers for ${label(field)}; cancelling the form.\n`)
  return { action: 'cancel' }
}

function finish(io: Prompter, action: 'decline' | 'cancel'): ElicitResult {
  io.write(action === 'decline' ? 'Declined.\n' : 'Cancelled.\n')
  return { action }
}

function typeHint(field: FormField): string {
  const range = (min?: number, max?: number, units = '') => {
    const of = (n: number) => (n === 1 ? units.replace(/s$/, '') : units)
    return min !== undefined && max !== undefined ? `, ${min} to ${max}${of(max)}` : min !== undefined ? `, at least ${min}${of(min)}` : max !== undefined ? `, at most ${max}${of(max)}` : ''
  }
  switch (field.kind) {
    case 'string':
      return `text${range(field.minLength, field.maxLength, ' characters')}${field.format ? `, ${FORMATS[field.format]!.hint}` : ''}${field.pattern !== undefined ? `, matching ${sanitizeLine(field.pattern, 80)}` : ''}`
    case 'number':
    case 'integer': {
      const exclusive = `${field.exclusiveMinimum !== undefined ? `, more than ${field.exclusiveMinimum}` : ''}${field.exclusiveMaximum !== undefined ? `, less than ${field.exclusiveMaximum}` : ''}`
      return `${field.kind === 'integer' ? 'a whole number' : 'a number'}${range(field.minimum, field.maximum)}${exclusive}`
    }
    case 'boolean':
      return 'y or n'
    case 'single':
      return 'choose one: answer its number or its value'
    case 'multi':
      return `choose any: numbers or values separated by commas${range(field.minItems, field.maxItems, ' of them')}`
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

function formatOption(option: EnumOption): string {
  // The value is shown next to its title: it is what gets sent, and a title may say otherwise.
  return option.title !== undefined && option.title !== option.value ? `${sanitizeLine(option.title, 100)} (${sanitizeLine(option.value, 100)})` : sanitizeLine(option.value, 100)
}

function label(field: FormField): string {
  return sanitizeLine(field.title ?? field.key, 80)
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
