import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'

// ajv-formats is CommonJS: under NodeNext its default import is the module object in some loaders.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => void

const DRAFT_2020_12 = /^https?:\/\/json-schema\.org\/draft\/2020-12\/schema#?$/

let sharedAjv: Ajv2020 | undefined

function ajv(): Ajv2020 {
  if (sharedAjv) return sharedAjv
  // strict: false — servers send schemas with keywords ajv does not know (`examples`, vendor ones).
  // addUsedSchema: false — a schema with an `$id` may be compiled again after a list refresh.
  sharedAjv = new Ajv2020({ allErrors: true, strict: false, addUsedSchema: false })
  addFormats(sharedAjv)
  return sharedAjv
}

/**
 * Compiles a JSON Schema into a validator, as draft 2020-12 (MCP's default dialect since
 * 2025-11-25). A `$schema` naming another draft is dropped rather than rejected: many servers
 * emit draft-07 (zod-to-json-schema's default), whose common subset validates the same way, and
 * one ajv instance cannot hold both dialects.
 */
export function compileJsonSchema(schema: Record<string, unknown>): ValidateFunction {
  const { $schema, ...rest } = schema
  const source = typeof $schema === 'string' && !DRAFT_2020_12.test($schema) ? rest : schema
  const instance = ajv()
  try {
    return instance.compile(source)
  } finally {
    // ajv keeps every schema it compiled, keyed by the object, for the life of the instance: with
    // one schema per elicitation that grew without end. Callers keep what they compiled instead.
    // Not removeSchema(): it also drops whatever the schema's `$id` names, which could be a meta-schema.
    ajvCache(instance).delete(source)
  }
}

/**
 * A validator for a schema that comes with each request (elicitation's `requestedSchema`): the
 * same schema text is compiled once, and at most {@link MAX_VALIDATORS} are kept.
 */
export function validatorFor(schema: Record<string, unknown>): ValidateFunction {
  const key = JSON.stringify(schema)
  const cached = validators.get(key)
  if (cached) {
    // Most recently used goes last: the first entry is the one to evict.
    validators.delete(key)
    validators.set(key, cached)
    return cached
  }
  const validate = compileJsonSchema(schema)
  validators.set(key, validate)
  if (validators.size > MAX_VALIDATORS) validators.delete(validators.keys().next().value!)
  return validate
}

/** Most compiled validators kept (least recently used dropped first). */
export const MAX_VALIDATORS = 256
const validators = new Map<string, ValidateFunction>()

/** How many compiled schemas are held, by our cache and by ajv's own (for tests of the bound). */
export function compiledSchemaCount(): { validators: number; ajv: number } {
  return { validators: validators.size, ajv: ajvCache(ajv()).size }
}

/** ajv's internal cache of compiled schemas, by schema object (not in its typings). */
const ajvCache = (instance: Ajv2020): Map<unknown, unknown> => (instance as unknown as { _cache: Map<unknown, unknown> })._cache

/** ajv's errors as one readable line (`data/total must be number, …`). */
export function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return ajv().errorsText(errors, { dataVar: 'value' })
}
