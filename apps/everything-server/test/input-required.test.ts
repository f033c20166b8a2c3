// The fixtures of the referee's `input-required-result-*` scenarios (SEP-2322), sent the requests
// the referee sends, round by round, on the 2026-07-28 wire — and the same handlers on a legacy
// connection, where each ask is a real server→client request.
import { ErrorCode } from '@plugboard/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { ANSWERS, closeAll, conformanceServer, connectLegacy, connectModern, refereeHandlers, resultOf, textOf, type ModernClient } from './harness.js'

afterEach(closeAll)

type InputRequests = Record<string, { method: string; params: Record<string, unknown> }>

/** Round 1 of a call: asserts it is `input_required` and returns its input requests and state. */
async function firstRound(client: ModernClient, method: string, params: Record<string, unknown>) {
  const result = resultOf(await client.send(method, params))
  expect(result.resultType).toBe('input_required')
  expect(typeof result.requestState).toBe('string')
  return { inputRequests: result.inputRequests as InputRequests, requestState: result.requestState as string }
}

/** The one key of a round that asks one thing. */
function onlyKey(inputRequests: InputRequests): string {
  const keys = Object.keys(inputRequests)
  expect(keys).toHaveLength(1)
  return keys[0]!
}

const call = (name: string, extra: Record<string, unknown> = {}) => ({ name, arguments: {}, ...extra })

describe('the input_required fixtures on the 2026-07-28 wire', () => {
  it('test_input_required_result_elicitation asks for a name, then greets with the answer (basic-elicitation, result-type)', async () => {
    const client = await connectModern(conformanceServer())
    const { inputRequests, requestState } = await firstRound(client, 'tools/call', call('test_input_required_result_elicitation'))
    const key = onlyKey(inputRequests)
    expect(inputRequests[key]).toEqual({
      method: 'elicitation/create',
      params: { message: 'What is your name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } },
    })
    const done = resultOf(await client.send('tools/call', call('test_input_required_result_elicitation', { inputResponses: { [key]: ANSWERS.elicit({ name: 'Alice' }) }, requestState })))
    expect(done.resultType).toBe('complete')
    expect(textOf(done)).toBe('Hello, Alice!')
    expect(client.asked).toEqual([])
  })

  it('names the elicitation request "user_name", as input-required-result-basic-elicitation requires', async () => {
    const client = await connectModern(conformanceServer())
    const { inputRequests } = await firstRound(client, 'tools/call', call('test_input_required_result_elicitation'))
    expect(Object.keys(inputRequests)).toEqual(['user_name'])
  })

  it('test_input_required_result_sampling asks the LLM, then answers with its text (basic-sampling)', async () => {
    const client = await connectModern(conformanceServer())
    const { inputRequests, requestState } = await firstRound(client, 'tools/call', call('test_input_required_result_sampling'))
    const key = onlyKey(inputRequests)
    expect(inputRequests[key]).toEqual({
      method: 'sampling/createMessage',
      params: { messages: [{ role: 'user', content: { type: 'text', text: 'What is the capital of France?' } }], maxTokens: 100 },
    })
    const done = resultOf(await client.send('tools/call', call('test_input_required_result_sampling', { inputResponses: { [key]: ANSWERS.sample('The capital of France is Paris.') }, requestState })))
    expect(textOf(done)).toBe('LLM response: The capital of France is Paris.')
  })

  it('test_input_required_result_list_roots asks for roots, then lists the ones it got (basic-list-roots)', async () => {
    const client = await connectModern(conformanceServer())
    const { inputRequests, requestState } = await firstRound(client, 'tools/call', call('test_input_required_result_list_roots'))
    const key = onlyKey(inputRequests)
    expect(inputRequests[key]).toEqual({ method: 'roots/list', params: {} })
    const done = resultOf(await client.send('tools/call', call('test_input_required_result_list_roots', { inputResponses: { [key]: ANSWERS.roots() }, requestState })))
    expect(textOf(done)).toBe('Client roots: file:///test/root (Test Root)')
  })

  it('test_input_required_result_request_state answers "state-ok" once the signed requestState comes back (request-state)', async () => {
    const client = await connectModern(conformanceServer())
    const { inputRequests, requestState } = await firstRound(client, 'tools/call', call('test_input_required_result_request_state'))
    const key = onlyKey(inputRequests)
    expect(inputRequests[key]!.params).toMatchObject({ message: 'Please confirm', requestedSchema: { properties: { ok: { type: 'boolean' } }, required: ['ok'] } })
    const done = resultOf(await client.send('tools/call', call('test_input_required_result_request_state', { inputResponses: { [key]: ANSWERS.elicit({ ok: true }) }, requestState })))
    expect(textOf(done)).toContain('state-ok')
  })

  it('test_input_required_result_multiple_inputs asks elicitation, sampling and roots in one round, then completes (multiple-input-requests)', async () => {
    const client = await connectModern(conformanceServer())
    const { inputRequests, requestState } = await firstRound(client, 'tools/call', call('test_input_required_result_multiple_inputs'))
    expect(Object.values(inputRequests).map((r) => r.method).sort()).toEqual(['elicitation/create', 'roots/list', 'sampling/createMessage'])
    const answers: Record<string, unknown> = {}
    for (const [key, request] of Object.entries(inputRequests)) {
      answers[key] = request.method === 'elicitation/create' ? ANSWERS.elicit({ name: 'Alice' }) : request.method === 'sampling/createMessage' ? ANSWERS.sample('Hello there!') : ANSWERS.roots()
    }
    const done = resultOf(await client.send('tools/call', call('test_input_required_result_multiple_inputs', { inputResponses: answers, requestState })))
    expect(done.resultType).toBe('complete')
    expect(textOf(done)).toBe('Hello there! Alice (1 root(s))')
  })

  it('test_input_required_result_multi_round asks a second question after the first answer, with a new requestState (multi-round)', async () => {
    const client = await connectModern(conformanceServer())
    const round1 = await firstRound(client, 'tools/call', call('test_input_required_result_multi_round'))
    const key1 = onlyKey(round1.inputRequests)
    expect(round1.inputRequests[key1]!.params.message).toBe('Step 1: What is your name?')
    const retry = (inputResponses: Record<string, unknown>, requestState: unknown) => client.send('tools/call', call('test_input_required_result_multi_round', { inputResponses, requestState }))
    const round2 = resultOf(await retry({ [key1]: ANSWERS.elicit({ name: 'Alice' }) }, round1.requestState))
    expect(round2.resultType).toBe('input_required')
    expect(round2.requestState).not.toBe(round1.requestState)
    const asked2 = round2.inputRequests as InputRequests
    const key2 = onlyKey(asked2)
    expect(asked2[key2]!.params.message).toBe('Step 2: What is your favorite color?')
    const done = resultOf(await retry({ [key2]: ANSWERS.elicit({ color: 'blue' }) }, round2.requestState))
    expect(textOf(done)).toBe('Alice likes blue')
  })

  it('re-asks instead of failing when inputResponses name a key it never asked (missing-input-response)', async () => {
    const client = await connectModern(conformanceServer())
    const result = resultOf(await client.send('tools/call', call('test_input_required_result_elicitation', { inputResponses: { wrong_key: ANSWERS.elicit({ data: 'wrong' }) } })))
    expect(result.resultType).toBe('input_required')
  })

  it('prompts/get of test_input_required_result_prompt asks for context, then returns its messages (non-tool-request)', async () => {
    const client = await connectModern(conformanceServer())
    const { inputRequests, requestState } = await firstRound(client, 'prompts/get', { name: 'test_input_required_result_prompt' })
    const key = onlyKey(inputRequests)
    expect(inputRequests[key]!.params.message).toBe('What context should the prompt use?')
    const done = resultOf(await client.send('prompts/get', { name: 'test_input_required_result_prompt', inputResponses: { [key]: ANSWERS.elicit({ context: 'test context' }) }, requestState }))
    expect(done.resultType).toBe('complete')
    expect(done.messages).toEqual([{ role: 'user', content: { type: 'text', text: 'Answer with this context in mind: test context' } }])
  })

  it('answers tools/list and prompts/list as complete results, never input_required (unsupported-methods)', async () => {
    const client = await connectModern(conformanceServer())
    for (const method of ['tools/list', 'prompts/list']) expect(resultOf(await client.send(method)).resultType).toBe('complete')
  })

  it('refuses a retry whose requestState was tampered with, with -32602 (tampered-state)', async () => {
    const client = await connectModern(conformanceServer())
    const { inputRequests, requestState } = await firstRound(client, 'tools/call', call('test_input_required_result_tampered_state'))
    const inputResponses = { [onlyKey(inputRequests)]: ANSWERS.elicit({ ok: true }) }
    const response = await client.send('tools/call', call('test_input_required_result_tampered_state', { inputResponses, requestState: `${requestState}-TAMPERED` }))
    expect(response).toMatchObject({ error: { code: ErrorCode.InvalidParams } })
  })

  it('asks only for sampling when the request declares sampling but not elicitation (capability-check)', async () => {
    const client = await connectModern(conformanceServer())
    const { inputRequests } = await firstRound(client, 'tools/call', call('test_input_required_result_capabilities', { _meta: { 'io.modelcontextprotocol/clientCapabilities': { sampling: {} } } }))
    expect(Object.values(inputRequests).map((r) => r.method)).toEqual(['sampling/createMessage'])
  })

  it('asks both when both are declared, and nothing when neither is (capability-check)', async () => {
    const client = await connectModern(conformanceServer())
    const both = await firstRound(client, 'tools/call', call('test_input_required_result_capabilities'))
    expect(Object.values(both.inputRequests).map((r) => r.method)).toEqual(['elicitation/create', 'sampling/createMessage'])
    const none = resultOf(await client.send('tools/call', call('test_input_required_result_capabilities', { _meta: { 'io.modelcontextprotocol/clientCapabilities': {} } })))
    expect(textOf(none)).toBe('no elicitation declared; no sampling declared')
  })

  it('completes a first call whose inputResponses answer "user_name" and add unknown keys (ignore-extra-params)', async () => {
    const client = await connectModern(conformanceServer())
    const inputResponses = { user_name: ANSWERS.elicit({ name: 'Bob' }), not_asked: { whatever: true }, another: 42 }
    const done = resultOf(await client.send('tools/call', call('test_input_required_result_elicitation', { inputResponses })))
    expect(done.resultType).toBe('complete')
    expect(textOf(done)).toBe('Hello, Bob!')
  })

  it('never completes on malformed inputResponses: a number, or null (validate-input)', async () => {
    const client = await connectModern(conformanceServer())
    for (const inputResponses of [{ user_name: 12345 }, null]) {
      const response = await client.send('tools/call', call('test_input_required_result_elicitation', { inputResponses }))
      if ('result' in response) expect(response.result.resultType).toBe('input_required')
    }
  })

  it('rejects a malformed answer to a key it asked, with -32602 naming the key', async () => {
    const client = await connectModern(conformanceServer())
    const { inputRequests, requestState } = await firstRound(client, 'tools/call', call('test_input_required_result_elicitation'))
    const key = onlyKey(inputRequests)
    const response = await client.send('tools/call', call('test_input_required_result_elicitation', { inputResponses: { [key]: 12345 }, requestState }))
    expect(response).toMatchObject({ error: { code: ErrorCode.InvalidParams, data: { key } } })
  })

  it('settles every round through a client session, which answers with its own handlers and never receives a request', async () => {
    const client = await connectModern(conformanceServer(), { handlers: refereeHandlers() })
    const result = await client.session.request('tools/call', call('test_input_required_result_multiple_inputs'))
    expect(textOf(result)).toBe('The capital of France is Paris. Alice (1 root(s))')
    // The client's handlers ran for the input requests, inside its own settle loop: no server→client request crossed the wire.
    expect(client.asked.map((a) => a.method).sort()).toEqual(['elicitation/create', 'roots/list', 'sampling/createMessage'])
  })
})

describe('the input_required fixtures on a legacy connection (2025-11-25)', () => {
  it('test_input_required_result_elicitation sends a real elicitation/create request and greets with the answer', async () => {
    const client = await connectLegacy(conformanceServer(), { handlers: refereeHandlers() })
    const result = await client.session.request('tools/call', call('test_input_required_result_elicitation'))
    expect(textOf(result)).toBe('Hello, Alice!')
    expect(client.asked).toEqual([{ method: 'elicitation/create', params: expect.objectContaining({ message: 'What is your name?' }) }])
  })

  it('test_input_required_result_multiple_inputs sends elicitation, sampling and roots requests at once', async () => {
    const client = await connectLegacy(conformanceServer(), { handlers: refereeHandlers() })
    const result = await client.session.request('tools/call', call('test_input_required_result_multiple_inputs'))
    expect(textOf(result)).toBe('The capital of France is Paris. Alice (1 root(s))')
    expect(client.asked.map((a) => a.method).sort()).toEqual(['elicitation/create', 'roots/list', 'sampling/createMessage'])
  })

  it('test_input_required_result_multi_round sends its two elicitations one after the other', async () => {
    const answers = [{ name: 'Alice' }, { color: 'blue' }]
    const client = await connectLegacy(conformanceServer(), { handlers: { 'elicitation/create': () => ANSWERS.elicit(answers.shift()!) } })
    const result = await client.session.request('tools/call', call('test_input_required_result_multi_round'))
    expect(textOf(result)).toBe('Alice likes blue')
    expect(client.asked.map((a) => a.params.message)).toEqual(['Step 1: What is your name?', 'Step 2: What is your favorite color?'])
  })

  it('test_input_required_result_capabilities asks only what the connection declared', async () => {
    const client = await connectLegacy(conformanceServer(), { capabilities: { sampling: {} }, handlers: refereeHandlers() })
    const result = await client.session.request('tools/call', call('test_input_required_result_capabilities'))
    expect(textOf(result)).toBe('no elicitation declared; LLM: The capital of France is Paris.')
    expect(client.asked.map((a) => a.method)).toEqual(['sampling/createMessage'])
  })

  it('test_input_required_result_prompt elicits the context of prompts/get', async () => {
    const client = await connectLegacy(conformanceServer(), { handlers: { 'elicitation/create': () => ANSWERS.elicit({ context: 'legacy context' }) } })
    const result = await client.session.request('prompts/get', { name: 'test_input_required_result_prompt' })
    expect(result.messages).toEqual([{ role: 'user', content: { type: 'text', text: 'Answer with this context in mind: legacy context' } }])
  })

  it('test_input_required_result_list_roots sends roots/list', async () => {
    const client = await connectLegacy(conformanceServer(), { handlers: refereeHandlers() })
    const result = await client.session.request('tools/call', call('test_input_required_result_list_roots'))
    expect(textOf(result)).toBe('Client roots: file:///test/root (Test Root)')
  })
})
