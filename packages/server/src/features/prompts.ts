import { ErrorCode, McpError, type GetPromptRequestParams, type GetPromptResult, type Icon, type ListPromptsResult, type Prompt, type PromptArgument } from '@plugboard/protocol'
import type { ServerContext } from '../context.js'
import { compileSchema, formatIssues, type CompiledSchema, type InferOutput, type JsonSchemaConverters, type SchemaInput, type SchemaShape } from '../schema.js'
import { completerOf, type CompleteCallback } from './completion.js'
import { listPage } from './pagination.js'
import { Registry, definedFields, type Registered } from './registry.js'

/** How a prompt describes itself in `prompts/list`, its arguments, and their completions. */
export interface PromptConfig<A extends SchemaInput | undefined = undefined> {
  title?: string
  description?: string
  /**
   * The arguments, usually a shape of string schemas: `{ code: z.string(), language: z.string().optional() }`.
   * Each key becomes an entry of the prompt's `arguments`, with its description and whether it is required.
   */
  argsSchema?: A
  /** Completions per argument, for `completion/complete` (or wrap the argument's schema in `completable()`). */
  complete?: A extends SchemaShape ? { [K in keyof A]?: CompleteCallback } : { [argument: string]: CompleteCallback }
  icons?: Icon[]
  _meta?: Record<string, unknown>
}

/** The arguments a prompt handler receives: validated by `argsSchema`, else as the client sent them. */
export type PromptArgs<A> = A extends SchemaInput ? InferOutput<A> : Record<string, string>

export type PromptCallback<A extends SchemaInput | undefined = undefined> = (args: PromptArgs<A>, ctx: ServerContext) => GetPromptResult | Promise<GetPromptResult>

/** Changes for `RegisteredPrompt.update()`. */
export interface PromptUpdate extends PromptConfig<SchemaInput | undefined> {
  name?: string
  // `any`: the new handler's argument type follows the new schema, which this type cannot see.
  callback?: PromptCallback<any>
  enabled?: boolean
}

/** A prompt after `registerPrompt()`. */
export interface RegisteredPrompt extends Registered {
  readonly name: string
  readonly title: string | undefined
  readonly description: string | undefined
  update(changes: PromptUpdate): void
}

class PromptEntry implements RegisteredPrompt {
  enabled = true
  args: CompiledSchema | undefined
  completers = new Map<string, CompleteCallback>()
  #listing: Prompt | undefined

  constructor(
    readonly registry: Registry<PromptEntry>,
    readonly converters: () => JsonSchemaConverters | undefined,
    public name: string,
    public config: PromptConfig<SchemaInput | undefined>,
    public callback: PromptCallback<never>,
  ) {
    this.#use(this.#compile(config, name))
  }

  get title(): string | undefined {
    return this.config.title
  }
  get description(): string | undefined {
    return this.config.description
  }

  /** Compiles the arguments and collects their completers; throws before anything is changed. */
  #compile({ argsSchema: schema, complete }: PromptConfig<SchemaInput | undefined>, name: string): Pick<PromptEntry, 'args' | 'completers'> {
    const args = schema === undefined ? undefined : compileSchema(schema, { io: 'input', jsonSchema: this.converters(), name: `prompt ${JSON.stringify(name)} argsSchema` })
    const completers = new Map<string, CompleteCallback>()
    if (schema && !('~standard' in schema)) {
      for (const [argument, field] of Object.entries(schema)) {
        const completer = completerOf(field)
        if (completer) completers.set(argument, completer)
      }
    }
    for (const [argument, completer] of Object.entries(complete ?? {})) if (completer) completers.set(argument, completer as CompleteCallback)
    return { args, completers }
  }

  #use({ args, completers }: Pick<PromptEntry, 'args' | 'completers'>): void {
    this.args = args
    this.completers = completers
  }

  get listing(): Prompt {
    if (this.#listing) return this.#listing
    const { title, description, icons, _meta } = this.config
    return (this.#listing = definedFields({ name: this.name, title, description, arguments: this.args && argumentsOf(this.args), icons, _meta }))
  }

  enable(): void {
    if (!this.enabled) this.update({ enabled: true })
  }
  disable(): void {
    if (this.enabled) this.update({ enabled: false })
  }
  remove(): void {
    this.registry.delete(this.name)
  }
  update({ name, callback, enabled, ...config }: PromptUpdate): void {
    const next = { ...this.config, ...config }
    const compiled = 'argsSchema' in config || 'complete' in config ? this.#compile(next, name ?? this.name) : undefined
    if (name !== undefined && name !== this.name) {
      this.registry.rekey(this.name, name)
      this.name = name
    }
    if (callback) this.callback = callback
    if (enabled !== undefined) this.enabled = enabled
    this.config = next
    if (compiled) this.#use(compiled)
    this.#listing = undefined
    this.registry.changed()
  }
}

/** Prompt arguments as `prompts/list` shows them, read off the compiled JSON Schema's top-level properties. */
function argumentsOf(schema: CompiledSchema): PromptArgument[] {
  const properties = (schema.jsonSchema.properties ?? {}) as Record<string, { title?: unknown; description?: unknown }>
  const required = new Set(Array.isArray(schema.jsonSchema.required) ? (schema.jsonSchema.required as string[]) : [])
  return Object.entries(properties).map(([name, property]) =>
    definedFields({
      name,
      title: typeof property?.title === 'string' ? property.title : undefined,
      description: typeof property?.description === 'string' ? property.description : undefined,
      required: required.has(name),
    }),
  )
}

/** @internal The prompts of one McpServer: registration, `prompts/list`, `prompts/get`, completers. */
export class Prompts {
  readonly #registry: Registry<PromptEntry>
  readonly #converters: () => JsonSchemaConverters | undefined

  /** `converters`: the server's `jsonSchema` option, read at each registration. */
  constructor(onchange: () => void, converters: () => JsonSchemaConverters | undefined = () => undefined) {
    this.#registry = new Registry('Prompt', onchange)
    this.#converters = converters
  }

  get size(): number {
    return this.#registry.size
  }

  /** Whether any prompt completes an argument (then the server declares `completions`). */
  get hasCompletions(): boolean {
    for (const entry of this.#registry.all()) if (entry.completers.size > 0) return true
    return false
  }

  register(name: string, config: PromptConfig<SchemaInput | undefined>, callback: PromptCallback<never>): RegisteredPrompt {
    if (this.#registry.get(name)) throw new Error(`Prompt ${name} is already registered`)
    const entry = new PromptEntry(this.#registry, this.#converters, name, config, callback)
    this.#registry.add(name, entry)
    return entry
  }

  list(cursor: string | undefined, pageSize: number): ListPromptsResult {
    return listPage('prompts', this.#registry.enabled(), cursor, pageSize, (prompt) => prompt.listing)
  }

  /**
   * `prompts/get`: an unknown prompt or arguments that fail `argsSchema` (a missing required one
   * included) answer -32602, as the spec's error handling asks.
   * @see https://modelcontextprotocol.io/specification/2025-11-25/server/prompts#error-handling
   */
  async get(params: GetPromptRequestParams, ctx: ServerContext): Promise<GetPromptResult> {
    const prompt = this.#find(params.name)
    let args: unknown = params.arguments ?? {}
    if (prompt.args) {
      const checked = await prompt.args.validate(args)
      if (!checked.ok) throw new McpError(ErrorCode.InvalidParams, `Invalid arguments for prompt ${prompt.name}: ${formatIssues(checked.issues)}`, { issues: checked.issues })
      args = checked.value
    }
    return prompt.callback(args as never, ctx)
  }

  /** The completer of a prompt argument; -32602 for an unknown prompt ("Invalid prompt name", completion spec). */
  completer(name: string, argument: string): CompleteCallback | undefined {
    return this.#find(name).completers.get(argument)
  }

  #find(name: string): PromptEntry {
    const prompt = this.#registry.find(name)
    if (!prompt) throw new McpError(ErrorCode.InvalidParams, `Prompt ${name} not found`, { name })
    return prompt
  }
}
