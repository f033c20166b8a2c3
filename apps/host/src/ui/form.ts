import type { ElicitRequestFormParams, ElicitResult } from '@plugboard/protocol'
import { askChoice, MAX_TRIES } from './dialogs.js'
import { checkValue, FORMATS, MAX_DESCRIPTION, MAX_MESSAGE, MAX_OPTIONS_SHOWN, parseAnswer, readForm, type EnumOption, type FieldValue, type FormField } from './form-fields.js'
import type { Prompter } from './prompter.js'
import { clipText, indent, sanitize, sanitizeLine } from './sanitize.js'


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

function formatOption(option: EnumOption): string {
  // The value is shown next to its title: it is what gets sent, and a title may say otherwise.
  return option.title !== undefined && option.title !== option.value ? `${sanitizeLine(option.title, 100)} (${sanitizeLine(option.value, 100)})` : sanitizeLine(option.value, 100)
}

function label(field: FormField): string {
  return sanitizeLine(field.title ?? field.key, 80)
}

