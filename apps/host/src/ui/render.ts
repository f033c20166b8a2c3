import type { HostEvent } from '../events.js'
import { sanitize } from './sanitize.js'

/** Longest tool result or log line shown in the terminal; the model still gets all of it. */
const MAX_SHOWN = 600

/**
 * Turns host events into terminal text. Keeps one bit of state: whether the model's answer is
 * streaming, so the `assistant>` label comes before its first piece and a newline after its last.
 * Everything a server or model said passes through `sanitize` (no escape sequences reach the screen).
 */
export class TextRenderer {
  #streaming = false
  readonly #write: (text: string) => void
  readonly #label: string

  constructor(write: (text: string) => void, options: { scripted?: boolean } = {}) {
    this.#write = write
    this.#label = options.scripted ? 'assistant [scripted, no LLM]> ' : 'assistant> '
  }

  render(event: HostEvent): void {
    if (event.type === 'text') {
      if (!this.#streaming) this.#write(this.#label)
      this.#streaming = true
      this.#write(sanitize(event.text))
      return
    }
    if (event.type === 'assistant') {
      if (this.#streaming) this.#write('\n')
      else if (event.text) this.#write(`${this.#label}${sanitize(event.text)}\n`)
      this.#streaming = false
      return
    }
    if (this.#streaming) this.#write('\n')
    this.#streaming = false
    const line = describe(event)
    if (line !== undefined) this.#write(`${line}\n`)
  }
}

/** One line (or a few) for an event; `undefined` for those the terminal does not show. */
export function describe(event: HostEvent): string | undefined {
  switch (event.type) {
    case 'server': {
      const extra = event.error ? `: ${sanitize(event.error)}` : ''
      const retry = event.retryInMs !== undefined && event.state === 'restarting' ? ` (retry in ${(event.retryInMs / 1000).toFixed(1)} s)` : ''
      return `[server] ${event.name} ${event.state}${extra}${retry}`
    }
    case 'authorization':
      return `Sign in to ${event.server}: ${sanitize(event.url)}`
    case 'tool_call': {
      const target = event.server ? `${event.server}/${sanitize(event.tool ?? '')}` : sanitize(event.name)
      return `→ tool call ${target} ${clip(JSON.stringify(event.arguments), 200)}`
    }
    case 'consent':
      return event.allowed ? `  ✓ allowed: ${event.reason}` : `  ✗ denied: ${event.reason}`
    case 'progress': {
      const of = event.total !== undefined ? `/${event.total}` : ''
      return `  … progress ${event.progress}${of}${event.message ? ` ${sanitize(event.message)}` : ''}`
    }
    case 'tool_result':
      return `← ${event.isError ? 'error' : 'result'}: ${clip(sanitize(event.text), MAX_SHOWN)}`
    case 'task': {
      // A task that completed or was cancelled may still carry the message of its running days.
      const message = event.statusMessage && event.status !== 'completed' && event.status !== 'cancelled' ? `: ${sanitize(event.statusMessage)}` : ''
      const line = `[task] ${event.taskId} ${event.server}/${sanitize(event.tool)} ${event.status}${message}`
      return event.result ? `${line}\n← task ${event.result.isError ? 'error' : 'result'}: ${clip(sanitize(event.result.text), MAX_SHOWN)}` : line
    }
    case 'sampling':
      return `[sampling] ${event.server}: ${SAMPLING_STAGE[event.stage]}${event.model ? ` (${sanitize(event.model)})` : ''}${event.detail ? `: ${sanitize(event.detail)}` : ''}`
    case 'elicitation':
      return `[elicitation] ${event.server} (${event.mode}): the user chose to ${event.action}`
    case 'log':
      return `[log] ${event.server} ${event.level}${event.logger ? ` ${sanitize(event.logger)}` : ''}: ${clip(sanitize(typeof event.data === 'string' ? event.data : JSON.stringify(event.data)), MAX_SHOWN)}`
    case 'model_context':
      return `[context] ${sanitize(event.source)} told the model: ${clip(sanitize(event.text), MAX_SHOWN)}`
    case 'cancelled':
      return '(cancelled)'
    case 'error':
      return `error: ${sanitize(event.message)}`
    default:
      return undefined
  }
}

const SAMPLING_STAGE = {
  requested: 'asks the model for a completion',
  rejected: 'request rejected by the user',
  rate_limited: 'request refused by the rate limit',
  answered: 'answer sent back to the server',
  answer_rejected: "the model's answer was rejected by the user",
  failed: 'the model failed',
} as const

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`
}
