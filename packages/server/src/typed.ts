/**
 * End-to-end types (STYLE §3, tRPC's lesson): what `typeof server` tells a client about the tools and
 * prompts the server defines, so `Client<typeof server>` checks names, arguments and
 * `structuredContent` with no codegen. Types only: nothing here exists at run time, and the client
 * package reads these shapes structurally, without depending on this one.
 */
import type { InferInput, SchemaInput } from './schema.js'

/**
 * One tool as its callers see it, by type only: the `arguments` a `tools/call` sends and the
 * `structuredContent` its result carries. Both are the schemas' *input* types — what goes over the
 * wire — since the server validates the arguments on arrival and the result before it is sent.
 */
export interface ToolSignature<Args = Record<string, unknown>, Structured = Record<string, unknown>> {
  arguments: Args
  structuredContent: Structured
}

/** One prompt as its callers see it, by type only: the `arguments` a `prompts/get` sends. */
export interface PromptSignature<Args = Record<string, string>> {
  arguments: Args
}

/**
 * The tools and prompts a server defines, each keyed by name: the type-only `'~types'` member of
 * `McpServer` that `Client<typeof server>` reads.
 */
export interface ServerTypes<Tools extends object = {}, Prompts extends object = {}> {
  tools: Tools
  prompts: Prompts
}

/** The signature of a tool registered with input schema `I` and output schema `O` (either may be absent). */
export type ToolSignatureOf<I, O> = ToolSignature<I extends SchemaInput ? InferInput<I> : Record<string, unknown>, O extends SchemaInput ? InferInput<O> : Record<string, unknown>>

/** The signature of a prompt registered with arguments schema `A` (absent: any string arguments). */
export type PromptSignatureOf<A> = PromptSignature<A extends SchemaInput ? InferInput<A> : Record<string, string>>
