import { ErrorCode, type ElicitRequestFormParams, type ElicitRequestURLParams } from '@plugboard/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import type { Client, ElicitationHandlers } from '../src/index.js'
import { connectToRawServer, expectNoViolations, nextCall } from './raw-server.js'

const open: Client[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()))
})

const form: ElicitRequestFormParams = {
  mode: 'form',
  message: 'Who are you?',
  requestedSchema: { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 0 } }, required: ['name'] },
}
const url: ElicitRequestURLParams = { mode: 'url', message: 'Sign in to continue', elicitationId: 'el-1', url: 'https://example.com/login?state=el-1' }

async function elicitingServer(elicitation: ElicitationHandlers) {
  const pair = await connectToRawServer({ client: { elicitation } })
  open.push(pair.client)
  return pair
}

describe('elicitation', () => {
  it('declares elicitation.form for a form handler and answers a form request with it', async () => {
    const { server, violations } = await elicitingServer({ form: (params) => ({ action: 'accept', content: { name: `Ada (${params.message})` } }) })
    expect(server.state.peer.capabilities).toEqual({ elicitation: { form: {} } })
    await expect(server.request('elicitation/create', form)).resolves.toEqual({ action: 'accept', content: { name: 'Ada (Who are you?)' } })
    expectNoViolations(violations)
  })

  it('fills fields an accepted answer leaves out with their schema defaults when applyDefaults is set, and only then', async () => {
    const withDefaults: ElicitRequestFormParams = {
      mode: 'form',
      message: 'Preferences',
      requestedSchema: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          color: { type: 'string', enum: ['red', 'green'], default: 'green' },
          count: { type: 'integer', default: 3 },
          subscribe: { type: 'boolean', default: false },
        },
        required: ['name'],
      },
    }
    const on = await elicitingServer({ form: () => ({ action: 'accept', content: { name: 'Ada', count: 7 } }), applyDefaults: true })
    await expect(on.server.request('elicitation/create', withDefaults)).resolves.toEqual({ action: 'accept', content: { name: 'Ada', count: 7, color: 'green', subscribe: false } })
    expectNoViolations(on.violations)
    const off = await elicitingServer({ form: () => ({ action: 'accept', content: { name: 'Ada' } }) })
    await expect(off.server.request('elicitation/create', withDefaults)).resolves.toEqual({ action: 'accept', content: { name: 'Ada' } })
    const declined = await elicitingServer({ form: () => ({ action: 'decline' }), applyDefaults: true })
    await expect(declined.server.request('elicitation/create', withDefaults)).resolves.toEqual({ action: 'decline' })
  })

  it('routes a request without mode to the form handler (the pre-2025-11-25 shape)', async () => {
    const { server } = await elicitingServer({ form: () => ({ action: 'decline' }) })
    const { mode: _, ...modeless } = form
    await expect(server.request('elicitation/create', modeless)).resolves.toEqual({ action: 'decline' })
  })

  it('declares both modes and routes URL-mode requests to the url handler', async () => {
    const opened: ElicitRequestURLParams[] = []
    const { server, violations } = await elicitingServer({
      form: () => ({ action: 'cancel' }),
      url: (params) => (opened.push(params), { action: 'accept' }),
    })
    expect(server.state.peer.capabilities).toEqual({ elicitation: { form: {}, url: {} } })
    await expect(server.request('elicitation/create', url)).resolves.toEqual({ action: 'accept' })
    expect(opened).toEqual([expect.objectContaining({ elicitationId: 'el-1', url: url.url })])
    expectNoViolations(violations)
  })

  it('answers -32602 to a URL-mode request when only a form handler is set', async () => {
    const { server } = await elicitingServer({ form: () => ({ action: 'cancel' }) })
    await expect(server.request('elicitation/create', url)).rejects.toMatchObject({ code: ErrorCode.InvalidParams, message: expect.stringMatching(/URL-mode/) })
  })

  it('answers -32602 to a form request when only a url handler is set', async () => {
    const { server } = await elicitingServer({ url: () => ({ action: 'accept' }) })
    expect(server.state.peer.capabilities).toEqual({ elicitation: { url: {} } })
    await expect(server.request('elicitation/create', form)).rejects.toMatchObject({ code: ErrorCode.InvalidParams })
  })

  it('refuses a form answer that breaks requestedSchema: -32603 to the server, an error event on the client', async () => {
    const { client, server } = await elicitingServer({ form: () => ({ action: 'accept', content: { age: -3 } }) })
    const errors: Error[] = []
    client.on('error', (e) => errors.push(e))
    await expect(server.request('elicitation/create', form)).rejects.toMatchObject({ code: ErrorCode.InternalError })
    expect(errors[0]?.message).toMatch(/requestedSchema/)
  })

  it('answers -32601 when the client declared no elicitation', async () => {
    const { client, server } = await connectToRawServer()
    open.push(client)
    server.state.peer.capabilities = { elicitation: {} }
    await expect(server.request('elicitation/create', form)).rejects.toMatchObject({ code: ErrorCode.MethodNotFound })
  })

  it('emits elicitationComplete for notifications/elicitation/complete', async () => {
    const { client, server } = await elicitingServer({ url: () => ({ action: 'accept' }) })
    const complete = nextCall<{ elicitationId: string }>()
    client.on('elicitationComplete', complete.resolve)
    await server.notify('notifications/elicitation/complete', { elicitationId: 'el-1' })
    expect(await complete.promise).toEqual({ elicitationId: 'el-1' })
  })
})
