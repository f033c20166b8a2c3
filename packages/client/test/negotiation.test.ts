import { ErrorCode, McpError, type JSONRPCMessage, type JSONRPCRequest, type Session } from '@plugboard/protocol'
import type { InMemoryTransport } from '@plugboard/protocol/testing'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Client, ClientOptions } from '../src/index.js'
import { supportedOf } from '../src/connect.js'
import { connectToRawServer, expectNoViolations, rawPair, withMethod, type RawServerOptions } from './raw-server.js'

const open: Client[] = []
afterEach(async () => {
  vi.useRealTimers()
  await Promise.all(open.splice(0).map((c) => c.close()))
})

const auto: ClientOptions = { versionNegotiation: { mode: 'auto' } }
const methodsOf = (sent: JSONRPCMessage[]) => sent.flatMap((m) => ('method' in m ? [m.method] : []))
const META = 'io.modelcontextprotocol/protocolVersion'

/** A raw server serving both eras, to a client left on `'auto'`. */
const dual = (options: RawServerOptions = {}) => ({ ...options, era: 'modern' as const, client: { ...auto, ...options.client } })

/** Answers every `server/discover` with `refuse(n)` as an UnsupportedProtocolVersion error's `supported` (n counts from 1), or lets it through when that is undefined. */
function refusingDiscover(refuse: (n: number) => string[] | undefined) {
  let n = 0
  return (server: Session) =>
    void server.use(async (call, next) => {
      const supported = call.method === 'server/discover' ? refuse(++n) : undefined
      if (supported) throw new McpError(ErrorCode.UnsupportedProtocolVersion, 'Unsupported protocol version', { supported, requested: '2026-07-28' })
      return next()
    })
}

/** Makes the raw server's transport handle `server/discover` itself: dropped (`undefined`) or answered with `result`. */
function interceptDiscover(serverTransport: InMemoryTransport, result: Record<string, unknown> | undefined) {
  const deliver = serverTransport.onmessage!
  serverTransport.onmessage = (message, info) => {
    if (!Array.isArray(message) && 'method' in message && message.method === 'server/discover') {
      if (result) void serverTransport.send({ jsonrpc: '2.0', id: (message as JSONRPCRequest).id, result })
      return
    }
    deliver(message, info)
  }
}

describe("versionNegotiation 'auto'", () => {
  it('probes a legacy-only server with server/discover in 2026-07-28, then falls back to initialize', async () => {
    const { client, sent, violations } = await connectToRawServer()
    open.push(client)
    expect(methodsOf(sent)).toEqual(['server/discover', 'initialize', 'notifications/initialized'])
    expect(withMethod(sent, 'server/discover')[0]).toMatchObject({ params: { _meta: { [META]: '2026-07-28', 'io.modelcontextprotocol/clientInfo': { name: 'test-host' } } } })
    // Nothing modern leaks into the handshake that follows.
    expect((withMethod(sent, 'initialize')[0] as JSONRPCRequest).params?._meta).toBeUndefined()
    expect(client.getNegotiatedProtocolVersion()).toBe('2025-11-25')
    expectNoViolations(violations)
  })

  it('stays modern with a server that answers the probe: no initialize, and _meta on every request', async () => {
    const { client, sent, violations } = await connectToRawServer(dual({ capabilities: { tools: {} }, setup: (s) => s.setRequestHandler('tools/list', () => ({ tools: [] })) }))
    open.push(client)
    await client.listTools()
    expect(methodsOf(sent)).toEqual(['server/discover', 'tools/list'])
    expect(withMethod(sent, 'tools/list')[0]).toMatchObject({
      params: { _meta: { [META]: '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {}, 'io.modelcontextprotocol/clientInfo': { name: 'test-host', version: '1.0.0' } } },
    })
    expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28')
    expect(client.getServerCapabilities()).toEqual({ tools: {} })
    expectNoViolations(violations)
  })

  it('takes a server that ignores the probe for legacy once the probe timeout passes', async () => {
    const { client, sent, clientTransport, serverTransport } = await rawPair({ client: { versionNegotiation: { probe: { timeoutMs: 200 } } } })
    open.push(client)
    interceptDiscover(serverTransport, undefined)
    vi.useFakeTimers()
    const connecting = client.connect(clientTransport)
    await vi.advanceTimersByTimeAsync(199)
    expect(withMethod(sent, 'initialize')).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(1)
    await connecting
    expect(withMethod(sent, 'initialize')).toHaveLength(1)
    expect(client.getNegotiatedProtocolVersion()).toBe('2025-11-25')
  })

  it('takes an answer to the probe that is no DiscoverResult for legacy (a server answering {} to anything)', async () => {
    const { client, sent, clientTransport, serverTransport } = await rawPair()
    open.push(client)
    interceptDiscover(serverTransport, {})
    await client.connect(clientTransport)
    expect(methodsOf(sent)).toEqual(['server/discover', 'initialize', 'notifications/initialized'])
    expect(client.getNegotiatedProtocolVersion()).toBe('2025-11-25')
  })

  it('retries a probe refused as UnsupportedProtocolVersion once, in a revision the error lists, and stays modern', async () => {
    const { client, sent } = await connectToRawServer(dual({ setup: refusingDiscover((n) => (n === 1 ? ['2026-07-28'] : undefined)) }))
    open.push(client)
    const discovers = withMethod(sent, 'server/discover') as JSONRPCRequest[]
    expect(discovers).toHaveLength(2)
    expect(discovers[0]!.id).not.toBe(discovers[1]!.id)
    expect(withMethod(sent, 'initialize')).toHaveLength(0)
    expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28')
  })

  it('rejects connect on a modern refusal listing no revision it speaks, without falling back to initialize', async () => {
    const { client, sent, clientTransport } = await rawPair(dual({ setup: refusingDiscover(() => ['2099-01-01']) }))
    const error = await client.connect(clientTransport).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: ErrorCode.UnsupportedProtocolVersion, data: { supported: ['2099-01-01'] } })
    expect(withMethod(sent, 'initialize')).toHaveLength(0)
    expect(client.getNegotiatedProtocolVersion()).toBeUndefined()
  })

  it('falls back to initialize when the modern refusal lists only legacy revisions', async () => {
    const { client, sent } = await connectToRawServer(dual({ setup: refusingDiscover(() => ['2025-11-25']) }))
    open.push(client)
    expect(methodsOf(sent)).toEqual(['server/discover', 'initialize', 'notifications/initialized'])
    expect(client.getNegotiatedProtocolVersion()).toBe('2025-11-25')
  })

  it('remembers the era: connecting again to the legacy server goes straight to initialize', async () => {
    const first = await connectToRawServer()
    await first.client.close()
    const second = await rawPair()
    open.push(first.client)
    second.clientTransport.send = ((send) => (message, options) => (first.sent.push(...[message].flat()), send(message, options)))(second.clientTransport.send)
    const before = first.sent.length
    await first.client.connect(second.clientTransport)
    expect(methodsOf(first.sent.slice(before))).toEqual(['initialize', 'notifications/initialized'])
  })

  it('probes again when the remembered era fails: a server that became modern-only', async () => {
    const first = await connectToRawServer()
    await first.client.close()
    const second = await rawPair({ serves: 'modern' })
    open.push(first.client)
    second.clientTransport.send = ((send) => (message, options) => (first.sent.push(...[message].flat()), send(message, options)))(second.clientTransport.send)
    const before = first.sent.length
    await first.client.connect(second.clientTransport)
    expect(methodsOf(first.sent.slice(before))).toEqual(['initialize', 'server/discover'])
    expect(first.client.getNegotiatedProtocolVersion()).toBe('2026-07-28')
  })

  it('bounds the whole connect with its timeout, probe included', async () => {
    const { client, clientTransport, serverTransport, sent } = await rawPair()
    interceptDiscover(serverTransport, undefined)
    vi.useFakeTimers()
    const outcome = client.connect(clientTransport, { timeout: 300 }).catch((e: unknown) => e)
    await vi.advanceTimersByTimeAsync(300)
    expect(await outcome).toMatchObject({ code: ErrorCode.RequestTimeout })
    expect(withMethod(sent, 'initialize')).toHaveLength(0)
  })
})

describe('pinned revisions and modes', () => {
  it('pins a legacy revision: no probe, initialize asks for exactly it, and another answer is refused', async () => {
    const pinned = { versionNegotiation: { mode: { pin: '2025-06-18' } } }
    const { client, sent } = await connectToRawServer({ supportedVersions: ['2025-03-26', '2025-06-18'], client: pinned })
    open.push(client)
    expect(methodsOf(sent)).toEqual(['initialize', 'notifications/initialized'])
    expect(withMethod(sent, 'initialize')[0]).toMatchObject({ params: { protocolVersion: '2025-06-18' } })
    const other = await rawPair({ supportedVersions: ['2025-03-26'], client: pinned })
    await expect(other.client.connect(other.clientTransport)).rejects.toMatchObject({ code: ErrorCode.InvalidRequest, message: expect.stringContaining('2025-03-26') })
  })

  it("'modern' and a modern pin never fall back: a legacy-only server is an error", async () => {
    for (const mode of ['modern', { pin: '2026-07-28' }] as const) {
      const { client, sent, clientTransport } = await rawPair({ client: { versionNegotiation: { mode } } })
      await expect(client.connect(clientTransport)).rejects.toBeInstanceOf(McpError)
      expect(methodsOf(sent)).toEqual(['server/discover'])
    }
  })

  it("'legacy' never probes", async () => {
    const { client, sent } = await connectToRawServer(dual({ client: { versionNegotiation: { mode: 'legacy' } } }))
    open.push(client)
    expect(methodsOf(sent)).toEqual(['initialize', 'notifications/initialized'])
  })

  it('refuses to pin a revision it does not speak', async () => {
    const { Client } = await import('../src/index.js')
    expect(() => new Client({ name: 'x', version: '1' }, { versionNegotiation: { mode: { pin: '2099-01-01' } } })).toThrow(RangeError)
  })
})

describe('UnsupportedProtocolVersion on a later request', () => {
  function refusingToolsList(times: number) {
    let refused = 0
    return (server: Session) => {
      server.setRequestHandler('tools/list', () => ({ tools: [] }))
      server.use(async (call, next) => {
        if (call.method === 'tools/list' && refused++ < times) throw new McpError(ErrorCode.UnsupportedProtocolVersion, 'Unsupported protocol version', { supported: ['2026-07-28', '2025-11-25'] })
        return next()
      })
    }
  }

  it('is retried once, with a new id, in a revision the error lists', async () => {
    const { client, sent } = await connectToRawServer({ era: 'modern', capabilities: { tools: {} }, setup: refusingToolsList(1) })
    open.push(client)
    await expect(client.listTools()).resolves.toMatchObject({ tools: [] })
    const lists = withMethod(sent, 'tools/list') as JSONRPCRequest[]
    expect(lists).toHaveLength(2)
    expect(lists[0]!.id).not.toBe(lists[1]!.id)
  })

  it('rejects when the retry is refused too', async () => {
    const { client, sent } = await connectToRawServer({ era: 'modern', capabilities: { tools: {} }, setup: refusingToolsList(2) })
    open.push(client)
    await expect(client.listTools()).rejects.toMatchObject({ code: ErrorCode.UnsupportedProtocolVersion })
    expect(withMethod(sent, 'tools/list')).toHaveLength(2)
  })
})

describe('supportedOf', () => {
  it('reads the supported revisions from the error data, or from the JSON-RPC body an HTTP transport kept', () => {
    expect(supportedOf(new McpError(-32022, 'x', { supported: ['2026-07-28', 7] }))).toEqual(['2026-07-28'])
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, error: { code: -32022, message: 'Unsupported', data: { supported: ['2025-11-25'] } } })
    expect(supportedOf(new McpError(-32022, 'HTTP 400', { status: 400, body }))).toEqual(['2025-11-25'])
    expect(supportedOf(new McpError(-32022, 'HTTP 400', { status: 400, body: 'not json' }))).toEqual([])
  })
})
