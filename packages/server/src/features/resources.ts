import { ErrorCode, McpError, type Annotations, type Icon, type ListResourceTemplatesResult, type ListResourcesResult, type ReadResourceResult, type Resource, type ResourceTemplate as ResourceTemplateEntry } from '@plugboard/protocol'
import type { ServerContext } from '../context.js'
import type { CompleteCallback } from './completion.js'
import { listPage } from './pagination.js'
import { Registry, definedFields, type Registered } from './registry.js'
import { UriTemplate } from './uri-template.js'

/** What a resource or template says of itself in `resources/list` / `resources/templates/list`. */
export interface ResourceMetadata {
  title?: string
  description?: string
  mimeType?: string
  annotations?: Annotations
  /** Size in bytes of the raw content, if known (static resources). */
  size?: number
  icons?: Icon[]
  _meta?: Record<string, unknown>
}

/** Values a URI template's variables took in a URI; exploded variables give arrays. */
export type Variables = Record<string, string | string[]>

export type ReadResourceCallback = (uri: URL, ctx: ServerContext) => ReadResourceResult | Promise<ReadResourceResult>
export type ReadResourceTemplateCallback = (uri: URL, variables: Variables, ctx: ServerContext) => ReadResourceResult | Promise<ReadResourceResult>
/** Lists the concrete resources a template stands for; they are added to `resources/list`. */
export type ListResourcesCallback = (ctx: ServerContext) => { resources: Resource[] } | Promise<{ resources: Resource[] }>

/** The callbacks of a {@link ResourceTemplate}. */
export interface ResourceTemplateCallbacks {
  /** Enumerates resources matching the template, for `resources/list`. Omit it when they cannot be enumerated. */
  list?: ListResourcesCallback
  /** Completions of variable values for `completion/complete` with a `ref/resource`. */
  complete?: { [variable: string]: CompleteCallback }
}

/**
 * A family of resources named by an RFC 6570 URI template, e.g. `file:///{+path}`. `resources/read`
 * of a URI that matches it calls the read callback with the variables' values.
 * @example
 * server.registerResource('user', new ResourceTemplate('users://{id}', { list: async () => ({ resources: [] }) }), {},
 *   async (uri, { id }) => ({ contents: [{ uri: uri.href, text: `user ${id}` }] }))
 */
export class ResourceTemplate {
  readonly uriTemplate: UriTemplate
  readonly #callbacks: ResourceTemplateCallbacks

  /** @throws TypeError when the template is malformed. */
  constructor(uriTemplate: string | UriTemplate, callbacks: ResourceTemplateCallbacks = {}) {
    this.uriTemplate = typeof uriTemplate === 'string' ? new UriTemplate(uriTemplate) : uriTemplate
    this.#callbacks = callbacks
  }

  get listCallback(): ListResourcesCallback | undefined {
    return this.#callbacks.list
  }

  /** The completion callback of a variable, if there is one. */
  completeCallback(variable: string): CompleteCallback | undefined {
    const complete = this.#callbacks.complete
    return complete && Object.hasOwn(complete, variable) ? complete[variable] : undefined
  }

  get hasCompletions(): boolean {
    return this.#callbacks.complete !== undefined && Object.keys(this.#callbacks.complete).length > 0
  }
}

/** A static resource after `registerResource()`. */
export interface RegisteredResource extends Registered {
  readonly name: string
  readonly uri: string
  update(changes: ResourceMetadata & { name?: string; uri?: string; callback?: ReadResourceCallback; enabled?: boolean }): void
}

/** A resource template after `registerResource()`. */
export interface RegisteredResourceTemplate extends Registered {
  readonly name: string
  readonly resourceTemplate: ResourceTemplate
  update(changes: ResourceMetadata & { name?: string; template?: ResourceTemplate; callback?: ReadResourceTemplateCallback; enabled?: boolean }): void
}

function parseUri(uri: string): URL {
  try {
    return new URL(uri)
  } catch {
    throw new McpError(ErrorCode.InvalidParams, `Invalid resource URI: ${uri}`, { uri })
  }
}

class StaticEntry implements RegisteredResource {
  enabled = true
  constructor(
    readonly registry: Registry<StaticEntry>,
    public name: string,
    public uri: string,
    public metadata: ResourceMetadata,
    public callback: ReadResourceCallback,
  ) {}

  get listing(): Resource {
    return definedFields({ uri: this.uri, name: this.name, ...this.metadata })
  }
  enable(): void {
    if (!this.enabled) this.update({ enabled: true })
  }
  disable(): void {
    if (this.enabled) this.update({ enabled: false })
  }
  remove(): void {
    this.registry.delete(this.uri)
  }
  update({ name, uri, callback, enabled, ...metadata }: Parameters<RegisteredResource['update']>[0]): void {
    if (uri !== undefined && uri !== this.uri) {
      checkUri(uri)
      this.registry.rekey(this.uri, uri)
      this.uri = uri
    }
    if (name !== undefined) this.name = name
    if (callback) this.callback = callback
    if (enabled !== undefined) this.enabled = enabled
    this.metadata = { ...this.metadata, ...metadata }
    this.registry.changed()
  }
}

class TemplateEntry implements RegisteredResourceTemplate {
  enabled = true
  constructor(
    readonly registry: Registry<TemplateEntry>,
    public name: string,
    public resourceTemplate: ResourceTemplate,
    public metadata: ResourceMetadata,
    public callback: ReadResourceTemplateCallback,
  ) {}

  get listing(): ResourceTemplateEntry {
    const { size: _, ...metadata } = this.metadata
    return definedFields({ uriTemplate: this.resourceTemplate.uriTemplate.toString(), name: this.name, ...metadata })
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
  update({ name, template, callback, enabled, ...metadata }: Parameters<RegisteredResourceTemplate['update']>[0]): void {
    if (name !== undefined && name !== this.name) {
      this.registry.rekey(this.name, name)
      this.name = name
    }
    if (template) this.resourceTemplate = template
    if (callback) this.callback = callback
    if (enabled !== undefined) this.enabled = enabled
    this.metadata = { ...this.metadata, ...metadata }
    this.registry.changed()
  }
}

function checkUri(uri: string): void {
  if (!URL.canParse(uri)) throw new TypeError(`Resource URI ${JSON.stringify(uri)} is not a valid URI`)
}

/** @internal The resources and templates of one McpServer: lists, reads, and lookups for completion and subscriptions. */
export class Resources {
  readonly #static: Registry<StaticEntry>
  readonly #templates: Registry<TemplateEntry>

  constructor(onchange: () => void) {
    this.#static = new Registry('Resource', onchange)
    this.#templates = new Registry('Resource template', onchange)
  }

  get size(): number {
    return this.#static.size + this.#templates.size
  }

  /** Whether any template completes its variables (then the server declares `completions`). */
  get hasCompletions(): boolean {
    for (const entry of this.#templates.all()) if (entry.resourceTemplate.hasCompletions) return true
    return false
  }

  registerStatic(name: string, uri: string, metadata: ResourceMetadata, callback: ReadResourceCallback): RegisteredResource {
    checkUri(uri)
    const entry = new StaticEntry(this.#static, name, uri, metadata, callback)
    this.#static.add(uri, entry)
    return entry
  }

  registerTemplate(name: string, template: ResourceTemplate, metadata: ResourceMetadata, callback: ReadResourceTemplateCallback): RegisteredResourceTemplate {
    const entry = new TemplateEntry(this.#templates, name, template, metadata, callback)
    this.#templates.add(name, entry)
    return entry
  }

  /** `resources/list`: static resources, then what each template's `list` callback enumerates. */
  async list(cursor: string | undefined, pageSize: number, ctx: ServerContext): Promise<ListResourcesResult> {
    let all: Resource[] = this.#static.enabled().map((entry) => entry.listing)
    for (const entry of this.#templates.enabled()) {
      const list = entry.resourceTemplate.listCallback
      if (!list) continue
      const { size: _, ...shared } = entry.metadata
      const { resources } = await list(ctx)
      all = all.concat(resources.map((resource) => ({ ...shared, ...resource })))
    }
    return listPage('resources', all, cursor, pageSize, (resource) => resource)
  }

  listTemplates(cursor: string | undefined, pageSize: number): ListResourceTemplatesResult {
    return listPage('resourceTemplates', this.#templates.enabled(), cursor, pageSize, (entry) => entry.listing)
  }

  /**
   * `resources/read`: an exact static URI first, then the templates in registration order. An
   * unknown URI answers -32002 with the URI in `data`, as the spec's error example does.
   * @see https://modelcontextprotocol.io/specification/2025-11-25/server/resources#error-handling
   */
  async read(uri: string, ctx: ServerContext): Promise<ReadResourceResult> {
    const resource = this.#static.find(uri)
    if (resource) return resource.callback(parseUri(uri), ctx)
    for (const entry of this.#templates.enabled()) {
      const variables = entry.resourceTemplate.uriTemplate.match(uri)
      if (variables) return entry.callback(parseUri(uri), variables, ctx)
    }
    throw new McpError(ErrorCode.ResourceNotFound, 'Resource not found', { uri })
  }

  /** Whether `resources/read` of this URI would find a resource. */
  exists(uri: string): boolean {
    if (this.#static.find(uri)) return true
    return this.#templates.enabled().some((entry) => entry.resourceTemplate.uriTemplate.match(uri) !== undefined)
  }

  /**
   * The completer of a template variable for `completion/complete`: `ref.uri` names the template as
   * written. `undefined` (no suggestions) for a variable without one or a static resource's URI;
   * -32602 for a URI the server does not know.
   */
  completer(uri: string, variable: string): CompleteCallback | undefined {
    for (const entry of this.#templates.enabled()) {
      if (entry.resourceTemplate.uriTemplate.toString() === uri) return entry.resourceTemplate.completeCallback(variable)
    }
    if (this.#static.find(uri)) return undefined
    throw new McpError(ErrorCode.InvalidParams, `Resource template ${uri} not found`, { uri })
  }
}
