import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  PROTOCOL_VERSION_META_KEY,
  Session,
  legacyEra,
  modernEra,
  type JSONRPCMessage,
  type JSONRPCNotification,
  type JSONRPCPayload,
  type JSONRPCResponse,
  type ServerHello,
} from '@plugboard/protocol'
import { InMemoryTransport, withSchemaCheck, type SchemaCheckedTransport } from '@plugboard/protocol/testing'
import type { McpServer } from '@plugboard/server'
import { expect } from 'vitest'
import { createEverythingServer } from '../src/server.js'

export const MODERN = '2026-07-28'
export const LEGACY = '2025-11-25'
/** Who the referee says it is, and what it declares unless a scenario says otherwise (conformance-next's stateless client). */
export const REFEREE_CLIENT = { name: 'conformance-test-client', version: '1.0.0' }
export const REFEREE_CAPABILITIES = { sampling: {}, elicitation: {}, roots: { listChanged: true } }

/** The referee's canned answers to input requests (`Ui`, `Wi`, `Gi` in conformance-next). */
export const ANSWERS = {
  elicit: (content: Record<string, unknown>) => ({ action: 'accept', content }),
  sample: (text: string) => ({ role: 'assistant', content: { type: 'text', text }, model: 'test-model', stopReason: 'endTurn' }),
  roots: () => ({ roots: [{ uri: 'file:///test/root', name: 'Test Root' }] }),
}

/** A request the server sent the client, as the client's handler saw it. */
export interface Asked {
  method: string
  params: Record<string, unknown>
}

/** How a test client answers the server's sampling, elicitation and roots requests. */
export type ClientHandlers = Record<string, (params: Record<string, unknown>) => unknown>

export interface TestClient {
  /** A raw protocol session in the client role, opened in its era. */
  session: Session
  hello: ServerHello
  /** Every notification the server sent, in order. */
  notifications: JSONRPCNotification[]
  /** Every request the server sent the client (each answered by the handler of its method). */
  asked: Asked[]
  /** The server side of the connection; everything it sent is checked against the official schema. */
  transport: SchemaCheckedTransport<InMemoryTransport>
}

export interface ModernClient extends TestClient {
  /**
   * Sends one request as the referee's stateless client does — its `_meta` filled with protocol
   * version, client info and capabilities unless `params._meta` overrides them (`stamp: false`
   * sends `params` untouched) — and resolves with the one response: nothing settled, no retry.
   */
  send(method: string, params?: Record<string, unknown>, options?: { stamp?: boolean }): Promise<JSONRPCResponse>
}

const open: Array<{ session: Session; server: McpServer; transport: SchemaCheckedTransport<InMemoryTransport> }> = []

/** A fresh everything-server with the conformance fixtures, as `--conformance` serves it. */
export const conformanceServer = (): McpServer => createEverythingServer({ conformance: true })

async function link(server: McpServer, revision: string, handlers: ClientHandlers, capabilities: Record<string, unknown>) {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
  const transport = withSchemaCheck(serverSide, revision)
  await server.connect(transport)
  // The era is chosen by `open()`; the session's own router keeps the default (legacy) era for the
  // requests it answers, which is what a modern client's settle loop feeds it input requests through.
  const session = new Session({ role: 'client', localCapabilities: capabilities })
  const notifications: JSONRPCNotification[] = []
  const asked: Asked[] = []
  for (const [method, handler] of Object.entries(handlers)) {
    session.setRequestHandler(method, (params) => {
      asked.push({ method, params: params as Record<string, unknown> })
      return handler(params as Record<string, unknown>) as never
    })
  }
  await session.connect(clientSide)
  // Notifications are recorded here, before the session routes them, so none is missed for want of a handler.
  const deliver = clientSide.onmessage!
  const responses = new Map<string, (response: JSONRPCResponse) => void>()
  clientSide.onmessage = (payload: JSONRPCPayload, info) => {
    for (const message of Array.isArray(payload) ? payload : [payload]) {
      if ('method' in message && !('id' in message)) notifications.push(message as JSONRPCNotification)
      if (!('method' in message) && typeof message.id === 'string' && responses.has(message.id)) {
        responses.get(message.id)!(message as JSONRPCResponse)
        responses.delete(message.id)
        return
      }
    }
    deliver(payload, info)
  }
  open.push({ session, server, transport })
  return { session, clientSide, notifications, asked, transport, responses }
}

let rawIds = 0

/**
 * Connects a raw client session on the 2026-07-28 wire (`server/discover`, then `_meta` on every
 * request) to `server` over an in-memory pair. `session.request()` settles `input_required` rounds
 * with `handlers`, as a real client would; `send()` shows each round as the referee sees it.
 */
export async function connectModern(server: McpServer, options: { capabilities?: Record<string, unknown>; handlers?: ClientHandlers } = {}): Promise<ModernClient> {
  const capabilities = options.capabilities ?? REFEREE_CAPABILITIES
  const { session, clientSide, notifications, asked, transport, responses } = await link(server, MODERN, options.handlers ?? {}, capabilities)
  const hello = await modernEra().open(session, { clientInfo: REFEREE_CLIENT, capabilities, protocolVersion: MODERN })
  const send = (method: string, params: Record<string, unknown> = {}, sendOptions: { stamp?: boolean } = {}) => {
    const meta = { [PROTOCOL_VERSION_META_KEY]: MODERN, [CLIENT_INFO_META_KEY]: REFEREE_CLIENT, [CLIENT_CAPABILITIES_META_KEY]: capabilities, ...(params._meta as object | undefined) }
    const id = `raw-${++rawIds}`
    const message = { jsonrpc: '2.0', id, method, params: sendOptions.stamp === false ? params : { ...params, _meta: meta } } as JSONRPCMessage
    return new Promise<JSONRPCResponse>((resolve, reject) => {
      responses.set(id, resolve)
      clientSide.send(message).catch(reject)
    })
  }
  return { session, hello, notifications, asked, transport, send }
}

/** Connects a raw client session that negotiates a legacy revision with `initialize`. */
export async function connectLegacy(server: McpServer, options: { capabilities?: Record<string, unknown>; handlers?: ClientHandlers } = {}): Promise<TestClient> {
  const capabilities = options.capabilities ?? REFEREE_CAPABILITIES
  const { session, notifications, asked, transport } = await link(server, LEGACY, options.handlers ?? {}, capabilities)
  const hello = await legacyEra.open(session, { clientInfo: REFEREE_CLIENT, capabilities, protocolVersion: LEGACY })
  return { session, hello, notifications, asked, transport }
}

/** Handlers answering every input request with the referee's canned answers. */
export const refereeHandlers = (elicited: Record<string, unknown> = { name: 'Alice' }): ClientHandlers => ({
  'elicitation/create': () => ANSWERS.elicit(elicited),
  'sampling/createMessage': () => ANSWERS.sample('The capital of France is Paris.'),
  'roots/list': () => ANSWERS.roots(),
})

/** Closes every client and server opened so far and fails the test if the server sent anything off-spec. */
export async function closeAll(): Promise<void> {
  const links = open.splice(0)
  await Promise.all(links.map(async ({ session, server }) => {
    await server.close()
    await session.close()
  }))
  for (const { transport } of links) expect(transport.violations).toEqual([])
}

/** The `result` of a response, failing the test with the error if it is one. */
export function resultOf(response: JSONRPCResponse): Record<string, unknown> {
  if ('error' in response) throw new Error(`expected a result, got error ${JSON.stringify(response.error)}`)
  return response.result as Record<string, unknown>
}

/** The text of the first text block of a tool result. */
export function textOf(result: Record<string, unknown>): string {
  const block = (result.content as Array<{ type: string; text?: string }> | undefined)?.find((b) => b.type === 'text')
  return block?.text ?? ''
}
