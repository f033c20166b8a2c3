import { afterEach, describe, expect, it } from 'vitest'
import { HostApp } from '../../src/app.js'
import type { HostEvent } from '../../src/events.js'
import { AnthropicProvider } from '../../src/providers/anthropic.js'
import { OpenAIProvider } from '../../src/providers/openai.js'
import type { ModelProvider } from '../../src/providers/provider.js'
import { PolicyUi } from '../../src/ui/policy-ui.js'
import { config, everything } from '../helpers.js'
import { anthropicStream, openAIStream, startAnthropicServer, startOpenAIServer, type FakeApiServer } from './fake-apis.js'

const running: Array<{ app: HostApp; api: FakeApiServer }> = []
afterEach(async () => {
  for (const { app, api } of running.splice(0)) {
    await app.close()
    await api.close()
  }
})

/** A host whose model is `provider` (pointing at a fake API), with the everything-server, allowing every call. */
async function host(api: FakeApiServer, provider: ModelProvider) {
  const events: HostEvent[] = []
  const app = new HostApp({
    config: config({ everything }),
    provider,
    ui: new PolicyUi('all', (e) => events.push(e)),
    policy: { alwaysAllow: ['*'] },
    manager: { pingIntervalMs: 0 },
  })
  running.push({ app, api })
  await app.start()
  return { app, events }
}

describe('the agent loop against model APIs speaking their real streaming formats', () => {
  it('runs an OpenAI-compatible tool call (arguments streamed in fragments) on a real MCP server and streams the final answer', async () => {
    const api = await startOpenAIServer([
      (_req, reply) => reply.stream(openAIStream({ toolCalls: [{ id: 'call_a', name: 'everything__add', arguments: ['{"a"', ': 20, "', 'b": 22}'] }] }), { chunkSize: 9 }),
      (_req, reply) => reply.stream(openAIStream({ text: ['The sum ', 'is 42.'] }), { chunkSize: 11 }),
    ])
    const { app, events } = await host(api, new OpenAIProvider({ baseUrl: api.baseUrl, models: ['gpt-4o-mini'] }))

    const result = await app.send('What is 20 + 22?')

    expect(result).toMatchObject({ end: 'answer', text: 'The sum is 42.', steps: 2 })
    expect(events.find((e) => e.type === 'tool_result')).toMatchObject({ name: 'everything__add', isError: false, text: expect.stringContaining('42') })
    // The first request offered the catalog's tools; the second carried the call and its result back.
    const [first, second] = api.requests.map((r) => r.body)
    expect(first.tools.map((t: { function: { name: string } }) => t.function.name)).toContain('everything__add')
    expect(second.messages.at(-2).tool_calls[0]).toMatchObject({ id: 'call_a', function: { name: 'everything__add' } })
    expect(second.messages.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_a', content: expect.stringContaining('42') })
    expect(events.filter((e) => e.type === 'text').map((e) => (e as { text: string }).text).join('')).toBe('The sum is 42.')
  })

  it('runs an Anthropic tool_use (input_json_delta fragments) and sends the result back as a tool_result block', async () => {
    const api = await startAnthropicServer([
      (_req, reply) => reply.stream(anthropicStream({ blocks: [{ type: 'text', text: ['Let me echo.'] }, { type: 'tool_use', id: 'toolu_1', name: 'everything__echo', input: ['{"mess', 'age": "ping"}'] }] }), { chunkSize: 13 }),
      (_req, reply) => reply.stream(anthropicStream({ blocks: [{ type: 'text', text: ['It said ', 'ping.'] }] })),
    ])
    const { app } = await host(api, new AnthropicProvider({ baseUrl: api.baseUrl, apiKey: 'sk-ant-test', models: ['claude-sonnet-4-5'] }))

    const result = await app.send('Echo ping')

    expect(result).toMatchObject({ end: 'answer', text: 'It said ping.' })
    const second = api.requests[1]!.body
    expect(second.messages.at(-2).content).toEqual([
      { type: 'text', text: 'Let me echo.' },
      { type: 'tool_use', id: 'toolu_1', name: 'everything__echo', input: { message: 'ping' } },
    ])
    expect(second.messages.at(-1)).toMatchObject({ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: expect.stringContaining('ping') }] })
  })

  it("answers a server's sampling request with the configured model", async () => {
    const api = await startOpenAIServer([
      (_req, reply) => reply.stream(openAIStream({ toolCalls: [{ id: 'c1', name: 'everything__sample-llm', arguments: ['{"prompt":"Capital of France?","maxTokens":10}'] }] })),
      (_req, reply) => reply.stream(openAIStream({ text: ['Paris.'], model: 'gpt-4o-mini' })),
      (_req, reply) => reply.stream(openAIStream({ text: ['The server heard Paris.'] })),
    ])
    const { app, events } = await host(api, new OpenAIProvider({ baseUrl: api.baseUrl, models: ['gpt-4o-mini'] }))

    const result = await app.send('Use sampling')

    expect(result.text).toBe('The server heard Paris.')
    // The sampling call: the server's system prompt and message, its maxTokens, and no tools.
    const sampling = api.requests[1]!.body
    expect(sampling.messages).toEqual([
      { role: 'system', content: 'You are the model behind a test server. Answer briefly.' },
      { role: 'user', content: 'Capital of France?' },
    ])
    expect(sampling.max_tokens).toBe(10)
    expect(sampling.tools).toBeUndefined()
    expect(events.find((e) => e.type === 'tool_result')).toMatchObject({ text: expect.stringContaining('gpt-4o-mini says: Paris.') })
  })

  it('reports a model API error as a failed turn without taking the servers down', async () => {
    const api = await startOpenAIServer((_req, reply) => reply.json(429, { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } }))
    const { app } = await host(api, new OpenAIProvider({ baseUrl: api.baseUrl, models: ['gpt-4o-mini'] }))

    await expect(app.send('hello')).rejects.toThrow(/429|Rate limit reached/)
    expect(app.manager.status('everything')!.state).toBe('ready')
  })
})
