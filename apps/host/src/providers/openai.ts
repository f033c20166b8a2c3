import type { ModelProfile } from '@plugboard/host'
import { type ChatMessage, type ModelEvent, type ModelProvider, type ModelRequest, type ModelResponse, ProviderError, type StopReason, type ToolCall } from './provider.js'
import { errorMessage, modelProfiles, parseArguments, postJson } from './http.js'
import { readServerSentEvents } from './sse.js'

/** Where and how {@link OpenAIProvider} reaches an OpenAI-compatible Chat Completions API. */
export interface OpenAIProviderOptions {
  /** The API root, up to and including `/v1`. Default `https://api.openai.com/v1`; Ollama is `http://localhost:11434/v1`. */
  baseUrl?: string
  /** Sent as `Authorization: Bearer …`; local servers usually need none. */
  apiKey?: string
  /** The models offered, by name or as profiles for sampling's preferences; the first is the default. */
  models: ModelProfile[] | string[]
  /** Extra request headers (an organization, a proxy's token…). */
  headers?: Record<string, string>
  /** Default the global `fetch`. */
  fetch?: typeof fetch
  /** The name shown to the user. Default `openai`. */
  name?: string
}

/**
 * A model provider for the OpenAI Chat Completions API and the servers that copy it (Ollama,
 * vLLM, llama.cpp's server, LM Studio). It streams, and also accepts a plain JSON answer from a
 * server that ignores `stream`.
 * @example
 * const provider = new OpenAIProvider({ baseUrl: 'http://localhost:11434/v1', models: ['llama3.2'] })
 * const answer = await provider.complete({ messages: [{ role: 'user', content: 'Hi' }] }, (e) => e.type === 'text' && process.stdout.write(e.text))
 */
export class OpenAIProvider implements ModelProvider {
  readonly name: string
  readonly scripted = false
  readonly models: readonly ModelProfile[]
  readonly #options: OpenAIProviderOptions

  constructor(options: OpenAIProviderOptions) {
    this.name = options.name ?? 'openai'
    this.models = modelProfiles(this.name, options.models)
    this.#options = options
  }

  /** Sends one Chat Completions request and streams its answer; see {@link ModelProvider.complete}. */
  async complete(request: ModelRequest, onEvent: (event: ModelEvent) => void = () => {}): Promise<ModelResponse> {
    const { signal } = request
    const model = request.model ?? this.models[0]!.name
    const baseUrl = (this.#options.baseUrl ?? 'https://api.openai.com/v1').replace(/\/+$/, '')
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream, application/json', ...this.#options.headers }
    if (this.#options.apiKey) headers.authorization = `Bearer ${this.#options.apiKey}`
    const post = { provider: this.name, url: `${baseUrl}/chat/completions`, headers, body: requestBody(model, request), signal, fetch: this.#options.fetch }
    return postJson(post, async (response) => {
      const answer = new Answer(this.name, model, onEvent)
      if (response.headers.get('content-type')?.includes('application/json')) {
        answer.fromJson((await response.json()) as ChatCompletion)
        return answer.finish()
      }
      for await (const { data } of readServerSentEvents(response, signal)) {
        if (data.trim() === '[DONE]') return answer.finish()
        answer.fromChunk(parseChunk(this.name, data))
      }
      if (answer.finishReason === undefined) throw new ProviderError(this.name, 'stream ended early, before [DONE] and without a finish_reason')
      return answer.finish()
    })
  }
}

/** The parts of a streamed chunk (`chat.completion.chunk`) and a whole `chat.completion` we read. */
interface ChatCompletion {
  model?: string
  choices?: { delta?: WireMessage; message?: WireMessage; finish_reason?: string | null }[]
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null
  error?: unknown
}
interface WireMessage {
  content?: string | null
  tool_calls?: { index?: number; id?: string; function?: { name?: string; arguments?: unknown } }[]
}

function requestBody(model: string, request: ModelRequest): Record<string, unknown> {
  const messages: unknown[] = request.system ? [{ role: 'system', content: request.system }] : []
  messages.push(...request.messages.map(wireMessage))
  const body: Record<string, unknown> = { model, messages, stream: true, stream_options: { include_usage: true } }
  if (request.tools?.length) {
    body.tools = request.tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.inputSchema } }))
  }
  if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens
  if (request.temperature !== undefined) body.temperature = request.temperature
  if (request.stopSequences?.length) body.stop = request.stopSequences
  return body
}

function wireMessage(message: ChatMessage): Record<string, unknown> {
  switch (message.role) {
    case 'user':
      return { role: 'user', content: message.content }
    case 'assistant':
      if (!message.toolCalls?.length) return { role: 'assistant', content: message.content }
      // `content: ''`, not the spec's `null`: Ollama answers 400 "invalid message content type: <nil>"
      // (https://github.com/pydantic/pydantic-ai/issues/5206), and OpenAI takes either.
      return {
        role: 'assistant',
        content: message.content,
        tool_calls: message.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: JSON.stringify(c.arguments) } })),
      }
    case 'tool':
      // Chat Completions has no error flag on a tool result; without one the model reads a failure as data.
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.isError ? `Error: ${message.content}` : message.content }
  }
}

/** The answer being assembled from chunks (or from one JSON body), reporting events as it goes. */
class Answer {
  finishReason: string | undefined
  #text = ''
  #model: string | undefined
  #usage: ModelResponse['usage']
  /** Tool calls by their `index`: the id and name come once, the arguments in string fragments. */
  #calls = new Map<number, { id?: string; name?: string; arguments: string }>()
  #toolCalls: ToolCall[] | undefined

  constructor(
    readonly provider: string,
    readonly requestedModel: string,
    readonly onEvent: (event: ModelEvent) => void,
  ) {}

  fromChunk(chunk: ChatCompletion): void {
    if (chunk.error !== undefined && chunk.error !== null) throw new ProviderError(this.provider, errorMessage(chunk) ?? 'the stream reported an error')
    this.#note(chunk)
    const choice = chunk.choices?.[0]
    if (!choice) return
    if (choice.delta) this.#add(choice.delta)
    if (choice.finish_reason) {
      this.finishReason = choice.finish_reason
      this.#emitToolCalls()
    }
  }

  fromJson(body: ChatCompletion): void {
    this.#note(body)
    const choice = body.choices?.[0]
    if (!choice?.message) throw new ProviderError(this.provider, 'the response has no choices[0].message')
    this.#add(choice.message)
    this.finishReason = choice.finish_reason ?? 'stop'
  }

  finish(): ModelResponse {
    const toolCalls = this.#emitToolCalls()
    const response: ModelResponse = { model: this.#model ?? this.requestedModel, text: this.#text, toolCalls, stopReason: stopReason(this.finishReason, toolCalls) }
    if (this.#usage) response.usage = this.#usage
    return response
  }

  #note(chunk: ChatCompletion): void {
    if (chunk.model) this.#model = chunk.model
    if (chunk.usage) this.#usage = { inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens }
  }

  #add(delta: WireMessage): void {
    if (delta.content) {
      this.#text += delta.content
      this.onEvent({ type: 'text', text: delta.content })
    }
    for (const [position, fragment] of (delta.tool_calls ?? []).entries()) {
      // Some servers leave out `index` when they send each call whole; then its position tells.
      const index = fragment.index ?? position
      const call = this.#calls.get(index) ?? { arguments: '' }
      this.#calls.set(index, call)
      if (fragment.id) call.id = fragment.id
      if (fragment.function?.name) call.name = fragment.function.name
      const args = fragment.function?.arguments
      // vLLM and some proxies send the arguments as an object in a non-streamed answer.
      if (args !== undefined && args !== null) call.arguments += typeof args === 'string' ? args : JSON.stringify(args)
    }
  }

  /** Parses and reports every accumulated tool call, once (at finish_reason, or at the end). */
  #emitToolCalls(): ToolCall[] {
    if (this.#toolCalls) return this.#toolCalls
    this.#toolCalls = [...this.#calls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, call]) => {
        if (!call.name) throw new ProviderError(this.provider, `tool call ${index} has no function name`)
        return { id: call.id ?? `call_${index}`, name: call.name, arguments: parseArguments(this.provider, call.name, call.arguments) }
      })
    for (const call of this.#toolCalls) this.onEvent({ type: 'tool_call', call })
    return this.#toolCalls
  }
}


function stopReason(finishReason: string | undefined, toolCalls: ToolCall[]): StopReason {
  switch (finishReason) {
    case 'tool_calls':
    case 'function_call':
      return 'toolUse'
    case 'length':
      return 'maxTokens'
    case 'stop':
    case undefined:
      // Ollama and llama.cpp have answered tool calls with "stop"; the calls are what matters.
      return toolCalls.length > 0 ? 'toolUse' : 'endTurn'
    default:
      return finishReason
  }
}

function parseChunk(provider: string, data: string): ChatCompletion {
  try {
    return JSON.parse(data) as ChatCompletion
  } catch {
    throw new ProviderError(provider, `the stream sent a chunk that is not JSON: ${data.slice(0, 200)}`)
  }
}



