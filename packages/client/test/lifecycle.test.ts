import { ErrorCode, McpError } from '@plugboard/protocol'
import { InMemoryTransport } from '@plugboard/protocol/testing'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { Client } from '../src/index.js'
import { ERAS, REVISION, connectToRawServer, expectNoViolations, rawPair, withMethod } from './raw-server.js'

const open: Client[] = []
afterEach(async () => {
  vi.useRealTimers()
  await Promise.all(open.splice(0).map((c) => c.close()))
})
const track = <T extends { client: Client }>(pair: T): T => (open.push(pair.client), pair)

describe('handshake', () => {
  it('initializes with the latest revision and exposes what the server said of itself', async () => {
    const { client, server, sent, violations } = track(
      await connectToRawServer({ capabilities: { tools: { listChanged: true }, logging: {} }, instructions: 'Use add for sums.' }),
    )
    expect(client.getNegotiatedProtocolVersion()).toBe('2025-11-25')
    expect(client.getServerVersion()).toMatchObject({ name: 'raw-server', version: '0.1.0' })
    expect(client.getServerCapabilities()).toEqual({ tools: { listChanged: true }, logging: {} })
    expect(client.getInstructions()).toBe('Use add for sums.')
    expect(server.state.peer.info).toMatchObject({ name: 'test-host', version: '1.0.0' })
    expect(withMethod(sent, 'initialize')[0]).toMatchObject({ params: { protocolVersion: '2025-11-25', capabilities: {} } })
    expect(withMethod(sent, 'notifications/initialized')).toHaveLength(1)
    expectNoViolations(violations)
  })

  it('uses an older revision the server answers when the client supports it', async () => {
    const { client, server } = track(await connectToRawServer({ supportedVersions: ['2025-03-26', '2025-06-18'] }))
    expect(client.getNegotiatedProtocolVersion()).toBe('2025-06-18')
    expect(server.state.protocolVersion).toBe('2025-06-18')
    await expect(client.ping()).resolves.toEqual({})
  })

  it('rejects connect with a clear McpError and closes the transport when the server answers an unsupported revision', async () => {
    const { client, server, clientTransport } = await rawPair({ supportedVersions: ['2099-01-01'] })
    const closed: unknown[] = []
    client.on('close', () => closed.push('close'))
    const error = await client.connect(clientTransport).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpError)
    expect((error as McpError).message).toContain('2099-01-01')
    expect((error as McpError).data).toMatchObject({ requested: '2099-01-01' })
    expect(closed).toEqual(['close'])
    expect(server.transport).toBeUndefined()
    expect(client.getNegotiatedProtocolVersion()).toBeUndefined()
  })

  it('rejects connect when its signal is already aborted and leaves the transport closed', async () => {
    const { client, server, clientTransport } = await rawPair()
    const error = await client.connect(clientTransport, { signal: AbortSignal.abort('no') }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: ErrorCode.RequestCancelled })
    expect(server.transport).toBeUndefined()
  })

  it('rejects connect with RequestTimeout when the server never answers initialize, and closes the transport', async () => {
    const [clientSide, silent] = InMemoryTransport.createLinkedPair()
    let peerClosed = false
    silent.onclose = () => (peerClosed = true)
    await silent.start()
    vi.useFakeTimers()
    const client = new Client({ name: 'test-host', version: '1.0.0' })
    const outcome = client.connect(clientSide, { timeout: 500 }).catch((e: unknown) => e)
    await vi.advanceTimersByTimeAsync(500)
    expect(await outcome).toMatchObject({ code: ErrorCode.RequestTimeout })
    expect(peerClosed).toBe(true)
  })

  it('refuses a second connect while connected', async () => {
    const { client } = track(await connectToRawServer())
    const { clientTransport } = await rawPair()
    await expect(client.connect(clientTransport)).rejects.toThrow(/already connected/)
  })

  it('can connect again after close, starting from a clean state', async () => {
    const first = await connectToRawServer({ capabilities: { tools: {} } })
    await first.client.close()
    const second = await rawPair({ supportedVersions: ['2025-06-18'] })
    await first.client.connect(second.clientTransport)
    open.push(first.client)
    expect(first.client.getNegotiatedProtocolVersion()).toBe('2025-06-18')
    expect(first.client.getServerCapabilities()).toEqual({})
  })
})

describe.each(ERAS)('requests (%s era)', (era) => {
  it('rejects pending requests with ConnectionClosed when the client closes', async () => {
    const { client } = await connectToRawServer({
      era,
      capabilities: { tools: {} },
      setup: (server) => {
        server.setRequestHandler('tools/list', () => new Promise(() => {}))
      },
    })
    const pending = client.listTools()
    await client.close()
    await expect(pending).rejects.toMatchObject({ code: ErrorCode.ConnectionClosed })
  })

  it('rejects a call to a capability the server did not declare locally, with nothing sent', async () => {
    const { client, sent } = track(await connectToRawServer({ era, capabilities: { tools: {} } }))
    const before = sent.length
    await expect(client.listPrompts()).rejects.toMatchObject({ code: ErrorCode.CapabilityNotSupported })
    await expect(client.getPrompt({ name: 'p' })).rejects.toMatchObject({ code: ErrorCode.CapabilityNotSupported })
    await expect(client.complete({ ref: { type: 'ref/prompt', name: 'p' }, argument: { name: 'a', value: '' } })).rejects.toMatchObject({ code: ErrorCode.CapabilityNotSupported })
    await expect(client.setLoggingLevel('info')).rejects.toMatchObject({ code: ErrorCode.CapabilityNotSupported })
    await expect(client.subscribeResource({ uri: 'mem://x' })).rejects.toMatchObject({ code: ErrorCode.CapabilityNotSupported })
    expect(sent.length).toBe(before)
  })

  it('sends any method of the table through request(), validating the result', async () => {
    const { client } = track(
      await connectToRawServer({
        era,
        capabilities: { tools: {} },
        setup: (server) => server.setRequestHandler('tools/list', () => ({ tools: [{ name: 'a', inputSchema: { type: 'object' } }] })),
      }),
    )
    const result = await client.request('tools/list', {})
    expect(result.tools.map((t) => t.name)).toEqual(['a'])
  })

  it('runs middleware around outbound requests, which may change params or short-circuit', async () => {
    const { client, sent, violations } = track(
      await connectToRawServer({
        era,
        capabilities: { prompts: {} },
        setup: (server) => server.setRequestHandler('prompts/get', (params) => ({ messages: [{ role: 'user', content: { type: 'text', text: String(params.arguments?.who) } }] })),
      }),
    )
    const seen: string[] = []
    client.use(async (call, next) => {
      seen.push(`${call.direction} ${call.method}`)
      if (call.method === 'prompts/list') return { prompts: [{ name: 'from-middleware' }] }
      call.params = { ...call.params, arguments: { who: 'middleware' } }
      return next()
    })
    const before = sent.length
    expect((await client.listPrompts()).prompts).toEqual([{ name: 'from-middleware' }])
    expect(sent.length).toBe(before)
    const prompt = await client.getPrompt({ name: 'greet', arguments: { who: 'caller' } })
    expect(prompt.messages[0]?.content).toEqual({ type: 'text', text: 'middleware' })
    expect(seen).toEqual(['outbound prompts/list', 'outbound prompts/get'])
    expectNoViolations(violations)
  })

  it('pings the server: ping where it exists, a server/discover past the cache where it does not', async () => {
    const { client, sent, violations } = track(await connectToRawServer({ era, capabilities: { tools: {} } }))
    const before = sent.length
    await expect(client.ping()).resolves.toEqual({})
    await expect(client.ping()).resolves.toEqual({})
    const pings = sent.slice(before).map((m) => ('method' in m ? m.method : 'response'))
    expect(pings).toEqual(era === 'legacy' ? ['ping', 'ping'] : ['server/discover', 'server/discover'])
    expectNoViolations(violations)
  })

  it('describes the server the same way in both eras, and discover() answers in both', async () => {
    const { client, sent } = track(await connectToRawServer({ era, capabilities: { tools: { listChanged: true } }, instructions: 'Be brief.' }))
    expect(client.getServerVersion()).toMatchObject({ name: 'raw-server', version: '0.1.0' })
    expect(client.getServerCapabilities()).toEqual({ tools: { listChanged: true } })
    expect(client.getInstructions()).toBe('Be brief.')
    expect(client.getNegotiatedProtocolVersion()).toBe(REVISION[era])
    const discovered = await client.discover()
    expect(discovered).toMatchObject({ capabilities: { tools: { listChanged: true } }, instructions: 'Be brief.', _meta: { 'io.modelcontextprotocol/serverInfo': { name: 'raw-server' } } })
    expect(discovered.supportedVersions).toContain(REVISION[era])
    // Only a modern server is asked (the pinned legacy client does not probe): a legacy one said all this at initialize.
    expect(withMethod(sent, 'server/discover')).toHaveLength(era === 'modern' ? 2 : 0)
    expect(withMethod(sent, 'initialize')).toHaveLength(era === 'modern' ? 0 : 1)
  })
})

describe('requests (legacy era)', () => {
  it('answers the server ping', async () => {
    const { server } = track(await connectToRawServer())
    await expect(server.request('ping')).resolves.toEqual({})
  })
})
