import type { ModelProfile } from '@plugboard/host'
import { type ChatMessage, type ModelEvent, type ModelProvider, type ModelRequest, type ModelResponse, ProviderError, type StopReason, type ToolCall } from './provider.js'
import { modelProfiles, parseArguments, postJson } from './http.js'
import { readServerSentEvents } from './sse.js'

/** Where and how {@link AnthropicProvider} reaches the Anthropic Messages API. */
export interface AnthropicProviderOptions {
  /** The API origin, without `/v1`. Default `https://api.anthropic.com`. */
  baseUrl?: string
  /** Sent as `x-api-key`. */
  apiKey?: string
  /** The models offered, by name or as profiles for sampling's preferences; the first is the default. */
  models: ModelProfile[] | string[]
  /** Extra request headers (`anthropic-beta`, a proxy's token…). */
  headers?: Record<string, string>
  /** Default the global `fetch`. */
  fetch?: typeof fetch
  /** The `anthropic-version` header. Default `2023-06-01`. */
  version?: string
}

// The Messages API requires `max_tokens`; this is sent when the request names none.
const DEFAULT_ANTHROPIC_MAX_TOKENS = 4096

/**
 * A model provider for the Anthropic Messages API, streaming.
 * @see https://docs.anthropic.com/en/api/messages-streaming
 * @example
 * const provider = new AnthropicProvider({ apiKey: process.env.ANTHROPIC_API_KEY, models: ['claude-sonnet-4-5'] })
 * const answer = await provider.complete({ messages: [{ role: 'user', content: 'Hi' }] }, (e) => e.type === 'text' && process.stdout.write(e.text))
 */
export class AnthropicProvider implements ModelProvider {
  readonly name = 'anthropic'
  readonly scripted = false
  readonly models: readonly ModelProfile[]
  readonly #options: AnthropicProviderOptions

  constructor(options: AnthropicProviderOptions) {
    this.models = modelProfiles(this.name, options.models)
    this.#options = options
  }

  /** Sends one Messages request and streams its answer; see {@link ModelProvider.complete}. */
  async complete(request: ModelRequest, onEvent: (event: ModelEvent) => void = () => {}): Promise<ModelResponse> {
    const { signal } = request
    const model = request.model ?? this.models[0]!.name
    const baseUrl = (this.#options.baseUrl ?? 'https://api.anthropic.com').replace(/\/+$/, '')
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      'anthropic-version': this.#options.version ?? '2023-06-01',
      ...this.#options.headers,
    }
    if (this.#options.apiKey) headers['x-api-key'] = this.#options.apiKey
    const post = { provider: this.name, url: `${baseUrl}/v1/messages`, headers, body: requestBody(model, request), signal, fetch: this.#options.fetch }
    return postJson(post, async (response) => {
      const answer = new Answer(this.name, model, onEvent)
      for await (const { event, data } of readServerSentEvents(response, signal)) {
        if (answer.read(event, data)) return answer.finish()
      }
      if (answer.stopReason === undefined) throw new ProviderError(this.name, 'stream ended early, before message_stop')
      return answer.finish()
    })
  }
}

function requestBody(model: string, request: ModelRequest): Record<string, unknown> {
  const body: Record<string, unknown> = { model, max_tokens: request.maxTokens ?? DEFAULT_ANTHROPIC_MAX_TOKENS }
  if (request.system) body.system = request.system
  body.messages = wireMessages(request.messages)
  if (request.tools?.length) body.tools = request.tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.inputSchema }))
  body.stream = true
  if (request.temperature !== undefined) body.temperature = request.temperature
  if (request.stopSequences?.length) body.stop_sequences = request.stopSequences
  return body
}

type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> }
  | { type: 'tool_result'; tool_use_id: string; content: string; is_error?: true }

function wireMessages(messages: ChatMessage[]): { role: 'user' | 'assistant'; content: string | ContentBlock[] }[] {
  const out: { role: 'user' | 'assistant'; content: string | ContentBlock[] }[] = []
  for (const message of messages) {
    if (message.role === 'user') out.push({ role: 'user', content: message.content })
    else if (message.role === 'assistant') {
      if (!message.toolCalls?.length) {
        // The API rejects an empty text turn; leaving it out joins its neighbours into one user turn, which it allows.
        if (message.content !== '') out.push({ role: 'assistant', content: message.content })
        continue
      }
      const blocks: ContentBlock[] = message.content ? [{ type: 'text', text: message.content }] : []
      for (const call of message.toolCalls) blocks.push({ type: 'tool_use', id: call.id, name: call.name, input: call.arguments })
      out.push({ role: 'assistant', content: blocks })
    } else {
      // Every result of one assistant turn must come in the single user turn right after it.
      const result: ContentBlock = { type: 'tool_result', tool_use_id: message.toolCallId, content: message.content }
      if (message.isError) result.is_error = true
      const last = out.at(-1)
      if (last?.role === 'user' && Array.isArray(last.content) && last.content.every((b) => b.type === 'tool_result')) last.content.push(result)
      else out.push({ role: 'user', content: [result] })
    }
  }
  return out
}

/** The fields of the stream's events that we read. */
interface StreamEvent {
  type?: string
  index?: number
  message?: { model?: string; usage?: { input_tokens?: number; output_tokens?: number } }
  content_block?: { type?: string; text?: string; id?: string; name?: string }
  delta?: { type?: string; text?: string; partial_json?: string; stop_reason?: string | null }
  usage?: { output_tokens?: number }
  error?: { type?: string; message?: string }
}

/** The answer being assembled from the stream's events, reporting events as it goes. */
class Answer {
  stopReason: StopReason | undefined
  #model: string | undefined
  #text = ''
  #toolCalls: ToolCall[] = []
  #usage: { inputTokens?: number; outputTokens?: number } = {}
  /** Open tool_use blocks by index; their input arrives as `partial_json` fragments. */
  #blocks = new Map<number, { id: string; name: string; json: string }>()

  constructor(
    readonly provider: string,
    readonly requestedModel: string,
    readonly onEvent: (event: ModelEvent) => void,
  ) {}

  /** Takes one SSE event; true once the message is complete. */
  read(name: string | undefined, data: string): boolean {
    let event: StreamEvent
    try {
      event = JSON.parse(data) as StreamEvent
    } catch {
      throw new ProviderError(this.provider, `the stream sent an event that is not JSON: ${data.slice(0, 200)}`)
    }
    switch (event.type ?? name) {
      case 'message_start':
        if (event.message?.model) this.#model = event.message.model
        if (event.message?.usage?.input_tokens !== undefined) this.#usage.inputTokens = event.message.usage.input_tokens
        if (event.message?.usage?.output_tokens !== undefined) this.#usage.outputTokens = event.message.usage.output_tokens
        break
      case 'content_block_start': {
        const block = event.content_block
        if (block?.type === 'tool_use') this.#blocks.set(event.index ?? -1, { id: block.id ?? '', name: block.name ?? '', json: '' })
        else if (block?.type === 'text' && block.text) this.#addText(block.text)
        break
      }
      case 'content_block_delta':
        if (event.delta?.type === 'text_delta' && event.delta.text) this.#addText(event.delta.text)
        else if (event.delta?.type === 'input_json_delta') {
          const block = this.#blocks.get(event.index ?? -1)
          if (block) block.json += event.delta.partial_json ?? ''
        }
        break
      case 'content_block_stop': {
        const block = this.#blocks.get(event.index ?? -1)
        if (!block) break
        this.#blocks.delete(event.index ?? -1)
        const call: ToolCall = { id: block.id, name: block.name, arguments: parseArguments(this.provider, block.name, block.json, 'input') }
        this.#toolCalls.push(call)
        this.onEvent({ type: 'tool_call', call })
        break
      }
      case 'message_delta':
        if (event.delta?.stop_reason) this.stopReason = STOP_REASONS[event.delta.stop_reason] ?? event.delta.stop_reason
        if (event.usage?.output_tokens !== undefined) this.#usage.outputTokens = event.usage.output_tokens
        break
      case 'message_stop':
        return true
      case 'error':
        throw new ProviderError(this.provider, [event.error?.type, event.error?.message ?? 'the stream reported an error'].filter(Boolean).join(': '))
      // `ping`, and block types we do not use (thinking…), are ignored, as the docs ask of new event types.
    }
    return false
  }

  finish(): ModelResponse {
    const response: ModelResponse = { model: this.#model ?? this.requestedModel, text: this.#text, toolCalls: this.#toolCalls, stopReason: this.stopReason ?? 'endTurn' }
    if (this.#usage.inputTokens !== undefined || this.#usage.outputTokens !== undefined) response.usage = this.#usage
    return response
  }

  #addText(text: string): void {
    this.#text += text
    this.onEvent({ type: 'text', text })
  }
}

const STOP_REASONS: Record<string, StopReason> = { end_turn: 'endTurn', tool_use: 'toolUse', max_tokens: 'maxTokens', stop_sequence: 'stopSequence' }



