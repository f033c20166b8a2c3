import { ErrorCode, InsufficientScopeError, McpError, type CallToolRequestParams, type CallToolResult, type ContentBlock, type Icon, type ListToolsResult, type Tool, type ToolAnnotations, type ToolExecution } from '@plugboard/protocol'
import type { ServerContext } from '../context.js'
import { compileSchema, formatIssues, type CompiledSchema, type InferInput, type InferOutput, type JsonSchemaConverters, type SchemaInput } from '../schema.js'
import { listPage } from './pagination.js'
import { Registry, definedFields, type Registered } from './registry.js'

/** How a tool describes itself in `tools/list`, and the schemas of its arguments and result. */
export interface ToolConfig<I extends SchemaInput | undefined = undefined, O extends SchemaInput | undefined = undefined> {
  title?: string
  description?: string
  /** Arguments: a Standard Schema (zod, valibot…), a shape `{ a: z.number() }`, or raw JSON Schema. Omitted: any object. */
  inputSchema?: I
  /** The `structuredContent` every successful call returns; validated before it is sent. */
  outputSchema?: O
  annotations?: ToolAnnotations
  icons?: Icon[]
  execution?: ToolExecution
  _meta?: Record<string, unknown>
  /**
   * Scopes the caller's access token must all hold to call this tool. Checked before the handler
   * runs, only for requests an auth layer authenticated (`ctx.auth` set; stdio has none). A call
   * without them is refused with {@link InsufficientScopeError}, which Streamable HTTP answers 403
   * `insufficient_scope` where it can, so the client steps up. Server-side only: never listed.
   * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization#scope-challenge-handling
   */
  requiredScopes?: string[]
}

/** The arguments a tool handler receives: the input schema's output type, or a plain record. */
export type ToolArgs<I> = I extends SchemaInput ? InferOutput<I> : Record<string, unknown>
type StructuredOf<O> = O extends SchemaInput ? InferInput<O> : Record<string, unknown>

/** What a tool handler returns: `CallToolResult`, where `content` may be left out when `structuredContent` says it all. */
export interface ToolResult<S = Record<string, unknown>> {
  content?: ContentBlock[]
  structuredContent?: S
  /** The tool ran and failed: a result the model can read, not a protocol error. */
  isError?: boolean
  _meta?: Record<string, unknown>
}

export type ToolCallback<I extends SchemaInput | undefined = undefined, O extends SchemaInput | undefined = undefined> = (
  args: ToolArgs<I>,
  ctx: ServerContext,
) => ToolResult<StructuredOf<O>> | Promise<ToolResult<StructuredOf<O>>>

/** @internal A tool callback of any schema, as the registry stores it. */
export type AnyToolCallback = (args: never, ctx: ServerContext) => ToolResult<unknown> | Promise<ToolResult<unknown>>

/** Changes for `RegisteredTool.update()`; a change of schema is compiled once, here. */
export interface ToolUpdate extends ToolConfig<SchemaInput | undefined, SchemaInput | undefined> {
  name?: string
  // `any`: the new handler's argument type follows the new schema, which this type cannot see.
  callback?: ToolCallback<any, any>
  enabled?: boolean
}

/** A tool after `registerTool()`: enable, disable, update or remove it; connected clients are told. */
export interface RegisteredTool extends Registered {
  readonly name: string
  readonly title: string | undefined
  readonly description: string | undefined
  /** How the tool may run as a task (`execution.taskSupport`), as registered; read by a tasks extension. */
  readonly execution: ToolExecution | undefined
  update(changes: ToolUpdate): void
}

// 2025-11-25: names SHOULD be 1–128 characters of A–Z, a–z, 0–9, `_`, `-` and `.`.
const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/

function checkToolName(name: string): void {
  if (name.length === 0) throw new TypeError('A tool name must not be empty')
  if (!TOOL_NAME.test(name)) {
    console.warn(`Tool name ${JSON.stringify(name)} does not follow the MCP guidance (1-128 characters of A-Z a-z 0-9 _ - .); some clients may reject it`)
  }
}

// Failures of the tool's own calls (a sampling request timed out, the client lacks a capability):
// the tool's work failed, so the model reads why; these codes are never meant for the wire.
const LOCAL_FAILURES = new Set<number>([ErrorCode.ConnectionClosed, ErrorCode.RequestTimeout, ErrorCode.RequestCancelled, ErrorCode.CapabilityNotSupported])

const errorResult = (text: string): CallToolResult => ({ content: [{ type: 'text', text }], isError: true })

class ToolEntry implements RegisteredTool {
  enabled = true
  input: CompiledSchema | undefined
  output: CompiledSchema | undefined
  #listing: Tool | undefined

  constructor(
    readonly tools: Registry<ToolEntry>,
    readonly converters: () => JsonSchemaConverters | undefined,
    public name: string,
    public config: ToolConfig<SchemaInput | undefined, SchemaInput | undefined>,
    public callback: AnyToolCallback,
  ) {
    this.#use(this.#compile(config, name))
  }

  get title(): string | undefined {
    return this.config.title
  }
  get description(): string | undefined {
    return this.config.description
  }
  get execution(): ToolExecution | undefined {
    return this.config.execution
  }

  /** Compiled once per registration or change of schema, never per call (STYLE §8); throws before anything is changed. */
  #compile({ inputSchema, outputSchema }: ToolUpdate, name: string): Pick<ToolEntry, 'input' | 'output'> {
    const jsonSchema = this.converters()
    const tool = `tool ${JSON.stringify(name)}`
    return {
      input: inputSchema === undefined ? undefined : compileSchema(inputSchema, { io: 'input', jsonSchema, name: `${tool} inputSchema` }),
      output: outputSchema === undefined ? undefined : compileSchema(outputSchema, { io: 'output', jsonSchema, name: `${tool} outputSchema` }),
    }
  }

  #use({ input, output }: Pick<ToolEntry, 'input' | 'output'>): void {
    this.input = input
    this.output = output
    this.#listing = undefined
  }

  /** The `tools/list` entry, built on first use after each change. */
  get listing(): Tool {
    if (this.#listing) return this.#listing
    const { title, description, annotations, execution, icons, _meta } = this.config
    // A tool without an input schema still advertises one: `inputSchema` is required, any object will do.
    const inputSchema = (this.input?.jsonSchema ?? { type: 'object' }) as Tool['inputSchema']
    const outputSchema = this.output?.jsonSchema as Tool['outputSchema']
    return (this.#listing = definedFields({ name: this.name, title, description, inputSchema, outputSchema, annotations, execution, icons, _meta }))
  }

  enable(): void {
    if (!this.enabled) this.update({ enabled: true })
  }
  disable(): void {
    if (this.enabled) this.update({ enabled: false })
  }
  remove(): void {
    this.tools.delete(this.name)
  }

  update(changes: ToolUpdate): void {
    const { name, callback, enabled, ...config } = changes
    const next = { ...this.config, ...config }
    const compiled = 'inputSchema' in config || 'outputSchema' in config ? this.#compile(next, name ?? this.name) : undefined
    if (name !== undefined && name !== this.name) {
      checkToolName(name)
      this.tools.rekey(this.name, name)
      this.name = name
    }
    if (callback) this.callback = callback
    if (enabled !== undefined) this.enabled = enabled
    this.config = next
    if (compiled) this.#use(compiled)
    this.#listing = undefined
    this.tools.changed()
  }
}

/** @internal The tools of one McpServer: registration, `tools/list`, `tools/call`. */
export class Tools {
  readonly #registry: Registry<ToolEntry>
  readonly #converters: () => JsonSchemaConverters | undefined

  /** `converters`: the server's `jsonSchema` option, read at each registration. */
  constructor(onchange: () => void, converters: () => JsonSchemaConverters | undefined = () => undefined) {
    this.#registry = new Registry('Tool', onchange)
    this.#converters = converters
  }

  get size(): number {
    return this.#registry.size
  }

  register(name: string, config: ToolConfig<SchemaInput | undefined, SchemaInput | undefined>, callback: AnyToolCallback): RegisteredTool {
    checkToolName(name)
    if (this.#registry.get(name)) throw new Error(`Tool ${name} is already registered`)
    const entry = new ToolEntry(this.#registry, this.#converters, name, config, callback)
    this.#registry.add(name, entry)
    return entry
  }

  /** The enabled tool of that name. */
  get(name: string): RegisteredTool | undefined {
    return this.#registry.find(name)
  }

  list(cursor: string | undefined, pageSize: number): ListToolsResult {
    return listPage('tools', this.#registry.enabled(), cursor, pageSize, (tool) => tool.listing)
  }

  /**
   * Runs a tool. An unknown or disabled tool is a protocol error (-32602, as the spec's example), and
   * so is a caller whose token lacks the tool's `requiredScopes` ({@link InsufficientScopeError}); bad arguments and a failing handler are tool execution errors — `isError: true` results the
   * model can read and correct (2025-11-25: "Input validation errors" are tool execution errors).
   * An McpError thrown by the handler is deliberate and goes out as a protocol error — except the
   * local failures of its own calls to the client (timeout, missing capability…), which are results.
   * @see https://modelcontextprotocol.io/specification/2025-11-25/server/tools#error-handling
   */
  async call(params: CallToolRequestParams, ctx: ServerContext): Promise<CallToolResult> {
    const tool = this.#registry.find(params.name)
    if (!tool) throw new McpError(ErrorCode.InvalidParams, `Tool ${params.name} not found`, { name: params.name })
    checkScopes(tool, ctx)
    let args: unknown = params.arguments ?? {}
    if (tool.input) {
      const checked = await tool.input.validate(args)
      if (!checked.ok) return errorResult(`Invalid arguments for tool ${tool.name}: ${formatIssues(checked.issues)}`)
      args = checked.value
    }
    let result: ToolResult<unknown>
    try {
      result = await tool.callback(args as never, ctx)
    } catch (error) {
      if (error instanceof McpError && !LOCAL_FAILURES.has(error.code)) throw error
      return errorResult(error instanceof Error ? error.message : String(error))
    }
    return finish(tool, result)
  }
}

/**
 * A tool's `requiredScopes` against the token that authenticated the call, before its arguments are
 * even read. A request nobody authenticated (stdio) has no token to judge, so it passes.
 */
function checkScopes(tool: ToolEntry, ctx: ServerContext): void {
  const required = tool.config.requiredScopes
  const auth = ctx.auth
  if (!required || required.length === 0 || !auth) return
  const granted = new Set(auth.scopes ?? [])
  const missing = required.filter((scope) => !granted.has(scope))
  if (missing.length === 0) return
  throw new InsufficientScopeError([...required], `Insufficient scope: tool ${tool.name} needs the scopes ${required.join(' ')}; the access token lacks ${missing.join(' ')}`)
}

async function finish(tool: ToolEntry, result: ToolResult<unknown>): Promise<CallToolResult> {
  let structured = result.structuredContent
  if (tool.output && !result.isError) {
    // "Servers MUST provide structured results that conform to this schema" (2025-06-18). A result
    // that does not is the tool's failure, reported as one rather than sent as if valid.
    if (structured === undefined) return errorResult(`Tool ${tool.name} has an output schema but returned no structuredContent`)
    const checked = await tool.output.validate(structured)
    if (!checked.ok) return errorResult(`Tool ${tool.name} returned structuredContent that does not match its output schema: ${formatIssues(checked.issues)}`)
    structured = checked.value
  }
  const out: CallToolResult = { ...result, content: result.content ?? [] } as CallToolResult
  if (structured !== undefined) {
    out.structuredContent = structured as Record<string, unknown>
    // "A tool that returns structured content SHOULD also return the serialized JSON in a TextContent block."
    if (out.content.length === 0) out.content = [{ type: 'text', text: JSON.stringify(structured) }]
  }
  return out
}
