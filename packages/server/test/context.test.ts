import { ErrorCode, McpError } from '@plugboard/protocol'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { McpServer, checkRequestedSchema, type ServerContext } from '../src/index.js'
import { ERAS, LEGACY_ERAS, MODERN, closeAll, connect, deferred, failure, isModern } from './harness.js'

afterEach(closeAll)

const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] })
const SAMPLED = { role: 'assistant', content: { type: 'text', text: 'an answer' }, model: 'test-model', stopReason: 'endTurn' }
const question = { messages: [{ role: 'user' as const, content: { type: 'text' as const, text: 'a question' } }], maxTokens: 50 }

/** A server whose tool `run` hands its ctx to the test and returns what the test's function returns. */
function serverWith(run: (ctx: ServerContext) => Promise<unknown>) {
  const server = new McpServer({ name: 'ctx', version: '1' })
  server.registerTool('run', {}, async (_args, ctx) => {
    try {
      return text(JSON.stringify((await run(ctx)) ?? null))
    } catch (error) {
      // Report the failure's code so tests can assert it from the client side.
      return { ...text(error instanceof McpError ? `McpError ${error.code}: ${error.message}` : String(error)), isError: true }
    }
  })
  return server
}

const output = (result: { content: unknown[] }) => (result.content[0] as { text: string }).text

/** How an ask of a capability the client did not declare fails: locally on a legacy connection, -32021 (the spec's own error) in 2026-07-28. */
const missingCapability = (protocolVersion: string) => (isModern(protocolVersion) ? ErrorCode.MissingRequiredClientCapability : ErrorCode.CapabilityNotSupported)

describe.each(ERAS)('calls into the client from a handler (negotiated %s)', (protocolVersion) => {
  it('samples the client LLM with ctx.sample()', async () => {
    const requests: unknown[] = []
    const server = serverWith((ctx) => ctx.sample(question))
    const { client } = await connect(server, {
      protocolVersion,
      capabilities: { sampling: {} },
      handlers: { 'sampling/createMessage': (params) => (requests.push(params), SAMPLED) },
    })
    const result = await client.request('tools/call', { name: 'run' })
    expect(JSON.parse(output(result))).toMatchObject({ model: 'test-model', content: { text: 'an answer' } })
    expect(requests).toEqual([expect.objectContaining({ maxTokens: 50, messages: question.messages })])
  })

  it('rejects ctx.sample() when the client has no sampling (CapabilityNotSupported; -32021 in 2026-07-28), for the handler to handle', async () => {
    const server = serverWith((ctx) => ctx.sample(question))
    const { client } = await connect(server, { protocolVersion })
    expect(output(await client.request('tools/call', { name: 'run' }))).toContain(`McpError ${missingCapability(protocolVersion)}`)
  })

  it('lists roots with ctx.listRoots(), only when the client declared roots', async () => {
    const server = serverWith((ctx) => ctx.listRoots())
    const roots = [{ uri: 'file:///work', name: 'work' }]
    const withRoots = await connect(server, { protocolVersion, capabilities: { roots: {} }, handlers: { 'roots/list': () => ({ roots }) } })
    expect(JSON.parse(output(await withRoots.client.request('tools/call', { name: 'run' })))).toEqual({ roots })
    const without = await connect(server, { protocolVersion })
    expect(output(await without.client.request('tools/call', { name: 'run' }))).toContain(`McpError ${missingCapability(protocolVersion)}`)
  })

  it('fires ctx.signal when the client cancels the call', async () => {
    const started = deferred()
    const aborted = deferred<unknown>()
    const server = new McpServer({ name: 'ctx', version: '1' })
    server.registerTool('wait', {}, async (_args, ctx) => {
      ctx.signal.addEventListener('abort', () => aborted.resolve(ctx.signal.reason))
      started.resolve()
      await aborted.promise
      return text('too late')
    })
    const { client, roundTrip } = await connect(server, { protocolVersion })
    const controller = new AbortController()
    const call = client.request('tools/call', { name: 'wait' }, { signal: controller.signal })
    await started.promise
    controller.abort('user gave up')
    expect(await failure(call)).toMatchObject({ code: ErrorCode.RequestCancelled })
    expect(await aborted.promise).toBe('user gave up')
    await expect(roundTrip()).resolves.toBeUndefined()
  })

  it('sends progress for a call that carries a progressToken, and ignores ctx.progress() otherwise', async () => {
    const server = new McpServer({ name: 'ctx', version: '1' })
    server.registerTool('steps', {}, async (_args, ctx) => {
      for (let step = 1; step <= 3; step++) await ctx.progress(step, 3, `step ${step}`)
      return text('done')
    })
    const { client } = await connect(server, { protocolVersion })
    const progress: unknown[] = []
    await client.request('tools/call', { name: 'steps' }, { onprogress: (p) => progress.push(p) })
    expect(progress).toEqual([
      { progress: 1, total: 3, message: 'step 1' },
      { progress: 2, total: 3, message: 'step 2' },
      { progress: 3, total: 3, message: 'step 3' },
    ])
    await expect(client.request('tools/call', { name: 'steps' })).resolves.toMatchObject({ content: [{ text: 'done' }] })
  })

  it('tells the handler who is calling: ids, auth, revision, client info and capabilities', async () => {
    let seen: Record<string, unknown> = {}
    const server = serverWith(async (ctx) => {
      seen = { requestId: ctx.requestId, sessionId: ctx.sessionId, authInfo: ctx.authInfo, protocolVersion: ctx.protocolVersion, client: ctx.client, meta: ctx.meta }
    })
    const authInfo = { token: 'secret', clientId: 'app', scopes: ['tools'] }
    const { client, server: session } = await connect(server, { protocolVersion, capabilities: { roots: {} }, messageInfo: { sessionId: 'sess-1', authInfo } })
    await client.request('tools/call', { name: 'run', _meta: { trace: 'abc' } })
    expect(seen).toMatchObject({
      requestId: expect.anything(),
      sessionId: 'sess-1',
      authInfo,
      protocolVersion,
      client: { info: { name: 'test-client', version: '1.0.0' }, capabilities: { roots: {} } },
      meta: { trace: 'abc' },
    })
    expect(session.sessionId).toBe('sess-1')
  })

  it('passes ctx.closeSSEStream() to the transport, and answers false where the transport has none', async () => {
    const server = serverWith(async (ctx) => ctx.closeSSEStream())
    let closed = 0
    const withClose = await connect(server, { protocolVersion, messageInfo: { closeSSEStream: () => ++closed > 0 } })
    expect(output(await withClose.client.request('tools/call', { name: 'run' }))).toBe('true')
    expect(closed).toBe(1)
    const without = await connect(server, { protocolVersion })
    expect(output(await without.client.request('tools/call', { name: 'run' }))).toBe('false')
  })

})

describe.each(LEGACY_ERAS)('requests to the client on a legacy connection (negotiated %s)', (protocolVersion) => {
  it('answers a tool that does not handle a missing client capability with an isError result', async () => {
    const server = new McpServer({ name: 'ctx', version: '1' })
    server.registerTool('careless', {}, async (_args, ctx) => {
      await ctx.sample(question)
      return text('unreachable')
    })
    const { client } = await connect(server, { protocolVersion })
    const careless = await client.request('tools/call', { name: 'careless' })
    expect(careless).toMatchObject({ isError: true, content: [{ text: expect.stringContaining('sampling') }] })
  })

  it('cancels a pending request to the client when the call it serves is cancelled', async () => {
    const clientSawCancel = deferred<unknown>()
    const samplingStarted = deferred()
    const server = serverWith((ctx) => ctx.sample(question))
    const { client } = await connect(server, {
      protocolVersion,
      capabilities: { sampling: {} },
      handlers: {
        'sampling/createMessage': (_params, ctx) =>
          new Promise(() => {
            ctx.signal.addEventListener('abort', () => clientSawCancel.resolve(ctx.signal.reason))
            samplingStarted.resolve()
          }),
      },
    })
    const controller = new AbortController()
    const call = client.request('tools/call', { name: 'run' }, { signal: controller.signal })
    await samplingStarted.promise
    controller.abort('stop')
    await failure(call)
    await expect(clientSawCancel.promise).resolves.toBeDefined()
  })

  it('calls the client outside any request through the ServerSession handle', async () => {
    const server = new McpServer({ name: 'ctx', version: '1' })
    const { server: session } = await connect(server, {
      protocolVersion,
      capabilities: { roots: { listChanged: true }, sampling: {} },
      handlers: { 'roots/list': () => ({ roots: [{ uri: 'file:///a' }] }), 'sampling/createMessage': () => SAMPLED },
    })
    expect(session.clientInfo).toMatchObject({ name: 'test-client' })
    expect(session.clientCapabilities).toEqual({ roots: { listChanged: true }, sampling: {} })
    expect(session.protocolVersion).toBe(protocolVersion)
    await expect(session.listRoots()).resolves.toEqual({ roots: [{ uri: 'file:///a' }] })
    await expect(session.createMessage(question)).resolves.toMatchObject({ model: 'test-model' })
  })

  it('calls onRootsListChanged listeners with the session whose roots changed', async () => {
    const server = new McpServer({ name: 'ctx', version: '1' })
    const changed = deferred<unknown>()
    const remove = server.onRootsListChanged((session) => changed.resolve(session))
    const { client, server: session } = await connect(server, { protocolVersion, capabilities: { roots: { listChanged: true } } })
    await client.notify('notifications/roots/list_changed')
    expect(await changed.promise).toBe(session)
    remove()
  })
})

const form = { message: 'Who are you?', requestedSchema: { type: 'object' as const, properties: { name: { type: 'string' as const } }, required: ['name'] } }

describe.each(['2025-11-25', MODERN] as const)('elicitation (negotiated %s)', (protocolVersion) => {
  it('elicits a form with ctx.elicit() from a client that declared elicitation: {}', async () => {
    const requests: unknown[] = []
    const server = serverWith((ctx) => ctx.elicit(form))
    const { client } = await connect(server, {
      protocolVersion,
      capabilities: { elicitation: {} },
      handlers: { 'elicitation/create': (params) => (requests.push(params), { action: 'accept', content: { name: 'Ada' } }) },
    })
    expect(JSON.parse(output(await client.request('tools/call', { name: 'run' })))).toEqual({ action: 'accept', content: { name: 'Ada' } })
    expect(requests).toEqual([expect.objectContaining(form)])
  })

  it.each([
    ['a nested object', { type: 'object', properties: { address: { type: 'object', properties: { city: { type: 'string' } } } } }],
    ['an array of numbers', { type: 'object', properties: { n: { type: 'array', items: { type: 'number' } } } }],
    ['an unknown format', { type: 'object', properties: { ip: { type: 'string', format: 'ipv4' } } }],
    ['a $ref', { type: 'object', properties: { a: { $ref: '#/$defs/a' } } }],
    ['a required name that is no property', { type: 'object', properties: { a: { type: 'string' } }, required: ['b'] }],
    ['a non-object root', { type: 'string' }],
  ])('rejects a requestedSchema with %s before sending anything', async (_, requestedSchema) => {
    const handler = vi.fn(() => ({ action: 'cancel' }))
    const server = serverWith((ctx) => ctx.elicit({ message: 'bad', requestedSchema } as never))
    const { client } = await connect(server, { protocolVersion, capabilities: { elicitation: {} }, handlers: { 'elicitation/create': handler } })
    expect(output(await client.request('tools/call', { name: 'run' }))).toContain(`McpError ${ErrorCode.InvalidParams}: Invalid elicitation requestedSchema`)
    expect(handler).not.toHaveBeenCalled()
  })

  it('needs elicitation.url for URL mode, and form support for form mode', async () => {
    const handler = vi.fn(() => ({ action: 'accept' }))
    const url = { mode: 'url' as const, message: 'Sign in', url: 'https://example.com/login', elicitationId: 'e1' }
    const urlServer = serverWith((ctx) => ctx.elicit(url))
    const formOnly = await connect(urlServer, { protocolVersion, capabilities: { elicitation: { form: {} } }, handlers: { 'elicitation/create': handler } })
    expect(output(await formOnly.client.request('tools/call', { name: 'run' }))).toContain(`McpError ${missingCapability(protocolVersion)}`)
    const urlOnly = await connect(urlServer, { protocolVersion, capabilities: { elicitation: { url: {} } }, handlers: { 'elicitation/create': handler } })
    expect(JSON.parse(output(await urlOnly.client.request('tools/call', { name: 'run' })))).toEqual({ action: 'accept' })
    expect(handler).toHaveBeenCalledTimes(1)

    const formServer = serverWith((ctx) => ctx.elicit(form))
    const noForm = await connect(formServer, { protocolVersion, capabilities: { elicitation: { url: {} } }, handlers: { 'elicitation/create': handler } })
    expect(output(await noForm.client.request('tools/call', { name: 'run' }))).toContain(`McpError ${missingCapability(protocolVersion)}`)
    expect(handler).toHaveBeenCalledTimes(1)
  })

  it('needs sampling.tools to sample with tools, and fails without sending', async () => {
    const handler = vi.fn(() => SAMPLED)
    const withTools = { ...question, tools: [{ name: 'search', inputSchema: { type: 'object' as const } }], toolChoice: { mode: 'auto' as const } }
    const server = serverWith((ctx) => ctx.sample(withTools))
    const plain = await connect(server, { protocolVersion, capabilities: { sampling: {} }, handlers: { 'sampling/createMessage': handler } })
    expect(output(await plain.client.request('tools/call', { name: 'run' }))).toContain(`McpError ${missingCapability(protocolVersion)}`)
    expect(handler).not.toHaveBeenCalled()
    const capable = await connect(server, { protocolVersion, capabilities: { sampling: { tools: {} } }, handlers: { 'sampling/createMessage': handler } })
    expect(JSON.parse(output(await capable.client.request('tools/call', { name: 'run' })))).toMatchObject({ model: 'test-model' })
    expect(handler).toHaveBeenCalledTimes(1)
  })

})

describe('elicitation on a legacy connection (negotiated 2025-11-25)', () => {
  it('tells the client a URL-mode elicitation finished with notifications/elicitation/complete', async () => {
    const url = { mode: 'url' as const, message: 'Sign in', url: 'https://example.com/login', elicitationId: 'e1' }
    const { client, server: session, received } = await connect(serverWith((ctx) => ctx.elicit(url)), {
      capabilities: { elicitation: { url: {} } },
      handlers: { 'elicitation/create': () => ({ action: 'accept' }) },
    })
    expect(JSON.parse(output(await client.request('tools/call', { name: 'run' })))).toEqual({ action: 'accept' })
    await session.sendElicitationComplete('e1')
    await vi.waitFor(() => expect(received('notifications/elicitation/complete')).toEqual([{ elicitationId: 'e1' }]))
  })

  it('elicits through the ServerSession handle too', async () => {
    const { server: session } = await connect(new McpServer({ name: 'e', version: '1' }), {
      capabilities: { elicitation: {} },
      handlers: { 'elicitation/create': () => ({ action: 'decline' }) },
    })
    await expect(session.elicitInput(form)).resolves.toEqual({ action: 'decline' })
  })
})

describe('elicitation form schemas', () => {
  it('accepts every kind of property of the restricted schema', () => {
    expect(() =>
      checkRequestedSchema({
        type: 'object',
        properties: {
          name: { type: 'string', title: 'Name', minLength: 1, maxLength: 50, default: 'Ada' },
          email: { type: 'string', format: 'email' },
          born: { type: 'string', format: 'date' },
          age: { type: 'integer', minimum: 0, maximum: 150, default: 30 },
          score: { type: 'number' },
          agree: { type: 'boolean', default: false },
          color: { type: 'string', enum: ['red', 'green'], default: 'red' },
          size: { type: 'string', oneOf: [{ const: 's', title: 'Small' }, { const: 'l', title: 'Large' }] },
          legacy: { type: 'string', enum: ['a', 'b'], enumNames: ['A', 'B'] },
          tags: { type: 'array', items: { type: 'string', enum: ['x', 'y'] }, minItems: 1, default: ['x'] },
          titled: { type: 'array', items: { anyOf: [{ const: 'x', title: 'X' }] } },
        },
        required: ['name'],
      }),
    ).not.toThrow()
  })
})

describe('elicitation (negotiated 2025-03-26)', () => {
  it('does not exist before 2025-06-18, whatever the client declares', async () => {
    const server = serverWith((ctx) => ctx.elicit({ message: 'x', requestedSchema: { type: 'object', properties: {} } }))
    const { client } = await connect(server, { protocolVersion: '2025-03-26', capabilities: { elicitation: {} } })
    expect(output(await client.request('tools/call', { name: 'run' }))).toContain(`McpError ${ErrorCode.CapabilityNotSupported}`)
  })
})
