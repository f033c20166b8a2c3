import type { CompleteRequestParams, CompleteResult } from '@plugboard/protocol'
import type { ServerContext } from '../context.js'
import type { StandardSchemaV1 } from '../schema.js'

/** What a completion callback learns besides the partial value: arguments the user already chose. */
export interface CompletionContext {
  /** Already-resolved arguments of the prompt or template variables (2025-06-18 `context.arguments`). */
  arguments?: Record<string, string>
}

/** Suggestions for one argument; a plain array is taken as all of them. */
export type CompletionValues = string[] | { values: string[]; total?: number; hasMore?: boolean }

/** Suggests values for a prompt argument or a template variable, most relevant first. */
export type CompleteCallback = (value: string, context: CompletionContext, ctx: ServerContext) => CompletionValues | Promise<CompletionValues>

const COMPLETE = Symbol.for('plugboard.complete')

/** A schema with a completion callback attached by {@link completable}. */
export type Completable<S extends StandardSchemaV1> = S & { readonly [COMPLETE]: CompleteCallback }

/**
 * Attaches argument completion to a prompt argument's schema, for `completion/complete`.
 * The result still validates (and is typed) exactly as `schema`. Wrap the outermost schema:
 * `completable(z.string().optional(), fn)`, not `completable(z.string(), fn).optional()`.
 * @example
 * server.registerPrompt('review', {
 *   argsSchema: { language: completable(z.string(), (value) => ['python', 'typescript'].filter((l) => l.startsWith(value))) },
 * }, ({ language }) => ({ messages: [{ role: 'user', content: { type: 'text', text: `Review my ${language}` } }] }))
 */
export function completable<S extends StandardSchemaV1>(schema: S, complete: CompleteCallback): Completable<S> {
  // An object inheriting from the schema: the user's schema is not mutated (it may be shared), and
  // its properties and methods still resolve through the prototype. `~standard` is read off the
  // original, so validation and JSON Schema come from it — libraries keep metadata such as zod's
  // `.describe()` in registries keyed by the original object.
  const wrapper = Object.create(schema) as Completable<S>
  Object.defineProperty(wrapper, '~standard', { value: schema['~standard'] })
  Object.defineProperty(wrapper, COMPLETE, { value: complete })
  return wrapper
}

/** The callback {@link completable} attached, if any. */
export function completerOf(schema: unknown): CompleteCallback | undefined {
  return typeof schema === 'object' && schema !== null ? ((schema as Partial<Completable<StandardSchemaV1>>)[COMPLETE] ?? undefined) : undefined
}

// "Maximum 100 items per response" (completion: Completion Results).
const MAX_VALUES = 100
const EMPTY: CompleteResult = { completion: { values: [] } }

/**
 * Answers `completion/complete` with what `complete` suggests, cut to 100 values with `total` and
 * `hasMore` telling the client there is more. No callback means no suggestions, not an error.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/server/utilities/completion
 */
export async function complete(callback: CompleteCallback | undefined, params: CompleteRequestParams, ctx: ServerContext): Promise<CompleteResult> {
  if (!callback) return EMPTY
  const context: CompletionContext = params.context?.arguments ? { arguments: params.context.arguments } : {}
  const answer = await callback(params.argument.value, context, ctx)
  const { values, total, hasMore } = Array.isArray(answer) ? { values: answer, total: undefined, hasMore: undefined } : answer
  const completion: CompleteResult['completion'] = { values: values.slice(0, MAX_VALUES), total: total ?? values.length, hasMore: hasMore ?? values.length > MAX_VALUES }
  return { completion }
}
