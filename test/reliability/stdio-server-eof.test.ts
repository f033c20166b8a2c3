// A stdio server whose stdin ends: what it already received is answered, then it exits on its own.
// Real child processes on the built packages; every child is checked gone afterwards.
import { afterEach, describe, expect, it } from 'vitest'
import { expectGone, RawChild } from './fixtures/raw-child.js'

const children: RawChild[] = []
const child = (env?: Record<string, string>) => {
  const c = new RawChild(env)
  children.push(c)
  return c
}

afterEach(async () => {
  for (const c of children.splice(0)) {
    c.kill()
    await expectGone(c.pid)
  }
})

describe('a stdio server whose stdin ends', () => {
  it('answers a last request line that has no trailing newline, then exits 0', async () => {
    const server = child()
    await server.initialize()
    server.write(JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'echo', arguments: { text: 'last' } } }))
    server.child.stdin.end()
    expect(await server.exited).toEqual({ code: 0, signal: null })
    const answer = server.lines().find((l) => l.id === 7)
    expect(answer?.result?.content).toEqual([{ type: 'text', text: 'last' }])
  })

  it('finishes a tool call in progress when stdin closes, writes its answer, then exits 0', async () => {
    const server = child()
    await server.initialize()
    server.send({ id: 1, method: 'tools/call', params: { name: 'slow', arguments: { ms: 300 } } })
    await server.sawStderr('started slow')
    server.child.stdin.end()
    expect(await server.exited).toEqual({ code: 0, signal: null })
    expect(server.lines().find((l) => l.id === 1)?.result?.content).toEqual([{ type: 'text', text: 'slept 300' }])
  })

  it('does not wait for a request the client cancelled before closing stdin', async () => {
    const server = child()
    await server.initialize()
    server.send({ id: 2, method: 'tools/call', params: { name: 'hang', arguments: {} } })
    await server.sawStderr('started hang')
    server.send({ method: 'notifications/cancelled', params: { requestId: 2, reason: 'done' } })
    server.child.stdin.end()
    expect(await server.exited).toEqual({ code: 0, signal: null })
    expect(server.lines().some((l) => l.id === 2)).toBe(false)
  })

  it('gives up on a request that never ends after drainGraceMs, then exits', async () => {
    const server = child({ RELIABLE_DRAIN_GRACE_MS: '200' })
    await server.initialize()
    server.send({ id: 3, method: 'tools/call', params: { name: 'hang', arguments: {} } })
    await server.sawStderr('started hang')
    server.child.stdin.end()
    expect(await server.exited).toEqual({ code: 0, signal: null })
  })
})
