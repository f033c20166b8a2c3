// host.ts — run with `node host.ts` beside mcp.json: starts its servers, shows their tools as one catalog, calls one.
import { Catalog, loadConfig, ServerManager } from '@plugboard/host'

// --config <path>, else ./mcp.json, else ~/.config/plugboard/mcp.json
const config = await loadConfig(process.argv[2])
const manager = new ServerManager({ servers: config.servers, roots: config.roots })
manager.on('state', ({ name, state, error }) => console.error(`${name}: ${state}${error ? ` (${error.message})` : ''}`))
const catalog = new Catalog(manager)

await manager.start()
await catalog.refresh()
for (const { name, tool } of catalog.tools()) console.log(`${name}: ${tool.description ?? ''}`)

// The model calls tools by their namespaced names; failures come back as isError results.
const result = await catalog.callTool('everything__echo', { message: 'hello' })
console.log(result.content)

await manager.close()
