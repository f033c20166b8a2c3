import { ErrorCode, McpError, type CreateMessageRequestParams, type RequestContext } from '@plugboard/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import type { Client } from '../src/index.js'
import { connectToRawServer, expectNoViolations, nextCall, rawPair } from './raw-server.js'

const open: Client[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()))
})

const ask: CreateMessageRequestParams = { messages: [{ role: 'user', content: { type: 'text', text: 'What is 1+1?' } }], maxTokens: 20 }

describe('sampling', () => {
  it('declares sampling from a handler and answers sampling/createMessage with it', async () => {
    const seen: { params: CreateMessageRequestParams; ctx: RequestContext; aborted: boolean }[] = []
    const { client, server, violations } = await connectToRawServer({
      client: {
        sampling: (params, ctx) => {
          seen.push({ params, ctx, aborted: ctx.signal.aborted })
          return { role: 'assistant', model: 'test-model', content: { type: 'text', text: '2' }, stopReason: 'endTurn' }
        },
      },
    })
    open.push(client)
    expect(server.state.peer.capabilities).toEqual({ sampling: {} })
    const result = await server.request('sampling/createMessage', ask)
    expect(result).toEqual({ role: 'assistant', model: 'test-model', content: { type: 'text', text: '2' }, stopReason: 'endTurn' })
    expect(seen[0]?.params.messages[0]?.content).toEqual({ type: 'text', text: 'What is 1+1?' })
    expect(seen[0]?.ctx.method).toBe('sampling/createMessage')
    expect(seen[0]?.aborted).toBe(false)
    expectNoViolations(violations)
  })

  it('declares sampling.tools and sampling.context when the handler opts in, and passes tools through', async () => {
    const { client, server, clientTransport } = await rawPair()
    open.push(client)
    let tools: unknown
    client.setSamplingHandler(
      (params) => {
        tools = params.tools
        return { role: 'assistant', model: 'm', content: { type: 'tool_use', id: 'call-1', name: 'lookup', input: { q: 'x' } }, stopReason: 'toolUse' }
      },
      { tools: true, context: true },
    )
    await client.connect(clientTransport)
    expect(server.state.peer.capabilities).toEqual({ sampling: { tools: {}, context: {} } })
    const result = await server.request('sampling/createMessage', { ...ask, tools: [{ name: 'lookup', inputSchema: { type: 'object' } }] })
    expect(result.stopReason).toBe('toolUse')
    expect(tools).toEqual([{ name: 'lookup', inputSchema: { type: 'object' } }])
  })

  it('answers -32602 to a request carrying tools when the handler did not opt into tools', async () => {
    const { client, server } = await connectToRawServer({ client: { sampling: () => ({ role: 'assistant', model: 'm', content: { type: 'text', text: '' } }) } })
    open.push(client)
    const error = await server.request('sampling/createMessage', { ...ask, tools: [{ name: 'lookup', inputSchema: { type: 'object' } }] }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: ErrorCode.InvalidParams, message: expect.stringMatching(/sampling\.tools/) })
  })

  it('answers -32601 to sampling/createMessage when the client declared no sampling', async () => {
    const { client, server } = await connectToRawServer({ client: { roots: [] } })
    open.push(client)
    // Pretend the client had declared sampling, so the raw server sends the request anyway.
    server.state.peer.capabilities = { ...server.state.peer.capabilities, sampling: {} }
    const error = await server.request('sampling/createMessage', ask).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpError)
    expect(error).toMatchObject({ code: ErrorCode.MethodNotFound })
  })

  it('answers -32603 when the handler throws, and reports the error on the client', async () => {
    const errors: Error[] = []
    const { client, server } = await connectToRawServer({
      client: {
        sampling: () => {
          throw new Error('model unavailable')
        },
      },
    })
    open.push(client)
    client.on('error', (e) => errors.push(e))
    const error = await server.request('sampling/createMessage', ask).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: ErrorCode.InternalError, message: 'Internal error' })
    expect(errors.map((e) => e.message)).toEqual(['model unavailable'])
  })

  it('passes a handler McpError through to the server as is', async () => {
    const { client, server } = await connectToRawServer({
      client: {
        sampling: () => {
          throw new McpError(-1, 'User rejected sampling request')
        },
      },
    })
    open.push(client)
    await expect(server.request('sampling/createMessage', ask)).rejects.toMatchObject({ code: -1, message: 'User rejected sampling request' })
  })

  it('aborts the handler signal when the server cancels its request', async () => {
    const started = nextCall<AbortSignal>()
    const { client, server } = await connectToRawServer({
      client: {
        sampling: (_, ctx) => {
          started.resolve(ctx.signal)
          return new Promise(() => {})
        },
      },
    })
    open.push(client)
    const controller = new AbortController()
    const request = server.request('sampling/createMessage', ask, { signal: controller.signal }).catch((e: unknown) => e)
    const signal = await started.promise
    const aborted = new Promise((resolve) => signal.addEventListener('abort', () => resolve(signal.reason)))
    controller.abort('server changed its mind')
    expect(await aborted).toBe('server changed its mind')
    expect(await request).toMatchObject({ code: ErrorCode.RequestCancelled })
  })

  it('runs client middleware around inbound sampling requests', async () => {
    const { client, server } = await connectToRawServer({ client: { sampling: () => ({ role: 'assistant', model: 'handler', content: { type: 'text', text: '' } }) } })
    open.push(client)
    const seen: string[] = []
    client.use(async (call, next) => {
      seen.push(`${call.direction} ${call.method} ${call.ctx?.requestId !== undefined}`)
      return { ...(await next()), model: 'audited' }
    })
    await expect(server.request('sampling/createMessage', ask)).resolves.toMatchObject({ model: 'audited' })
    expect(seen).toEqual(['inbound sampling/createMessage true'])
  })

  it('refuses to add a sampling handler once connected without sampling, but may replace one', async () => {
    const first = await connectToRawServer()
    open.push(first.client)
    expect(() => first.client.setSamplingHandler(() => ({ role: 'assistant', model: 'm', content: { type: 'text', text: '' } }))).toThrow(/before connect/)

    const second = await connectToRawServer({ client: { sampling: () => ({ role: 'assistant', model: 'old', content: { type: 'text', text: '' } }) } })
    open.push(second.client)
    second.client.setSamplingHandler(() => ({ role: 'assistant', model: 'new', content: { type: 'text', text: '' } }))
    await expect(second.server.request('sampling/createMessage', ask)).resolves.toMatchObject({ model: 'new' })
  })
})
