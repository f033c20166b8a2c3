import type { SamplingHandler } from '@plugboard/client'
import { chooseModel, type SamplingPolicy } from '@plugboard/host'
import { McpError, type CreateMessageResult, type SamplingMessage } from '@plugboard/protocol'
import type { ChatMessage, ModelProvider } from './providers/provider.js'
import type { HostUi } from './ui/host-ui.js'

/**
 * The code the spec's examples use for a sampling request the user turned down.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/client/sampling#error-handling
 */
export const USER_REJECTED = -1

/**
 * Answers one server's `sampling/createMessage` with the host's model, with the user in the loop:
 * rate limit per server, model chosen from the preferences, the request shown for approval (or
 * editing), the model's answer shown for approval before it goes back to the server.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/client/sampling#user-interaction-model
 */
export function createSamplingHandler(options: { server: string; provider: ModelProvider; policy: SamplingPolicy; ui: HostUi; label?: string }): SamplingHandler {
  const { provider, policy, ui } = options
  // Who asks, as the user reads it (a server, or one of its MCP App views); the rate limit is the server's either way.
  const server = options.label ?? options.server
  return async (request, ctx) => {
    const rate = policy.take(options.server)
    if (!rate.allowed) {
      ui.emit({ type: 'sampling', server, stage: 'rate_limited', detail: `retry in ${Math.ceil(rate.retryAfterMs / 1000)} s` })
      throw new McpError(USER_REJECTED, `Sampling rate limit reached for this server; retry in ${Math.ceil(rate.retryAfterMs / 1000)} s`)
    }
    const model = chooseModel(request.modelPreferences, provider.models)?.model.name
    ui.emit({ type: 'sampling', server, stage: 'requested', model })
    const decision = await ui.reviewSamplingRequest({ server, params: request, model, scripted: provider.scripted })
    if (decision.action === 'reject') {
      ui.emit({ type: 'sampling', server, stage: 'rejected' })
      throw new McpError(USER_REJECTED, 'User rejected sampling request')
    }
    const params = decision.params
    let answer
    try {
      answer = await provider.complete({
        model,
        system: params.systemPrompt,
        messages: params.messages.map(toChatMessage),
        maxTokens: params.maxTokens,
        temperature: params.temperature,
        stopSequences: params.stopSequences,
        signal: ctx.signal,
      })
    } catch (error) {
      ui.emit({ type: 'sampling', server, stage: 'failed', detail: (error as Error).message })
      throw new McpError(-32603, `The host's model failed: ${(error as Error).message}`)
    }
    const result: CreateMessageResult = {
      role: 'assistant',
      model: answer.model,
      stopReason: answer.stopReason,
      content: { type: 'text', text: answer.text },
    }
    if (!(await ui.reviewSamplingResult({ server, result, scripted: provider.scripted }))) {
      ui.emit({ type: 'sampling', server, stage: 'answer_rejected', model: answer.model })
      throw new McpError(USER_REJECTED, "User rejected the model's answer")
    }
    ui.emit({ type: 'sampling', server, stage: 'answered', model: answer.model })
    return result
  }
}

/** A sampling message as provider chat text; what a text model cannot take is described in words. */
function toChatMessage(message: SamplingMessage): ChatMessage {
  const blocks = Array.isArray(message.content) ? message.content : [message.content]
  const text = blocks
    .map((block) => {
      switch (block.type) {
        case 'text':
          return block.text
        case 'image':
        case 'audio':
          return `[${block.type} ${block.mimeType} omitted: this host sends text only]`
        default:
          return `[${block.type}]`
      }
    })
    .join('\n')
  return message.role === 'user' ? { role: 'user', content: text } : { role: 'assistant', content: text }
}
