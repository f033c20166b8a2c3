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
  type McpUiDownloadFileParams,
  type McpUiDownloadFileResult,
  type McpUiLogParams,
} from './messages.js'
export { cspFor, sandboxFor, allowFor, withCsp, type SandboxOptions } from './sandbox.js'
// The MCP Apps constants, `_meta.ui` shapes and readers (@plugboard/protocol/apps's).
export * from './ui-meta.js'
