// host.ts — run with `node apps/examples/multi-server/dist/host.js`: starts the servers of mcp.json, shows one catalog of their tools, calls them.
import { Catalog, loadConfig, ServerManager } from '@plugboard/host'
import { fileURLToPath } from 'node:url'

// mcp.json is the format of Claude Desktop, Cursor and VS Code; a relative `cwd` there is relative to its folder.
const config = await loadConfig(process.argv[2] ?? fileURLToPath(new URL('../mcp.json', import.meta.url)))
const manager = new ServerManager({ servers: config.servers })
manager.on('state', ({ name, state, error }) => console.error(`[${name}] ${state}${error ? ` (${error.message})` : ''}`))
const catalog = new Catalog(manager)

await manager.start() // every server at once; one that fails is retried without holding up the others
await catalog.refresh()
for (const { name, server, tool } of catalog.tools()) console.log(`${name} (${server}): ${tool.description}`)

// A model sees only the namespaced names; the catalog routes each call to its server.
const calls: [string, Record<string, unknown>][] = [
  ['notes__add_note', { text: 'Pack an umbrella for Oslo' }],
  ['notes__search', { query: 'Oslo' }],
  ['weather__search', { query: 'o' }],
  ['weather__forecast', { city: 'Oslo' }],
  ['calendar__today', {}],
]
for (const [name, args] of calls) {
  const result = await catalog.callTool(name, args) // never throws: failures are isError results for the model
  const text = result.content.map((block) => (block.type === 'text' ? block.text : `[${block.type}]`)).join(' ')
  console.log(`${name} → ${text}${result.isError ? ' (isError)' : ''}`)
}

await manager.close() // stdin EOF, then SIGTERM, to every server's process group
