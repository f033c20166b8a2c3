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
  return ajv().compile(typeof $schema === 'string' && !DRAFT_2020_12.test($schema) ? rest : schema)
}

/** ajv's errors as one readable line (`data/total must be number, …`). */
export function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return ajv().errorsText(errors, { dataVar: 'value' })
}
