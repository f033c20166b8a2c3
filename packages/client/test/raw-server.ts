import {
  SUPPORTED_PROTOCOL_VERSIONS, legacyEra, Session, type JSONRPCMessage, type Transport } from '@plugboard/protocol'
import { InMemoryTransport, withSchemaCheck, type SchemaViolation } from '@plugboard/protocol/testing'
import { expect } from 'vitest'
import { Client, type ClientOptions } from '../src/index.js'

export interface RawServerOptions {
  /** What the raw server declares (also its session's local capabilities). */
  capabilities?: Record<string, unknown>
  /** Revisions the raw server speaks. */
  supportedVersions?: readonly string[]
  instructions?: string
  client?: ClientOptions
  /** Register server handlers before the handshake. */
  setup?: (server: Session) => void
}

/** A transport wrapper that records every message the client sends. */
function recording(inner: Transport): { transport: Transport; sent: JSONRPCMessage[] } {
  const sent: JSONRPCMessage[] = []
  const transport: Transport = {
    start: () => inner.start(),
    close: () => inner.close(),
    send: (message, options) => {
      sent.push(...(Array.isArray(message) ? message : [message]))
      return inner.send(message, options)
    },
  }
  inner.onmessage = (message, info) => transport.onmessage?.(message, info)
  inner.onclose = () => transport.onclose?.()
  inner.onerror = (error) => transport.onerror?.(error)
  return { transport, sent }
}

/**
 * A Client against a raw protocol `Session` playing the server (no McpServer), over an in-memory
 * pair. Everything the client sends is checked against the official JSON Schema of the revision
 * in force; `violations` must stay empty (see `expectNoViolations`).
 */
export async function connectToRawServer(options: RawServerOptions = {}) {
  const { client, server, ...rest } = await rawPair(options)
  await client.connect(rest.clientTransport)
  return { client, server, ...rest }
}

/** The same wiring as `connectToRawServer`, without connecting the client. */
export async function rawPair(options: RawServerOptions = {}) {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
  const capabilities = options.capabilities ?? {}
  const server = new Session({ role: 'server', localCapabilities: capabilities })
  legacyEra.serve(server.router, {
    serverInfo: { name: 'raw-server', version: '0.1.0' },
    capabilities: () => capabilities,
    instructions: options.instructions,
    supportedVersions: options.supportedVersions ?? SUPPORTED_PROTOCOL_VERSIONS,
  })
  options.setup?.(server)
  await server.connect(serverSide)
  const client = new Client({ name: 'test-host', version: '1.0.0' }, options.client)
  const checked = withSchemaCheck(clientSide, () => client.getNegotiatedProtocolVersion() ?? '2025-11-25')
  const { transport, sent } = recording(checked)
  const violations: SchemaViolation[] = checked.violations
  return { client, server, sent, violations, clientTransport: transport, serverTransport: serverSide }
}

/** The messages of `sent` with this method. */
export const withMethod = (sent: JSONRPCMessage[], method: string) => sent.filter((m) => 'method' in m && m.method === method)

export function expectNoViolations(violations: SchemaViolation[]): void {
  expect(violations).toEqual([])
}

/** A promise of the next value passed to the returned callback. */
export function nextCall<T = unknown>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}
