// MCP Apps (SEP-1865, the `io.modelcontextprotocol/ui` extension): what a tool and a `ui://`
// resource say of their view, shared by the server (`@plugboard/server/apps`, which writes them)
// and the host (`@plugboard/host/apps`, which reads them from any server, so the readers here check
// every field rather than trust it). Names follow `@modelcontextprotocol/ext-apps`. This entry point
// imports nothing at run time (no zod): a web page bundles it at the cost of these few lines.
// https://github.com/modelcontextprotocol/ext-apps/blob/main/specification/2026-01-26/apps.mdx

/** What the readers need of a tool (any revision's `Tool`): its `_meta`. */
export interface McpUiToolLike {
  _meta?: { [key: string]: unknown }
}

/** The MCP Apps extension identifier, the key under `capabilities.extensions` on both sides. */
export const EXTENSION_ID = 'io.modelcontextprotocol/ui'

/** The MIME type of an MCP App's HTML: a UI resource's contents MUST carry it, and a host that renders apps declares it in its `mimeTypes`. */
export const RESOURCE_MIME_TYPE = 'text/html;profile=mcp-app'

/**
 * The flat `_meta` key that linked a tool to its view before `_meta.ui.resourceUri`. Deprecated by
 * the spec ("will be removed before GA"); servers still write it and hosts still read it.
 */
export const RESOURCE_URI_META_KEY = 'ui/resourceUri'

/** Who may call a tool: `'model'` (the agent sees it in its tool list), `'app'` (a view of the same server may call it). */
export type McpUiToolVisibility = 'model' | 'app'

/** What a tool says of its view, under `_meta.ui`. */
export interface McpUiToolMeta {
  /** The `ui://` resource the host renders this tool's results with. */
  resourceUri?: string
  /**
   * Who may call the tool; `['model', 'app']` when omitted. The host, not the server, acts on it:
   * it keeps tools without `'model'` out of the agent's tool list and refuses a view's call to a tool
   * without `'app'`. The server lists and serves every tool as usual.
   */
  visibility?: McpUiToolVisibility[]
}

/** Origins a view may reach, under `_meta.ui.csp` of a `ui://` resource; the host builds the iframe's Content Security Policy from them (nothing declared: no network at all). */
export interface McpUiResourceCsp {
  /** Origins for fetch/XHR/WebSocket (`connect-src`). */
  connectDomains?: string[]
  /** Origins for scripts, styles, images, fonts and media (`script-src`, `style-src`, `img-src`, `font-src`, `media-src`); `https://*.example.com` wildcards allowed. */
  resourceDomains?: string[]
  /** Origins for nested iframes (`frame-src`; none when omitted). */
  frameDomains?: string[]
  /** Allowed `<base>` URIs (`base-uri`; `'self'` when omitted). */
  baseUriDomains?: string[]
}

/** Browser features a view asks for; the host MAY grant them through the iframe's `allow` attribute. */
export interface McpUiResourcePermissions {
  camera?: Record<string, never>
  microphone?: Record<string, never>
  geolocation?: Record<string, never>
  clipboardWrite?: Record<string, never>
}

/** How a `ui://` resource asks to be sandboxed and shown: `_meta.ui` of its listing and of its `resources/read` contents (the content item's wins). */
export interface McpUiResourceMeta {
  csp?: McpUiResourceCsp
  permissions?: McpUiResourcePermissions
  /** A dedicated sandbox origin for the view; its format is the host's (read the host's documentation). */
  domain?: string
  /** `true`: the host draws a border and background; `false`: it does not; omitted: the host decides. */
  prefersBorder?: boolean
}

/** The MCP Apps settings a client declares under `capabilities.extensions['io.modelcontextprotocol/ui']`. */
export interface McpUiClientCapabilities {
  /** The UI content types the host renders; MCP Apps support means it holds {@link RESOURCE_MIME_TYPE}. */
  mimeTypes?: string[]
  [setting: string]: unknown
}

/** A tool's view and visibility, as {@link uiOf} reads them. */
export interface McpUiToolInfo {
  /** The `ui://` resource to render the tool's results with; `undefined` when the tool has no view. */
  resourceUri: string | undefined
  /** Who may call the tool; `['model', 'app']` when the tool does not say. */
  visibility: McpUiToolVisibility[]
}

const DEFAULT_VISIBILITY: readonly McpUiToolVisibility[] = ['model', 'app']

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

function uiUri(value: unknown): string | undefined {
  // Only `ui://` resources are views: a host must not render (or fetch) anything else a tool names.
  return typeof value === 'string' && value.startsWith('ui://') && URL.canParse(value) ? value : undefined
}

/**
 * The view and visibility a tool declares (`_meta.ui.resourceUri`, falling back to the deprecated
 * flat `_meta['ui/resourceUri']`, and `_meta.ui.visibility`), or `undefined` when it declares neither.
 * A resource URI that is not `ui://` is ignored; unknown visibility entries are dropped, and a
 * visibility that is not an array counts as omitted (`['model', 'app']`).
 * @see https://github.com/modelcontextprotocol/ext-apps/blob/main/specification/2026-01-26/apps.mdx#resource-discovery
 */
export function uiOf(tool: McpUiToolLike): McpUiToolInfo | undefined {
  const meta = tool._meta
  if (!isRecord(meta)) return undefined
  const ui = isRecord(meta.ui) ? meta.ui : undefined
  const flat = meta[RESOURCE_URI_META_KEY]
  if (!ui && flat === undefined) return undefined
  const visibility = Array.isArray(ui?.visibility)
    ? [...new Set(ui.visibility.filter((v): v is McpUiToolVisibility => v === 'model' || v === 'app'))]
    : [...DEFAULT_VISIBILITY]
  return { resourceUri: uiUri(ui?.resourceUri) ?? uiUri(flat), visibility }
}

/** Whether the agent may see and call the tool: its visibility includes `'model'` (the default). Hosts keep other tools out of the model's tool list. */
export function visibleToModel(tool: McpUiToolLike): boolean {
  return (uiOf(tool)?.visibility ?? DEFAULT_VISIBILITY).includes('model')
}

/** Whether a view of the tool's own server may call it: its visibility includes `'app'` (the default). */
export function visibleToApp(tool: McpUiToolLike): boolean {
  return (uiOf(tool)?.visibility ?? DEFAULT_VISIBILITY).includes('app')
}
