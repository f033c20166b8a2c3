// index.ts — run with `node index.ts`: a server and a 2026-07-28 client in one process, over an in-memory pair.
import { Router, Session, legacyEra, modernEra } from '@plugboard/protocol'
import { InMemoryTransport } from '@plugboard/protocol/testing'

const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()

// Built once: the method table bound to handlers, serving both eras.
const eras = [modernEra(), legacyEra]
const router = new Router({ role: 'server', eras, capabilities: () => ({ tools: {} }) })
const identity = { serverInfo: { name: 'raw', version: '1.0.0' }, capabilities: () => ({ tools: {} }), supportedVersions: eras.flatMap((e) => e.versions) }
for (const era of eras) era.serve(router, identity)
router.setRequestHandler('tools/list', () => ({ tools: [{ name: 'noop', inputSchema: { type: 'object' } }] }))
await new Session({ role: 'server', router }).connect(serverSide)

// A 2026-07-28 client: no handshake, `server/discover`, then every request carries its own `_meta`.
const client = new Session({ role: 'client' })
await client.connect(clientSide)
const hello = await modernEra().open(client, { clientInfo: { name: 'raw-client', version: '1.0.0' }, capabilities: {} })
console.log(hello.protocolVersion, await client.request('tools/list', {}))
await client.close()
