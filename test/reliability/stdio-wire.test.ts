// Bytes on a real stdio server's stdin that JSON.parse alone gets wrong: ids past 2^53 and a
// UTF-8 byte order mark. The fixture child runs the built packages.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { expectGone, RawChild } from './fixtures/raw-child.js'

const children: RawChild[] = []
afterEach(async () => {
  for (const c of children.splice(0)) {
    c.kill()
    await expectGone(c.pid)
  }
})
const child = () => {
  const c = new RawChild()
  children.push(c)
  return c
}

describe('the stdio wire', () => {
  it('answers an integer id past 2^53 with the very digits it was sent, not a rounded number', async () => {
    const server = child()
    await server.initialize()
    server.write('{"jsonrpc":"2.0","id":12345678901234567890,"method":"tools/call","params":{"name":"echo","arguments":{"text":"big"}}}\n')
    server.write('{"jsonrpc":"2.0","id":-9223372036854775808,"method":"ping"}\n')
    await vi.waitFor(() => expect(server.stdout).toContain('"id":-9223372036854775808'), { timeout: 10_000, interval: 10 })
    expect(server.stdout).toContain('{"id":12345678901234567890,')
    expect(server.stdout).not.toContain('12345678901234567000')
    server.child.stdin.end()
    expect(await server.exited).toEqual({ code: 0, signal: null })
  })

  it('accepts a UTF-8 byte order mark at the start of the stream and of a line', async () => {
    const server = child()
    server.child.stdin.write(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"jsonrpc":"2.0","id":1,"method":"ping"}\n')]))
    expect(await server.response(1)).toMatchObject({ result: {} })
    server.write('\uFEFF{"jsonrpc":"2.0","id":2,"method":"ping"}\n')
    expect(await server.response(2)).toMatchObject({ result: {} })
    expect(server.lines().filter((l) => l.error)).toEqual([])
  })
})
