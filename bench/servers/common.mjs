import { getHeapSpaceStatistics } from 'node:v8'

// What every benchmark server shares: the three tools' data and the side channel to the worker.
// The side channel is Node's IPC (fork's 4th stdio), never the MCP wire, so it costs the measured
// path nothing: the worker asks for a GC'd heap figure (S6, S11) and tells HTTP servers to exit
// cleanly, which is what makes --cpu-prof write its profile.

/** The `wide` tool: 200 required fields cycling through six types. */
export const WIDE_FIELD_COUNT = 200
const KINDS = ['string', 'number', 'integer', 'boolean', 'enum', 'array']
export const WIDE_FIELDS = Array.from({ length: WIDE_FIELD_COUNT }, (_, i) => ({ name: `f${String(i).padStart(3, '0')}`, kind: KINDS[i % KINDS.length] }))

/** The zod shape of `wide`, field by field (each SDK then wraps it the way its docs show). */
export function wideShape(z) {
  const shape = {}
  for (const { name, kind } of WIDE_FIELDS) {
    shape[name] =
      kind === 'string' ? z.string()
      : kind === 'number' ? z.number()
      : kind === 'integer' ? z.number().int()
      : kind === 'boolean' ? z.boolean()
      : kind === 'enum' ? z.enum(['red', 'green', 'blue'])
      : z.array(z.string())
  }
  return shape
}

/** Arguments that satisfy `wide`. */
export function wideArgs() {
  const args = {}
  for (const { name, kind } of WIDE_FIELDS) {
    args[name] = kind === 'string' ? `value of ${name}` : kind === 'number' ? 3.25 : kind === 'integer' ? 42 : kind === 'boolean' ? true : kind === 'enum' ? 'green' : ['a', 'b']
  }
  return args
}

export const wideText = (args) => `wide: ${Object.keys(args).length} fields`
export const bigText = (n) => 'x'.repeat(n)

/** Answers the worker's IPC: `heap` (after forced GCs, needs --expose-gc) and `exit` (after `close`). */
export function serveIpc(close = async () => {}) {
  if (!process.send) return
  process.on('message', async (message) => {
    if (message?.type === 'heap') {
      for (let i = 0; i < 4; i++) globalThis.gc?.()
      await new Promise((resolve) => setImmediate(resolve))
      globalThis.gc?.()
      // Code spaces left out: V8 keeps compiling and optimizing while sessions come and go, and a
      // heap snapshot diff showed that code, not session objects, was most of the growth.
      const heapUsed = getHeapSpaceStatistics().reduce((sum, space) => (space.space_name.includes('code') ? sum : sum + space.space_used_size), 0)
      process.send({ type: 'heap', heapUsed, gc: typeof globalThis.gc === 'function' })
    } else if (message?.type === 'exit') {
      await close().catch(() => {})
      process.exit(0)
    }
  })
}

/** Tells the worker where an HTTP server listens. */
export function announce(listener, path = '/mcp') {
  const { port } = listener.address()
  process.send?.({ type: 'listening', url: `http://127.0.0.1:${port}${path}` })
}

/** `node server.mjs <stdio|http> [json|sse|stateless]` */
export function parseArgs() {
  const [transport = 'stdio', mode = 'json'] = process.argv.slice(2)
  return { transport, mode }
}
