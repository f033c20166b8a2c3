import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import type { ErrorObject, Options as AjvOptions, ValidateFunction } from 'ajv'
import type { JSONRPCPayload } from '../jsonrpc/messages.js'
import { LATEST_PROTOCOL_VERSION } from '../revisions/index.js'
import type { MessageInfo, SendOptions, Transport } from '../transport.js'
import { specDir as bundledSpecDir } from './spec-dir.js'

/** One way a message breaks the official JSON Schema: where, and what. */
export interface SpecError {
  /** JSON pointer into the checked value (`/result/tools/0`); `''` for the value itself. */
  path: string
  message: string
}

/** A message `withSchemaCheck` refused to send, with the spec definition it broke. */
export interface SchemaViolation {
  revision: string
  /** The `$defs` entry checked (`JSONRPCMessage`, `CallToolRequest`, `ListToolsResult`, …). */
  def: string
  message: unknown
  errors: SpecError[]
}

export interface SpecOptions {
  /** The folder holding `<revision>/schema.json`; by default the official schemas shipped in this package (`specDir()`), wherever the project runs from. */
  specDir?: string
}

/** `revision` for `withSchemaCheck`: fixed, or read per message (the negotiated one is known only after `initialize`). */
export type RevisionSource = string | (() => string | undefined)

/** A transport that checks what it sends; `violations` lists everything refused so far. */
export type SchemaCheckedTransport<T extends Transport> = T & { readonly violations: SchemaViolation[] }

/**
 * Validates a value against a definition of the official JSON Schema of a revision and returns
 * what is wrong (empty when valid). `JSONRPCError`/`JSONRPCErrorResponse` and
 * `JSONRPCResponse`/`JSONRPCResultResponse` are mapped to the name the revision uses (the spec
 * renamed them in 2025-11-25; note that an old `JSONRPCResponse` is a *result* response).
 *
 * @example
 * expect(validateAgainstSpec(message, '2025-06-18')).toEqual([])
 */
export function validateAgainstSpec(
  message: unknown,
  revision: string,
  defName = 'JSONRPCMessage',
  options: SpecOptions = {},
): SpecError[] {
  const spec = loadSpec(revision, options.specDir)
  const validate = spec.validator(defName)
  return validate(message) ? [] : toSpecErrors(validate.errors)
}

/**
 * Wraps a transport so that every message it sends is first validated against the official JSON
 * Schema of the revision in force, and refused (`send` rejects, `violations` records it) when it
 * breaks it — so a test fails on the first drift from the spec.
 *
 * Checked: the JSON-RPC envelope (`JSONRPCMessage`, which also decides whether a batch is allowed);
 * a request or notification against its method's definition (`CallToolRequest`, …); a result
 * against the result definition of the request it answers (`ListToolsResult` for `tools/list`,
 * `CreateTaskResult` for a task-augmented request, `InputRequiredResult` when `resultType` says so),
 * which it learns by watching the requests that come in. Methods the revision does not define
 * (extensions, experiments) get the envelope check only.
 *
 * `revision` may be a function (read per message); when it returns `undefined` the message's
 * `SendOptions.protocolVersion` is used, else the latest legacy revision.
 *
 * @example
 * const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
 * const checked = withSchemaCheck(serverSide, () => session.protocolVersion)
 * await server.connect(checked)
 * // … exercise the server …
 * expect(checked.violations).toEqual([])
 */
export function withSchemaCheck<T extends Transport>(
  transport: T,
  revision: RevisionSource,
  options: SpecOptions = {},
): SchemaCheckedTransport<T> {
  const violations: SchemaViolation[] = []
  /** Requests received and not yet answered: id → what their result must look like. */
  const inbound = new Map<string | number, { method: string; task: boolean }>()

  const watch = (payload: JSONRPCPayload): void => {
    for (const m of Array.isArray(payload) ? payload : [payload]) {
      if ('method' in m && 'id' in m && m.id !== undefined) {
        inbound.set(m.id, { method: m.method, task: isObject(m.params) && m.params.task !== undefined })
      }
    }
  }
  const wrapHandler = (handler: Transport['onmessage']): Transport['onmessage'] =>
    handler === undefined
      ? undefined
      : (message: JSONRPCPayload, info?: MessageInfo) => {
          watch(message)
          handler(message, info)
        }

  const check = (message: JSONRPCPayload, sendOptions?: SendOptions): SchemaViolation[] => {
    const rev = (typeof revision === 'function' ? revision() : revision) ?? sendOptions?.protocolVersion ?? LATEST_PROTOCOL_VERSION
    const spec = loadSpec(rev, options.specDir)
    const found: SchemaViolation[] = []
    const run = (def: string, value: unknown, shown: unknown = value): void => {
      const validate = spec.validator(def)
      if (!validate(value)) found.push({ revision: rev, def, message: shown, errors: toSpecErrors(validate.errors) })
    }
    run('JSONRPCMessage', message)
    for (const m of Array.isArray(message) ? message : [message]) {
      if (!isObject(m)) continue
      if (typeof m.method === 'string') {
        const def = spec.methodDefs.get(m.method)
        if (def !== undefined) run(def, m)
      } else if ('result' in m && (typeof m.id === 'string' || typeof m.id === 'number')) {
        const request = inbound.get(m.id)
        if (request === undefined) continue
        inbound.delete(m.id)
        const def = spec.resultDef(request.method, request.task, m.result)
        if (def !== undefined) run(def, m.result, m)
      } else if ('error' in m && (typeof m.id === 'string' || typeof m.id === 'number')) {
        inbound.delete(m.id)
      }
    }
    return found
  }

  const target = transport as T & Record<PropertyKey, unknown>
  target.onmessage = wrapHandler(target.onmessage)
  const send = async (message: JSONRPCPayload, sendOptions?: SendOptions): Promise<void> => {
    const found = check(message, sendOptions)
    if (found.length > 0) {
      violations.push(...found)
      throw new Error(`withSchemaCheck: message breaks the spec\n${explain(found)}`)
    }
    return transport.send(message, sendOptions)
  }

  // A Proxy rather than a wrapper object, so members beyond `Transport` (InMemoryTransport's
  // `messageInfo`, …) stay reachable; methods are bound to the target for its #private fields.
  return new Proxy(target, {
    get(obj, key) {
      if (key === 'violations') return violations
      if (key === 'send') return send
      const value = Reflect.get(obj, key, obj)
      return typeof value === 'function' && key !== 'onmessage' && key !== 'onclose' && key !== 'onerror'
        ? (value as (...args: unknown[]) => unknown).bind(obj)
        : value
    },
    set(obj, key, value) {
      return Reflect.set(obj, key, key === 'onmessage' ? wrapHandler(value as Transport['onmessage']) : value, obj)
    },
  }) as unknown as SchemaCheckedTransport<T>
}

// ---------------------------------------------------------------------------------------------
// Loading and compiling the official schemas, once per revision
// ---------------------------------------------------------------------------------------------

interface LoadedSpec {
  validator(def: string): ValidateFunction
  /** Method name → its message definition (`tools/call` → `CallToolRequest`). */
  methodDefs: Map<string, string>
  /** The definition a result of `method` must satisfy, if the revision has one. */
  resultDef(method: string, task: boolean, result: unknown): string | undefined
}

/** The part of ajv used here (its default-export typings do not survive NodeNext's CJS interop). */
interface AjvLike {
  addSchema(schema: object, key: string): unknown
  getSchema(ref: string): ValidateFunction | undefined
}

type JsonSchema = Record<string, unknown> & { $schema?: string; definitions?: Record<string, JsonSchema>; $defs?: Record<string, JsonSchema> }

const specs = new Map<string, LoadedSpec>()
const require = createRequire(import.meta.url)

function loadSpec(revision: string, specDir = bundledSpecDir()): LoadedSpec {
  const file = join(specDir, revision, 'schema.json')
  const cached = specs.get(file)
  if (cached) return cached
  if (!existsSync(file)) throw new Error(`No schema for revision ${revision}: ${file} does not exist`)
  const schema = JSON.parse(readFileSync(file, 'utf8')) as JsonSchema
  const draft2020 = (schema.$schema ?? '').includes('2020-12')
  const defsKey = schema.$defs ? '$defs' : 'definitions'
  const defs = (schema.$defs ?? schema.definitions ?? {}) as Record<string, JsonSchema>

  // ajv is an optional peer dependency: load it only when a check actually runs.
  const Ajv = (draft2020 ? require('ajv/dist/2020') : require('ajv')).default as new (options: AjvOptions) => AjvLike
  const addFormats = require('ajv-formats').default as (ajv: AjvLike) => unknown
  const ajv = new Ajv({ strict: false, allErrors: true })
  addFormats(ajv)
  const key = `mcp-${revision}`
  ajv.addSchema(schema, key)

  const aliases: Record<string, string> = {
    JSONRPCError: 'JSONRPCErrorResponse',
    JSONRPCErrorResponse: 'JSONRPCError',
    JSONRPCResultResponse: 'JSONRPCResponse',
  }
  const validators = new Map<string, ValidateFunction>()
  const validator = (def: string): ValidateFunction => {
    const name = def in defs ? def : aliases[def]
    if (name === undefined || !(name in defs)) throw new Error(`Revision ${revision} defines no ${def}`)
    let fn = validators.get(name)
    if (!fn) {
      fn = ajv.getSchema(`${key}#/${defsKey}/${name}`)
      if (!fn) throw new Error(`ajv could not compile ${name} of ${revision}`)
      validators.set(name, fn)
    }
    return fn
  }

  const methodDefs = new Map<string, string>()
  for (const [name, def] of Object.entries(defs)) {
    // Skip the unions (`ClientNotification` is a single object in 2026-07-28, with a method const).
    if (name.startsWith('Client') || name.startsWith('Server')) continue
    const method = (def.properties as Record<string, { const?: unknown }> | undefined)?.method?.const
    if (typeof method === 'string' && !methodDefs.has(method)) methodDefs.set(method, name)
  }
  const resultDef = (method: string, task: boolean, result: unknown): string | undefined => {
    const requestDef = methodDefs.get(method)
    if (requestDef === undefined || !requestDef.endsWith('Request')) return undefined
    if (task && 'CreateTaskResult' in defs) return 'CreateTaskResult'
    // 2026-07-28: any request may be answered "input required"; its `*ResultResponse` defs accept
    // that through a loose union, so each kind of result is checked against its own def instead.
    if (isObject(result) && result.resultType === 'input_required' && 'InputRequiredResult' in defs) return 'InputRequiredResult'
    // A result type an extension adds (SEP-2663's "task") is not the method's own result: the core
    // schema knows it only as a Result, as the official referee checks it.
    if (isObject(result) && typeof result.resultType === 'string' && result.resultType !== 'complete' && 'Result' in defs) return 'Result'
    const own = `${requestDef.slice(0, -'Request'.length)}Result`
    return own in defs ? own : 'Result' in defs ? 'Result' : undefined
  }

  const loaded: LoadedSpec = { validator, methodDefs, resultDef }
  specs.set(file, loaded)
  return loaded
}

function toSpecErrors(errors: ErrorObject[] | null | undefined): SpecError[] {
  return (errors ?? []).map((e) => ({ path: e.instancePath, message: `${e.message ?? e.keyword}${paramsText(e)}` }))
}

function paramsText(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>
  if (typeof p.missingProperty === 'string') return ` (${p.missingProperty})`
  if (typeof p.additionalProperty === 'string') return ` (${p.additionalProperty})`
  if (p.allowedValue !== undefined) return ` (${JSON.stringify(p.allowedValue)})`
  return ''
}

function explain(found: SchemaViolation[]): string {
  return found
    .map((v) => `  ${v.revision} ${v.def}: ${v.errors.map((e) => `${e.path || '/'} ${e.message}`).join('; ')}`)
    .join('\n')
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
