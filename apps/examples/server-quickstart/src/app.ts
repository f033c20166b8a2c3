// app.ts — a stdio server with an MCP App: a host that renders apps shows the clock view, any other gets the text.
import { McpServer } from '@plugboard/server'
import { clientSupportsApps, registerAppResource, registerAppTool } from '@plugboard/server/apps'
import { StdioServerTransport } from '@plugboard/transport-stdio'

const server = new McpServer({ name: 'clock', version: '1.0.0' })

// The view: plain HTML that talks JSON-RPC to its host over postMessage (ui/initialize, then initialized).
const view = `<!DOCTYPE html><html><body><p id="time">...</p><script>
window.addEventListener('message', ({ data }) => {
  if (data?.id === 1) parent.postMessage({ jsonrpc: '2.0', method: 'ui/notifications/initialized' }, '*')
  if (data?.method === 'ui/notifications/tool-result') document.getElementById('time').textContent = data.params.structuredContent.time
})
parent.postMessage({ jsonrpc: '2.0', id: 1, method: 'ui/initialize', params: { appInfo: { name: 'clock', version: '1.0.0' }, appCapabilities: {}, protocolVersion: '2026-01-26' } }, '*')
</script></body></html>`

// Served as text/html;profile=mcp-app, with _meta.ui on the listing and on the contents.
registerAppResource(server, 'Clock', 'ui://clock/view.html', { _meta: { ui: { prefersBorder: true } } }, (uri) => ({ contents: [{ uri: uri.href, text: view }] }))

registerAppTool(server, 'show-time', { description: 'Shows the time', _meta: { ui: { resourceUri: 'ui://clock/view.html' } } }, (_args, ctx) => {
  const time = new Date().toISOString()
  return { content: [{ type: 'text', text: clientSupportsApps(ctx) ? 'Showing the clock.' : `It is ${time}.` }], structuredContent: { time } }
})

await server.connect(new StdioServerTransport())
