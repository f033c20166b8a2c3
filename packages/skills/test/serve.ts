import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Client, type ClientOptions } from '@plugboard/client'
import type { JSONRPCMessage } from '@plugboard/protocol'
import { withSchemaCheck } from '@plugboard/protocol/testing'
import type { McpServer } from '@plugboard/server'
import { createMcpHandler, StreamableHTTPClientTransport, toNodeHandler } from '@plugboard/transport-http'
import { expect } from 'vitest'

export const ERAS = ['legacy', 'modern'] as const
export type EraName = (typeof ERAS)[number]
export const REVISION: Record<EraName, string> = { legacy: '2025-11-25', modern: '2026-07-28' }

const closers: (() => Promise<void>)[] = []

/**
 * Serves `server` over Streamable HTTP on 127.0.0.1 (a free port) and connects a `Client` pinned to
 * `era`'s revision. What the client sends is checked against the official JSON Schema
 * (`violations`) and its request methods recorded (`methods`). {@link closeAll} ends both.
 */
export async function connectOverHttp(server: McpServer, era: EraName, options: ClientOptions = {}) {
  const handler = createMcpHandler(server, { path: '/mcp' })
  const http = createServer(toNodeHandler(handler))
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  const url = new URL(`http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`)
  const client = new Client({ name: 'skills-test', version: '1.0.0' }, { versionNegotiation: { mode: { pin: REVISION[era] } }, ...options })
  const transport = new StreamableHTTPClientTransport(url)
  const methods: string[] = []
  const send = transport.send.bind(transport)
  transport.send = (message, sendOptions) => {
    for (const m of [message].flat() as JSONRPCMessage[]) if ('method' in m && 'id' in m) methods.push(m.method)
    return send(message, sendOptions)
  }
  const checked = withSchemaCheck(transport, () => client.getNegotiatedProtocolVersion() ?? REVISION.legacy)
  closers.push(async () => {
    await client.close()
    await handler.close()
    http.closeAllConnections()
    await new Promise<void>((resolve) => http.close(() => resolve()))
  })
  await client.connect(checked)
  return { client, methods, violations: () => checked.violations }
}

const sockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap' || r === 'TCPSocketWrap').length

/** Closes every client and server {@link connectOverHttp} opened and checks no listener or socket is left behind. */
export async function closeAll(): Promise<void> {
  await Promise.all(closers.splice(0).map((close) => close()))
  // Client sockets close a tick after the server ends them.
  for (let i = 0; i < 100 && sockets() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10))
  expect(sockets(), 'sockets or listeners left open').toBe(0)
}
