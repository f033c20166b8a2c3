export { AppBridge, type AppBridgeOptions } from './app-bridge.js'
export {
  APPS_PROTOCOL_VERSION,
  STYLE_VARIABLES,
  readStyleVariables,
  type McpUiStyleVariableKey,
  type McpUiSupportedContentBlockModalities,
  type McpUiDisplayMode,
  type McpUiHostContext,
  type McpUiHostCapabilities,
  type McpUiAppCapabilities,
  type McpUiInitializeParams,
  type McpUiInitializeResult,
  type McpUiMessageParams,
  type McpUiUpdateModelContextParams,
  type McpUiSizeChangedParams,
  type McpUiLogParams,
} from './messages.js'
export { cspFor, sandboxFor, allowFor, withCsp, type SandboxOptions } from './sandbox.js'
export {
  EXTENSION_ID,
  RESOURCE_MIME_TYPE,
  RESOURCE_URI_META_KEY,
  uiOf,
  visibleToModel,
  visibleToApp,
  type McpUiToolVisibility,
  type McpUiToolInfo,
  type McpUiToolMeta,
  type McpUiResourceCsp,
  type McpUiResourcePermissions,
  type McpUiResourceMeta,
} from './ui-meta.js'
