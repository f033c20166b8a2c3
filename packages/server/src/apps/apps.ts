import type { ClientCapabilities, ReadResourceResult } from '@plugboard/protocol'
import {
  EXTENSION_ID,
  RESOURCE_MIME_TYPE,
  RESOURCE_URI_META_KEY,
  type McpUiClientCapabilities,
  type McpUiResourceCsp,
  type McpUiResourceMeta,
  type McpUiResourcePermissions,
  type McpUiToolMeta,
  type McpUiToolVisibility,
} from '@plugboard/protocol/apps'
import type { ServerContext } from '../context.js'
import { clientExtension, type ServerExtension } from '../extensions.js'
import type { ReadResourceCallback, RegisteredResource, ResourceMetadata } from '../features/resources.js'
import type { RegisteredTool, ToolCallback, ToolConfig } from '../features/tools.js'
import type { McpServer } from '../mcp-server.js'
import type { SchemaInput } from '../schema.js'

// MCP Apps (SEP-1865), server side: a tool names a `ui://` HTML resource in `_meta.ui`, the host
// reads it with `resources/read` and renders it in a sandboxed iframe, and the page calls tools back
// through the host. Names and shapes follow `@modelcontextprotocol/ext-apps/server`, so moving from
// it is a change of import line. The constants and the `_meta` shapes are @plugboard/protocol/apps's,
// shared with the host side.
// https://github.com/modelcontextprotocol/ext-apps/blob/main/specification/2026-01-26/apps.mdx

export { EXTENSION_ID, RESOURCE_MIME_TYPE, RESOURCE_URI_META_KEY }
export type { McpUiToolVisibility, McpUiToolMeta, McpUiResourceCsp, McpUiResourcePermissions, McpUiResourceMeta, McpUiClientCapabilities }

const UI_SCHEME = 'ui:'

/** A tool's config for {@link registerAppTool}: a `ToolConfig` whose `_meta` names its UI. */
export type McpUiAppToolConfig<I extends SchemaInput | undefined = undefined, O extends SchemaInput | undefined = undefined> = ToolConfig<I, O> & {
  _meta: Record<string, unknown> & ({ ui: McpUiToolMeta } | { [RESOURCE_URI_META_KEY]: string })
}

/** A UI resource's metadata for {@link registerAppResource}: `mimeType` defaults to {@link RESOURCE_MIME_TYPE}. */
export interface McpUiAppResourceConfig extends ResourceMetadata {
  /** `_meta.ui` is listed in `resources/list` for hosts to review, and copied onto each content item of `resources/read` that has none. */
  _meta?: Record<string, unknown> & { ui?: McpUiResourceMeta }
}

// Servers this module has declared the extension on (or that installed `apps()` themselves).
const declared = new WeakSet<object>()

/**
 * The MCP Apps extension: declares `io.modelcontextprotocol/ui` in the server's capabilities.
 * {@link registerAppTool} and {@link registerAppResource} install it on first use, so call this only
 * to declare support before registering anything (`new McpServer(info, { extensions: [apps()] })`).
 * @see https://github.com/modelcontextprotocol/ext-apps/blob/main/specification/2026-01-26/apps.mdx#clientserver-capability-negotiation
 */
export function apps(): ServerExtension {
  return {
    id: EXTENSION_ID,
    // The spec defines settings for the client side only (`mimeTypes`); the server declares `{}`.
    settings: {},
    setup(server) {
      declared.add(server)
      return () => void declared.delete(server)
    },
  }
}

function declareApps(server: Partial<Pick<McpServer, 'extend'>>): void {
  if (declared.has(server) || typeof server.extend !== 'function') return
  server.extend(apps())
}

function checkUiUri(uri: unknown, what: string): void {
  if (typeof uri !== 'string' || !URL.canParse(uri) || new URL(uri).protocol !== UI_SCHEME) {
    throw new TypeError(`${what} must be a ui:// URI, got ${JSON.stringify(uri)}`)
  }
}

function checkToolMeta(name: string, ui: unknown): McpUiToolMeta {
  if (typeof ui !== 'object' || ui === null || Array.isArray(ui)) throw new TypeError(`Tool ${name}: _meta.ui must be an object`)
  const meta = ui as McpUiToolMeta
  // Hosts read these from the resource only; on a tool they would be silently ignored (no CSP applied).
  for (const key of ['csp', 'permissions', 'domain', 'prefersBorder']) {
    if (key in meta) throw new TypeError(`Tool ${name}: _meta.ui.${key} belongs on the ui:// resource (registerAppResource), not the tool`)
  }
  if (meta.resourceUri !== undefined) checkUiUri(meta.resourceUri, `Tool ${name}: _meta.ui.resourceUri`)
  if (meta.visibility !== undefined) {
    const ok = Array.isArray(meta.visibility) && meta.visibility.length > 0 && meta.visibility.every((v) => v === 'model' || v === 'app')
    if (!ok) throw new TypeError(`Tool ${name}: _meta.ui.visibility must be a non-empty array of 'model' and 'app', got ${JSON.stringify(meta.visibility)}`)
  }
  return meta
}

/**
 * Registers a tool whose results a host renders with an MCP App, as `server.registerTool` does, and
 * declares the extension. `_meta.ui.resourceUri` names the `ui://` resource (register it with
 * {@link registerAppResource}); the deprecated flat `_meta['ui/resourceUri']` is written alongside
 * (or read, when it is the only one given) for hosts that still look there. `_meta.ui.visibility:
 * ['app']` makes a tool for the view only: hosts keep it from the model.
 *
 * Hosts without MCP Apps ignore `_meta.ui`, so the result must still make sense as text (the spec:
 * "Tools MUST return meaningful content array even when UI is available"); use
 * {@link clientSupportsApps} to shape it per client.
 * @throws TypeError when `_meta` names no UI, a resource URI is not `ui://`, `visibility` holds anything
 * but `'model'` and `'app'`, or `_meta.ui` carries a resource's settings (`csp`, `permissions`, `domain`, `prefersBorder`).
 * @example
 * registerAppTool(server, 'show-counter', {
 *   description: 'Shows a counter the user can click',
 *   _meta: { ui: { resourceUri: 'ui://counter/view.html' } },
 * }, async () => ({ content: [{ type: 'text', text: 'The count is 0' }], structuredContent: { count: 0 } }))
 */
export function registerAppTool<I extends SchemaInput | undefined = undefined, O extends SchemaInput | undefined = undefined>(
  server: Pick<McpServer, 'registerTool'> & Partial<Pick<McpServer, 'extend'>>,
  name: string,
  config: McpUiAppToolConfig<I, O>,
  callback: ToolCallback<I, O>,
): RegisteredTool {
  const meta: Record<string, unknown> = { ...(config._meta as Record<string, unknown> | undefined) }
  const flat = meta[RESOURCE_URI_META_KEY]
  if (meta.ui === undefined && flat === undefined) throw new TypeError(`Tool ${name}: registerAppTool needs _meta.ui (or the deprecated _meta['${RESOURCE_URI_META_KEY}'])`)
  const ui = meta.ui === undefined ? {} : checkToolMeta(name, meta.ui)
  if (flat !== undefined) checkUiUri(flat, `Tool ${name}: _meta['${RESOURCE_URI_META_KEY}']`)
  if (ui.resourceUri && flat === undefined) meta[RESOURCE_URI_META_KEY] = ui.resourceUri
  else if (typeof flat === 'string' && !ui.resourceUri) meta.ui = { ...ui, resourceUri: flat }
  const tool = server.registerTool(name, { ...config, _meta: meta }, callback)
  declareApps(server)
  return tool
}

/**
 * Registers the `ui://` resource an app tool renders with, as `server.registerResource` does, and
 * declares the extension. `mimeType` defaults to {@link RESOURCE_MIME_TYPE}, on the listing and on
 * each content item the callback returns without one. `_meta.ui` (CSP, permissions, domain, border)
 * is listed, for hosts to review before any call, and copied onto each content item that has no
 * `_meta.ui` of its own, where hosts of the 2026-01-26 spec read it (where both are set, hosts take
 * the content item's). A callback set later with the handle's `update()` is used as it is.
 * @throws TypeError when `uri` is not a `ui://` URI.
 * @example
 * registerAppResource(server, 'Counter', 'ui://counter/view.html', { _meta: { ui: { prefersBorder: true } } },
 *   async (uri) => ({ contents: [{ uri: uri.href, text: COUNTER_HTML }] }))
 */
export function registerAppResource(
  server: Pick<McpServer, 'registerResource'> & Partial<Pick<McpServer, 'extend'>>,
  name: string,
  uri: string,
  config: McpUiAppResourceConfig,
  readCallback: ReadResourceCallback,
): RegisteredResource {
  checkUiUri(uri, `Resource ${name}: the URI`)
  const metadata: ResourceMetadata = { mimeType: RESOURCE_MIME_TYPE, ...config }
  const listed = config._meta?.ui
  const read: ReadResourceCallback = async (url, ctx) => completeContents(await readCallback(url, ctx), listed)
  const resource = server.registerResource(name, uri, metadata, read)
  declareApps(server)
  return resource
}

function completeContents(result: ReadResourceResult, ui: McpUiResourceMeta | undefined): ReadResourceResult {
  const contents = result.contents.map((item) => {
    const meta = item._meta as Record<string, unknown> | undefined
    const next = { ...item, mimeType: item.mimeType ?? RESOURCE_MIME_TYPE }
    if (ui && meta?.ui === undefined) next._meta = { ...meta, ui }
    return next
  })
  return { ...result, contents }
}

/**
 * The MCP Apps settings the client declared (`capabilities.extensions['io.modelcontextprotocol/ui']`),
 * or `undefined` when it declared none. Takes a handler's `ctx` (per request: in 2026-07-28 each
 * request carries its client's capabilities) or a `ClientCapabilities` object, as the official helper does.
 */
export function getUiCapability(source: Pick<ServerContext, 'client'> | ClientCapabilities | null | undefined): McpUiClientCapabilities | undefined {
  if (!source) return undefined
  const ctx = 'client' in source && typeof source.client === 'object' && source.client !== null ? (source as Pick<ServerContext, 'client'>) : { client: { info: undefined, capabilities: source as ClientCapabilities } }
  return clientExtension(ctx, EXTENSION_ID) as McpUiClientCapabilities | undefined
}

/**
 * Whether the client renders MCP Apps: it declared the extension with {@link RESOURCE_MIME_TYPE}
 * among its `mimeTypes`. A tool reads it to answer a client without UI with text that stands on its own.
 * @example
 * async (args, ctx) => clientSupportsApps(ctx)
 *   ? { content: [{ type: 'text', text: 'Opened the counter.' }], structuredContent: { count } }
 *   : { content: [{ type: 'text', text: `The count is ${count}.` }] }
 */
export function clientSupportsApps(source: Pick<ServerContext, 'client'> | ClientCapabilities | null | undefined): boolean {
  const mimeTypes = getUiCapability(source)?.mimeTypes
  return Array.isArray(mimeTypes) && mimeTypes.includes(RESOURCE_MIME_TYPE)
}
