import { describe, expect, it } from 'vitest'
import { legacyEra } from '../era/legacy.js'
import { modernEra } from '../era/modern.js'
import { ErrorCode } from '../errors.js'
import type { JSONRPCRequest } from '../jsonrpc/messages.js'
import { CLIENT_CAPABILITIES_META_KEY, PROTOCOL_VERSION_META_KEY } from '../revisions/index.js'
import type { RequestContext } from './context.js'
import { Router } from './router.js'

// What the router offers extensions: a name the core dropped in a revision can be served again
// there, middleware can hand the handler a context of its own and answer before the handler ends,
// and an extension's result type goes out as the handler set it.

const MODERN = '2026-07-28'
const request = (method: string, params: Record<string, unknown> = {}, id = 1): JSONRPCRequest => ({
  jsonrpc: '2.0',
  id,
  method,
  params: { ...params, _meta: { [PROTOCOL_VERSION_META_KEY]: MODERN, [CLIENT_CAPABILITIES_META_KEY]: {} } },
})
const router = () => {
  const r = new Router({ role: 'server', eras: [modernEra(), legacyEra], capabilities: () => ({ tools: {} }) })
  for (const era of r.eras) era.serve(r, { serverInfo: { name: 's', version: '1' }, capabilities: () => ({}), supportedVersions: [MODERN, '2025-11-25'] })
  return r
}

describe('Router', () => {
  it('answers a method the table ends before this revision with -32601, unless an extension claimed the name', async () => {
    const r = router()
    r.setRequestHandler('tasks/get' as string, () => ({ resultType: 'complete', taskId: 't' }))
    expect(await r.handle(request('tasks/get', { taskId: 't' }), { reply: async () => {} })).toMatchObject({ error: { code: ErrorCode.MethodNotFound } })
    const unclaim = r.claim('tasks/get')
    expect(await r.handle(request('tasks/get', { taskId: 't' }), { reply: async () => {} })).toMatchObject({ result: { taskId: 't' } })
    unclaim()
    expect(await r.handle(request('tasks/get', { taskId: 't' }), { reply: async () => {} })).toMatchObject({ error: { code: ErrorCode.MethodNotFound } })
  })

  it('lets middleware hand the handler its own context, answer first, and keep an extension resultType', async () => {
    const r = router()
    const own = new AbortController()
    let seen: AbortSignal | undefined
    let finish!: () => void
    const finished = new Promise<void>((resolve) => (finish = resolve))
    r.setRequestHandler('tools/call', async (_params, ctx) => {
      seen = ctx.signal
      await finished
      return { content: [] }
    })
    r.use(async (call, next) => {
      const ctx = Object.create(call.ctx!, { signal: { value: own.signal } }) as RequestContext
      void next(ctx)
      return { resultType: 'task', taskId: 't' }
    })
    const response = await r.handle(request('tools/call', { name: 'x' }), { reply: async () => {} })
    expect(response).toMatchObject({ result: { resultType: 'task', taskId: 't' } })
    expect(seen).toBe(own.signal)
    finish()
  })
})
