import type { ModelProfile } from '@plugboard/host'

/**
 * The conversation as every provider sees it, whatever its wire format: plain text turns, the
 * assistant's tool calls, and one `tool` message per call with its result as text.
 */
export type ChatMessage =
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; name: string; content: string; isError?: boolean }

/** A tool call the model made; `arguments` is parsed JSON (an object). */
export interface ToolCall {
  id: string
  name: string
  arguments: Record<string, unknown>
}

/** A tool offered to the model: the catalog's namespaced name and the tool's JSON Schema. */
export interface ToolSpec {
  name: string
  description?: string
  inputSchema: Record<string, unknown>
}

/** One model call. */
export interface ModelRequest {
  /** The model to use; default the provider's first model. */
  model?: string
  system?: string
  messages: ChatMessage[]
  tools?: ToolSpec[]
  maxTokens?: number
  temperature?: number
  stopSequences?: string[]
  /** Aborting cancels the HTTP request; `complete` then rejects with the signal's reason. */
  signal?: AbortSignal
}

/** What a provider reports while it streams. */
export type ModelEvent = { type: 'text'; text: string } | { type: 'tool_call'; call: ToolCall }

/** Why the model stopped, in MCP's words (`CreateMessageResult.stopReason`). */
export type StopReason = 'endTurn' | 'toolUse' | 'maxTokens' | 'stopSequence' | (string & {})

/** The whole answer of one model call. */
export interface ModelResponse {
  /** The model that answered, as the API named it. */
  model: string
  text: string
  toolCalls: ToolCall[]
  stopReason: StopReason
  usage?: { inputTokens?: number; outputTokens?: number }
}

/**
 * A source of completions. `complete` streams (`onEvent` gets text deltas as they arrive and each
 * tool call once its arguments are whole) and resolves with the whole response. Errors reject
 * with a {@link ProviderError}.
 */
export interface ModelProvider {
  /** `openai`, `anthropic`, `scripted`… — shown to the user. */
  readonly name: string
  /** True for the offline scripted provider: the UI labels its answers as scripted, not a model's. */
  readonly scripted: boolean
  /** The models it offers, for sampling's model preferences (`chooseModel`); the first is the default. */
  readonly models: readonly ModelProfile[]
  complete(request: ModelRequest, onEvent?: (event: ModelEvent) => void): Promise<ModelResponse>
}

/** A provider call that failed: the HTTP status and the API's own error message when there is one. */
export class ProviderError extends Error {
  override readonly name = 'ProviderError'
  constructor(
    readonly provider: string,
    message: string,
    readonly status?: number,
  ) {
    super(`${provider}: ${message}`)
  }
}
