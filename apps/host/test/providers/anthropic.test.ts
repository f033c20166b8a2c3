import { describe, expect, it } from 'vitest'
import { AnthropicProvider } from '../../src/providers/anthropic.js'
import { type ModelEvent, ProviderError } from '../../src/providers/provider.js'
import { anthropicError, anthropicEvent, anthropicStream, startAnthropicServer, serveEachTest, collectEvents } from './fake-apis.js'

const serve = serveEachTest(startAnthropicServer)

const hello = [{ role: 'user' as const, content: 'Hello?' }]

describe('AnthropicProvider', () => {
  it('streams each text delta to onEvent in order and resolves with the text, the model and the usage', async () => {
    const server = await serve((_req, reply) => reply.stream(anthropicStream({ blocks: [{ type: 'text', text: ['Bon', 'jour, ', 'ça va ✨', '?'] }], usage: { input_tokens: 9, output_tokens: 21 } }), { chunkSize: 11 }))
    const provider = new AnthropicProvider({ baseUrl: server.baseUrl, apiKey: 'sk-ant-test', models: ['claude-sonnet-4-5'] })
    const { events, onEvent } = collectEvents()

    const response = await provider.complete({ messages: hello }, onEvent)

    expect(events).toEqual(['Bon', 'jour, ', 'ça va ✨', '?'].map((text) => ({ type: 'text', text })))
    expect(response).toEqual({
      model: 'claude-sonnet-4-5-20250929',
      text: 'Bonjour, ça va ✨?',
      toolCalls: [],
      stopReason: 'endTurn',
      usage: { inputTokens: 9, outputTokens: 21 },
    })
  })

  it('posts to /v1/messages with the key, version and a body in the Messages API shape', async () => {
    const server = await serve((_req, reply) => reply.stream(anthropicStream({ blocks: [{ type: 'text', text: ['ok'] }] })), { apiKey: 'sk-ant-test' })
    const provider = new AnthropicProvider({ baseUrl: `${server.baseUrl}/`, apiKey: 'sk-ant-test', models: ['claude-haiku-4-5', 'claude-sonnet-4-5'], headers: { 'anthropic-beta': 'tools-2024' } })

    await provider.complete({
      model: 'claude-sonnet-4-5',
      system: 'Be brief.',
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: 'Checking both.',
          toolCalls: [
            { id: 'toolu_1', name: 'weather__get', arguments: { city: 'Paris' } },
            { id: 'toolu_2', name: 'weather__get', arguments: { city: 'Rome' } },
          ],
        },
        { role: 'tool', toolCallId: 'toolu_1', name: 'weather__get', content: '18°C' },
        { role: 'tool', toolCallId: 'toolu_2', name: 'weather__get', content: 'city not found', isError: true },
        { role: 'assistant', content: '', toolCalls: [{ id: 'toolu_3', name: 'clock__now', arguments: {} }] },
        { role: 'tool', toolCallId: 'toolu_3', name: 'clock__now', content: '12:00' },
        { role: 'assistant', content: 'Paris is 18°C at noon.' },
        { role: 'user', content: 'Thanks' },
      ],
      tools: [{ name: 'weather__get', description: 'Current weather', inputSchema: { type: 'object', properties: { city: { type: 'string' } } } }],
      temperature: 0.3,
      stopSequences: ['END'],
    })

    const [request] = server.requests
    expect(request!.path).toBe('/v1/messages')
    expect(request!.headers).toMatchObject({ 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01', 'anthropic-beta': 'tools-2024', 'content-type': 'application/json' })
    expect(request!.body).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      system: 'Be brief.',
      stream: true,
      temperature: 0.3,
      stop_sequences: ['END'],
      tools: [{ name: 'weather__get', description: 'Current weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Checking both.' },
            { type: 'tool_use', id: 'toolu_1', name: 'weather__get', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'toolu_2', name: 'weather__get', input: { city: 'Rome' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: '18°C' },
            { type: 'tool_result', tool_use_id: 'toolu_2', content: 'city not found', is_error: true },
          ],
        },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_3', name: 'clock__now', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_3', content: '12:00' }] },
        { role: 'assistant', content: 'Paris is 18°C at noon.' },
        { role: 'user', content: 'Thanks' },
      ],
    })
  })

  it('sends the configured API version and the request maxTokens, and uses the first model by default', async () => {
    const server = await serve((_req, reply) => reply.stream(anthropicStream({ blocks: [{ type: 'text', text: ['ok'] }] })))
    const provider = new AnthropicProvider({ baseUrl: server.baseUrl, models: [{ name: 'claude-haiku-4-5', speed: 0.9 }], version: '2024-01-01' })

    await provider.complete({ messages: hello, maxTokens: 64 })

    expect(server.requests[0]!.headers['anthropic-version']).toBe('2024-01-01')
    expect(server.requests[0]!.headers['x-api-key']).toBeUndefined()
    expect(server.requests[0]!.body).toEqual({ model: 'claude-haiku-4-5', max_tokens: 64, messages: hello, stream: true })
    expect(provider.models).toEqual([{ name: 'claude-haiku-4-5', speed: 0.9, provider: 'anthropic' }])
  })

  it('assembles two tool_use blocks from partial_json cut mid-token, reporting each call when its block stops', async () => {
    const blocks = [
      { type: 'text' as const, text: ['Let me ', 'check.'] },
      { type: 'tool_use' as const, id: 'toolu_a', name: 'weather__get', input: ['{"ci', 'ty": "Pa', 'ris", "un', 'its": ["c", ', '"f"]}'] },
      { type: 'tool_use' as const, id: 'toolu_b', name: 'search__query', input: ['{"query": "mcp \\"sp', 'ec\\""', ', "limit": 1', '0}'] },
    ]
    const server = await serve((_req, reply) => reply.stream(anthropicStream({ blocks }), { chunkSize: 6 }))
    const provider = new AnthropicProvider({ baseUrl: server.baseUrl, models: ['claude-sonnet-4-5'] })
    const { events, onEvent } = collectEvents()

    const response = await provider.complete({ messages: hello }, onEvent)

    const calls = [
      { id: 'toolu_a', name: 'weather__get', arguments: { city: 'Paris', units: ['c', 'f'] } },
      { id: 'toolu_b', name: 'search__query', arguments: { query: 'mcp "spec"', limit: 10 } },
    ]
    expect(events).toEqual([{ type: 'text', text: 'Let me ' }, { type: 'text', text: 'check.' }, ...calls.map((call) => ({ type: 'tool_call', call }))])
    expect(response).toMatchObject({ text: 'Let me check.', toolCalls: calls, stopReason: 'toolUse' })
  })

  it('gives a tool_use block with no input deltas an empty object', async () => {
    const server = await serve((_req, reply) => reply.stream(anthropicStream({ blocks: [{ type: 'tool_use', id: 'toolu_1', name: 'clock__now', input: [] }] })))
    const provider = new AnthropicProvider({ baseUrl: server.baseUrl, models: ['claude-sonnet-4-5'] })

    const response = await provider.complete({ messages: hello })

    expect(response.toolCalls).toEqual([{ id: 'toolu_1', name: 'clock__now', arguments: {} }])
  })

  it('rejects with a ProviderError naming the tool when its input JSON is malformed', async () => {
    const server = await serve((_req, reply) => reply.stream(anthropicStream({ blocks: [{ type: 'tool_use', id: 'toolu_1', name: 'files__write', input: ['{"path": "a.txt", "text": '] }] })))
    const provider = new AnthropicProvider({ baseUrl: server.baseUrl, models: ['claude-sonnet-4-5'] })

    const error = await provider.complete({ messages: hello }).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(ProviderError)
    expect((error as ProviderError).message).toMatch(/^anthropic: .*tool "files__write" has malformed JSON input/)
  })

  it('maps max_tokens and stop_sequence stop reasons to MCP words', async () => {
    const server = await serve([
      (_req, reply) => reply.stream(anthropicStream({ blocks: [{ type: 'text', text: ['Lorem'] }], stopReason: 'max_tokens' })),
      (_req, reply) => reply.stream(anthropicStream({ blocks: [{ type: 'text', text: ['Done'] }], stopReason: 'stop_sequence' })),
      (_req, reply) => reply.stream(anthropicStream({ blocks: [{ type: 'text', text: ['Hmm'] }], stopReason: 'refusal' })),
    ])
    const provider = new AnthropicProvider({ baseUrl: server.baseUrl, models: ['claude-sonnet-4-5'] })

    expect((await provider.complete({ messages: hello })).stopReason).toBe('maxTokens')
    expect((await provider.complete({ messages: hello })).stopReason).toBe('stopSequence')
    expect((await provider.complete({ messages: hello })).stopReason).toBe('refusal')
  })

  it('rejects with the status and the API error message when the key is wrong', async () => {
    const server = await serve(() => {}, { apiKey: 'sk-ant-right' })
    const provider = new AnthropicProvider({ baseUrl: server.baseUrl, apiKey: 'sk-ant-wrong', models: ['claude-sonnet-4-5'] })

    const error = await provider.complete({ messages: hello }).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(ProviderError)
    expect(error).toMatchObject({ status: 401, provider: 'anthropic', message: 'anthropic: HTTP 401: invalid x-api-key' })
  })

  it('reports an overloaded API (529) with its error message', async () => {
    const server = await serve((_req, reply) => reply.json(529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }))
    const provider = new AnthropicProvider({ baseUrl: server.baseUrl, models: ['claude-sonnet-4-5'] })

    await expect(provider.complete({ messages: hello })).rejects.toMatchObject({ status: 529, message: 'anthropic: HTTP 529: Overloaded' })
  })

  it('rejects with the error event sent mid-stream, after reporting the text that came before it', async () => {
    const before = anthropicEvent('message_start', { message: { model: 'claude-sonnet-4-5-20250929', usage: { input_tokens: 3, output_tokens: 1 } } })
    const block = anthropicEvent('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }) + anthropicEvent('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Partial' } })
    const server = await serve((_req, reply) => reply.stream(before + block + anthropicError(), { chunkSize: 13 }))
    const provider = new AnthropicProvider({ baseUrl: server.baseUrl, models: ['claude-sonnet-4-5'] })
    const { events, onEvent } = collectEvents()

    const error = await provider.complete({ messages: hello }, onEvent).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(ProviderError)
    expect((error as ProviderError).message).toBe('anthropic: overloaded_error: Overloaded')
    expect(events).toEqual([{ type: 'text', text: 'Partial' }])
  })

  it('rejects with "stream ended early" when the stream stops before message_delta and message_stop', async () => {
    const server = await serve((_req, reply) => reply.stream(anthropicStream({ blocks: [{ type: 'text', text: ['Once upon'] }], truncate: true })))
    const provider = new AnthropicProvider({ baseUrl: server.baseUrl, models: ['claude-sonnet-4-5'] })

    const error = await provider.complete({ messages: hello }).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(ProviderError)
    expect((error as ProviderError).message).toContain('stream ended early')
  })

  it('rejects with the signal reason when aborted mid-stream, and the server sees the connection closed', async () => {
    let closed: Promise<string> | undefined
    const server = await serve(async (_req, reply) => {
      closed = reply.closed
      await reply.stream(anthropicStream({ blocks: [{ type: 'text', text: ['one ', 'two ', 'three'] }], truncate: true }), { keepOpen: true })
    })
    const provider = new AnthropicProvider({ baseUrl: server.baseUrl, models: ['claude-sonnet-4-5'] })
    const controller = new AbortController()
    const events: ModelEvent[] = []

    const answer = provider.complete({ messages: hello, signal: controller.signal }, (event) => {
      events.push(event)
      controller.abort()
    })

    const error = await answer.catch((e: unknown) => e)
    expect(error).toBe(controller.signal.reason)
    expect(error).toMatchObject({ name: 'AbortError' })
    expect(events).toEqual([{ type: 'text', text: 'one ' }])
    await expect(closed).resolves.toBe('client-closed')
  })
})
