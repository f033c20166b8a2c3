import type { JSONRPCMessage } from '@plugboard/protocol'
import { InMemoryTransport, withSchemaCheck, type SchemaViolation } from '@plugboard/protocol/testing'
import type { McpServer } from '@plugboard/server'
import { Client, type ClientOptions } from '../src/index.js'
import { REVISION, recording, type EraName } from './raw-server.js'

/**
 * A Client pinned to `era`'s revision, connected in memory to a real `McpServer` (which serves both
 * eras). What the client sends is recorded (`sent`) and checked against the official JSON Schema
 * of the revision in force (`violations`). `reconnect()` connects the same client again over a new
 * pair, as after a dropped connection. `inject()` sends the client a message as if the server had.
 */
export async function connectToMcpServer(server: McpServer, era: EraName, options: ClientOptions = {}, beforeConnect?: (client: Client) => void) {
  const client = new Client({ name: 'test-host', version: '1.0.0' }, { versionNegotiation: { mode: { pin: REVISION[era] } }, ...options })
  const checks: { violations: SchemaViolation[] }[] = []
  const sent: ReturnType<typeof recording>['sent'] = []
  let current: InMemoryTransport | undefined
  const pair = async () => {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
    current = serverSide
    await server.connect(serverSide)
    const checked = withSchemaCheck(clientSide, () => client.getNegotiatedProtocolVersion() ?? REVISION.legacy)
    const recorded = recording(checked)
    const push = recorded.transport.send
    recorded.transport.send = (message, sendOptions) => (sent.push(...[message].flat()), push(message, sendOptions))
    checks.push(checked)
    return recorded.transport
  }
  beforeConnect?.(client)
  await client.connect(await pair())
  return {
    client,
    sent,
    /** Schema violations so far (those of closed connections included). */
    violations: () => checks.flatMap((check) => check.violations),
    reconnect: async () => client.connect(await pair()),
    inject: (message: JSONRPCMessage) => current!.send(message),
  }
}
