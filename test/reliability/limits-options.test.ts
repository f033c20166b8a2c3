// The engine's limits set through the public options of McpServer and Client, between real peers.
import { Client, type ClientOptions } from '@plugboard/client'
import { ErrorCode, McpError } from '@plugboard/protocol'
import { InMemoryTransport } from '@plugboard/protocol/testing'
import { McpServer, type McpServerOptions } from '@plugboard/server'
import { describe, expect, it } from 'vitest'

const ERAS = ['2025-11-25', '2026-07-28'] as const

/** A tool that ends only when its call is cancelled; `started` counts calls that reached it. */
function hangingServer(options: McpServerOptions = {}) {
  const server = new McpServer({ name: 'hang', version: '0.0.0' }, options)
  const state = { started: 0, cancelled: 0 }
  server.registerTool('hang', {}, (_args, ctx) => {
    state.started++
    return new Promise<{ content: [] }>((resolve) =>
      ctx.signal.addEventListener('abort', () => {
        state.cancelled++
        resolve({ content: [] })
      }),
    )
  })
  server.registerTool('quick', {}, () => ({ content: [{ type: 'text', text: 'ok' }] }))
  return { server, state }
}

async function pair(server: McpServer, version: string, options: ClientOptions = {}) {
  const client = new Client({ name: 'limits', version: '0.0.0' }, { versionNegotiation: { mode: { pin: version } }, ...options })
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
  await server.connect(serverSide)
  await client.connect(clientSide)
  return client
}

const until = async (done: () => boolean) => {
  while (!done()) await new Promise((r) => setImmediate(r))
}

describe.each(ERAS)('Client limits (%s)', (version) => {
  it('gives up on the oldest call past maxPendingRequests: 2 with RequestCancelled and data.maxPendingRequests', async () => {
    const { server, state } = hangingServer()
    const client = await pair(server, version, { maxPendingRequests: 2 })
    const calls = [1, 2, 3].map(() => client.callTool({ name: 'hang', arguments: {} }).then(() => 'answered', (e: unknown) => e))
    const oldest = await calls[0]
    expect(oldest).toBeInstanceOf(McpError)
    expect(oldest).toMatchObject({ code: ErrorCode.RequestCancelled, data: { maxPendingRequests: 2 } })
    // The server is told with notifications/cancelled (legacy: its handler's signal aborts).
    if (version === '2025-11-25') await until(() => state.cancelled >= 1)
    // The two newest still wait: closing ends them.
    await client.close()
    for (const outcome of await Promise.all(calls.slice(1))) expect(outcome).toMatchObject({ code: ErrorCode.ConnectionClosed })
    await server.close()
  })
})

describe.each(ERAS)('McpServer limits (%s)', (version) => {
  it('answers a second concurrent request past maxInflightRequests: 1 with -32603 and data.maxInflightRequests, then serves again', async () => {
    const { server, state } = hangingServer({ maxInflightRequests: 1 })
    const client = await pair(server, version)
    const first = client.callTool({ name: 'hang', arguments: {} }, { timeout: 5_000 }).catch((e: unknown) => e)
    await until(() => state.started === 1)
    const second = await client.callTool({ name: 'quick', arguments: {} }).catch((e: unknown) => e)
    expect(second).toBeInstanceOf(McpError)
    expect(second).toMatchObject({ code: ErrorCode.InternalError, data: { maxInflightRequests: 1 } })
    await client.close()
    expect(await first).toMatchObject({ code: ErrorCode.ConnectionClosed })
    await server.close()
  })
})

describe('limits on server-to-client requests (2025-11-25: the server asks on the connection)', () => {
  it('McpServer maxPendingRequests: 2 gives up on the oldest elicitation the client never answers', async () => {
    const server = new McpServer({ name: 'asker', version: '0.0.0' }, { maxPendingRequests: 2 })
    server.registerTool('ask3', {}, async (_args, ctx) => {
      const asks = [1, 2, 3].map((i) => ctx.elicit({ mode: 'form', message: `q${i}`, requestedSchema: { type: 'object', properties: {} } }, { timeout: 60_000 }).then(() => 'answered', (e: McpError) => e))
      const oldest = await asks[0]
      return { content: [{ type: 'text', text: JSON.stringify({ code: (oldest as McpError).code, data: (oldest as McpError).data }) }] }
    })
    const unanswered = new Promise<never>(() => {})
    const client = await pair(server, '2025-11-25', { elicitation: { form: () => unanswered } })
    const result = await client.callTool({ name: 'ask3', arguments: {} })
    const text = (result.content as Array<{ text: string }>)[0]!.text
    expect(JSON.parse(text)).toEqual({ code: ErrorCode.RequestCancelled, data: { maxPendingRequests: 2 } })
    await client.close()
    await server.close()
  })

  it('Client maxInflightRequests: 1 answers a second concurrent elicitation with -32603 and data.maxInflightRequests', async () => {
    const server = new McpServer({ name: 'asker', version: '0.0.0' })
    server.registerTool('ask2', {}, async (_args, ctx) => {
      // The first stays unanswered while the second is asked.
      void ctx.elicit({ mode: 'form', message: 'first', requestedSchema: { type: 'object', properties: {} } }).catch(() => {})
      const second = await ctx.elicit({ mode: 'form', message: 'second', requestedSchema: { type: 'object', properties: {} } }).catch((e: McpError) => e)
      return { content: [{ type: 'text', text: JSON.stringify({ code: (second as McpError).code, data: (second as McpError).data }) }] }
    })
    let release!: () => void
    const held = new Promise<void>((r) => (release = r))
    const client = await pair(server, '2025-11-25', {
      maxInflightRequests: 1,
      elicitation: {
        form: async () => {
          await held
          return { action: 'decline' }
        },
      },
    })
    const text = ((await client.callTool({ name: 'ask2', arguments: {} })).content as Array<{ text: string }>)[0]!.text
    expect(JSON.parse(text)).toEqual({ code: ErrorCode.InternalError, data: { maxInflightRequests: 1 } })
    release()
    await client.close()
    await server.close()
  })
})
