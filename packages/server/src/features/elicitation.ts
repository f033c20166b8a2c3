import { ErrorCode, McpError, type ElicitResult, type ParamsOf, type RequestOptions } from '@plugboard/protocol'
import type { ClientLink } from '../context.js'

/** What a server passes to `elicitation/create`: a form (`requestedSchema`) or, since 2025-11-25, a URL. */
export type ElicitParams = ParamsOf<'elicitation/create'>

/**
 * Asks the client to collect input from its user.
 *
 * Form mode needs the client's `elicitation` capability (an empty `elicitation: {}` means form,
 * 2025-11-25), URL mode needs `elicitation.url`; the era turns a missing one into its error. A form's `requestedSchema` must be the spec's
 * restricted schema — a flat object of primitive properties — and is checked here, before anything
 * is sent, so a mistake surfaces as `McpError(InvalidParams)` in the server rather than as a
 * client's rejection.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/client/elicitation
 */
export function elicit(link: ClientLink, params: ElicitParams, options?: RequestOptions): Promise<ElicitResult> {
  const declared = link.clientCapabilities.elicitation as Record<string, unknown> | undefined
  let requiredCapability: string | undefined
  if (params.mode === 'url') {
    requiredCapability = 'elicitation.url'
  } else {
    // `elicitation: {}` means form mode (2025-11-25); one that names only `url` does not offer forms.
    if (declared && !('form' in declared) && 'url' in declared) requiredCapability = 'elicitation.form'
    try {
      checkRequestedSchema(params.requestedSchema)
    } catch (error) {
      return Promise.reject(error)
    }
  }
  return link.sendRequest('elicitation/create', params, requiredCapability ? { ...options, requiredCapability } : options)
}

const FORMATS = new Set(['email', 'uri', 'date', 'date-time'])
// Keywords that nest or compose schemas: none may appear on a property of a form.
const NOT_FLAT = ['properties', 'additionalProperties', 'patternProperties', '$ref', '$defs', 'definitions', 'allOf', 'anyOf', 'not', 'if', 'then', 'else', 'prefixItems', 'contains']

/**
 * Throws `McpError(InvalidParams)` unless `schema` is the restricted form schema of the spec:
 * `{ type: 'object', properties, required? }` whose properties are strings (length, format),
 * numbers/integers (range), booleans, or single/multi-select enums, titled or not.
 */
export function checkRequestedSchema(schema: unknown): void {
  const fail = (problem: string): never => {
    throw new McpError(ErrorCode.InvalidParams, `Invalid elicitation requestedSchema: ${problem}`)
  }
  if (!isObject(schema) || schema.type !== 'object') return fail('the root must be { type: "object", properties }')
  const properties = schema.properties
  if (!isObject(properties)) return fail('properties must be an object')
  for (const [name, property] of Object.entries(properties)) {
    const problem = checkProperty(property)
    if (problem) fail(`property ${JSON.stringify(name)}: ${problem}`)
  }
  const required = schema.required
  if (required !== undefined && (!isStrings(required) || required.some((name) => !Object.hasOwn(properties, name)))) {
    fail('required must list names of properties')
  }
}

function checkProperty(p: unknown): string | undefined {
  if (!isObject(p)) return 'must be an object'
  for (const keyword of NOT_FLAT) if (keyword in p) return `${keyword} is not allowed: form properties are flat primitives`
  for (const keyword of ['title', 'description']) if (p[keyword] !== undefined && typeof p[keyword] !== 'string') return `${keyword} must be a string`
  if (p.type !== 'array' && 'items' in p) return 'items is only allowed on a multi-select (type "array")'
  if (p.type !== 'string' && 'oneOf' in p) return 'oneOf is only allowed on a titled single-select (type "string")'
  switch (p.type) {
    case 'string':
      if (p.enum !== undefined && !isStrings(p.enum)) return 'enum must be an array of strings'
      if (p.enumNames !== undefined && (!isStrings(p.enumNames) || !Array.isArray(p.enum) || p.enumNames.length !== p.enum.length)) return 'enumNames must be strings, one per enum value'
      if (p.oneOf !== undefined && !isTitledOptions(p.oneOf)) return 'oneOf must be an array of { const, title } strings'
      if (p.format !== undefined && !FORMATS.has(p.format as string)) return 'format must be one of email, uri, date, date-time'
      if (!isCount(p.minLength) || !isCount(p.maxLength)) return 'minLength and maxLength must be non-negative integers'
      return p.default === undefined || typeof p.default === 'string' ? undefined : 'default must be a string'
    case 'number':
    case 'integer':
      if ('enum' in p) return 'enum is only allowed on strings'
      for (const keyword of ['minimum', 'maximum', 'default']) if (p[keyword] !== undefined && typeof p[keyword] !== 'number') return `${keyword} must be a number`
      return undefined
    case 'boolean':
      if ('enum' in p) return 'enum is only allowed on strings'
      return p.default === undefined || typeof p.default === 'boolean' ? undefined : 'default must be a boolean'
    case 'array': {
      const items = p.items
      const untitled = isObject(items) && items.type === 'string' && isStrings(items.enum)
      const titled = isObject(items) && isTitledOptions(items.anyOf)
      if (!untitled && !titled) return 'a multi-select needs items { type: "string", enum } or items { anyOf: [{ const, title }] }'
      if (!isCount(p.minItems) || !isCount(p.maxItems)) return 'minItems and maxItems must be non-negative integers'
      return p.default === undefined || isStrings(p.default) ? undefined : 'default must be an array of strings'
    }
    default:
      return `type must be string, number, integer, boolean or array (got ${JSON.stringify(p.type)})`
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
const isStrings = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string')
const isCount = (value: unknown): boolean => value === undefined || (Number.isInteger(value) && (value as number) >= 0)
const isTitledOptions = (value: unknown): boolean =>
  Array.isArray(value) && value.every((o) => isObject(o) && typeof o.const === 'string' && typeof o.title === 'string')
