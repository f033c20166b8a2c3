import { describe, expect, it } from 'vitest'
import { ErrorCode } from '../errors.js'
import { SUPPORTED_PROTOCOL_VERSIONS } from '../revisions/index.js'
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
  legacyEra.serve(server, { serverInfo, capabilities: serverCapabilities, instructions: 'be nice', oninitialized: () => (initialized = true) })
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

describe('stateless serving (one connection per HTTP request)', () => {
  async function statelessPair(protocolVersion: string) {
    const [c, s] = InMemoryTransport.createLinkedPair()
    const client = new Session({ role: 'client' })
    const server = new Session({ role: 'server', localCapabilities: { tools: {} } })
    legacyEra.serve(server, { serverInfo, capabilities: { tools: {} } }, { stateless: { protocolVersion } })
    server.setRequestHandler('tools/list', (_params, ctx) => ({ tools: [], _meta: { servedUnder: ctx.protocolVersion } }))
    await server.connect(s)
    await client.connect(c)
    return { client, server }
  }

  it('serves requests without initialize, under the revision it was given', async () => {
    const { client, server } = await statelessPair('2025-06-18')
    expect(server.state.protocolVersion).toBe('2025-06-18')
    await expect(client.request('tools/list', {})).resolves.toMatchObject({ tools: [], _meta: { servedUnder: '2025-06-18' } })
  })

  it('still answers initialize, as often as it comes', async () => {
    const { client } = await statelessPair('2025-03-26')
    for (let i = 0; i < 2; i++) {
      const result = await client.request('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo } as never)
      expect(result).toMatchObject({ protocolVersion: '2025-11-25', serverInfo })
    }
  })
})
