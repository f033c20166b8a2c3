// MCP Apps (SEP-1865), host side: what a tool and a `ui://` resource say of their view. The
// definitions are @plugboard/protocol/apps's, shared with the server side (@plugboard/server/apps).
// https://github.com/modelcontextprotocol/ext-apps/blob/main/specification/2026-01-26/apps.mdx#resource-discovery
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
} from '@plugboard/protocol/apps'
