import { ErrorCode, McpError } from '@plugboard/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_INHERITED_ENV_VARS, StdioClientTransport } from '../src/index.js'
import { closeAll, fixture, GRACE_MS, isRunning, spawnFixture } from './helpers.js'

afterEach(closeAll)

describe('StdioClientTransport', () => {
  it('round-trips requests, notifications and batches with a real child process', async () => {
    const t = await spawnFixture('echo-server.mjs')
    expect(await t.request('echo', { text: 'héllo 😀' })).toEqual({ text: 'héllo 😀' })
    await t.transport.send({ jsonrpc: '2.0', method: 'notifications/hello', params: { n: 1 } })
    await t.transport.send([
      { jsonrpc: '2.0', id: 'a', method: 'echo', params: { n: 2 } },
      { jsonrpc: '2.0', id: 'b', method: 'echo', params: { n: 3 } },
    ])
    await expect.poll(() => t.messages.length).toBe(3)
    expect(t.messages[1]).toMatchObject({ method: 'notifications/echo', params: { n: 1 } })
    expect(t.messages[2]).toEqual([
      { jsonrpc: '2.0', id: 'a', result: { n: 2 } },
      { jsonrpc: '2.0', id: 'b', result: { n: 3 } },
    ])
    await t.transport.close()
    expect(t.errors).toEqual([])
    expect(isRunning(t.pid)).toBe(false)
  })

  it('passes the child only the default variables plus the given env, never the parent\'s secrets', async () => {
    process.env.PLUGBOARD_TEST_SECRET = 'do-not-leak'
    try {
      const t = await spawnFixture('echo-server.mjs', { env: { GIVEN_VAR: 'yes' } })
      const { env } = await t.request('env')
      expect(env.GIVEN_VAR).toBe('yes')
      expect(env.PLUGBOARD_TEST_SECRET).toBeUndefined()
      expect(env.PATH).toBe(process.env.PATH)
      for (const key of Object.keys(env)) expect([...DEFAULT_INHERITED_ENV_VARS, 'GIVEN_VAR']).toContain(key)
      await t.transport.close()
      expect(isRunning(t.pid)).toBe(false)
    } finally {
      delete process.env.PLUGBOARD_TEST_SECRET
    }
  })

  it('captures stderr as a stream attached before start and as a bounded tail', async () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: [fixture('echo-server.mjs')], closeGraceMs: GRACE_MS })
    let streamed = ''
    transport.stderr!.on('data', (chunk) => (streamed += chunk))
    const ended = new Promise((resolve) => transport.stderr!.on('end', resolve))
    transport.onmessage = () => {}
    await transport.start()
    await transport.send({ jsonrpc: '2.0', id: 1, method: 'stderr', params: { text: 'log line one\n' } })
    await transport.send({ jsonrpc: '2.0', id: 2, method: 'stderr', params: { text: 'x'.repeat(100_000) + 'END\n' } })
    await transport.close()
    await ended
    expect(streamed.startsWith('log line one\n')).toBe(true)
    expect(streamed.endsWith('END\n')).toBe(true)
    expect(transport.stderrTail.length).toBeLessThanOrEqual(64 * 1024)
    expect(transport.stderrTail.endsWith('xEND\n')).toBe(true)
    expect(isRunning(transport.pid!)).toBe(false)
  })

  it("exposes no stderr stream with stderr: 'ignore'", async () => {
    const t = await spawnFixture('echo-server.mjs', { stderr: 'ignore' })
    expect(t.transport.stderr).toBeNull()
    await t.request('stderr', { text: 'dropped\n' })
    await t.transport.close()
    expect(t.transport.stderrTail).toBe('')
    expect(isRunning(t.pid)).toBe(false)
  })

  it('reports a non-JSON line on stdout and keeps delivering messages', async () => {
    const t = await spawnFixture('echo-server.mjs')
    await t.request('garbage')
    expect(t.errors).toHaveLength(1)
    expect((t.errors[0] as McpError).code).toBe(ErrorCode.ParseError)
    expect(await t.request('echo', { ok: true })).toEqual({ ok: true })
    await t.transport.close()
    expect(isRunning(t.pid)).toBe(false)
  })

  it('reports a child dying mid-conversation with its command, exit code and stderr tail, then closes', async () => {
    const t = await spawnFixture('echo-server.mjs')
    const exits: unknown[] = []
    t.transport.onexit = (info) => exits.push(info)
    await t.transport.send({ jsonrpc: '2.0', id: 1, method: 'exit', params: { code: 3, stderr: 'fatal: database is locked\n' } })
    await t.closed
    expect(t.errors).toHaveLength(1)
    expect(t.errors[0]!.message).toContain('echo-server.mjs')
    expect(t.errors[0]!.message).toContain('exited with code 3')
    expect(t.errors[0]!.message).toContain('fatal: database is locked')
    expect(exits).toEqual([{ code: 3, signal: null }])
    expect(t.transport.exitCode).toBe(3)
    expect(t.closes()).toBe(1)
    await expect(t.transport.send({ jsonrpc: '2.0', method: 'x' })).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed })
    await t.transport.close()
    expect(t.closes()).toBe(1)
    expect(isRunning(t.pid)).toBe(false)
  })

  it('rejects a send that hits a closed stdin (EPIPE) with a clear error instead of crashing', async () => {
    const t = await spawnFixture('echo-server.mjs')
    await t.request('close-stdin')
    const error = await t.transport.send({ jsonrpc: '2.0', id: 2, method: 'echo' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpError)
    expect((error as McpError).code).toBe(ErrorCode.ConnectionClosed)
    expect((error as McpError).message).toMatch(/Cannot write to MCP server .*echo-server\.mjs.*EPIPE/)
    await expect(t.transport.send({ jsonrpc: '2.0', id: 3, method: 'echo' })).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed })
    // The child ignores EOF now (its stdin is gone), so close() goes on to SIGTERM.
    await t.transport.close()
    expect(t.transport.exitSignal).toBe('SIGTERM')
    expect(isRunning(t.pid)).toBe(false)
  })

  it('rejects start() with a clear error when the command does not exist', async () => {
    const transport = new StdioClientTransport({ command: 'plugboard-no-such-command-xyz' })
    await expect(transport.start()).rejects.toThrow(/Failed to start MCP server "plugboard-no-such-command-xyz".*ENOENT/)
    expect(transport.pid).toBeUndefined()
    await transport.close()
    await expect(transport.send({ jsonrpc: '2.0', method: 'x' })).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed })
  })

  it('refuses a second start()', async () => {
    const t = await spawnFixture('echo-server.mjs')
    await expect(t.transport.start()).rejects.toThrow(/already started/)
    await t.transport.close()
    expect(isRunning(t.pid)).toBe(false)
  })
})
