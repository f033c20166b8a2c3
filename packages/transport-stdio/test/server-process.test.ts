import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { ErrorCode } from '@plugboard/protocol'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { closeAll, fixture, isRunning, spawnFixture } from './helpers.js'

// The fixture imports this package's dist/ (a child process cannot run our TypeScript), so the
// package must be built first; the root `test` script runs `turbo run build` before vitest.
beforeAll(() => {
  const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url))
  if (!existsSync(dist)) throw new Error(`${dist} is missing: run \`pnpm build\` (the root \`pnpm test\` does) before these tests`)
})
afterEach(closeAll)

describe('a server process on StdioServerTransport', () => {
  it('answers a StdioClientTransport, writes only protocol messages, and exits on stdin EOF', async () => {
    const t = await spawnFixture('transport-server.mjs')
    expect(await t.request('tools/call', { name: 'echo' })).toEqual({ echo: { name: 'echo' } })
    expect(await t.request('ping')).toEqual({ echo: {} })
    await t.transport.close()
    expect(t.transport.exitCode).toBe(0)
    expect(t.transport.exitSignal).toBeNull()
    expect(t.transport.stderrTail).toContain('transport closed')
    expect(t.errors).toEqual([])
    expect(isRunning(t.pid)).toBe(false)
  })

  it('answers a bad line with -32700 on stdout, then the next request, then exits 0 on EOF', async () => {
    const child = spawn(process.execPath, [fixture('transport-server.mjs')], { stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
    child.stdin.end('this is not json\n{"jsonrpc":"2.0","id":1,"method":"ping"}\n')
    expect(await exited).toBe(0)
    const lines = stdout.split('\n')
    expect(lines.pop()).toBe('')
    const [error, reply, ...rest] = lines.map((l) => JSON.parse(l))
    expect(error).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: ErrorCode.ParseError } })
    expect(reply).toEqual({ jsonrpc: '2.0', id: 1, result: { echo: {} } })
    expect(rest).toEqual([])
    expect(isRunning(child.pid!)).toBe(false)
  })
})
