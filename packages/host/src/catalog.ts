import { createHash } from 'node:crypto'
import { Emitter, type Client, type Listener } from '@plugboard/client'
import {
  ErrorCode,
  McpError,
  type CallToolResult,
  type Prompt,
  type RequestOptions,
  type Resource,
  type ResourceTemplate,
  type Tool,
} from '@plugboard/protocol'
import { visibleToModel } from './apps/ui-meta.js'
import type { ServerManager } from './manager.js'

/** A tool of one server, under the name the model sees. */
export interface CatalogTool {
  /** Model-facing: `<server>__<tool>`, within `^[a-zA-Z0-9_-]{1,64}$`. */
  name: string
  server: string
  tool: Tool
}

/** A prompt of one server, under a namespaced name built like a tool's. */
export interface CatalogPrompt {
  name: string
  server: string
  prompt: Prompt
}

/** A resource of one server (URIs are not renamed: two servers may serve the same one). */
export interface CatalogResource {
  server: string
  resource: Resource
}

/** A resource template of one server. */
export interface CatalogTemplate {
  server: string
  template: ResourceTemplate
}

export type CatalogKind = 'tools' | 'resources' | 'templates' | 'prompts'

/** What a {@link Catalog} emits. */
export interface CatalogEvents {
  /** One kind of one server's items changed (listed anew, or dropped because the server went down). */
  changed: { server: string; kind: CatalogKind }
  /** Listing failed; the server's previous items are kept. */
  error: { server: string; error: Error }
}

const KINDS: readonly CatalogKind[] = ['tools', 'resources', 'templates', 'prompts']
const METHOD = { tools: 'tools/list', resources: 'resources/list', templates: 'resources/templates/list', prompts: 'prompts/list' } as const
const CAPABILITY = { tools: 'tools', resources: 'resources', templates: 'resources', prompts: 'prompts' } as const

/** The longest model-facing name: OpenAI's and Anthropic's limit on function/tool names. */
export const MAX_NAME_LENGTH = 64
const SEPARATOR = '__'
const MAX_PREFIX_LENGTH = 24
const HASH_LENGTH = 6

/**
 * The model-facing name of a server's tool or prompt: `<server>__<tool>`, every character outside
 * `[a-zA-Z0-9_-]` replaced by `_`, within 64 characters. A name that had to be altered (renamed
 * characters, truncated) gets `_` and six hex digits of a SHA-256 of the original, so it depends on
 * nothing but the original and two altered names cannot collide.
 *
 * The server part never contains `__` nor ends with `_` (or it is altered, and hashed), so the
 * first `__` always ends it: names of different servers never collide, whatever their tools are
 * called.
 */
export function namespacedName(server: string, name: string, hashLength = HASH_LENGTH): string {
  const prefix = serverPrefix(server, hashLength)
  const room = MAX_NAME_LENGTH - prefix.length - SEPARATOR.length
  const clean = name.replace(/[^A-Za-z0-9_-]/g, '_')
  const part = clean === name && clean.length <= room && clean.length > 0 ? clean : `${clean.slice(0, room - hashLength - 1)}_${hash(name, hashLength)}`
  return prefix + SEPARATOR + part
}

function serverPrefix(server: string, hashLength: number): string {
  const clean = server.replace(/[^A-Za-z0-9_-]/g, '_').replace(/_{2,}/g, '_')
  if (clean === server && clean.length <= MAX_PREFIX_LENGTH && clean.length > 0 && !clean.endsWith('_')) return clean
  return `${clean.slice(0, MAX_PREFIX_LENGTH - hashLength - 1).replace(/_+$/, '')}_${hash(server, hashLength)}`
}

function hash(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length)
}

interface Listing {
  tools: Tool[]
  resources: Resource[]
  templates: ResourceTemplate[]
  prompts: Prompt[]
}

/**
 * Every tool, resource, template and prompt of every ready server, under stable namespaced names
 * (see {@link namespacedName}), with the reverse map from a model-facing name to the server and
 * the tool's own name. It lists a server's items when it becomes ready, lists one kind again on
 * that kind's `list_changed` notification, drops a server's items while it is down, and emits
 * `changed` whenever what it holds changes. Tools only MCP App views may call (`_meta.ui.visibility`
 * without `'model'`) are kept from the model: not in `tools()`, not callable by name;
 * `serverTools()` still lists them.
 *
 * @example
 * const catalog = new Catalog(manager)
 * await catalog.refresh()
 * const tools = catalog.tools().map(({ name, tool }) => ({ name, description: tool.description, parameters: tool.inputSchema }))
 * // …the model asks for `github__create_issue`:
 * const result = await catalog.callTool('github__create_issue', { title: 'Bug' })
 */
export class Catalog {
  readonly #manager: ServerManager
  readonly #events: Emitter<CatalogEvents> = new Emitter((error, event) => {
    if (event !== 'error') this.#events.emit('error', { server: '', error })
  })
  readonly #listings = new Map<string, Listing>()
  /** Per server and kind, the number of the latest listing started: an older one that ends later is dropped. */
  readonly #sequence = new Map<string, number>()
  /** Per server and kind, the latest listing in flight: a superseded one waits for it before resolving. */
  readonly #latest = new Map<string, Promise<void>>()
  #tools = new Map<string, CatalogTool>()
  #prompts = new Map<string, CatalogPrompt>()
  readonly #off: Array<() => void>

  constructor(manager: ServerManager) {
    this.#manager = manager
    this.#off = [
      manager.on('state', ({ name, state }) => void (state === 'ready' ? this.refresh(name) : this.#drop(name))),
      manager.on('toolListChanged', ({ server }) => void this.refresh(server, ['tools'])),
      manager.on('resourceListChanged', ({ server }) => void this.refresh(server, ['resources', 'templates'])),
      manager.on('promptListChanged', ({ server }) => void this.refresh(server, ['prompts'])),
    ]
    void this.refresh()
  }

  /**
   * Every tool the model may see and call, of every ready server, servers in config order: tools
   * whose MCP Apps visibility excludes `'model'` are left out, as the spec requires.
   * @see https://github.com/modelcontextprotocol/ext-apps/blob/main/specification/2026-01-26/apps.mdx#visibility
   */
  tools(): CatalogTool[] {
    return [...this.#tools.values()]
  }

  /**
   * Every tool one server listed, under its own name, app-only and model-only tools included: the
   * `tools` an `AppBridge` for one of that server's views checks a view's `tools/call` against.
   */
  serverTools(server: string): Tool[] {
    return [...(this.#listings.get(server)?.tools ?? [])]
  }

  /** Every prompt of every ready server. */
  prompts(): CatalogPrompt[] {
    return [...this.#prompts.values()]
  }

  /** Every resource of every ready server. */
  resources(): CatalogResource[] {
    return this.#each('resources', (server, resource) => ({ server, resource }))
  }

  /** Every resource template of every ready server. */
  templates(): CatalogTemplate[] {
    return this.#each('templates', (server, template) => ({ server, template }))
  }

  /** The server and original name behind a model-facing tool name, or `undefined`. */
  resolve(name: string): CatalogTool | undefined {
    return this.#tools.get(name)
  }

  /** The server and original prompt behind a namespaced prompt name, or `undefined`. */
  resolvePrompt(name: string): CatalogPrompt | undefined {
    return this.#prompts.get(name)
  }

  /**
   * Lists the given kinds of one server's items (or of every ready server) again. Resolves once
   * done; failures are `error` events, and the previous items are kept.
   */
  async refresh(server?: string, kinds: readonly CatalogKind[] = KINDS): Promise<void> {
    const servers = server === undefined ? this.#manager.names : [server]
    await Promise.all(servers.map((name) => this.#refresh(name, kinds)))
  }

  /**
   * Calls a tool by its model-facing name. Never rejects: an unknown name, a server that is down
   * or a protocol error becomes an `isError` result whose text tells the model what happened.
   */
  async callTool(name: string, args: Record<string, unknown> = {}, options?: RequestOptions): Promise<CallToolResult> {
    const entry = this.#tools.get(name)
    if (!entry) return errorResult(`Unknown tool "${name}".`)
    const client = this.#manager.client(entry.server)
    if (!client) return errorResult(`The server "${entry.server}" of tool "${name}" is not available (${this.#manager.status(entry.server)?.state}).`)
    try {
      return await client.callTool({ name: entry.tool.name, arguments: args }, options)
    } catch (error) {
      return errorResult(`Calling tool "${entry.tool.name}" of server "${entry.server}" failed: ${(error as Error).message}`)
    }
  }

  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof CatalogEvents>(event: K, listener: Listener<CatalogEvents[K]>): () => void {
    return this.#events.on(event, listener)
  }

  /** Stops following the manager. */
  close(): void {
    for (const off of this.#off.splice(0)) off()
  }

  async #refresh(server: string, kinds: readonly CatalogKind[]): Promise<void> {
    const client = this.#manager.client(server)
    if (!client) return this.#drop(server)
    const capabilities = client.getServerCapabilities() ?? {}
    await Promise.all(
      kinds.map((kind) => {
        const key = `${server}\0${kind}`
        const sequence = (this.#sequence.get(key) ?? 0) + 1
        this.#sequence.set(key, sequence)
        // Read inside the listing after its first await, when it is set.
        let listing: Promise<void> | undefined = undefined
        listing = (async () => {
          let items: unknown[] = []
          if (capabilities[CAPABILITY[kind]]) {
            try {
              items = await list(client, kind)
            } catch (error) {
              if (this.#sequence.get(key) === sequence) this.#events.emit('error', { server, error: error as Error })
              return
            }
          }
          if (this.#sequence.get(key) === sequence) {
            if (this.#manager.client(server) === client) this.#apply(server, kind, items)
            return
          }
          // Superseded (a list_changed arrived while this listing ran): whoever awaited refresh() wants
          // what is current once it resolves, so wait for the newest listing instead of resolving empty-handed.
          // A listing dropped with its connection (#drop) has no newer one to wait for.
          const newer = this.#latest.get(key)
          if (newer !== listing) await newer
        })()
        this.#latest.set(key, listing)
        const forget = () => {
          if (this.#latest.get(key) === listing) this.#latest.delete(key)
        }
        listing.then(forget, forget)
        return listing
      }),
    )
  }

  #drop(server: string): void {
    const listing = this.#listings.get(server)
    if (!listing) return
    // Listings still in flight belong to the connection that went down.
    for (const kind of KINDS) this.#sequence.set(`${server}\0${kind}`, (this.#sequence.get(`${server}\0${kind}`) ?? 0) + 1)
    this.#listings.delete(server)
    this.#rebuild()
    for (const kind of KINDS) if (listing[kind].length > 0) this.#events.emit('changed', { server, kind })
  }

  #apply(server: string, kind: CatalogKind, items: unknown[]): void {
    let listing = this.#listings.get(server)
    if (!listing) this.#listings.set(server, (listing = { tools: [], resources: [], templates: [], prompts: [] }))
    if (JSON.stringify(listing[kind]) === JSON.stringify(items)) return
    listing[kind] = items as never
    this.#rebuild()
    this.#events.emit('changed', { server, kind })
  }

  /** Recomputes the name maps, servers in config order. */
  #rebuild(): void {
    const tools = new Map<string, CatalogTool>()
    const prompts = new Map<string, CatalogPrompt>()
    for (const server of this.#manager.names) {
      const listing = this.#listings.get(server)
      if (!listing) continue
      for (const tool of listing.tools) if (visibleToModel(tool)) tools.set(uniqueName(tools, server, tool.name), { name: '', server, tool })
      for (const prompt of listing.prompts) prompts.set(uniqueName(prompts, server, prompt.name), { name: '', server, prompt })
    }
    for (const [name, entry] of tools) entry.name = name
    for (const [name, entry] of prompts) entry.name = name
    this.#tools = tools
    this.#prompts = prompts
  }

  #each<K extends 'resources' | 'templates', T>(kind: K, wrap: (server: string, item: Listing[K][number]) => T): T[] {
    const out: T[] = []
    for (const server of this.#manager.names) for (const item of this.#listings.get(server)?.[kind] ?? []) out.push(wrap(server, item))
    return out
  }
}

/**
 * The name for `server`'s `name`, unless it is taken — possible only when a server has a tool
 * literally named like another's altered name — then one with a longer hash.
 */
function uniqueName(taken: Map<string, unknown>, server: string, name: string): string {
  const candidate = namespacedName(server, name)
  return taken.has(candidate) ? namespacedName(server, `${name}\0`, 12) : candidate
}

async function list(client: Client, kind: CatalogKind): Promise<unknown[]> {
  const items: unknown[] = []
  try {
    for await (const item of client.iterate(METHOD[kind])) items.push(item)
  } catch (error) {
    // `resources` declared without `resources/templates/list` is common; it means no templates.
    if (kind === 'templates' && error instanceof McpError && error.code === ErrorCode.MethodNotFound) return []
    throw error
  }
  return items
}

function errorResult(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true }
}
