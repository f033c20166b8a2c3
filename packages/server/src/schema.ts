/**
 * Schema-neutral argument and output schemas (STYLE §7): users hand us any Standard Schema (zod 3.25+/4.x
 * of their own version, valibot, arktype…), a "shape" of Standard Schemas, or raw JSON Schema. We never
 * import the user's schema library: validation goes through the `~standard` interface, and the JSON
 * Schema we advertise comes from the library's own converter (see {@link compileSchema}).
 * @see https://standardschema.dev
 */
import type { Ajv2020, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js'

/** The Standard Schema v1 interface, declared here so the server has no dependency for it. */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': StandardSchemaProps<Input, Output>
}

/** `~standard` of a Standard Schema; `jsonSchema` is the optional Standard JSON Schema extension. */
export interface StandardSchemaProps<Input = unknown, Output = Input> {
  readonly version: 1
  readonly vendor: string
  readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>
  readonly types?: { readonly input: Input; readonly output: Output } | undefined
  readonly jsonSchema?: {
    readonly input: (options: { target: string; libraryOptions?: Record<string, unknown> }) => Record<string, unknown>
    readonly output: (options: { target: string; libraryOptions?: Record<string, unknown> }) => Record<string, unknown>
  }
}

/** What a Standard Schema's `validate` returns: a falsy `issues` means success. */
export type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<{ readonly message: string; readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined }> }

/** A plain object of Standard Schemas, like the official SDK's `inputSchema: { a: z.number() }`. */
export type SchemaShape = { readonly [key: string]: StandardSchemaV1 }

/** A raw JSON Schema object (draft 2020-12), checked with ajv. */
export type JsonSchema = { readonly [key: string]: unknown }

/** Every form a tool input/output schema or prompt argument schema may take. */
export type SchemaInput = StandardSchemaV1 | SchemaShape | JsonSchema

type In<S> = S extends StandardSchemaV1 ? NonNullable<S['~standard']['types']>['input'] : unknown
type Out<S> = S extends StandardSchemaV1 ? NonNullable<S['~standard']['types']>['output'] : unknown
// One level of mapping only: keys whose type admits undefined become optional (STYLE §7, no TS2589).
type ShapeOf<S, Pick extends 'in' | 'out'> = {
  [K in keyof S as undefined extends (Pick extends 'in' ? In<S[K]> : Out<S[K]>) ? never : K]: Pick extends 'in' ? In<S[K]> : Out<S[K]>
} & {
  [K in keyof S as undefined extends (Pick extends 'in' ? In<S[K]> : Out<S[K]>) ? K : never]?: Pick extends 'in' ? In<S[K]> : Out<S[K]>
}
type Flat<T> = { [K in keyof T]: T[K] }

/** The type a caller must send for schema `S` (raw JSON Schema gives `Record<string, unknown>`). */
export type InferInput<S> = S extends StandardSchemaV1
  ? In<S>
  : S extends SchemaShape ? Flat<ShapeOf<S, 'in'>> : Record<string, unknown>

/** The type a handler receives after validation of schema `S`. */
export type InferOutput<S> = S extends StandardSchemaV1
  ? Out<S>
  : S extends SchemaShape ? Flat<ShapeOf<S, 'out'>> : Record<string, unknown>

/** One validation problem; `path` is `a.b[0]`-style, empty for the root. */
export interface SchemaIssue {
  path: string
  message: string
}

/** The outcome of {@link CompiledSchema.validate}. */
export type ValidationResult = { ok: true; value: unknown } | { ok: false; issues: SchemaIssue[] }

/** A schema ready to use: compiled once at registration, validated per call. */
export interface CompiledSchema {
  /** What `tools/list` advertises: always `type: 'object'` at the root; a raw schema keeps its own `$schema`. */
  jsonSchema: Record<string, unknown>
  /** Checks a value; sync for raw JSON Schema, sync or async for Standard Schemas (as the library decides). */
  validate(value: unknown): ValidationResult | Promise<ValidationResult>
}

/**
 * Turns one Standard Schema into JSON Schema, for a library whose schemas carry no converter we can
 * reach: `zodToJsonSchema` (package zod-to-json-schema) for zod 3, `toJsonSchema` (package
 * `@valibot/to-json-schema`) for valibot. Return `undefined` when it cannot describe `schema`.
 */
// A method's parameter is checked bivariantly, so a converter typed for its own library's schemas
// (`zodToJsonSchema(schema: ZodType)`) is accepted as it is, without a wrapper or a cast.
export type JsonSchemaConverter = { convert(schema: StandardSchemaV1): object | undefined }['convert']

/**
 * JSON Schema converters by Standard Schema vendor (`schema['~standard'].vendor`: `'zod'`,
 * `'valibot'`…), e.g. `{ zod: zodToJsonSchema }`. One is asked only about schemas that carry no
 * converter of their own, so `zod` here converts zod 3 schemas while zod 4 ones keep zod's.
 */
export type JsonSchemaConverters = { readonly [vendor: string]: JsonSchemaConverter | undefined }

/** Options for {@link compileSchema}. */
export interface CompileSchemaOptions {
  /** Which side of a transforming schema to describe: arguments coming `input`, results going `output`. */
  io?: 'input' | 'output'
  /** Converters for schema libraries that have none of their own, by vendor: see {@link JsonSchemaConverters}. */
  jsonSchema?: JsonSchemaConverters
  /** What the schema is, for error messages: `'tool "add" inputSchema'`. */
  name?: string
}

/**
 * Turns any accepted schema form into a JSON Schema for advertising plus a validator.
 * Call it once per registration, never per request (STYLE §8).
 *
 * A Standard Schema (or each field of a shape) is described by the first of: its Standard JSON Schema
 * extension (`~standard.jsonSchema`: zod ≥ 4.2, arktype ≥ 2.1.28, valibot wrapped in
 * `toStandardJsonSchema()`); zod 4's own `toJSONSchema` for any other zod 4 schema (4.0, 4.1, and
 * `zod/v4` of zod 3.25), taken from the zod `@plugboard/protocol` already loaded; arktype's
 * `toJsonSchema()`; the converter `options.jsonSchema` holds for its vendor. Raw JSON Schema is
 * draft 2020-12, compiled here with ajv.
 * @throws TypeError when the schema describes something other than an object, or when none of those
 * can describe it (zod 3 or plain valibot without a converter, a hand-written Standard Schema): the
 * message names the schema, its vendor and the option that fixes it. Never advertised as `{}`.
 */
export function compileSchema(input: SchemaInput, options: CompileSchemaOptions = {}): CompiledSchema {
  const io = options.io ?? 'input'
  const where: Where = { name: options.name, converters: options.jsonSchema }
  if (isStandard(input)) {
    const props = input['~standard'] // read once: zod builds `~standard` lazily behind a getter
    return { jsonSchema: asObjectRoot(toJsonSchema(input, io, where)), validate: (value) => settle(props.validate(value)) }
  }
  if (isShape(input)) return compileShape(input, io, where)
  return compileJsonSchema(input)
}

/** Renders issues for an `isError` tool result, e.g. `a: expected number; b: required`. */
export function formatIssues(issues: ReadonlyArray<SchemaIssue>, limit = 10): string {
  const text = issues.slice(0, limit).map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')
  return issues.length > limit ? `${text}; and ${issues.length - limit} more` : text
}

function isStandard(value: unknown): value is StandardSchemaV1 {
  const props = (value as { '~standard'?: { validate?: unknown } } | null)?.['~standard']
  return typeof props === 'object' && props !== null && typeof props.validate === 'function'
}

function isShape(value: object): value is SchemaShape {
  for (const key in value) if (!isStandard((value as Record<string, unknown>)[key])) return false
  return true
}

/** What error messages say about the schema being described, and the user's converters. */
interface Where {
  name: string | undefined
  converters: JsonSchemaConverters | undefined
  field?: string
}

/** The JSON Schema of one Standard Schema, from the first converter that has it (see {@link compileSchema}), without `$schema`. */
function toJsonSchema(schema: StandardSchemaV1, io: 'input' | 'output', where: Where): Record<string, unknown> {
  const props = schema['~standard']
  const vendor = props.vendor
  let converted: unknown
  try {
    converted = fromStandardJsonSchema(props, io) ?? fromZod4(schema, io) ?? fromArktype(schema, io) ?? converterFor(where.converters, vendor)?.(schema)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new TypeError(`Cannot describe ${subject(where)} in JSON Schema: the ${vendor} converter failed: ${reason}`, { cause: error })
  }
  if (typeof converted !== 'object' || converted === null) throw new TypeError(`Cannot describe ${subject(where)} in JSON Schema: ${remedy(schema, vendor)}`)
  const { $schema: _, ...rest } = converted as Record<string, unknown>
  return rest
}

function converterFor(converters: JsonSchemaConverters | undefined, vendor: string): JsonSchemaConverter | undefined {
  return converters && Object.hasOwn(converters, vendor) ? converters[vendor] : undefined
}

// zod throws on types JSON Schema cannot express (transforms, dates) and valibot on actions it cannot
// (custom checks) unless told to leave them open: the rest of the schema is still worth advertising.
const LIBRARY_OPTIONS: Record<string, Record<string, unknown>> = { zod: { unrepresentable: 'any' }, valibot: { errorMode: 'ignore' } }

function fromStandardJsonSchema(props: StandardSchemaProps, io: 'input' | 'output'): Record<string, unknown> | undefined {
  const converter = props.jsonSchema
  if (!converter) return undefined
  const libraryOptions = LIBRARY_OPTIONS[props.vendor]
  let failure: unknown
  for (const target of ['draft-2020-12', 'draft-07']) {
    try {
      return converter[io](libraryOptions ? { target, libraryOptions } : { target })
    } catch (error) {
      failure = error // a library that lacks one target may still have the next, and the last reason is the telling one
    }
  }
  throw failure
}

/** What of zod 4 core we use: its converter, and the registry where `.describe()`/`.meta()` land. */
interface ZodCore {
  toJSONSchema(schema: unknown, params: Record<string, unknown>): Record<string, unknown>
  globalRegistry: { get(schema: unknown): object | undefined }
}

/**
 * zod 4 before 4.2 has no `~standard.jsonSchema`, but its schemas (`_zod.def`) are what zod 4's own
 * `toJSONSchema` reads, whichever zod 4 copy made them. So we convert with the zod that
 * `@plugboard/protocol` depends on — loaded already, only looked up on this path.
 */
function fromZod4(schema: StandardSchemaV1, io: 'input' | 'output'): Record<string, unknown> | undefined {
  const internals = (schema as { _zod?: { def?: unknown } })._zod
  if (schema['~standard'].vendor !== 'zod' || typeof internals?.def !== 'object') return undefined
  const core = zodCore()
  if (!core) return undefined
  // zod before 4.2 keeps `.describe()`/`.meta()` in a registry per zod copy, which our copy cannot see;
  // a classic schema hands its own out through `.meta()`.
  const metadata = {
    get: (s: unknown): object | undefined => {
      const own = typeof (s as { meta?: unknown }).meta === 'function' ? (s as { meta(): object | undefined }).meta() : undefined
      return own ?? core.globalRegistry.get(s)
    },
  }
  return core.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any', metadata })
}

type RequireFunction = ((id: string) => unknown) & { resolve(id: string): string }
type NodeModule = { createRequire(from: string): RequireFunction }

// undefined: not looked up yet; null: no zod 4 core reachable on this runtime (a bundle, a worker).
let sharedZodCore: ZodCore | null | undefined

function zodCore(): ZodCore | null {
  if (sharedZodCore !== undefined) return sharedZodCore
  const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
  const nodeModule = process?.getBuiltinModule?.('node:module') as NodeModule | undefined
  if (!nodeModule) return (sharedZodCore = null)
  // pnpm gives the server no zod of its own: ours is the one `@plugboard/protocol` resolves.
  const places: RequireFunction[] = []
  try {
    const ours = nodeModule.createRequire(import.meta.url)
    places.push(nodeModule.createRequire(ours.resolve('@plugboard/protocol')), ours)
  } catch {
    // bundled with protocol (no file of its own), or a runtime whose modules are not files
  }
  for (const place of places) {
    const core = zodCoreAt(nodeModule, place)
    if (core) return (sharedZodCore = core)
  }
  return (sharedZodCore = null)
}

function zodCoreAt(nodeModule: NodeModule, require: RequireFunction): ZodCore | undefined {
  let manifest: string
  try {
    manifest = require.resolve('zod/package.json')
  } catch {
    return undefined
  }
  const isCore = (module: unknown): module is ZodCore =>
    typeof (module as Partial<ZodCore> | null)?.toJSONSchema === 'function' && typeof (module as Partial<ZodCore>).globalRegistry === 'object'
  try {
    // require() of the ESM file (Node ≥ 20.19) returns the very module instance protocol's `import 'zod'`
    // loaded, at no cost; the CommonJS build below would load a second zod, ~70 ms of a cold start.
    const entry = (require(manifest) as { exports?: Record<string, { import?: unknown } | undefined> }).exports?.['./v4/core']?.import
    const module = typeof entry === 'string' ? nodeModule.createRequire(manifest)(entry) : undefined
    if (isCore(module)) return module
  } catch {
    // a runtime without require() of ESM
  }
  try {
    const module = require('zod/v4/core')
    return isCore(module) ? module : undefined
  } catch {
    return undefined
  }
}

/** arktype before 2.1.28 has no `~standard.jsonSchema`; its types convert themselves, each side (`.in`, `.out`) apart. */
function fromArktype(schema: StandardSchemaV1, io: 'input' | 'output'): Record<string, unknown> | undefined {
  if (schema['~standard'].vendor !== 'arktype') return undefined
  type ArkType = { toJsonSchema?: () => Record<string, unknown>; in?: ArkType; out?: ArkType }
  const side = (schema as ArkType)[io === 'input' ? 'in' : 'out'] ?? (schema as ArkType)
  return typeof side.toJsonSchema === 'function' ? side.toJsonSchema() : undefined
}

function subject(where: Where): string {
  const what = where.name ?? 'a schema'
  return where.field === undefined ? what : `${what} (field ${JSON.stringify(where.field)})`
}

/** Why a schema has no JSON Schema, and the option that gives it one. */
function remedy(schema: StandardSchemaV1, vendor: string): string {
  if (vendor === 'zod' && '_zod' in schema) {
    return 'it is a zod 4 schema from before 4.2 and zod 4 core could not be loaded here to convert it. Upgrade zod to 4.2 or later, or pass a converter in the McpServer options: { jsonSchema: { zod: (schema) => z.toJSONSchema(schema) } }.'
  }
  if (vendor === 'zod') {
    return 'zod 3 has no JSON Schema converter of its own. Pass one in the McpServer options: { jsonSchema: { zod: zodToJsonSchema } } with zodToJsonSchema from the zod-to-json-schema package, or write the schema with zod 4 (import { z } from \'zod/v4\').'
  }
  if (vendor === 'valibot') {
    return 'a plain valibot schema has no JSON Schema converter. Wrap it with toStandardJsonSchema() from @valibot/to-json-schema, or pass that package\'s converter in the McpServer options: { jsonSchema: { valibot: toJsonSchema } }.'
  }
  return `its library (Standard Schema vendor ${JSON.stringify(vendor)}) gives no JSON Schema. Give the schema a ~standard.jsonSchema (Standard JSON Schema), pass a converter in the McpServer options: { jsonSchema: { ${/^[A-Za-z_$][\w$]*$/.test(vendor) ? vendor : JSON.stringify(vendor)}: (schema) => ... } }, or declare it as raw JSON Schema.`
}

function asObjectRoot(schema: Record<string, unknown>): Record<string, unknown> {
  if (schema.type === undefined) return { type: 'object', ...schema }
  if (schema.type !== 'object') throw new TypeError(`Schema must describe an object, got type ${JSON.stringify(schema.type)}`)
  return schema
}

function settle(result: StandardResult<unknown> | Promise<StandardResult<unknown>>): ValidationResult | Promise<ValidationResult> {
  return result instanceof Promise ? result.then(toValidation) : toValidation(result)
}

function toValidation(result: StandardResult<unknown>): ValidationResult {
  if (!result.issues) return { ok: true, value: result.value }
  const issues = result.issues.map((i) => ({ path: pathOf(i.path ?? []), message: i.message }))
  return { ok: false, issues: issues.length ? issues : [{ path: '', message: 'invalid value' }] }
}

function pathOf(path: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }>): string {
  let out = ''
  for (const segment of path) {
    const key = typeof segment === 'object' ? segment.key : segment
    if (typeof key === 'number') out += `[${key}]`
    else out += out ? `.${String(key)}` : String(key)
  }
  return out
}

// ---- shape: { a: z.number(), b: v.optional(v.string()) } -------------------------------------------

function compileShape(shape: SchemaShape, io: 'input' | 'output', where: Where): CompiledSchema {
  const keys = Object.keys(shape)
  const properties: Record<string, unknown> = {}
  const required: string[] = []
  const defs: Record<string, unknown> = {}
  for (const key of keys) {
    const field = shape[key]!
    properties[key] = nestField(toJsonSchema(field, io, { ...where, field: key }), key, defs)
    if (!isOptional(field, io)) required.push(key)
  }
  const jsonSchema: Record<string, unknown> = { type: 'object', properties }
  if (required.length) jsonSchema.required = required
  if (Object.keys(defs).length) jsonSchema.$defs = defs
  // Read once: zod builds `~standard` behind a getter; `validate` is called on its props object, as the spec shows.
  const fields = keys.map((key) => shape[key]!['~standard'])
  return { jsonSchema, validate: (value) => checkShape(fields, keys, value) }
}

/**
 * Optionality is probed, not read from library internals: a field is optional on input when it accepts
 * `undefined`, and on output only if it also stays `undefined` (a zod `.default()` is always present).
 */
function isOptional(field: StandardSchemaV1, io: 'input' | 'output'): boolean {
  const result = field['~standard'].validate(undefined)
  if (result instanceof Promise) {
    result.catch(() => {})
    return false
  }
  return !result.issues && (io === 'input' || result.value === undefined)
}

/**
 * A field's schema was generated as a document root; nested under `properties/key` its `$defs` move to
 * our root (renamed on clash) and root-relative refs (zod emits `#` for self-recursion) are re-pointed.
 */
function nestField(schema: Record<string, unknown>, key: string, defs: Record<string, unknown>): unknown {
  const { $defs, ...rest } = schema as { $defs?: Record<string, unknown> }
  const renamed = new Map<string, string>()
  for (const [name, def] of Object.entries($defs ?? {})) {
    let target = name
    if (name in defs && JSON.stringify(defs[name]) !== JSON.stringify(def)) target = `${key}_${name}`.replace(/[^\w-]/g, '_')
    renamed.set(name, target)
  }
  const pointer = `#/properties/${encodeURIComponent(key.replace(/~/g, '~0').replace(/\//g, '~1'))}`
  const repoint = (ref: string): string => {
    if (!ref.startsWith('#')) return ref
    const def = /^#\/\$defs\/([^/]+)(.*)$/.exec(ref)
    if (def) return `#/$defs/${renamed.get(def[1]!) ?? def[1]}${def[2]}`
    return pointer + ref.slice(1)
  }
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk)
    if (typeof node !== 'object' || node === null) return node
    const copy: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(node)) copy[k] = k === '$ref' && typeof v === 'string' ? repoint(v) : walk(v)
    return copy
  }
  for (const [name, def] of Object.entries($defs ?? {})) defs[renamed.get(name)!] = walk(def)
  return walk(rest)
}

function checkShape(fields: ReadonlyArray<StandardSchemaProps>, keys: string[], value: unknown): ValidationResult | Promise<ValidationResult> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, issues: [{ path: '', message: 'expected object' }] }
  }
  const input = value as Record<string, unknown>
  const results = new Array<StandardResult<unknown> | Promise<StandardResult<unknown>>>(keys.length)
  let async = false
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!
    const result = fields[i]!.validate(Object.hasOwn(input, key) ? input[key] : undefined)
    if (result instanceof Promise) async = true
    results[i] = result
  }
  return async ? Promise.all(results).then((settled) => mergeShape(keys, input, settled)) : mergeShape(keys, input, results as Array<StandardResult<unknown>>)
}

function mergeShape(keys: string[], input: Record<string, unknown>, settled: ReadonlyArray<StandardResult<unknown>>): ValidationResult {
  let issues: SchemaIssue[] | undefined
  // The common case, every field valid and unchanged and no stray key, hands back the input itself:
  // building a copy of a wide object was a tenth of a server's time on a 200-field tool.
  let unchanged = true
  let present = 0
  for (let i = 0; i < keys.length; i++) {
    const result = settled[i]!
    if (result.issues) {
      issues ??= []
      for (const issue of result.issues) issues.push({ path: pathOf([keys[i]!, ...(issue.path ?? [])]), message: issue.message })
    } else if (result.value !== undefined || keys[i]! in input) {
      present++
      if (unchanged && result.value !== input[keys[i]!]) unchanged = false
    }
  }
  if (issues) return { ok: false, issues }
  if (unchanged) {
    let own = 0
    for (const key in input) if (Object.hasOwn(input, key)) own++
    if (own === present) return { ok: true, value: input }
  }
  const out: Record<string, unknown> = {}
  for (let i = 0; i < keys.length; i++) {
    const result = settled[i] as { value: unknown }
    if (result.value !== undefined || keys[i]! in input) out[keys[i]!] = result.value
  }
  return { ok: true, value: out }
}

// ---- raw JSON Schema, checked with ajv --------------------------------------------------------------

// ajv (with ajv-formats) is ~90 CommonJS modules: loading it costs a stdio server tens of milliseconds of
// cold start that most servers, whose tools declare Standard Schemas, never need. So it is loaded on the
// first raw JSON Schema: synchronously through `require` where the runtime has one (Node, Deno, Bun — the
// same module instance an `import` would give, ajv being CommonJS), else by a dynamic `import()` before
// the first validation (bundlers see that one and ship ajv).

type AjvKit = { Ajv: typeof Ajv2020; addFormats: (ajv: Ajv2020) => void }

let sharedAjv: Ajv2020 | undefined
let pendingAjv: Promise<Ajv2020> | undefined

function makeAjv(kit: AjvKit): Ajv2020 {
  // strict: false — user schemas carry vendor keywords (`x-…`, `examples`) that must not fail registration.
  // addUsedSchema: false — two tools may reuse one `$id` without clashing in the shared instance.
  const instance = new kit.Ajv({ allErrors: true, strict: false, addUsedSchema: false })
  kit.addFormats(instance)
  return instance
}

// ajv-formats is CommonJS: its default export is the plugin, or a module object holding it as `default`.
function pluginOf(module: unknown): (ajv: Ajv2020) => void {
  return ((module as { default?: unknown }).default ?? module) as (ajv: Ajv2020) => void
}

function requireAjv(): AjvKit | undefined {
  const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
  const nodeModule = process?.getBuiltinModule?.('node:module') as { createRequire(from: string): (id: string) => unknown } | undefined
  if (!nodeModule) return undefined
  try {
    const require = nodeModule.createRequire(import.meta.url)
    const { Ajv2020: Ajv } = require('ajv/dist/2020.js') as { Ajv2020: typeof Ajv2020 }
    return { Ajv, addFormats: pluginOf(require('ajv-formats')) }
  } catch {
    return undefined // a bundle without node_modules beside it: the dynamic import below is the bundled copy
  }
}

/** One ajv for the process, or undefined until the dynamic import settles: creating an instance costs far more than compiling a schema with it. */
function ajvNow(): Ajv2020 | undefined {
  if (sharedAjv) return sharedAjv
  const kit = requireAjv()
  if (kit) return (sharedAjv = makeAjv(kit))
  pendingAjv ??= Promise.all([import('ajv/dist/2020.js'), import('ajv-formats')]).then(([ajv, formats]) => {
    sharedAjv ??= makeAjv({ Ajv: ajv.Ajv2020, addFormats: pluginOf(formats.default) })
    return sharedAjv
  })
  return undefined
}

function compileJsonSchema(schema: JsonSchema): CompiledSchema {
  // A raw schema is advertised as the user wrote it, `$schema` included: 2025-11-25 (SEP-1613) lets a
  // tool name its dialect and clients must honour it. ajv compiles it as 2020-12 without that key, so a
  // draft-07 URI the 2020 instance does not know cannot fail registration.
  const { $schema: _, ...rest } = schema
  const checked = asObjectRoot(rest)
  const jsonSchema = schema.$schema === undefined ? checked : { $schema: schema.$schema, ...checked }
  const compile = (instance: Ajv2020): ValidateFunction => {
    const validator = instance.compile(checked)
    // The compiled function is self-contained; dropping the cache entry keeps the shared ajv from pinning
    // every schema ever registered (servers built per session would otherwise leak).
    instance.removeSchema(checked)
    return validator
  }
  const check = (validator: ValidateFunction, value: unknown): ValidationResult =>
    validator(value) ? { ok: true, value } : { ok: false, issues: (validator.errors ?? []).map(ajvIssue) }
  const instance = ajvNow()
  // With a synchronous ajv an invalid schema fails registration, as it should; without one, the first call.
  let validator: ValidateFunction | undefined = instance ? compile(instance) : undefined
  return {
    jsonSchema,
    validate: (value) => {
      if (validator) return check(validator, value)
      const ready = ajvNow()
      if (ready) return check((validator = compile(ready)), value)
      return pendingAjv!.then((loaded) => check((validator ??= compile(loaded)), value))
    },
  }
}

function ajvIssue(error: ErrorObject): SchemaIssue {
  const segments = error.instancePath
    .split('/')
    .slice(1)
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')))
  const params = error.params as { missingProperty?: string; additionalProperty?: string }
  if (error.keyword === 'required' && params.missingProperty !== undefined) return { path: pathOf([...segments, params.missingProperty]), message: 'required' }
  if (error.keyword === 'additionalProperties' && params.additionalProperty !== undefined) {
    return { path: pathOf([...segments, params.additionalProperty]), message: 'unknown property' }
  }
  return { path: pathOf(segments), message: error.message ?? 'invalid value' }
}
