import { Session, legacyEra, type JSONRPCNotification, type RequestContext, type ServerHello } from '@plugboard/protocol'
import { InMemoryTransport, withSchemaCheck, type SchemaCheckedTransport } from '@plugboard/protocol/testing'
import { expect } from 'vitest'
import type { McpServer, ServerSession } from '../src/index.js'

/** The two negotiations behaviour suites run under: a legacy revision before structured output, and the latest. */
export const ERAS = ['2025-03-26', '2025-11-25'] as const

/** Notifications a test client records, by method. */
const RECORDED = [
  'notifications/tools/list_changed',
  'notifications/resources/list_changed',
  'notifications/prompts/list_changed',
  'notifications/resources/updated',
  'notifications/message',
  'notifications/elicitation/complete',
] as const

export interface TestClient {
  /** A raw protocol session in the client role, already initialized. */
  client: Session
  /** The server's handle of this connection. */
  server: ServerSession
  protocolVersion: string
  /** What the server answered to initialize. */
  hello: ServerHello
  /** Every recorded notification received so far, in order. */
  notifications: JSONRPCNotification[]
  /** Recorded notifications of one method. */
  received(method: string): Array<Record<string, unknown>>
  /** The server-side transport, checked against the official JSON Schema. */
  transport: SchemaCheckedTransport<InMemoryTransport>
}

export interface ConnectOptions {
  protocolVersion?: string
  capabilities?: Record<string, unknown>
  /** Handlers for requests the server sends (sampling, elicitation, roots), installed before initialize. */
  handlers?: Record<string, (params: Record<string, unknown>, ctx: RequestContext) => unknown>
  /** Passed to `server.connect()`. */
  sessionId?: string
  /** Passed with every message the server receives (fakes HTTP session and auth info). */
  messageInfo?: InMemoryTransport['messageInfo']
}

const open: TestClient[] = []

/**
 * Connects a raw client session to `server` over an in-memory pair, with everything the server
 * sends checked against the official JSON Schema of the negotiated revision.
 */
export async function connect(server: McpServer, options: ConnectOptions = {}): Promise<TestClient> {
  const protocolVersion = options.protocolVersion ?? '2025-11-25'
  const capabilities = options.capabilities ?? {}
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
  serverSide.messageInfo = options.messageInfo
  const transport = withSchemaCheck(serverSide, () => protocolVersion)
  const handle = await server.connect(transport, { sessionId: options.sessionId })
  const client = new Session({ role: 'client', localCapabilities: capabilities })
  const notifications: JSONRPCNotification[] = []
  for (const method of RECORDED) client.setNotificationHandler(method, (params) => void notifications.push({ jsonrpc: '2.0', method, params }))
  for (const [method, handler] of Object.entries(options.handlers ?? {})) client.setRequestHandler(method, (params, ctx) => handler(params, ctx) as never)
  await client.connect(clientSide)
  const hello = await legacyEra.open(client, { clientInfo: { name: 'test-client', version: '1.0.0' }, capabilities, protocolVersion })
  const received = (method: string) => notifications.filter((n) => n.method === method).map((n) => n.params ?? {})
  const testClient = { client, server: handle, protocolVersion, hello, notifications, received, transport }
  open.push(testClient)
  return testClient
}

/** Closes every client `connect()` opened and fails the test if the server sent anything off-spec. */
export async function closeAll(): Promise<void> {
  const clients = open.splice(0)
  await Promise.all(clients.map((c) => c.client.close()))
  for (const c of clients) expect(c.transport.violations).toEqual([])
}

/** A promise and its resolver, to wait on handler progress without sleeping. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

/** Rejection of `promise`, as a value, for `expect(...).toMatchObject({ code })`. */
export async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected the promise to reject')
}
