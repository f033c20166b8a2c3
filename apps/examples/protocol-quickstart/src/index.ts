import { Session, legacyEra } from '@plugboard/protocol'
import { InMemoryTransport } from '@plugboard/protocol/testing'

const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()

const server = new Session({ role: 'server', localCapabilities: { tools: {} } })
legacyEra.serve(server, { serverInfo: { name: 'raw', version: '1.0.0' }, capabilities: { tools: {} } })
server.setRequestHandler('tools/list', () => ({ tools: [{ name: 'noop', inputSchema: { type: 'object' } }] }))
await server.connect(serverSide)

const client = new Session({ role: 'client' })
await client.connect(clientSide)
const hello = await legacyEra.open(client, { clientInfo: { name: 'raw-client', version: '1.0.0' }, capabilities: {} })
console.log(hello.protocolVersion, await client.request('tools/list', {}))
await client.close()
