/**
 * End-to-end types from a server definition (STYLE §3, tRPC's lesson): `Client<typeof server>` reads
 * the tools and prompts a server defined with `withTool()`/`withPrompt()` from the server's type-only
 * `'~types'` member, structurally — this package never imports the server's. A client without a
 * server type (or over a server that defined nothing that way) takes any name and record, as before.
 *
 * Inference stays one level deep (STYLE §7): the server computed each signature when it was
 * registered; here we only look a name up in that table.
 */
import type { CallToolRequestParams, CallToolResult, GetPromptRequestParams } from '@plugboard/protocol'
import type { ToolTask } from './features/tasks.js'

/** The tools (or prompts) table of a server type: `{}` when it has none. */
type TableOf<S, K extends 'tools' | 'prompts'> = S extends { readonly '~types'?: infer T } ? (NonNullable<T> extends { readonly [P in K]: infer Table } ? Table : {}) : {}

/** Whether a table names nothing: then the client is untyped for that feature. */
type IsEmpty<T> = [keyof T] extends [never] ? true : false

/** `arguments` required when the signature has a required field, optional otherwise. */
type ArgumentsField<A> = {} extends A ? { arguments?: A } : { arguments: A }

/** `P` without the fields `K`, keeping its index signature (which `Omit` would turn everything into). */
type Without<P, K extends string> = { [Q in keyof P as Q extends K ? never : Q]: P[Q] }

/** The signature a table holds under `N` (a union of names gives a union of signatures). */
type Entry<T, N> = T[N & keyof T]

/** Names of the tools `S` defines, or any string when `S` carries none. */
export type ToolName<S> = IsEmpty<TableOf<S, 'tools'>> extends true ? string : keyof TableOf<S, 'tools'> & string

/** Names of the prompts `S` defines, or any string when `S` carries none. */
export type PromptName<S> = IsEmpty<TableOf<S, 'prompts'>> extends true ? string : keyof TableOf<S, 'prompts'> & string

/** The `tools/call` params for tool `N` of server `S`: its name and the arguments its input schema takes. */
export type CallToolParams<S, N extends string> = IsEmpty<TableOf<S, 'tools'>> extends true
  ? CallToolRequestParams
  : Without<CallToolRequestParams, 'name' | 'arguments'> & { name: N } & ArgumentsField<Entry<TableOf<S, 'tools'>, N> extends { arguments: infer A } ? A : Record<string, unknown>>

/**
 * The result of calling tool `N` of server `S`: a `CallToolResult` whose `structuredContent` has the
 * type of the tool's output schema. Still optional: an `isError` result carries none.
 */
export type CallToolResultOf<S, N extends string> = IsEmpty<TableOf<S, 'tools'>> extends true
  ? CallToolResult
  : Without<CallToolResult, 'structuredContent'> & {
      structuredContent?: Entry<TableOf<S, 'tools'>, N> extends { structuredContent: infer O } ? O : Record<string, unknown>
    }

/** The task handle of a typed call: `result()` resolves with the tool's typed result. */
// The typed `result()` comes first: a call on an intersection picks the first matching signature.
export type ToolTaskOf<S, N extends string> = IsEmpty<TableOf<S, 'tools'>> extends true ? ToolTask : { result(): Promise<CallToolResultOf<S, N>> } & ToolTask

/** The `prompts/get` params for prompt `N` of server `S`: its name and the arguments its schema takes. */
export type GetPromptParams<S, N extends string> = IsEmpty<TableOf<S, 'prompts'>> extends true
  ? GetPromptRequestParams
  : Without<GetPromptRequestParams, 'name' | 'arguments'> & { name: N } & ArgumentsField<Entry<TableOf<S, 'prompts'>, N> extends { arguments: infer A } ? A : Record<string, string>>
