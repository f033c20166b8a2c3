import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { LineWriter, ReadBuffer } from './framing.js'

function splitter(max?: number) {
  const lines: string[] = []
  const oversize: number[] = []
  const buffer = new ReadBuffer({ line: (l) => lines.push(l), oversize: (n) => oversize.push(n) }, max)
  const push = (...chunks: (string | Buffer)[]) => chunks.forEach((c) => buffer.push(Buffer.isBuffer(c) ? c : Buffer.from(c)))
  return { lines, oversize, buffer, push }
}

describe('ReadBuffer', () => {
  it('joins a message that arrives in several chunks', () => {
    const s = splitter()
    s.push('{"jsonrpc":', '"2.0","method"', ':"ping"}')
    expect(s.lines).toEqual([])
    s.push('\n')
    expect(s.lines).toEqual(['{"jsonrpc":"2.0","method":"ping"}'])
  })

  it('splits a chunk holding several messages and keeps the unterminated rest', () => {
    const s = splitter()
    s.push('a\nb\nc\nd')
    expect(s.lines).toEqual(['a', 'b', 'c'])
    s.push('e\n')
    expect(s.lines).toEqual(['a', 'b', 'c', 'de'])
  })

  it('decodes a UTF-8 character split across chunks', () => {
    const s = splitter()
    const bytes = Buffer.from('"€ and 😀"\n')
    for (let i = 0; i < bytes.length; i++) s.push(bytes.subarray(i, i + 1))
    expect(s.lines).toEqual(['"€ and 😀"'])
  })

  it('strips CRLF endings, also when \\r and \\n arrive in different chunks', () => {
    const s = splitter()
    s.push('one\r\ntwo\r', '\nthree\n')
    expect(s.lines).toEqual(['one', 'two', 'three'])
  })

  it('skips blank and whitespace-only lines', () => {
    const s = splitter()
    s.push('\n\r\n  \nx\n\t\n')
    expect(s.lines).toEqual(['x'])
  })

  it('accepts a line of exactly maxMessageSize bytes, with or without CRLF', () => {
    const s = splitter(8)
    s.push('12345678\n', '1234', '5678\r', '\n')
    expect(s.lines).toEqual(['12345678', '12345678'])
    expect(s.oversize).toEqual([])
  })

  it('drops a line over maxMessageSize within one chunk and parses the next', () => {
    const s = splitter(8)
    s.push('123456789\nok\n')
    expect(s.oversize).toEqual([9])
    expect(s.lines).toEqual(['ok'])
  })

  it('stops buffering an over-long line at the limit, reports it once, and resumes after its newline', () => {
    const s = splitter(8)
    s.push('12345', '67890', 'abcdefghijklmnop', 'qrst')
    expect(s.oversize).toEqual([10])
    expect(s.lines).toEqual([])
    s.push('uv\nnext\n')
    expect(s.oversize).toEqual([10])
    expect(s.lines).toEqual(['next'])
  })

  it('delivers a 5 MB message fed in 64 KiB chunks intact', () => {
    const s = splitter()
    const message = JSON.stringify({ jsonrpc: '2.0', id: 1, result: { blob: 'x€'.repeat(1_700_000) } })
    const bytes = Buffer.from(message + '\n')
    expect(bytes.length).toBeGreaterThan(5_000_000)
    for (let i = 0; i < bytes.length; i += 65536) s.push(bytes.subarray(i, i + 65536))
    expect(s.lines).toHaveLength(1)
    expect(s.lines[0] === message).toBe(true)
  })

  it('flushes an unterminated last line at end(), but not the tail of an oversize one', () => {
    const s = splitter(4)
    s.push('last')
    s.buffer.end()
    expect(s.lines).toEqual(['last'])
    s.push('toolong')
    s.buffer.end()
    expect(s.lines).toEqual(['last'])
    s.push('ok\n')
    expect(s.lines).toEqual(['last', 'ok'])
  })
})

describe('LineWriter', () => {
  it('batches lines written in the same tick into one writev call', async () => {
    const batches: string[][] = []
    const stream = new Writable({
      writev(chunks, callback) {
        batches.push(chunks.map((c) => String(c.chunk)))
        callback()
      },
    })
    const writer = new LineWriter(stream)
    await Promise.all([writer.write('a\n'), writer.write('b\n'), writer.write('c\n')])
    expect(batches).toEqual([['a\n', 'b\n', 'c\n']])
  })

  it('rejects a write whose stream write fails, through wrapError', async () => {
    const stream = new Writable({ write: (_chunk, _enc, callback) => callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })) })
    stream.on('error', () => {})
    const writer = new LineWriter(stream, (e) => new Error(`wrapped: ${e.message}`))
    await expect(writer.write('x\n')).rejects.toThrow('wrapped: write EPIPE')
  })

  it('rejects queued and later writes after fail()', async () => {
    const stream = new Writable({ highWaterMark: 1, write: () => {} })
    const writer = new LineWriter(stream)
    const first = writer.write('first\n')
    const queued = writer.write('queued\n')
    writer.fail(new Error('closed'))
    await expect(queued).rejects.toThrow('closed')
    await expect(writer.write('later\n')).rejects.toThrow('closed')
    expect(stream.listenerCount('drain')).toBe(0)
    void first
  })
})
