import { PassThrough, Writable } from 'node:stream'
import { ErrorCode, McpError, type JSONRPCPayload } from '@plugboard/protocol'
import { describe, expect, it } from 'vitest'
import { StdioServerTransport } from '../src/index.js'

const tick = () => new Promise((resolve) => setImmediate(resolve))

/** A server transport on in-memory streams, recording what it delivers, reports and writes. */
async function setup(options: { maxMessageSize?: number; stdout?: Writable } = {}) {
  const stdin = new PassThrough()
  const stdout = options.stdout ?? new PassThrough()
  const transport = new StdioServerTransport({ stdin, stdout, maxMessageSize: options.maxMessageSize })
  const received: JSONRPCPayload[] = []
  const errors: Error[] = []
  let closes = 0
  transport.onmessage = (m) => received.push(m)
  transport.onerror = (e) => errors.push(e)
  transport.onclose = () => closes++
  await transport.start()
  const written = () =>
    String((stdout as PassThrough).read() ?? '')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
  return { stdin, stdout, transport, received, errors, written, closes: () => closes }
}

const ping = (id: number) => ({ jsonrpc: '2.0' as const, id, method: 'ping' })

describe('StdioServerTransport', () => {
  it('delivers messages split across chunks and several in one chunk', async () => {
    const t = await setup()
    const a = JSON.stringify(ping(1))
    t.stdin.write(a.slice(0, 5))
    t.stdin.write(a.slice(5) + '\n' + JSON.stringify(ping(2)) + '\n' + JSON.stringify([ping(3), ping(4)]) + '\n')
    await tick()
    expect(t.received).toEqual([ping(1), ping(2), [ping(3), ping(4)]])
    await t.transport.close()
  })

  it('answers a line that is not JSON with -32700 and id null, reports it, and delivers the next line', async () => {
    const t = await setup()
    t.stdin.write('{not json\n' + JSON.stringify(ping(7)) + '\n')
    await tick()
    const [reply] = t.written()
    expect(reply).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: ErrorCode.ParseError } })
    expect(t.errors[0]).toBeInstanceOf(McpError)
    expect((t.errors[0] as McpError).code).toBe(ErrorCode.ParseError)
    expect(t.received).toEqual([ping(7)])
    await t.transport.close()
  })

  it('answers JSON that is not JSON-RPC with -32600 carrying the id it could read', async () => {
    const t = await setup()
    t.stdin.write('{"id":42,"method":"ping"}\n')
    await tick()
    expect(t.written()).toEqual([expect.objectContaining({ id: 42, error: expect.objectContaining({ code: ErrorCode.InvalidRequest }) })])
    expect(t.received).toEqual([])
    await t.transport.close()
  })

  it('answers a line over maxMessageSize with -32600, skips it, and delivers the next line', async () => {
    const t = await setup({ maxMessageSize: 64 })
    t.stdin.write(JSON.stringify({ ...ping(1), params: { pad: 'x'.repeat(100) } }) + '\n')
    t.stdin.write(JSON.stringify(ping(2)) + '\n')
    await tick()
    expect(t.written()).toEqual([expect.objectContaining({ id: null, error: expect.objectContaining({ code: ErrorCode.InvalidRequest }) })])
    expect(t.errors).toHaveLength(1)
    expect(t.received).toEqual([ping(2)])
    await t.transport.close()
  })

  it('reports an onmessage handler that throws and keeps reading', async () => {
    const t = await setup()
    t.transport.onmessage = (m) => {
      t.received.push(m)
      if (t.received.length === 1) throw new Error('handler bug')
    }
    t.stdin.write(JSON.stringify(ping(1)) + '\n' + JSON.stringify(ping(2)) + '\n')
    await tick()
    expect(t.errors.map((e) => e.message)).toEqual(['handler bug'])
    expect(t.received).toHaveLength(2)
    await t.transport.close()
  })

  it('writes one line per message, sends in one tick in one writev', async () => {
    const batches: string[][] = []
    const stdout = new Writable({
      writev(chunks, callback) {
        batches.push(chunks.map((c) => String(c.chunk)))
        callback()
      },
    })
    const t = await setup({ stdout })
    await Promise.all([t.transport.send(ping(1)), t.transport.send(ping(2))])
    expect(batches).toEqual([[JSON.stringify(ping(1)) + '\n', JSON.stringify(ping(2)) + '\n']])
    await t.transport.close()
  })

  it('stops writing when stdout is full and resumes in order on drain', async () => {
    const chunks: string[] = []
    const callbacks: (() => void)[] = []
    let held = true
    const stdout = new Writable({
      highWaterMark: 16,
      write(chunk, _encoding, callback) {
        chunks.push(String(chunk))
        if (held) callbacks.push(() => callback())
        else callback()
      },
    })
    const t = await setup({ stdout })
    const sent: number[] = []
    const sends = [1, 2, 3].map((id) => t.transport.send(ping(id)).then(() => sent.push(id)))
    await tick()
    // Only the first line reached the stream; the others wait in order for 'drain'.
    expect(chunks).toHaveLength(1)
    expect(stdout.writableLength).toBe(chunks[0]!.length)
    expect(sent).toEqual([])
    held = false
    callbacks.shift()!()
    await Promise.all(sends)
    expect(sent).toEqual([1, 2, 3])
    expect(chunks.map((c) => JSON.parse(c).id)).toEqual([1, 2, 3])
    await t.transport.close()
  })

  it('fires onclose once on stdin EOF, after answering what it received, and leaves no listener on either stream', async () => {
    const t = await setup()
    t.stdin.end(JSON.stringify(ping(1)))
    await tick()
    expect(t.received).toEqual([ping(1)])
    // The ping is still owed its answer: the transport drains rather than closing.
    expect(t.closes()).toBe(0)
    await t.transport.send({ jsonrpc: '2.0', id: 1, result: {} })
    await tick()
    expect(t.written()).toEqual([{ jsonrpc: '2.0', id: 1, result: {} }])
    expect(t.closes()).toBe(1)
    await t.transport.close()
    expect(t.closes()).toBe(1)
    for (const event of ['data', 'end', 'close', 'error', 'readable']) expect(t.stdin.listenerCount(event)).toBe(0)
    for (const event of ['error', 'drain']) expect(t.stdout.listenerCount(event)).toBe(0)
  })

  it('close() detaches without destroying the streams and rejects later sends with ConnectionClosed', async () => {
    const t = await setup()
    await t.transport.close()
    await t.transport.close()
    expect(t.closes()).toBe(1)
    expect(t.stdin.listenerCount('data')).toBe(0)
    expect(t.stdout.listenerCount('error')).toBe(0)
    expect(t.stdin.destroyed || t.stdout.destroyed || t.stdout.writableEnded).toBe(false)
    await expect(t.transport.send(ping(1))).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed })
  })

  it('survives an EPIPE on stdout: reports it and closes instead of crashing', async () => {
    const stdout = new Writable({ write: (_c, _e, callback) => callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })) })
    const t = await setup({ stdout })
    await expect(t.transport.send(ping(1))).rejects.toThrow('EPIPE')
    await tick()
    expect(t.errors.map((e) => e.message)).toContain('write EPIPE')
    expect(t.closes()).toBe(1)
    expect(stdout.listenerCount('error')).toBe(0)
  })

  it('refuses a second start()', async () => {
    const t = await setup()
    await expect(t.transport.start()).rejects.toThrow(/already started/)
    await t.transport.close()
  })
})
