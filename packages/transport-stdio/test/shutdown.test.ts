import { afterEach, describe, expect, it } from 'vitest'
import { StdioClientTransport } from '../src/index.js'
import { closeAll, fixture, isRunning, spawnFixture } from './helpers.js'

afterEach(closeAll)

describe('StdioClientTransport shutdown', () => {
  it('ends a well-behaved server by closing its stdin, with no signal', async () => {
    const t = await spawnFixture('echo-server.mjs')
    await t.request('echo')
    await t.transport.close()
    expect(t.transport.exitCode).toBe(0)
    expect(t.transport.exitSignal).toBeNull()
    expect(t.closes()).toBe(1)
    expect(t.errors).toEqual([])
    expect(isRunning(t.pid)).toBe(false)
  })

  it('SIGKILLs a server that ignores both stdin EOF and SIGTERM after the grace', async () => {
    const t = await spawnFixture('stubborn-server.mjs')
    await t.request('pid')
    await t.transport.close()
    expect(t.transport.exitSignal).toBe('SIGKILL')
    expect(t.transport.stderrTail).toContain('ignoring SIGTERM')
    expect(t.closes()).toBe(1)
    expect(t.errors).toEqual([])
    expect(isRunning(t.pid)).toBe(false)
  })

  it('ends the whole tree of a wrapper (npx-style) whose server ignores EOF and SIGTERM', async () => {
    const t = await spawnFixture(['wrapper.mjs', 'stubborn-server.mjs'])
    const grandchild = await t.request('pid')
    expect(grandchild.ppid).toBe(t.pid)
    await t.transport.close()
    expect(isRunning(t.pid)).toBe(false)
    expect(isRunning(grandchild.pid)).toBe(false)
    expect(t.errors).toEqual([])
  })

  it('ends a wrapped well-behaved server through stdin EOF alone', async () => {
    const t = await spawnFixture(['wrapper.mjs', 'echo-server.mjs'])
    const grandchild = await t.request('pid')
    await t.transport.close()
    expect(t.transport.exitCode).toBe(0)
    expect(isRunning(t.pid)).toBe(false)
    expect(isRunning(grandchild.pid)).toBe(false)
  })

  it('when a wrapper dies unexpectedly, kills the server it left behind and reports the signal', async () => {
    const t = await spawnFixture(['wrapper.mjs', 'stubborn-server.mjs'])
    const grandchild = await t.request('pid')
    process.kill(t.pid, 'SIGKILL')
    await t.closed
    expect(t.errors).toHaveLength(1)
    expect(t.errors[0]!.message).toMatch(/MCP server ".*wrapper\.mjs .*stubborn-server\.mjs" was killed by SIGKILL/)
    expect(isRunning(grandchild.pid)).toBe(false)
    expect(t.closes()).toBe(1)
  })

  it('is idempotent: concurrent and repeated close() share one shutdown and one onclose', async () => {
    const t = await spawnFixture('stubborn-server.mjs')
    await t.request('pid')
    const first = t.transport.close()
    expect(t.transport.close()).toBe(first)
    await first
    await t.transport.close()
    expect(t.closes()).toBe(1)
    expect(isRunning(t.pid)).toBe(false)
  })

  it('closes a transport that was never started without spawning anything', async () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: [fixture('echo-server.mjs')] })
    let closes = 0
    transport.onclose = () => closes++
    await transport.close()
    expect(transport.pid).toBeUndefined()
    expect(closes).toBe(0)
    await expect(transport.start()).rejects.toThrow(/already started/)
  })
})
