import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  MODERN_PROTOCOL_VERSIONS,
  PROTOCOL_VERSION_META_KEY,
  SUBSCRIPTION_ID_META_KEY,
  Session,
  legacyEra,
  modernEra,
  type JSONRPCMessage,
  type JSONRPCNotification,
  type JSONRPCRequest,
  type JSONRPCResponse,
  type MessageInfo,
  type RequestContext,
  type RequestId,
  type ServerHello,
  type SubscriptionFilter,
  type Transport,
} from '@plugboard/protocol'
import { InMemoryTransport, withSchemaCheck, type SchemaCheckedTransport } from '@plugboard/protocol/testing'
import { expect } from 'vitest'
import type { McpServer, ServerSession } from '../src/index.js'

/**
 * The revisions behaviour suites run under: a legacy revision before structured output, the latest
 * legacy one (both with the initialize handshake), and the modern era (per-request `_meta`).
 */
export const ERAS = ['2025-03-26', '2025-11-25', '2026-07-28'] as const
/** The revisions with an initialize handshake, for what only exists there (setLevel, resources/subscribe, ping…). */
export const LEGACY_ERAS = ['2025-03-26', '2025-11-25'] as const
/** The modern revision (no handshake: `_meta` on every request). */
export const MODERN = '2026-07-28'

/** Whether `protocolVersion` is of the modern era. */
export const isModern = (protocolVersion: string): boolean => (MODERN_PROTOCOL_VERSIONS as readonly string[]).includes(protocolVersion)

/** What the test client calls itself. */
export const CLIENT_INFO = { name: 'test-client', version: '1.0.0' }

/** Notifications a test client records, by method. */
const RECORDED = [
  'notifications/tools/list_changed',
  'notifications/resources/list_changed',
  'notifications/prompts/list_changed',
  'notifications/resources/updated',
  'notifications/message',
  'notifications/elicitation/complete',
  'notifications/subscriptions/acknowledged',
  'notifications/tasks/status',
] as const

export interface TestClient {
  /** A raw protocol session in the client role, already initialized (legacy) or opened with `server/discover` (modern). */
  client: Session
  /** The server's handle of this connection. */
  server: ServerSession
  protocolVersion: string
  /** What the server answered to initialize (legacy) or server/discover (modern). */
  hello: ServerHello
  /** Every recorded notification received so far, in order. */
  notifications: JSONRPCNotification[]
  /** Recorded notifications of one method. */
  received(method: string): Array<Record<string, unknown>>
  /** Every message the client sent, as it went on the wire (ids and `_meta` included). */
  sent: JSONRPCMessage[]
  /** Every message the client received, as it came off the wire. */
  inbox: JSONRPCMessage[]
  /** The first recorded notification of `method` matching `where` (already received or still to come). */
  next(method: string, where?: (params: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>
  /**
   * A request the server answers in every era (`ping`, or `server/discover` in 2026-07-28, which has
   * no ping): once it resolves, everything the server sent before its answer has arrived.
   */
  roundTrip(): Promise<void>
  /** The server-side transport, checked against the official JSON Schema. */
  transport: SchemaCheckedTransport<InMemoryTransport>
}

export interface ConnectOptions {
  protocolVersion?: string
  capabilities?: Record<string, unknown>
  /** Handlers for requests the server sends (sampling, elicitation, roots), installed before initialize; in 2026-07-28 they answer `input_required` rounds. */
  handlers?: Record<string, (params: Record<string, unknown>, ctx: RequestContext) => unknown>
  /** Passed to `server.connect()`. */
  sessionId?: string
  /** Passed with every message the server receives (fakes HTTP session and auth info). */
  messageInfo?: InMemoryTransport['messageInfo']
}

const open: Array<{ close(): Promise<unknown>; transport: { readonly violations: unknown[] } }> = []

/** A linked pair, its server side connected to `server` and schema-checked against `revision`; what the client side sends is recorded. */
async function link(server: McpServer, revision: () => string, options: { sessionId?: string; messageInfo?: InMemoryTransport['messageInfo'] }) {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
  serverSide.messageInfo = options.messageInfo
  const transport = withSchemaCheck(serverSide, revision)
  const handle = await server.connect(transport, { sessionId: options.sessionId })
  const sent: JSONRPCMessage[] = []
  const send = clientSide.send.bind(clientSide)
  clientSide.send = (message, sendOptions) => {
    for (const m of Array.isArray(message) ? message : [message]) sent.push(structuredClone(m))
    return send(message, sendOptions)
  }
  return { clientSide, transport, handle, sent }
}

/**
 * Connects a raw client session to `server` over an in-memory pair, with everything the server
 * sends checked against the official JSON Schema of the revision in force. A legacy revision opens
 * with `initialize`; a modern one with `server/discover`, after which every request is stamped with
 * `_meta` and `input_required` answers are settled with `handlers`.
 */
export async function connect(server: McpServer, options: ConnectOptions = {}): Promise<TestClient> {
  const protocolVersion = options.protocolVersion ?? '2025-11-25'
  const modern = isModern(protocolVersion)
  const capabilities = options.capabilities ?? {}
  const { clientSide, transport, handle, sent } = await link(server, () => protocolVersion, options)
  const client = new Session({ role: 'client', localCapabilities: capabilities })
  const notifications: JSONRPCNotification[] = []
  for (const [method, handler] of Object.entries(options.handlers ?? {})) client.setRequestHandler(method, (params, ctx) => handler(params, ctx) as never)
  const waiters = new Set<{ method: string; where: (params: Record<string, unknown>) => boolean; resolve: (params: Record<string, unknown>) => void }>()
  for (const method of RECORDED) {
    client.setNotificationHandler(method, (params) => {
      notifications.push({ jsonrpc: '2.0', method, params })
      for (const waiter of waiters) {
        if (waiter.method !== method || !waiter.where(params)) continue
        waiters.delete(waiter)
        waiter.resolve(params)
      }
    })
  }
  await client.connect(clientSide)
  const inbox: JSONRPCMessage[] = []
  const deliver = clientSide.onmessage!
  clientSide.onmessage = (message, info) => {
    for (const m of Array.isArray(message) ? message : [message]) inbox.push(m)
    deliver(message, info)
  }
  const next = (method: string, where: (params: Record<string, unknown>) => boolean = () => true) => {
    const seen = notifications.find((n) => n.method === method && where(n.params ?? {}))
    if (seen) return Promise.resolve(seen.params ?? {})
    return new Promise<Record<string, unknown>>((resolve) => waiters.add({ method, where, resolve }))
  }
  const hello = modern
    ? await modernEra().open(client, { clientInfo: CLIENT_INFO, capabilities, protocolVersion })
    : await legacyEra.open(client, { clientInfo: CLIENT_INFO, capabilities, protocolVersion })
  const received = (method: string) => notifications.filter((n) => n.method === method).map((n) => n.params ?? {})
  const roundTrip = async () => void (await client.request(modern ? 'server/discover' : 'ping', {} as never))
  const testClient: TestClient = { client, server: handle, protocolVersion, hello, notifications, received, sent, inbox, next, roundTrip, transport }
  open.push({ close: () => client.close(), transport })
  return testClient
}

/** A `subscriptions/listen` stream opened by a modern test client. */
export interface Listen {
  /** The JSON-RPC id of the listen request, which is the subscription id. */
  id: RequestId
  /** The `notifications` filter the server acknowledged it will honour. */
  acknowledged: Record<string, unknown>
  /** Notifications of `method` delivered on this stream (stamped with its subscription id). */
  received(method: string): Array<Record<string, unknown>>
  /** The listen request's outcome: a result when the server ends the stream, a rejection when it is cancelled or the connection closes. */
  result: Promise<Record<string, unknown>>
  /** Cancels the stream from the client (`notifications/cancelled`). */
  cancel(reason?: string): void
}

/** The subscription id a notification carries in `_meta`, if any. */
export const subscriptionOf = (params: Record<string, unknown>): unknown => (params._meta as Record<string, unknown> | undefined)?.[SUBSCRIPTION_ID_META_KEY]

/** Opens a `subscriptions/listen` stream on a modern test client and waits for its acknowledgement. */
export async function listen(c: TestClient, notifications: SubscriptionFilter): Promise<Listen> {
  const controller = new AbortController()
  const before = c.sent.length
  const result = c.client.request('subscriptions/listen', { notifications }, { signal: controller.signal })
  result.catch(() => {}) // a stream that is never ended gracefully rejects when the test closes the connection
  const request = c.sent.slice(before).find((m) => 'method' in m && m.method === 'subscriptions/listen')
  if (!request || !('id' in request) || request.id === undefined || request.id === null) throw new Error('subscriptions/listen was not sent')
  const id: RequestId = request.id
  const ack = await c.next('notifications/subscriptions/acknowledged', (p) => subscriptionOf(p) === id)
  // The server starts delivering only after the acknowledgement was sent (it awaits the send, then
  // registers the stream): one more round trip makes sure a change the test makes next is seen.
  await c.roundTrip()
  return {
    id,
    acknowledged: ack.notifications as Record<string, unknown>,
    received: (method) => c.received(method).filter((p) => subscriptionOf(p) === id),
    result,
    cancel: (reason = 'done listening') => controller.abort(reason),
  }
}

/** The `_meta` of a modern request: protocol version, client capabilities and info, plus `extra`. */
export function modernMeta(capabilities: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { [PROTOCOL_VERSION_META_KEY]: MODERN, [CLIENT_CAPABILITIES_META_KEY]: capabilities, [CLIENT_INFO_META_KEY]: CLIENT_INFO, ...extra }
}

/** A wire-level client: sends exactly what the test writes and hands back whole JSON-RPC responses. */
export interface RawClient {
  /** Sends a request (id: the next number unless given) and resolves with its response, result or error. */
  request(method: string, params?: Record<string, unknown>, options?: { id?: RequestId }): Promise<JSONRPCResponse>
  /** Sends a request and resolves with its result; fails the test on an error response. */
  result(method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>
  notify(method: string, params?: Record<string, unknown>): Promise<void>
  /** Sends any message as it is (a response to one of `requests`). */
  send(message: JSONRPCMessage): Promise<void>
  /** Every notification received, in order. */
  notifications: JSONRPCNotification[]
  received(method: string): Array<Record<string, unknown>>
  /** Requests the server sent to this client (none are answered). */
  requests: JSONRPCRequest[]
  server: ServerSession
  transport: SchemaCheckedTransport<InMemoryTransport>
  close(): Promise<void>
}

export interface RawConnectOptions {
  /** The revision the server's messages are checked against, read per message (default 2026-07-28). */
  revision?: () => string
  /** Passed with every message the server receives (fakes HTTP session and auth info). */
  messageInfo?: InMemoryTransport['messageInfo']
}

/**
 * Connects a wire-level client to `server`: no era, no stamping, no settling — for what a real
 * client never sends (tampered state, missing `_meta`) and for raw `input_required` results.
 * The server's messages are still checked against the schema of `options.revision`.
 */
export async function connectRaw(server: McpServer, options: RawConnectOptions = {}): Promise<RawClient> {
  const { clientSide, transport, handle } = await link(server, options.revision ?? (() => MODERN), options)
  const notifications: JSONRPCNotification[] = []
  const requests: JSONRPCRequest[] = []
  const waiting = new Map<RequestId, (response: JSONRPCResponse) => void>()
  let nextId = 1
  clientSide.onmessage = (payload) => {
    for (const message of Array.isArray(payload) ? payload : [payload]) {
      if ('method' in message) {
        if ('id' in message && message.id !== undefined) requests.push(message as JSONRPCRequest)
        else notifications.push(message as JSONRPCNotification)
        continue
      }
      const response = message as JSONRPCResponse
      const resolve = response.id === null ? undefined : waiting.get(response.id)
      if (resolve && response.id !== null) {
        waiting.delete(response.id)
        resolve(response)
      }
    }
  }
  await clientSide.start()
  const raw: RawClient = {
    request(method, params, requestOptions = {}) {
      const id = requestOptions.id ?? nextId++
      const message: JSONRPCRequest = { jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) } as JSONRPCRequest
      const answered = new Promise<JSONRPCResponse>((resolve) => waiting.set(id, resolve))
      return clientSide.send(message).then(() => answered)
    },
    async result(method, params) {
      const response = await raw.request(method, params)
      expect(response).toHaveProperty('result')
      return (response as { result: Record<string, unknown> }).result
    },
    notify: (method, params) => clientSide.send({ jsonrpc: '2.0', method, ...(params === undefined ? {} : { params }) } as JSONRPCNotification),
    send: (message) => clientSide.send(message),
    notifications,
    received: (method) => notifications.filter((n) => n.method === method).map((n) => n.params ?? {}),
    requests,
    server: handle,
    transport,
    close: () => clientSide.close(),
  }
  open.push({ close: raw.close, transport })
  return raw
}

/** What `dispatch()` returns: the response to come, and every related message sent to the reply so far. */
export interface Dispatched {
  response: Promise<JSONRPCResponse | undefined>
  replies: JSONRPCMessage[]
}

/**
 * Serves `message` with `server.dispatch()` — no connection, as a modern or stateless HTTP POST is
 * served — checking its response and every related message against the schema of `revision`
 * (violations fail the test in `closeAll()`).
 */
export function dispatch(server: McpServer, message: JSONRPCRequest, info?: MessageInfo, revision = MODERN): Dispatched {
  const replies: JSONRPCMessage[] = []
  let sink = replies
  const checked = withSchemaCheck<Transport>(
    { start: async () => {}, close: async () => {}, send: async (m) => void sink.push(...(Array.isArray(m) ? m : [m])) },
    () => revision,
  )
  checked.onmessage = () => {}
  checked.onmessage!(message) // so the check knows which result definition the response must meet
  const response = server.dispatch(message, (m, o) => checked.send(m, o), info).then(async (r) => {
    sink = []
    if (r) await checked.send(r)
    return r
  })
  open.push({ close: async () => {}, transport: checked })
  return { response, replies }
}

/** Closes every client `connect()`/`connectRaw()` opened and fails the test if the server sent anything off-spec, there or to a `dispatch()`. */
export async function closeAll(): Promise<void> {
  const clients = open.splice(0)
  await Promise.all(clients.map((c) => c.close()))
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
