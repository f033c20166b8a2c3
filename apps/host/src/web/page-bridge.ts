// The entry of the page's one bundle (dist/page/app-bridge.js, built with esbuild): the host side
// of the MCP Apps protocol, which the page speaks with each view's iframe.
export { AppBridge, readStyleVariables } from '@plugboard/host/apps'
