import type { Ajv2020, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js'

const DRAFT_2020_12 = /^https?:\/\/json-schema\.org\/draft\/2020-12\/schema#?$/

// ajv (with ajv-formats) is ~90 CommonJS modules, ~30 ms of CPU at import: a host spawning many servers
// paid it once per client process, though only a tool with an `outputSchema` or a form elicitation
// needs it. So it is loaded on first use, synchronously through `require` where the runtime has one
// (Node, Deno, Bun: the same module instance an `import` would give, ajv being CommonJS), the way
// @plugboard/server does. Where it has none (a browser, a worker, a bundle without node_modules), the
// dynamic import below starts at once and bundlers ship ajv because of it; it settles long before a
// server can answer, as the validators are first needed on an answer.

type AjvKit = { Ajv: typeof Ajv2020; addFormats: (ajv: Ajv2020) => void }

let sharedAjv: Ajv2020 | undefined
let importedKit: AjvKit | undefined
let importFailure: unknown

// ajv-formats is CommonJS: its default export is the plugin, or a module object holding it as `default`.
function pluginOf(module: unknown): (ajv: Ajv2020) => void {
  return ((module as { default?: unknown }).default ?? module) as (ajv: Ajv2020) => void
}

type Require = ((id: string) => unknown) & { resolve(id: string): string }

/** A `require` that finds ajv, or undefined in a runtime without one or where ajv is not installed beside us. */
function ajvRequire(): Require | undefined {
  const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
  const nodeModule = process?.getBuiltinModule?.('node:module') as { createRequire(from: string): Require } | undefined
  if (!nodeModule) return undefined
  try {
    const require = nodeModule.createRequire(import.meta.url)
    require.resolve('ajv/dist/2020.js')
    return require
  } catch {
    return undefined
  }
}

const requireAjv = ajvRequire()
if (!requireAjv) {
  Promise.all([import('ajv/dist/2020.js'), import('ajv-formats')]).then(
    ([ajv, formats]) => (importedKit = { Ajv: ajv.Ajv2020, addFormats: pluginOf(formats.default) }),
    (error: unknown) => (importFailure = error),
  )
}

function ajvKit(): AjvKit {
  if (requireAjv) {
    const { Ajv2020: Ajv } = requireAjv('ajv/dist/2020.js') as { Ajv2020: typeof Ajv2020 }
    return { Ajv, addFormats: pluginOf(requireAjv('ajv-formats')) }
  }
  if (importedKit) return importedKit
  throw new Error('JSON Schema validation is not ready: ajv is still loading', importFailure === undefined ? undefined : { cause: importFailure })
}

function ajv(): Ajv2020 {
  if (sharedAjv) return sharedAjv
  const kit = ajvKit()
  // strict: false — servers send schemas with keywords ajv does not know (`examples`, vendor ones).
  // addUsedSchema: false — a schema with an `$id` may be compiled again after a list refresh.
  sharedAjv = new kit.Ajv({ allErrors: true, strict: false, addUsedSchema: false })
  kit.addFormats(sharedAjv)
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
