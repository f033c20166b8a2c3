import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { McpServer } from '@plugboard/server'
import { createMcpHandler, toNodeHandler } from '@plugboard/transport-http'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { versionNegotiation } from '../src/conformance/connect.js'
import { SCENARIOS } from '../src/conformance/scenarios.js'
import { runConformanceScenario } from '../src/run-conformance.js'

const servers: Server[] = []
afterEach(async () => {
  vi.unstubAllEnvs()
  vi.restoreAllMocks()
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))))
})

/** Our own McpServer over Streamable HTTP on 127.0.0.1, with the referee's `add_numbers` tool; records the revision of each call. */
async function serve(): Promise<{ url: string; revisions: (string | undefined)[] }> {
  const revisions: (string | undefined)[] = []
  const server = new McpServer({ name: 'referee-stand-in', version: '1.0.0' })
  server.registerTool('add_numbers', { inputSchema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] } }, (args, ctx) => {
    revisions.push(ctx.protocolVersion)
    return { content: [{ type: 'text', text: String(Number(args.a) + Number(args.b)) }] }
  })
  const http = createServer(toNodeHandler(createMcpHandler(server, { path: '/mcp' })))
  servers.push(http)
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`, revisions }
}

describe('the conformance client target', () => {
  it('pins the client to the revision the referee names, and probes when it names none', () => {
    expect(versionNegotiation({ MCP_CONFORMANCE_PROTOCOL_VERSION: '2025-11-25' })).toEqual({ mode: { pin: '2025-11-25' } })
    expect(versionNegotiation({ MCP_CONFORMANCE_PROTOCOL_VERSION: '2026-07-28' })).toEqual({ mode: { pin: '2026-07-28' } })
    expect(versionNegotiation({})).toEqual({ mode: 'auto' })
  })

  it('answers every non-auth client scenario of the referee', () => {
    expect(Object.keys(SCENARIOS).sort()).toEqual(
      [
        'elicitation-sep1034-client-defaults',
        'http-custom-headers',
        'http-invalid-tool-headers',
        'http-standard-headers',
        'initialize',
        'json-schema-2020-12-preservation',
        'json-schema-ref-no-deref',
        'request-metadata',
        'sep-2322-client-request-state',
        'sep-2640-client-no-prefetch',
        'sep-2640-client-verify-digest',
        'sep-2640-client-verify-frontmatter',
        'sep-2640-client-verify-size',
        'sse-retry',
        'tools_call',
      ].sort(),
    )
  })

  it.each(['2025-11-25', '2026-07-28'])('runs tools_call in the lifecycle of %s, the revision the referee names', async (revision) => {
    const { url, revisions } = await serve()
    vi.stubEnv('MCP_CONFORMANCE_PROTOCOL_VERSION', revision)
    vi.spyOn(process.stderr, 'write').mockReturnValue(true)
    expect(await runConformanceScenario('tools_call', url)).toBe(0)
    expect(revisions).toEqual([revision])
  })

  it('exits 2 for a scenario it does not know', async () => {
    vi.spyOn(process.stderr, 'write').mockReturnValue(true)
    expect(await runConformanceScenario('no-such-scenario', 'http://127.0.0.1:9/mcp')).toBe(2)
  })
})
