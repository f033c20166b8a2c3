import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))

// We ship ESM only. Node >= 20.19 loads ESM through require(), so CommonJS users need no dual build
// (and there is no dual-package hazard: one McpError class, one module instance).
describe('a CommonJS consumer', () => {
  const packages: Record<string, string[]> = {
    protocol: ['Session', 'McpError', 'ErrorCode', 'parseMessage', 'legacyEra', 'LATEST_PROTOCOL_VERSION'],
    'transport-stdio': ['StdioServerTransport', 'StdioClientTransport'],
    server: ['McpServer', 'ResourceTemplate'],
    client: ['Client'],
    'transport-http': ['createMcpHandler', 'toNodeHandler', 'StreamableHTTPClientTransport', 'SSEClientTransport', 'HttpClientTransport'],
    host: ['loadConfig', 'ServerManager', 'Catalog', 'ConsentPolicy'],
  }
  it.each(Object.entries(packages))('can require() @plugboard/%s and gets its named exports', (name, exports) => {
    expect(existsSync(`${root}packages/${name}/dist/index.js`), `build ${name} first`).toBe(true)
    // A bare specifier, resolved through the package's `exports` map as a user's require() would be.
    const script = `const m = require('@plugboard/${name}'); process.stdout.write(JSON.stringify(Object.keys(m)))`
    const out = execFileSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    expect(JSON.parse(out)).toEqual(expect.arrayContaining(exports))
  })

  it('sees the same McpError class through require() and import()', async () => {
    const script = `const a = require('@plugboard/protocol'); import('@plugboard/protocol').then(b => process.stdout.write(String(a.McpError === b.McpError)))`
    const out = execFileSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' })
    expect(out).toBe('true')
  })
})
