import { SUPPORTED_PROTOCOL_VERSIONS, legacyEra, modernEra, Session, type JSONRPCMessage, type Transport } from '@plugboard/protocol'
import { InMemoryTransport, withSchemaCheck, type SchemaViolation } from '@plugboard/protocol/testing'
import { expect } from 'vitest'
import { Client, type ClientOptions } from '../src/index.js'

/** The eras behaviour suites run in (`describe.each(ERAS)`), and the revision the client is pinned to in each. */
export const ERAS = ['legacy', 'modern'] as const
export type EraName = (typeof ERAS)[number]
export const REVISION: Record<EraName, string> = { legacy: '2025-11-25', modern: '2026-07-28' }

export interface RawServerOptions {
  /**
   * Set: the raw server serves both eras (like `McpServer`) and the client is pinned to this era's
   * revision. Unset: a legacy-only server (initialize) and a client left on `'auto'`.
   */
  era?: EraName
  /** Which eras the raw server serves: by default both when `era` is set, else legacy only. */
  serves?: 'legacy' | 'modern' | 'both'
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
export function recording(inner: Transport): { transport: Transport; sent: JSONRPCMessage[] } {
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
  const serves = options.serves ?? (options.era ? 'both' : 'legacy')
  const eras = serves === 'both' ? [modernEra(), legacyEra] : serves === 'modern' ? [modernEra()] : [legacyEra]
  const server = new Session({ role: 'server', localCapabilities: capabilities, eras })
  const identity = {
    serverInfo: { name: 'raw-server', version: '0.1.0' },
    capabilities: () => capabilities,
    instructions: options.instructions,
    supportedVersions: options.supportedVersions ?? [...eras.flatMap((era) => (era === legacyEra ? SUPPORTED_PROTOCOL_VERSIONS : era.versions))],
  }
  for (const era of eras) era.serve(server.router, identity)
  options.setup?.(server)
  await server.connect(serverSide)
  const pin = options.era ? { versionNegotiation: { mode: { pin: REVISION[options.era] } } } : {}
  const client = new Client({ name: 'test-host', version: '1.0.0' }, { ...pin, ...options.client })
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
