import { ErrorCode, SERVER_INFO_META_KEY, legacyEra, modernEra, type JSONRPCMessage, type JSONRPCResponse } from '@plugboard/protocol'
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as z from 'zod'
import { McpServer, type McpServerOptions } from '../src/index.js'
import { MODERN, closeAll, connect, connectRaw, deferred, dispatch, modernMeta, type RawClient } from './harness.js'

// Multi round-trip requests (2026-07-28): a handler's ctx.elicit/sample/listRoots ends the round in
// `input_required`; the client retries with the answers and the server's signed `requestState`.
// https://modelcontextprotocol.io/specification/2026-07-28/basic/patterns/mrtr

afterEach(async () => {
  vi.useRealTimers()
  await closeAll()
})

const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] })
const form = { message: 'Who are you?', requestedSchema: { type: 'object' as const, properties: { name: { type: 'string' as const } }, required: ['name'] } }
const ANSWER = { action: 'accept', content: { name: 'Ada' } }
const question = { messages: [{ role: 'user' as const, content: { type: 'text' as const, text: 'a question' } }], maxTokens: 50 }
const SAMPLED = { role: 'assistant', content: { type: 'text', text: 'an answer' }, model: 'test-model', stopReason: 'endTurn' }
const ELICIT = { elicitation: {} }
const BOTH = { elicitation: {}, sampling: {} }

/** `ask` elicits once; `interview` elicits, then samples; both return what they were told. */
function askingServer(options?: McpServerOptions) {
  const server = new McpServer({ name: 'mrtr', version: '1' }, options)
  server.registerTool('ask', { inputSchema: { topic: z.string().optional() } }, async (_args, ctx) => text(JSON.stringify(await ctx.elicit(form))))
  server.registerTool('interview', {}, async (_args, ctx) => {
    const who = await ctx.elicit(form)
    const said = await ctx.sample(question)
    return text(JSON.stringify({ who, said }))
  })
  return server
}

/** A server whose requestState is signed with `keys` (and lives `ttlMs`). */
const keyedServer = (keys: string[], ttlMs?: number) => askingServer({ eras: [modernEra({ requestState: { keys, ttlMs } }), legacyEra] })

const resultOf = (response: JSONRPCResponse) => {
  expect(response, 'expected a result, got an error').toHaveProperty('result')
  return (response as { result: Record<string, unknown> }).result
}
const output = (result: Record<string, unknown>) => ((result.content as Array<{ text: string }>)[0]!).text

/** Calls tool `name` as a modern client declaring `capabilities`, with `extra` params (inputResponses, requestState). */
const callTool = (raw: RawClient, name: string, extra: Record<string, unknown> = {}, capabilities: Record<string, unknown> = ELICIT) =>
  raw.request('tools/call', { name, arguments: {}, ...extra, _meta: modernMeta(capabilities) })

/** The first round of `name`: its input_required result. */
async function firstRound(raw: RawClient, name = 'ask', capabilities: Record<string, unknown> = ELICIT, args: Record<string, unknown> = {}) {
  const result = resultOf(await raw.request('tools/call', { name, arguments: args, _meta: modernMeta(capabilities) }))
  expect(result.resultType).toBe('input_required')
  return result as Record<string, unknown> & { inputRequests: Record<string, { method: string; params: Record<string, unknown> }>; requestState: string }
}

/** `state` with one character in the middle of its payload or of its signature changed. */
function tamper(state: string, part: 'payload' | 'signature'): string {
  const dot = state.indexOf('.')
  const i = part === 'payload' ? Math.floor(dot / 2) : dot + 1 + Math.floor((state.length - dot - 1) / 2)
  return state.slice(0, i) + (state[i] === 'A' ? 'B' : 'A') + state.slice(i + 1)
}

const isRequest = (m: JSONRPCMessage): m is JSONRPCMessage & { method: string; id: number } => 'method' in m && 'id' in m

describe('input_required rounds (negotiated 2026-07-28)', () => {
  it('answers a tool that awaits ctx.elicit() with input_required: one elicitation/create keyed elicit-0 and a requestState', async () => {
    const raw = await connectRaw(askingServer())
    const result = await firstRound(raw)
    expect(result.inputRequests).toEqual({ 'elicit-0': { method: 'elicitation/create', params: form } })
    expect(result.requestState).toEqual(expect.any(String))
    expect(result._meta).toEqual({ [SERVER_INFO_META_KEY]: { name: 'mrtr', version: '1' } })
    // 2026-07-28 has no server-initiated requests: the question travels in the result only.
    expect(raw.requests).toEqual([])
  })

  it('completes the retry that carries the answer in inputResponses and the same requestState', async () => {
    const raw = await connectRaw(askingServer())
    const { requestState } = await firstRound(raw)
    const result = resultOf(await callTool(raw, 'ask', { inputResponses: { 'elicit-0': ANSWER }, requestState }))
    expect(result.resultType).toBe('complete')
    expect(JSON.parse(output(result))).toEqual(ANSWER)
  })

  it('carries round-1 answers in requestState, so the client sends only the answers of the last round', async () => {
    const raw = await connectRaw(askingServer())
    const first = await firstRound(raw, 'interview', BOTH)
    expect(Object.keys(first.inputRequests)).toEqual(['elicit-0'])
    const second = resultOf(await callTool(raw, 'interview', { inputResponses: { 'elicit-0': ANSWER }, requestState: first.requestState }, BOTH))
    expect(second).toMatchObject({ resultType: 'input_required', inputRequests: { 'sample-1': { method: 'sampling/createMessage', params: question } } })
    expect(Object.keys(second.inputRequests as object)).toEqual(['sample-1'])
    const done = resultOf(await callTool(raw, 'interview', { inputResponses: { 'sample-1': SAMPLED }, requestState: second.requestState }, BOTH))
    expect(JSON.parse(output(done))).toEqual({ who: ANSWER, said: SAMPLED })
  })

  it('re-runs the handler from the top each round: code before an ask runs once per round', async () => {
    const server = new McpServer({ name: 'mrtr', version: '1' })
    let runs = 0
    server.registerTool('counted', {}, async (_args, ctx) => {
      runs++
      const who = await ctx.elicit(form)
      return text(String(who.action))
    })
    const { client } = await connect(server, { protocolVersion: MODERN, capabilities: ELICIT, handlers: { 'elicitation/create': () => ANSWER } })
    await expect(client.request('tools/call', { name: 'counted' })).resolves.toMatchObject({ content: [{ text: 'accept' }] })
    expect(runs).toBe(2)
  })

  it('lists every ask a round made in parallel in one input_required', async () => {
    const server = new McpServer({ name: 'mrtr', version: '1' })
    server.registerTool('both', {}, async (_args, ctx) => {
      const [who, roots] = await Promise.all([ctx.elicit(form), ctx.listRoots()])
      return text(JSON.stringify({ who, roots }))
    })
    const raw = await connectRaw(server)
    const first = await firstRound(raw, 'both', { elicitation: {}, roots: {} })
    expect(first.inputRequests).toEqual({ 'elicit-0': { method: 'elicitation/create', params: form }, 'roots-1': { method: 'roots/list', params: {} } })
    const roots = { roots: [{ uri: 'file:///work' }] }
    const done = resultOf(await callTool(raw, 'both', { inputResponses: { 'elicit-0': ANSWER, 'roots-1': roots }, requestState: first.requestState }, { elicitation: {}, roots: {} }))
    expect(JSON.parse(output(done))).toEqual({ who: ANSWER, roots })
  })

  it('ends the round in input_required even when the handler swallows the unanswered ask', async () => {
    const server = new McpServer({ name: 'mrtr', version: '1' })
    server.registerTool('stubborn', {}, async (_args, ctx) => {
      const who = await ctx.elicit(form).catch(() => ({ action: 'cancel' }))
      return text(who.action)
    })
    const raw = await connectRaw(server)
    const first = await firstRound(raw, 'stubborn')
    const done = resultOf(await callTool(raw, 'stubborn', { inputResponses: { 'elicit-0': ANSWER }, requestState: first.requestState }))
    expect(output(done)).toBe('accept')
  })

  it('answers a retry that lacks the requested answer with a fresh input_required, not an error', async () => {
    const raw = await connectRaw(askingServer())
    const first = await firstRound(raw)
    for (const inputResponses of [{}, undefined]) {
      const again = resultOf(await callTool(raw, 'ask', { ...(inputResponses && { inputResponses }), requestState: first.requestState }))
      expect(again).toMatchObject({ resultType: 'input_required', inputRequests: { 'elicit-0': { method: 'elicitation/create' } } })
    }
  })

  it('ignores keys of inputResponses that no ask of the handler names', async () => {
    const raw = await connectRaw(askingServer())
    const first = await firstRound(raw)
    const extra = { 'elicit-0': ANSWER, 'sample-7': SAMPLED, bogus: { anything: true } }
    const done = resultOf(await callTool(raw, 'ask', { inputResponses: extra, requestState: first.requestState }))
    expect(done.resultType).toBe('complete')
    expect(JSON.parse(output(done))).toEqual(ANSWER)
  })

  it('answers an inputResponse that is not a valid result of its request with -32602, and keeps serving', async () => {
    const raw = await connectRaw(askingServer())
    const first = await firstRound(raw)
    const response = await callTool(raw, 'ask', { inputResponses: { 'elicit-0': { action: 'maybe' } }, requestState: first.requestState })
    expect(response).toMatchObject({ error: { code: ErrorCode.InvalidParams, message: expect.stringContaining('elicit-0') } })
    const malformed = await callTool(raw, 'ask', { inputResponses: ['not', 'a', 'map'], requestState: first.requestState })
    expect(malformed).toMatchObject({ error: { code: ErrorCode.InvalidParams } })
    const done = resultOf(await callTool(raw, 'ask', { inputResponses: { 'elicit-0': ANSWER }, requestState: first.requestState }))
    expect(JSON.parse(output(done))).toEqual(ANSWER)
  })

  it('lets a handler check ctx.client.capabilities and skip the ask, completing without input_required', async () => {
    const server = new McpServer({ name: 'mrtr', version: '1' })
    server.registerTool('polite', {}, async (_args, ctx) => {
      if (!ctx.client.capabilities.elicitation) return text('anonymous')
      return text(String((await ctx.elicit(form)).content?.name))
    })
    const raw = await connectRaw(server)
    const result = resultOf(await callTool(raw, 'polite', {}, {}))
    expect(result).toMatchObject({ resultType: 'complete', content: [{ text: 'anonymous' }] })
    expect((await firstRound(raw, 'polite')).inputRequests).toHaveProperty('elicit-0')
  })

  it.each([
    ['tools/call', { name: 'ask' }],
    ['prompts/get', { name: 'ask' }],
    ['resources/read', { uri: 'mem://ask' }],
  ])('answers %s needing elicitation from a client that did not declare it with -32021 naming elicitation', async (method, params) => {
    const server = new McpServer({ name: 'mrtr', version: '1' })
    server.registerTool('ask', {}, async (_args, ctx) => text(String((await ctx.elicit(form)).action)))
    server.registerPrompt('ask', {}, async (_args, ctx) => ({ messages: [{ role: 'user', content: { type: 'text', text: String((await ctx.elicit(form)).action) } }] }))
    server.registerResource('ask', 'mem://ask', {}, async (uri, ctx) => ({ contents: [{ uri: uri.href, text: String((await ctx.elicit(form)).action) }] }))
    const raw = await connectRaw(server)
    const response = await raw.request(method, { ...params, _meta: modernMeta({ sampling: {} }) })
    expect(response).toMatchObject({ error: { code: ErrorCode.MissingRequiredClientCapability, data: { requiredCapabilities: { elicitation: {} } } } })
    const asked = resultOf(await raw.request(method, { ...params, _meta: modernMeta(ELICIT) }))
    expect(asked).toMatchObject({ resultType: 'input_required', inputRequests: { 'elicit-0': { method: 'elicitation/create' } } })
    // Interim results are not cacheable: no ttlMs or cacheScope, even on resources/read.
    expect(asked).not.toHaveProperty('ttlMs')
    expect(asked).not.toHaveProperty('cacheScope')
  })

  it.each([
    ['elicitation.url for a URL-mode elicitation', { elicitation: { form: {} } }, { elicitation: { url: {} } }],
    ['sampling.tools for sampling with tools', { sampling: {} }, { sampling: { tools: {} } }],
    ['roots for roots/list', {}, { roots: {} }],
  ])('names the missing %s in data.requiredCapabilities of -32021', async (_, declared, required: Record<string, unknown>) => {
    const server = new McpServer({ name: 'mrtr', version: '1' })
    server.registerTool('needy', {}, async (_args, ctx) => {
      if (required.elicitation) await ctx.elicit({ mode: 'url', message: 'Sign in', url: 'https://example.com/login', elicitationId: 'e1' })
      if (required.sampling) await ctx.sample({ ...question, tools: [{ name: 'search', inputSchema: { type: 'object' } }] })
      if (required.roots) await ctx.listRoots()
      return text('unreachable')
    })
    const raw = await connectRaw(server)
    const response = await callTool(raw, 'needy', {}, declared)
    expect(response).toMatchObject({ error: { code: ErrorCode.MissingRequiredClientCapability } })
    expect((response as { error: { data: unknown } }).error.data).toEqual({ requiredCapabilities: required })
  })

  it('answers a tools/list handler that asks the client with an error, never input_required', async () => {
    const server = askingServer()
    server.setRequestHandler('tools/list', async (_params, ctx) => {
      await ctx.elicit(form)
      return { tools: [] }
    })
    const raw = await connectRaw(server)
    const response = await raw.request('tools/list', { _meta: modernMeta(ELICIT) })
    expect(response).toMatchObject({ error: { code: ErrorCode.InternalError, message: expect.stringContaining('tools/list cannot ask the client') } })
    expect(response).not.toHaveProperty('result')
  })

  it('settles rounds in the modern client with its own handlers, retrying with a new JSON-RPC id and requestState echoed untouched', async () => {
    const asked: unknown[] = []
    const c = await connect(askingServer(), { protocolVersion: MODERN, capabilities: ELICIT, handlers: { 'elicitation/create': (params) => (asked.push(params), ANSWER) } })
    const before = c.sent.length
    const result = await c.client.request('tools/call', { name: 'ask', arguments: {} })
    expect(JSON.parse(output(result))).toEqual(ANSWER)
    expect(asked).toEqual([form])
    const calls = c.sent.slice(before).filter(isRequest) as Array<{ id: number; params: Record<string, unknown> }>
    expect(calls).toHaveLength(2)
    expect(calls[1]!.id).not.toBe(calls[0]!.id)
    const interim = c.inbox.find((m) => 'result' in m && m.id === calls[0]!.id) as unknown as { result: { requestState: string } }
    expect(calls[1]!.params).toMatchObject({ name: 'ask', inputResponses: { 'elicit-0': ANSWER }, requestState: interim.result.requestState })
    expect(calls[0]!.params).not.toHaveProperty('requestState')
  })

  it('runs the same handler code in the legacy era with real elicitation/create and sampling requests, to the same result', async () => {
    const server = askingServer()
    const handlers = { 'elicitation/create': () => ANSWER, 'sampling/createMessage': () => SAMPLED }
    const legacy = await connect(server, { protocolVersion: '2025-11-25', capabilities: BOTH, handlers })
    const modern = await connect(server, { protocolVersion: MODERN, capabilities: BOTH, handlers })
    const legacyResult = await legacy.client.request('tools/call', { name: 'interview' })
    const { _meta, ...modernResult } = await modern.client.request('tools/call', { name: 'interview' })
    expect(modernResult).toEqual(legacyResult)
    expect(JSON.parse(output(legacyResult))).toEqual({ who: ANSWER, said: SAMPLED })
    expect(_meta).toHaveProperty([SERVER_INFO_META_KEY])
    // On the wire the last answer said complete; the client hands back the result without the envelope field.
    const last = modern.inbox.filter((m) => 'result' in m).at(-1) as { result: { resultType?: string } }
    expect(last.result.resultType).toBe('complete')
    expect(modernResult).not.toHaveProperty('resultType')
    // How each got there: the legacy server sent requests; the modern one answered input_required twice and sent none.
    expect(legacy.inbox.filter(isRequest).map((m) => m.method)).toEqual(['elicitation/create', 'sampling/createMessage'])
    expect(modern.inbox.filter(isRequest)).toEqual([])
    expect(modern.inbox.filter((m) => 'result' in m && (m.result as { resultType?: string }).resultType === 'input_required')).toHaveLength(2)
  })

  it('serves rounds of a connection-less request (server.dispatch) from the request alone', async () => {
    const server = askingServer()
    const send = (id: number, extra: Record<string, unknown> = {}) =>
      dispatch(server, { jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'ask', arguments: {}, ...extra, _meta: modernMeta(ELICIT) } }).response
    const first = resultOf((await send(1))!)
    expect(first.resultType).toBe('input_required')
    const done = resultOf((await send(2, { inputResponses: { 'elicit-0': ANSWER }, requestState: first.requestState }))!)
    expect(JSON.parse(output(done))).toEqual(ANSWER)
    expect(server.sessions.size).toBe(0)
  })
})

describe('requestState integrity (negotiated 2026-07-28)', () => {
  it.each(['payload', 'signature'] as const)('refuses a requestState with one character of its %s changed with -32602, and keeps serving', async (part) => {
    const raw = await connectRaw(askingServer())
    const { requestState } = await firstRound(raw)
    const response = await callTool(raw, 'ask', { inputResponses: { 'elicit-0': ANSWER }, requestState: tamper(requestState, part) })
    expect(response).toMatchObject({ error: { code: ErrorCode.InvalidParams, message: expect.stringContaining('requestState') } })
    expect(JSON.parse(output(resultOf(await callTool(raw, 'ask', { inputResponses: { 'elicit-0': ANSWER }, requestState }))))).toEqual(ANSWER)
  })

  it.each([
    ['not a string', 42],
    ['without a signature', 'eyJtIjoidG9vbHMvY2FsbCJ9'],
    ['not base64url', '@@@.###'],
  ])('refuses a requestState that is %s with -32602', async (_, requestState) => {
    const raw = await connectRaw(askingServer())
    const response = await callTool(raw, 'ask', { inputResponses: { 'elicit-0': ANSWER }, requestState })
    expect(response).toMatchObject({ error: { code: ErrorCode.InvalidParams } })
  })

  it('refuses state issued for another tool, other arguments or another method with -32602', async () => {
    const server = askingServer()
    server.registerPrompt('ask', {}, async (_args, ctx) => ({ messages: [{ role: 'user', content: { type: 'text', text: String((await ctx.elicit(form)).action) } }] }))
    const raw = await connectRaw(server)
    const { requestState } = await firstRound(raw, 'ask', ELICIT, { topic: 'cats' })
    const retry = { inputResponses: { 'elicit-0': ANSWER }, requestState }
    const otherTool = await raw.request('tools/call', { name: 'interview', arguments: {}, ...retry, _meta: modernMeta(BOTH) })
    const otherArguments = await raw.request('tools/call', { name: 'ask', arguments: { topic: 'dogs' }, ...retry, _meta: modernMeta(ELICIT) })
    const otherMethod = await raw.request('prompts/get', { name: 'ask', ...retry, _meta: modernMeta(ELICIT) })
    for (const response of [otherTool, otherArguments, otherMethod]) {
      expect(response).toMatchObject({ error: { code: ErrorCode.InvalidParams, message: expect.stringContaining('different request') } })
    }
    const same = resultOf(await raw.request('tools/call', { name: 'ask', arguments: { topic: 'cats' }, ...retry, _meta: modernMeta(ELICIT) }))
    expect(same.resultType).toBe('complete')
  })

  it('accepts state for its default lifetime of 10 minutes and refuses it after with -32602', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const raw = await connectRaw(askingServer())
    const { requestState } = await firstRound(raw)
    const retry = { inputResponses: { 'elicit-0': ANSWER }, requestState }
    vi.setSystemTime(Date.now() + 10 * 60_000 - 1_000)
    expect(resultOf(await callTool(raw, 'ask', retry)).resultType).toBe('complete')
    vi.setSystemTime(Date.now() + 2_000)
    expect(await callTool(raw, 'ask', retry)).toMatchObject({ error: { code: ErrorCode.InvalidParams, message: expect.stringContaining('expired') } })
  })

  it('refuses state older than the ttlMs the modern era was configured with', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const raw = await connectRaw(keyedServer(['k'], 1))
    const { requestState } = await firstRound(raw)
    vi.setSystemTime(Date.now() + 2)
    expect(await callTool(raw, 'ask', { inputResponses: { 'elicit-0': ANSWER }, requestState })).toMatchObject({ error: { code: ErrorCode.InvalidParams, message: expect.stringContaining('expired') } })
  })

  it('refuses state signed by a server with another key, and accepts it on a server sharing the key', async () => {
    const issuer = await connectRaw(keyedServer(['key-a']))
    const { requestState } = await firstRound(issuer)
    const retry = { inputResponses: { 'elicit-0': ANSWER }, requestState }
    const stranger = await connectRaw(keyedServer(['key-b']))
    expect(await callTool(stranger, 'ask', retry)).toMatchObject({ error: { code: ErrorCode.InvalidParams, message: expect.stringContaining('signature') } })
    const sibling = await connectRaw(keyedServer(['key-a']))
    expect(JSON.parse(output(resultOf(await callTool(sibling, 'ask', retry))))).toEqual(ANSWER)
  })

  it('refuses state of a server using its own random key on another server, by default', async () => {
    const { requestState } = await firstRound(await connectRaw(askingServer()))
    const other = await connectRaw(askingServer())
    expect(await callTool(other, 'ask', { inputResponses: { 'elicit-0': ANSWER }, requestState })).toMatchObject({ error: { code: ErrorCode.InvalidParams } })
  })

  it('rotates keys: keys [new, old] accepts state signed with old, and signs with new', async () => {
    const { requestState: byOld } = await firstRound(await connectRaw(keyedServer(['old'])))
    const rotated = await connectRaw(keyedServer(['new', 'old']))
    expect(JSON.parse(output(resultOf(await callTool(rotated, 'ask', { inputResponses: { 'elicit-0': ANSWER }, requestState: byOld }))))).toEqual(ANSWER)
    const { requestState: byNew } = await firstRound(rotated)
    const newOnly = await connectRaw(keyedServer(['new']))
    expect(resultOf(await callTool(newOnly, 'ask', { inputResponses: { 'elicit-0': ANSWER }, requestState: byNew })).resultType).toBe('complete')
    const oldOnly = await connectRaw(keyedServer(['old']))
    expect(await callTool(oldOnly, 'ask', { inputResponses: { 'elicit-0': ANSWER }, requestState: byNew })).toMatchObject({ error: { code: ErrorCode.InvalidParams } })
  })

  it('binds state to the authenticated principal: issued to client A, refused from client B with -32602', async () => {
    const server = askingServer()
    const alice = await connectRaw(server, { messageInfo: { authInfo: { token: 'token-a', clientId: 'A' } } })
    const { requestState } = await firstRound(alice)
    const retry = { inputResponses: { 'elicit-0': ANSWER }, requestState }
    const bob = await connectRaw(server, { messageInfo: { authInfo: { token: 'token-b', clientId: 'B' } } })
    expect(await callTool(bob, 'ask', retry)).toMatchObject({ error: { code: ErrorCode.InvalidParams, message: expect.stringContaining('principal') } })
    const anonymous = await connectRaw(server)
    expect(await callTool(anonymous, 'ask', retry)).toMatchObject({ error: { code: ErrorCode.InvalidParams } })
    // The same principal on another connection is fine: the state, not the connection, carries the request.
    const aliceAgain = await connectRaw(server, { messageInfo: { authInfo: { token: 'token-a2', clientId: 'A' } } })
    expect(JSON.parse(output(resultOf(await callTool(aliceAgain, 'ask', retry))))).toEqual(ANSWER)
  })

  it('binds state to the token when the auth layer names no clientId', async () => {
    const server = askingServer()
    const holder = await connectRaw(server, { messageInfo: { authInfo: { token: 'secret-1' } } })
    const { requestState } = await firstRound(holder)
    const retry = { inputResponses: { 'elicit-0': ANSWER }, requestState }
    const other = await connectRaw(server, { messageInfo: { authInfo: { token: 'secret-2' } } })
    expect(await callTool(other, 'ask', retry)).toMatchObject({ error: { code: ErrorCode.InvalidParams } })
    expect(resultOf(await callTool(holder, 'ask', retry)).resultType).toBe('complete')
    // The token itself is never written into the state the client carries.
    expect(Buffer.from(requestState.split('.')[0]!, 'base64url').toString()).not.toContain('secret-1')
  })
})

describe('the client side of input_required rounds (negotiated 2026-07-28)', () => {
  it('waits for its own input handlers, then retries once they answer', async () => {
    const answer = deferred<Record<string, unknown>>()
    const asked = deferred()
    const c = await connect(askingServer(), {
      protocolVersion: MODERN,
      capabilities: ELICIT,
      handlers: { 'elicitation/create': () => (asked.resolve(), answer.promise) },
    })
    const call = c.client.request('tools/call', { name: 'ask' })
    await asked.promise
    expect(c.sent.filter((m) => isRequest(m) && m.method === 'tools/call')).toHaveLength(1)
    answer.resolve({ action: 'decline' })
    expect(JSON.parse(output(await call))).toEqual({ action: 'decline' })
    expect(c.sent.filter((m) => isRequest(m) && m.method === 'tools/call')).toHaveLength(2)
  })
})

describe('a client answering input requests (negotiated 2026-07-28)', () => {
  it('rejects a call cancelled while its own elicitation handler is still waiting for the user', async () => {
    const server = new McpServer({ name: 'cancel', version: '1' })
    server.registerTool('ask', {}, async (_args, ctx) => ({ content: [{ type: 'text', text: (await ctx.elicit({ message: 'Who?', requestedSchema: { type: 'object', properties: {} } })).action }] }))
    const asked = deferred()
    const c = await connect(server, { protocolVersion: MODERN, capabilities: { elicitation: {} }, handlers: { 'elicitation/create': () => (asked.resolve(), new Promise(() => {})) } })
    const controller = new AbortController()
    const call = c.client.request('tools/call', { name: 'ask' }, { signal: controller.signal })
    await asked.promise
    controller.abort('user gave up')
    await expect(call).rejects.toMatchObject({ code: ErrorCode.RequestCancelled })
  })
})
