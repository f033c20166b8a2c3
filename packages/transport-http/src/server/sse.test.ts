import { describe, expect, it } from 'vitest'
import { KeepAlive, SseConnection, type SseSink } from './sse.js'

/** A sink that takes `room` characters before it says the client is behind, until drained. */
function slowSink(room: number) {
  const written: string[] = []
  let size = 0
  let destroyed = false
  let ended = false
  const sink: SseSink = {
    write: (chunk) => {
      written.push(chunk)
      size += chunk.length
      return size < room
    },
    end: () => void (ended = true),
    destroy: () => void (destroyed = true),
  }
  return { sink, written, destroyed: () => destroyed, ended: () => ended, take: () => (size = 0) }
}

describe('SseConnection', () => {
  it('stops writing to a sink that says it is full and sends what waited once it drains', () => {
    const conn = new SseConnection(1000)
    const s = slowSink(10)
    conn.attach(s.sink)
    conn.write('0123456789')
    conn.write('abc')
    conn.write('def')
    expect(s.written).toEqual(['0123456789'])
    expect(conn.buffered).toBe(6)
    s.take()
    conn.drain()
    expect(s.written).toEqual(['0123456789', 'abcdef'])
    expect(conn.buffered).toBe(0)
  })

  it('drops the connection of a client that does not read once maxBufferedBytes wait', () => {
    const conn = new SseConnection(100)
    let closed = 0
    conn.onclose = () => closed++
    const s = slowSink(10)
    conn.attach(s.sink)
    let accepted = 0
    for (let i = 0; i < 1000 && conn.write('x'.repeat(30)); i++) accepted++
    expect(accepted).toBeLessThan(6)
    expect(s.destroyed()).toBe(true)
    expect(conn.open).toBe(false)
    expect(conn.buffered).toBe(0)
    expect(closed).toBe(1)
  })

  it('bounds what waits for a sink not attached yet the same way', () => {
    const conn = new SseConnection(100)
    for (let i = 0; i < 10; i++) conn.write('x'.repeat(30))
    expect(conn.open).toBe(false)
    expect(conn.buffered).toBe(0)
  })

  it('flushes what waited before ending', () => {
    const conn = new SseConnection(1000)
    const s = slowSink(1)
    conn.attach(s.sink)
    conn.write('a')
    conn.write('b')
    conn.end()
    expect(s.written.join('')).toBe('ab')
    expect(s.ended()).toBe(true)
  })
})

describe('KeepAlive', () => {
  it('forgets a connection the moment it ends, not at its next tick', () => {
    const keepAlive = new KeepAlive(60_000)
    const connections = Array.from({ length: 100 }, () => keepAlive.open())
    expect(keepAlive.size).toBe(100)
    for (const c of connections.slice(0, 50)) c.end()
    for (const c of connections.slice(50)) c.abort()
    expect(keepAlive.size).toBe(0)
    keepAlive.close()
  })
})
