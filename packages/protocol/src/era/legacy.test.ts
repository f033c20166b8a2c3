import { describe, expect, it } from 'vitest'
import { ErrorCode } from '../errors.js'
import { SUPPORTED_PROTOCOL_VERSIONS } from '../revisions/index.js'
import { Router } from '../session/router.js'
import { Session } from '../session/session.js'
import { InMemoryTransport } from '../testing/in-memory.js'
import { legacyEra } from './legacy.js'
import { negotiateProtocolVersion } from './negotiate.js'

const clientInfo = { name: 'test-client', version: '1.0.0' }
const serverInfo = { name: 'test-server', version: '2.0.0' }

async function pair(serverCapabilities: Record<string, unknown> = { tools: {} }) {
  const [c, s] = InMemoryTransport.createLinkedPair()
  const client = new Session({ role: 'client' })
  const server = new Session({ role: 'server', localCapabilities: serverCapabilities })
  let initialized = false
  legacyEra.serve(server.router, { serverInfo, capabilities: () => serverCapabilities, instructions: 'be nice', supportedVersions: SUPPORTED_PROTOCOL_VERSIONS })
  server.setNotificationHandler('notifications/initialized', () => void (initialized = true))
  await server.connect(s)
  await client.connect(c)
  return { client, server, initialized: () => initialized, c, s }
}

describe('version negotiation', () => {
  it('answers the requested revision when supported, else the latest', () => {
    for (const v of SUPPORTED_PROTOCOL_VERSIONS) expect(negotiateProtocolVersion(v)).toBe(v)
    expect(negotiateProtocolVersion('1.0')).toBe('2025-11-25')
    expect(negotiateProtocolVersion('2099-01-01', ['2024-11-05', '2025-03-26'])).toBe('2025-03-26')
  })
})

describe('the legacy handshake', () => {
  it.each(SUPPORTED_PROTOCOL_VERSIONS)('negotiates %s and records both sides', async (version) => {
    const { client, server, initialized } = await pair()
    const hello = await legacyEra.open(client, { clientInfo, capabilities: { roots: {} }, protocolVersion: version })
    expect(hello).toMatchObject({ protocolVersion: version, serverInfo, instructions: 'be nice' })
    expect(client.state.protocolVersion).toBe(version)
    expect(server.state.protocolVersion).toBe(version)
    expect(server.state.peer).toMatchObject({ info: clientInfo, capabilities: { roots: {} } })
    await expect.poll(initialized).toBe(true)
  })

  it('closes and rejects with a clear error when the server answers a revision the client cannot speak', async () => {
    const { client } = await pair()
    let closed = false
    client.onclose = () => (closed = true)
    const error = await legacyEra.open(client, { clientInfo, capabilities: {}, protocolVersion: '2025-03-26', supportedVersions: ['2025-03-26'] }).catch((e) => e)
    // The server does speak 2025-03-26, so this succeeds; now ask for one only the client knows.
    expect(error).toMatchObject({ protocolVersion: '2025-03-26' })
    const other = await pair()
    other.client.onclose = () => (closed = true)
    const refused = await legacyEra.open(other.client, { clientInfo, capabilities: {}, protocolVersion: '2030-01-01', supportedVersions: ['2030-01-01'] }).catch((e) => e)
    expect(refused).toMatchObject({ code: ErrorCode.InvalidRequest, data: { requested: '2025-11-25' } })
    expect(refused.message).toContain('does not support')
    expect(closed).toBe(true)
  })

  it('refuses requests other than ping before initialize, then serves them', async () => {
    const { client, server } = await pair()
    server.setRequestHandler('tools/list', () => ({ tools: [] }))
    await expect(client.request('ping')).resolves.toEqual({})
    await expect(client.request('tools/list', {})).rejects.toMatchObject({ code: ErrorCode.InvalidRequest, message: expect.stringContaining('before initialize') })
    await legacyEra.open(client, { clientInfo, capabilities: {} })
    await expect(client.request('tools/list', {})).resolves.toMatchObject({ tools: [] })
  })

  it('refuses a second initialize on the same connection', async () => {
    const { client } = await pair()
    await legacyEra.open(client, { clientInfo, capabilities: {} })
    await expect(client.request('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo } as never)).rejects.toMatchObject({ code: ErrorCode.InvalidRequest })
  })
})

describe('stateless serving (a request served without a connection)', () => {
  function statelessRouter() {
    const router = new Router({ role: 'server', eras: [legacyEra], capabilities: () => ({ tools: {} }) })
    legacyEra.serve(router, { serverInfo, capabilities: () => ({ tools: {} }), supportedVersions: SUPPORTED_PROTOCOL_VERSIONS })
    router.setRequestHandler('tools/list', (_params, ctx) => ({ tools: [], _meta: { servedUnder: ctx.protocolVersion, connected: ctx.connection !== undefined } }))
    const handle = (method: string, params: Record<string, unknown>, protocolVersion?: string) =>
      router.handle({ jsonrpc: '2.0', id: 1, method, params }, { reply: () => Promise.resolve(), info: { protocolVersion } })
    return { handle }
  }

  it('serves requests without initialize, under the revision the transport carries, with no connection', async () => {
    const { handle } = statelessRouter()
    await expect(handle('tools/list', {}, '2025-06-18')).resolves.toMatchObject({ result: { tools: [], _meta: { servedUnder: '2025-06-18', connected: false } } })
    // No MCP-Protocol-Version header: 2025-03-26, as the spec says to assume.
    await expect(handle('tools/list', {})).resolves.toMatchObject({ result: { _meta: { servedUnder: '2025-03-26' } } })
  })

  it('still answers initialize, as often as it comes', async () => {
    const { handle } = statelessRouter()
    for (let i = 0; i < 2; i++) {
      const response = await handle('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo }, '2025-03-26')
      expect(response).toMatchObject({ result: { protocolVersion: '2025-11-25', serverInfo } })
    }
  })
})
