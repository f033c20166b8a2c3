import type { McpServer } from '@plugboard/server'

/**
 * A tool that asks the client which roots (directories) it may work in (`roots/list`).
 * @see https://modelcontextprotocol.io/specification/2025-11-25/client/roots
 */
export function registerRootsTools(server: McpServer): void {
  server.registerTool('list-roots', { title: 'List roots', description: "Lists the client's roots.", annotations: { readOnlyHint: true } }, async (_args, ctx) => {
    const { roots } = await ctx.listRoots()
    const lines = roots.map((root) => `${root.name ?? '(unnamed)'} ${root.uri}`)
    return {
      content: [{ type: 'text', text: roots.length === 0 ? 'The client has no roots' : `${roots.length} root(s): ${lines.join('; ')}` }],
      structuredContent: { roots: roots.map((root) => ({ uri: root.uri, name: root.name ?? null })) },
    }
  })
}
