import { describe, expect, it } from 'vitest'
import { OpenAIProvider } from '../../src/providers/openai.js'
import { type ModelEvent, ProviderError } from '../../src/providers/provider.js'
import { openAIChunk, openAICompletion, openAIStream, startOpenAIServer, serveEachTest, collectEvents } from './fake-apis.js'

const serve = serveEachTest(startOpenAIServer)

const hello = [{ role: 'user' as const, content: 'Hello?' }]

describe('OpenAIProvider', () => {
  it('streams each text delta to onEvent in order and resolves with the whole text, the model and the usage', async () => {
    const server = await serve((_req, reply) => reply.stream(openAIStream({ text: ['Hel', 'lo, ', 'wörld 🌍', '!'] }), { chunkSize: 7 }))
    const provider = new OpenAIProvider({ baseUrl: server.baseUrl, models: ['gpt-4o-mini'] })
    const { events, onEvent } = collectEvents()

    const response = await provider.complete({ messages: hello }, onEvent)

    expect(events).toEqual(['Hel', 'lo, ', 'wörld 🌍', '!'].map((text) => ({ type: 'text', text })))
    expect(response).toEqual({
      model: 'gpt-4o-mini-2024-07-18',
      text: 'Hello, wörld 🌍!',
      toolCalls: [],
      stopReason: 'endTurn',
      usage: { inputTokens: 12, outputTokens: 34 },
    })
  })

  it('posts the conversation as Chat Completions messages with bearer auth, tools, limits and streaming usage', async () => {
    const server = await serve((_req, reply) => reply.stream(openAIStream({ text: ['ok'] })), { apiKey: 'sk-test' })
    const provider = new OpenAIProvider({ baseUrl: `${server.baseUrl}/`, apiKey: 'sk-test', models: ['gpt-4o-mini', 'gpt-4o'], headers: { 'openai-organization': 'org-1' } })

    await provider.complete({
      model: 'gpt-4o',
      system: 'Be brief.',
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: '',
          toolCalls: [
            { id: 'call_1', name: 'weather__get', arguments: { city: 'Paris' } },
            { id: 'call_2', name: 'weather__get', arguments: { city: 'Rome' } },
          ],
        },
        { role: 'tool', toolCallId: 'call_1', name: 'weather__get', content: '18°C' },
        { role: 'tool', toolCallId: 'call_2', name: 'weather__get', content: 'city not found', isError: true },
        { role: 'assistant', content: 'Paris is 18°C.' },
        { role: 'user', content: 'Thanks' },
      ],
      tools: [{ name: 'weather__get', description: 'Current weather', inputSchema: { type: 'object', properties: { city: { type: 'string' } } } }],
      maxTokens: 200,
      temperature: 0.2,
      stopSequences: ['END'],
    })

    const [request] = server.requests
    expect(request!.path).toBe('/v1/chat/completions')
    expect(request!.headers.authorization).toBe('Bearer sk-test')
    expect(request!.headers['openai-organization']).toBe('org-1')
    expect(request!.headers['content-type']).toBe('application/json')
    expect(request!.body).toEqual({
      model: 'gpt-4o',
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: '',
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'weather__get', arguments: '{"city":"Paris"}' } },
            { id: 'call_2', type: 'function', function: { name: 'weather__get', arguments: '{"city":"Rome"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '18°C' },
        { role: 'tool', tool_call_id: 'call_2', content: 'Error: city not found' },
        { role: 'assistant', content: 'Paris is 18°C.' },
        { role: 'user', content: 'Thanks' },
      ],
      tools: [{ type: 'function', function: { name: 'weather__get', description: 'Current weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
      max_tokens: 200,
      temperature: 0.2,
      stop: ['END'],
    })
  })

  it('uses the first configured model when the request names none, and leaves out unset options', async () => {
    const server = await serve((_req, reply) => reply.stream(openAIStream({ text: ['ok'] })))
    const provider = new OpenAIProvider({ baseUrl: server.baseUrl, models: [{ name: 'llama3.2', aliases: ['llama'] }, { name: 'qwen3' }] })

    await provider.complete({ messages: hello })

    expect(server.requests[0]!.body).toEqual({ model: 'llama3.2', messages: hello, stream: true, stream_options: { include_usage: true } })
    expect(server.requests[0]!.headers.authorization).toBeUndefined()
    expect(provider.models).toEqual([
      { name: 'llama3.2', aliases: ['llama'], provider: 'openai' },
      { name: 'qwen3', provider: 'openai' },
    ])
  })

  it('assembles two parallel tool calls from argument fragments cut mid-token across many chunks, and reports each once the stream finishes', async () => {
    const toolCalls = [
      { id: 'call_a', name: 'weather__get', arguments: ['{"ci', 'ty": "Pa', 'ris', '", "unit', 's": "c"', '}'] },
      { id: 'call_b', name: 'search__query', arguments: ['{"q', 'uery":"mcp \\"spec', '\\"","limit":', '3}'] },
    ]
    const server = await serve((_req, reply) => reply.stream(openAIStream({ text: ['Checking.'], toolCalls }), { chunkSize: 5 }))
    const provider = new OpenAIProvider({ baseUrl: server.baseUrl, models: ['gpt-4o'] })
    const { events, onEvent } = collectEvents()

    const response = await provider.complete({ messages: hello }, onEvent)

    const calls = [
      { id: 'call_a', name: 'weather__get', arguments: { city: 'Paris', units: 'c' } },
      { id: 'call_b', name: 'search__query', arguments: { query: 'mcp "spec"', limit: 3 } },
    ]
    expect(events).toEqual([{ type: 'text', text: 'Checking.' }, ...calls.map((call) => ({ type: 'tool_call', call }))])
    expect(response.toolCalls).toEqual(calls)
    expect(response.stopReason).toBe('toolUse')
  })

  it('gives a tool call whose arguments stream as an empty string an empty object', async () => {
    const server = await serve((_req, reply) => reply.stream(openAIStream({ toolCalls: [{ id: 'call_1', name: 'clock__now', arguments: [] }] })))
    const provider = new OpenAIProvider({ baseUrl: server.baseUrl, models: ['gpt-4o'] })

    const response = await provider.complete({ messages: hello })

    expect(response.toolCalls).toEqual([{ id: 'call_1', name: 'clock__now', arguments: {} }])
  })

  it('rejects with a ProviderError naming the tool when its streamed arguments are malformed JSON', async () => {
    const server = await serve((_req, reply) => reply.stream(openAIStream({ toolCalls: [{ id: 'call_1', name: 'files__read', arguments: ['{"path": "/tmp', '/x'] }] })))
    const provider = new OpenAIProvider({ baseUrl: server.baseUrl, models: ['gpt-4o'] })

    const error = await provider.complete({ messages: hello }).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(ProviderError)
    expect((error as ProviderError).message).toMatch(/^openai: .*tool "files__read" has malformed JSON arguments/)
  })

  it('rejects with the status and the API error message when the key is wrong', async () => {
    const server = await serve(() => {}, { apiKey: 'sk-right' })
    const provider = new OpenAIProvider({ baseUrl: server.baseUrl, apiKey: 'sk-wrong', models: ['gpt-4o'] })

    const error = await provider.complete({ messages: hello }).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(ProviderError)
    expect(error).toMatchObject({ status: 401, provider: 'openai', message: 'openai: HTTP 401: Incorrect API key provided: sk-wrong.' })
  })

  it('reports a rate limit with its message, and an error page without JSON by its status and text', async () => {
    const server = await serve([
      (_req, reply) => reply.json(429, { error: { message: 'Rate limit reached for gpt-4o', type: 'requests', code: 'rate_limit_exceeded' } }),
      (_req, reply) => void reply.raw.writeHead(502, { 'content-type': 'text/html' }).end('Bad Gateway'),
    ])
    const provider = new OpenAIProvider({ baseUrl: server.baseUrl, models: ['gpt-4o'] })

    await expect(provider.complete({ messages: hello })).rejects.toMatchObject({ status: 429, message: 'openai: HTTP 429: Rate limit reached for gpt-4o' })
    await expect(provider.complete({ messages: hello })).rejects.toMatchObject({ status: 502, message: 'openai: HTTP 502: Bad Gateway' })
  })

  it('rejects with the message of an error the server sends inside the stream', async () => {
    const server = await serve((_req, reply) => reply.stream(openAIStream({ text: ['Par'], finishReason: null, usage: null, done: false }) + openAIChunk({ error: { message: 'The server had an error', type: 'server_error' } })))
    const provider = new OpenAIProvider({ baseUrl: server.baseUrl, models: ['gpt-4o'] })

    await expect(provider.complete({ messages: hello })).rejects.toThrow('openai: The server had an error')
  })

  it('rejects with "stream ended early" when the stream stops before a finish_reason and [DONE]', async () => {
    const server = await serve((_req, reply) => reply.stream(openAIStream({ text: ['Once upon'], finishReason: null, usage: null, done: false }), { chunkSize: 9 }))
    const provider = new OpenAIProvider({ baseUrl: server.baseUrl, models: ['gpt-4o'] })
    const { events, onEvent } = collectEvents()

    const error = await provider.complete({ messages: hello }, onEvent).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(ProviderError)
    expect((error as ProviderError).message).toContain('stream ended early')
    expect(events).toEqual([{ type: 'text', text: 'Once upon' }])
  })

  it('accepts a stream that has a finish_reason but ends without [DONE], as some local servers do', async () => {
    const server = await serve((_req, reply) => reply.stream(openAIStream({ text: ['Hi'], usage: null, done: false })))
    const provider = new OpenAIProvider({ baseUrl: server.baseUrl, models: ['gpt-4o'] })

    await expect(provider.complete({ messages: hello })).resolves.toMatchObject({ text: 'Hi', stopReason: 'endTurn' })
  })

  it('maps finish_reason length to maxTokens, and passes other reasons through', async () => {
    const server = await serve([
      (_req, reply) => reply.stream(openAIStream({ text: ['Lorem'], finishReason: 'length' })),
      (_req, reply) => reply.stream(openAIStream({ text: [''], finishReason: 'content_filter' })),
    ])
    const provider = new OpenAIProvider({ baseUrl: server.baseUrl, models: ['gpt-4o'] })

    expect((await provider.complete({ messages: hello })).stopReason).toBe('maxTokens')
    expect((await provider.complete({ messages: hello })).stopReason).toBe('content_filter')
  })

  it('reads the plain JSON answer of a server that ignores stream: true, reporting its text and tool calls', async () => {
    const message = { content: 'Let me look.', tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'docs__search', arguments: '{"q":"roots"}' } }] }
    const server = await serve((_req, reply) => reply.json(200, openAICompletion(message, { finishReason: 'tool_calls', model: 'llama3.2:latest' })))
    const provider = new OpenAIProvider({ baseUrl: server.baseUrl, models: ['llama3.2'] })
    const { events, onEvent } = collectEvents()

    const response = await provider.complete({ messages: hello }, onEvent)

    const call = { id: 'call_9', name: 'docs__search', arguments: { q: 'roots' } }
    expect(events).toEqual([{ type: 'text', text: 'Let me look.' }, { type: 'tool_call', call }])
    expect(response).toEqual({ model: 'llama3.2:latest', text: 'Let me look.', toolCalls: [call], stopReason: 'toolUse', usage: { inputTokens: 5, outputTokens: 7 } })
  })

  it('names the requested model in the response when the chunks carry none', async () => {
    const chunk = { choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: 'stop' }] }
    const server = await serve((_req, reply) => reply.stream(openAIChunk(chunk) + 'data: [DONE]\n\n'))
    const provider = new OpenAIProvider({ baseUrl: server.baseUrl, models: ['local-model'] })

    await expect(provider.complete({ messages: hello })).resolves.toMatchObject({ model: 'local-model', text: 'hi' })
  })

  it('rejects with the signal reason when aborted mid-stream, and the server sees the connection closed', async () => {
    let closed: Promise<string> | undefined
    const server = await serve(async (_req, reply) => {
      closed = reply.closed
      await reply.stream(openAIStream({ text: ['one ', 'two ', 'three'], finishReason: null, usage: null, done: false }), { keepOpen: true })
    })
    const provider = new OpenAIProvider({ baseUrl: server.baseUrl, models: ['gpt-4o'] })
    const controller = new AbortController()
    const reason = new Error('user pressed Esc')
    const events: ModelEvent[] = []

    const answer = provider.complete({ messages: hello, signal: controller.signal }, (event) => {
      events.push(event)
      controller.abort(reason)
    })

    await expect(answer).rejects.toBe(reason)
    expect(events).toEqual([{ type: 'text', text: 'one ' }])
    await expect(closed).resolves.toBe('client-closed')
  })

  it('rejects with the signal reason when the signal is already aborted, sending nothing', async () => {
    const server = await serve((_req, reply) => reply.stream(openAIStream({ text: ['x'] })))
    const provider = new OpenAIProvider({ baseUrl: server.baseUrl, models: ['gpt-4o'] })
    const reason = new Error('cancelled before start')

    await expect(provider.complete({ messages: hello, signal: AbortSignal.abort(reason) })).rejects.toBe(reason)
    expect(server.requests).toHaveLength(0)
  })

  it('rejects with a ProviderError saying why when the server cannot be reached', async () => {
    const server = await startOpenAIServer(() => {})
    await server.close()
    const provider = new OpenAIProvider({ baseUrl: server.baseUrl, models: ['gpt-4o'], name: 'ollama' })

    const error = await provider.complete({ messages: hello }).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(ProviderError)
    expect((error as ProviderError).message).toMatch(/^ollama: request failed: fetch failed \(.*ECONNREFUSED/)
  })
})
