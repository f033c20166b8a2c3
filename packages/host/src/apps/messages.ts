import type { ContentBlock, CreateMessageRequestParams, EmbeddedResource, Implementation, JSONRPCErrorObject, LoggingLevel, RequestId, ResourceLink, Tool } from '@plugboard/protocol'
import type { McpUiResourceCsp, McpUiResourcePermissions } from './ui-meta.js'

// The app protocol's shapes (host ↔ view over postMessage) and the checks on what a view sends.
// Type-only imports from @plugboard/protocol: a value import would pull its zod schemas into the
// web page's bundle, and the view's messages are few and simple enough to check by hand.
// https://github.com/modelcontextprotocol/ext-apps/blob/main/specification/2026-01-26/apps.mdx#communication-protocol

/** The app protocol revision this host speaks (`protocolVersion` of `ui/initialize`). */
export const APPS_PROTOCOL_VERSION = '2026-01-26'

/** How a view is shown. */
export type McpUiDisplayMode = 'inline' | 'fullscreen' | 'pip'

/** What the host tells a view of its surroundings: `hostContext` of the `ui/initialize` answer, updated by `ui/notifications/host-context-changed`. */
export interface McpUiHostContext {
  /** The tool call that opened the view. */
  toolInfo?: { id?: RequestId; tool: Tool }
  theme?: 'light' | 'dark'
  styles?: { variables?: Record<string, string | undefined>; css?: { fonts?: string } }
  displayMode?: McpUiDisplayMode
  availableDisplayModes?: string[]
  /** Fixed `width`/`height`, or flexible up to `maxWidth`/`maxHeight` (the view then reports its size). */
  containerDimensions?: { width?: number; maxWidth?: number; height?: number; maxHeight?: number }
  /** BCP 47, e.g. `en-US`. */
  locale?: string
  /** IANA, e.g. `Europe/Paris`. */
  timeZone?: string
  userAgent?: string
  platform?: 'web' | 'desktop' | 'mobile'
  deviceCapabilities?: { touch?: boolean; hover?: boolean }
  safeAreaInsets?: { top: number; right: number; bottom: number; left: number }
  [key: string]: unknown
}

/** The kinds of content a host takes in a view's `ui/message` or `ui/update-model-context`. */
export interface McpUiSupportedContentBlockModalities {
  text?: Record<string, never>
  image?: Record<string, never>
  audio?: Record<string, never>
  resource?: Record<string, never>
  resourceLink?: Record<string, never>
  /** `structuredContent` (of `ui/update-model-context`). */
  structuredContent?: Record<string, never>
}

/** The CSS custom properties a host may hand views in `hostContext.styles.variables` (the spec's names). */
export const STYLE_VARIABLES = [
  ...['background', 'text', 'border'].flatMap((part) =>
    ['primary', 'secondary', 'tertiary', 'inverse', 'ghost', 'info', 'danger', 'success', 'warning', 'disabled'].map((tone) => `--color-${part}-${tone}` as const),
  ),
  ...(['primary', 'secondary', 'inverse', 'info', 'danger', 'success', 'warning'] as const).map((tone) => `--color-ring-${tone}` as const),
  '--font-sans',
  '--font-mono',
  ...(['normal', 'medium', 'semibold', 'bold'] as const).map((w) => `--font-weight-${w}` as const),
  ...(['xs', 'sm', 'md', 'lg'] as const).flatMap((size) => [`--font-text-${size}-size`, `--font-text-${size}-line-height`] as const),
  ...(['xs', 'sm', 'md', 'lg', 'xl', '2xl', '3xl'] as const).flatMap((size) => [`--font-heading-${size}-size`, `--font-heading-${size}-line-height`] as const),
  ...(['xs', 'sm', 'md', 'lg', 'xl', 'full'] as const).map((size) => `--border-radius-${size}` as const),
  '--border-width-regular',
  ...(['hairline', 'sm', 'md', 'lg'] as const).map((size) => `--shadow-${size}` as const),
] as const

/** One of the spec's style variable names. */
export type McpUiStyleVariableKey = (typeof STYLE_VARIABLES)[number]

/**
 * The spec's style variables the host's page defines, read from its computed style — pass
 * `getComputedStyle(document.documentElement)` — for `hostContext.styles.variables`, so views can
 * look like the host. Variables the page does not define are left out.
 * @example
 * const styles = { variables: readStyleVariables(getComputedStyle(document.documentElement)) }
 */
export function readStyleVariables(style: { getPropertyValue(name: string): string }): Partial<Record<McpUiStyleVariableKey, string>> {
  const variables: Partial<Record<McpUiStyleVariableKey, string>> = {}
  for (const name of STYLE_VARIABLES) {
    const value = style.getPropertyValue(name).trim()
    if (value !== '') variables[name] = value
  }
  return variables
}

/** What the host offers a view: `hostCapabilities` of the `ui/initialize` answer. */
export interface McpUiHostCapabilities {
  experimental?: Record<string, unknown>
  openLinks?: Record<string, never>
  serverTools?: { listChanged?: boolean }
  serverResources?: { listChanged?: boolean }
  logging?: Record<string, never>
  sandbox?: { permissions?: McpUiResourcePermissions; csp?: McpUiResourceCsp }
  /** The host gives the model what views send in `ui/update-model-context`, of these kinds. */
  updateModelContext?: McpUiSupportedContentBlockModalities
  /** The host takes `ui/message` from views, of these kinds. */
  message?: McpUiSupportedContentBlockModalities
  /** The host saves files a view hands it (`ui/download-file`). */
  downloadFile?: Record<string, never>
  /** The host answers a view's `sampling/createMessage` with its model (`tools` in it: tool use offered too). */
  sampling?: { tools?: Record<string, never> }
}

/** What a view declares in `ui/initialize`. */
export interface McpUiAppCapabilities {
  experimental?: Record<string, unknown>
  tools?: { listChanged?: boolean }
  availableDisplayModes?: McpUiDisplayMode[]
  [key: string]: unknown
}

/** The params of a view's `ui/initialize`. */
export interface McpUiInitializeParams {
  appInfo: Implementation
  appCapabilities: McpUiAppCapabilities
  protocolVersion: string
}

/** The host's answer to `ui/initialize`. */
export interface McpUiInitializeResult {
  protocolVersion: string
  hostInfo: Implementation
  hostCapabilities: McpUiHostCapabilities
  hostContext: McpUiHostContext
}

/** `ui/message`: text the view puts in the conversation, as the user. */
export interface McpUiMessageParams {
  role: 'user'
  /** One content block (the 2026-01-26 text) or several (later drafts). */
  content: ContentBlock | ContentBlock[]
}

/** `ui/update-model-context`: what the model should know of the view from now on (each update replaces the last). */
export interface McpUiUpdateModelContextParams {
  content?: ContentBlock[]
  structuredContent?: Record<string, unknown>
}

/** `ui/download-file`: files a view asks the host to save for the user (a sandboxed iframe cannot download). */
export interface McpUiDownloadFileParams {
  /** Each file's content inline (`resource`, with `text` or base64 `blob`) or a link the host reads from the view's server (`resource_link`). */
  contents: Array<EmbeddedResource | ResourceLink>
}

/** The answer to `ui/download-file`: `isError` when nothing was saved (the user declined, the host could not). */
export interface McpUiDownloadFileResult {
  isError?: boolean
}

/** `ui/notifications/size-changed`: the view's content size in pixels. */
export interface McpUiSizeChangedParams {
  width?: number
  height?: number
}

/** `notifications/message` from a view. */
export interface McpUiLogParams {
  level: LoggingLevel
  logger?: string
  data?: unknown
}

/** JSON-RPC codes (the values of `ErrorCode` in @plugboard/protocol, repeated so the page bundle does not load it). */
export const CODE = { InvalidRequest: -32600, MethodNotFound: -32601, InvalidParams: -32602, InternalError: -32603, Refused: -32000 } as const

/** A refusal to answer a view's request with; never leaves the bridge as a thrown error. */
export class ViewError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message)
  }
}

/** The JSON-RPC error object for whatever a host callback threw: its own numeric `code` (an McpError), else -32000. */
export function errorObject(error: unknown): JSONRPCErrorObject {
  const code = (error as { code?: unknown })?.code
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : 'The host refused the request'
  return { code: typeof code === 'number' && Number.isInteger(code) ? code : CODE.Refused, message }
}

export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

const invalid = (message: string) => new ViewError(CODE.InvalidParams, message)
const DISPLAY_MODES: readonly string[] = ['inline', 'fullscreen', 'pip']

export const isDisplayMode = (value: unknown): value is McpUiDisplayMode => typeof value === 'string' && DISPLAY_MODES.includes(value)

export function checkInitialize(params: Record<string, unknown>): McpUiInitializeParams {
  const { appInfo, appCapabilities, protocolVersion } = params
  if (!isRecord(appInfo) || typeof appInfo.name !== 'string' || typeof appInfo.version !== 'string') throw invalid('ui/initialize: appInfo must have a string name and version')
  if (!isRecord(appCapabilities)) throw invalid('ui/initialize: appCapabilities must be an object')
  if (typeof protocolVersion !== 'string') throw invalid('ui/initialize: protocolVersion must be a string')
  return params as unknown as McpUiInitializeParams
}

export function checkToolCall(params: Record<string, unknown>): { name: string; arguments: Record<string, unknown> } {
  if (typeof params.name !== 'string' || params.name === '') throw invalid('tools/call: name must be a non-empty string')
  if (params.arguments !== undefined && !isRecord(params.arguments)) throw invalid('tools/call: arguments must be an object')
  return { name: params.name, arguments: (params.arguments as Record<string, unknown> | undefined) ?? {} }
}

export function checkUri(params: Record<string, unknown>, method: string, key: 'uri' | 'url'): string {
  const value = params[key]
  if (typeof value !== 'string' || !URL.canParse(value)) throw invalid(`${method}: ${key} must be an absolute URL`)
  return value
}

/** Only links a browser opens as a page or a mail: never `javascript:`, `file:`, `data:` or an app's custom scheme. */
export function checkLink(params: Record<string, unknown>): string {
  const url = checkUri(params, 'ui/open-link', 'url')
  if (!['http:', 'https:', 'mailto:'].includes(new URL(url).protocol)) throw invalid('ui/open-link: only http, https and mailto links can be opened')
  return url
}

const isContentBlock = (value: unknown): value is ContentBlock => isRecord(value) && typeof value.type === 'string'

/** Every kind of content block, and structured content: what a host takes when it names none. */
export const ALL_MODALITIES: McpUiSupportedContentBlockModalities = { text: {}, image: {}, audio: {}, resource: {}, resourceLink: {}, structuredContent: {} }

const MODALITY: Record<string, keyof McpUiSupportedContentBlockModalities> = { text: 'text', image: 'image', audio: 'audio', resource: 'resource', resource_link: 'resourceLink' }

/** Refuses content of a kind the host did not say it takes (its `hostCapabilities`). */
export function checkModalities(method: string, blocks: readonly ContentBlock[], structured: boolean, accepted: McpUiSupportedContentBlockModalities): void {
  for (const block of blocks) {
    const kind = MODALITY[block.type]
    if (kind === undefined || accepted[kind] === undefined) throw invalid(`${method}: this host does not take ${block.type} content`)
  }
  if (structured && accepted.structuredContent === undefined) throw invalid(`${method}: this host does not take structuredContent`)
}

export function checkMessage(params: Record<string, unknown>): McpUiMessageParams {
  if (params.role !== 'user') throw invalid('ui/message: role must be "user"')
  const { content } = params
  const ok = Array.isArray(content) ? content.length > 0 && content.every(isContentBlock) : isContentBlock(content)
  if (!ok) throw invalid('ui/message: content must be a content block (or a non-empty array of them)')
  return params as unknown as McpUiMessageParams
}

export function checkModelContext(params: Record<string, unknown>): McpUiUpdateModelContextParams {
  if (params.content !== undefined && !(Array.isArray(params.content) && params.content.every(isContentBlock))) throw invalid('ui/update-model-context: content must be an array of content blocks')
  if (params.structuredContent !== undefined && !isRecord(params.structuredContent)) throw invalid('ui/update-model-context: structuredContent must be an object')
  return params as McpUiUpdateModelContextParams
}

/** A view's `sampling/createMessage`: the shape MCP gives it (messages, maxTokens); tool use is not offered. */
export function checkSampling(params: Record<string, unknown>): CreateMessageRequestParams {
  const { messages, maxTokens } = params
  const ok = Array.isArray(messages) && messages.length > 0 && messages.every((m) => isRecord(m) && (m.role === 'user' || m.role === 'assistant') && (isContentBlock(m.content) || (Array.isArray(m.content) && m.content.every(isContentBlock))))
  if (!ok) throw invalid('sampling/createMessage: messages must be a non-empty array of user and assistant messages')
  if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens <= 0) throw invalid('sampling/createMessage: maxTokens must be a whole number above 0')
  if (params.tools !== undefined || params.toolChoice !== undefined) throw invalid('sampling/createMessage: this host does not offer tools to views’ sampling')
  return params as unknown as CreateMessageRequestParams
}

/** Files one `ui/download-file` may carry. */
export const MAX_DOWNLOAD_FILES = 20

/** A `ui/download-file`'s files: each an embedded resource with `text` or `blob`, or a resource link. */
export function checkDownload(params: Record<string, unknown>): McpUiDownloadFileParams {
  const { contents } = params
  if (!Array.isArray(contents) || contents.length === 0 || contents.length > MAX_DOWNLOAD_FILES) throw invalid(`ui/download-file: contents must be 1 to ${MAX_DOWNLOAD_FILES} resources`)
  for (const item of contents) {
    if (!isRecord(item)) throw invalid('ui/download-file: each item must be an object')
    if (item.type === 'resource') {
      const { resource } = item
      const ok = isRecord(resource) && typeof resource.uri === 'string' && (typeof resource.text === 'string' || typeof resource.blob === 'string')
      if (!ok) throw invalid('ui/download-file: an embedded resource needs a uri and a text or blob')
    } else if (item.type === 'resource_link') {
      if (typeof item.uri !== 'string' || !URL.canParse(item.uri) || typeof item.name !== 'string') throw invalid('ui/download-file: a resource link needs an absolute uri and a name')
    } else throw invalid('ui/download-file: items must be resource or resource_link content')
  }
  return params as unknown as McpUiDownloadFileParams
}

const isSize = (value: unknown) => value === undefined || (typeof value === 'number' && Number.isFinite(value) && value >= 0)

/** The size a view reported, or `undefined` when it is not one (a notification cannot be refused, only dropped). */
export function checkSize(params: Record<string, unknown>): McpUiSizeChangedParams | undefined {
  const { width, height } = params
  if (!isSize(width) || !isSize(height) || (width === undefined && height === undefined)) return undefined
  return { ...(width !== undefined && { width: width as number }), ...(height !== undefined && { height: height as number }) }
}

const LEVELS: readonly string[] = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency']

export function checkLog(params: Record<string, unknown>): McpUiLogParams | undefined {
  if (typeof params.level !== 'string' || !LEVELS.includes(params.level)) return undefined
  if (params.logger !== undefined && typeof params.logger !== 'string') return undefined
  return params as unknown as McpUiLogParams
}
