import { describe, expect, it } from 'vitest'
import { legacyEra } from './era/legacy.js'
import { modernEra } from './era/modern.js'
import { Router } from './session/router.js'
import { Session } from './session/session.js'
import { InMemoryTransport } from './testing/in-memory.js'
import { propagateTraceContext, traceContextOf } from './trace.js'

const TRACE = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', tracestate: 'vendor=1', baggage: 'user=ada' }

async function pair(era: 'legacy' | 'modern') {
  const eras = [modernEra(), legacyEra]
  const router = new Router({ role: 'server', eras, capabilities: () => ({ tools: {} }) })
  const identity = { serverInfo: { name: 'traced', version: '1' }, capabilities: () => ({ tools: {} }), supportedVersions: eras.flatMap((e) => e.versions) }
  for (const e of eras) e.serve(router, identity)
  const seen: unknown[] = []
  router.setRequestHandler('tools/call', async (_params, ctx) => {
    seen.push(traceContextOf(ctx.meta))
    const answer = (await ctx.sendRequest('elicitation/create', { message: 'ok?', requestedSchema: { type: 'object', properties: {} } })) as { action: string }
    return { content: [{ type: 'text', text: answer.action }] }
  })
  const [c, s] = InMemoryTransport.createLinkedPair()
  await new Session({ role: 'server', router, localCapabilities: { tools: {} } }).connect(s)
  const client = new Session({ role: 'client', localCapabilities: { elicitation: {} } })
  client.setRequestHandler('elicitation/create', () => ({ action: 'accept', content: {} }))
  await client.connect(c)
  const hello = { clientInfo: { name: 'c', version: '1' }, capabilities: { elicitation: {} } }
  await (era === 'modern' ? modernEra().open(client, hello) : legacyEra.open(client, hello))
  return { client, seen }
}

describe('trace context propagation', () => {
  it('reads traceparent, tracestate and baggage from _meta, and nothing when absent', () => {
    expect(traceContextOf({ ...TRACE, other: 1 })).toEqual(TRACE)
    expect(traceContextOf({ traceparent: 42 })).toBeUndefined()
    expect(traceContextOf(undefined)).toBeUndefined()
  })

  it.each(['legacy', 'modern'] as const)('carries the caller trace context to the handler, on every input round too (%s)', async (era) => {
    const { client, seen } = await pair(era)
    client.use(propagateTraceContext(() => TRACE))
    await expect(client.request('tools/call', { name: 'x' })).resolves.toMatchObject({ content: [{ text: 'accept' }] })
    // Legacy: one run (a real elicitation request). Modern: two runs, the retry carrying the same trace.
    expect(seen).toEqual(era === 'modern' ? [TRACE, TRACE] : [TRACE])
    await client.close()
  })

  it('leaves _meta alone when there is no current trace', async () => {
    const { client, seen } = await pair('modern')
    client.use(propagateTraceContext(() => undefined))
    await client.request('tools/call', { name: 'x' })
    expect(seen).toEqual([undefined, undefined])
    await client.close()
  })
})
