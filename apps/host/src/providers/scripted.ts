import { namespacedName, type ModelProfile } from '@plugboard/host'
import type { ChatMessage, ModelEvent, ModelProvider, ModelRequest, ModelResponse, ToolCall, ToolSpec } from './provider.js'

/**
 * One rule of a script: when the user's message matches `when`, make the tool calls in `call`
 * (if any), then answer with `reply`. In `reply`, `{{result}}` stands for the text of the tool
 * results, `{{result:N}}` for the Nth one (from 1), and `{{input}}` for the user's message.
 */
export interface ScriptStep {
  /** A regular expression (source text, case-insensitive) tested against the user's message. */
  when: string
  /** Tools to call, by `server/tool` (or the namespaced name the model sees), with arguments. */
  call?: Array<{ tool: string; arguments?: Record<string, unknown> }>
  reply: string
}

/** The model name the scripted provider reports: it says what it is. */
export const SCRIPTED_MODEL = 'scripted-model'

/**
 * An offline provider that follows a script instead of thinking: the demo's and the tests'
 * model. It streams its replies word by word like a real one, makes the tool calls its script
 * names, and says plainly when it has no rule for a message. The UI labels it as scripted.
 *
 * @example
 * const provider = new ScriptedProvider([{ when: 'add (\\d+) and (\\d+)', call: [{ tool: 'everything/add', arguments: { a: 2, b: 3 } }], reply: 'The sum is {{result}}.' }])
 */
export class ScriptedProvider implements ModelProvider {
  readonly name = 'scripted'
  readonly scripted = true
  readonly models: readonly ModelProfile[] = [{ name: SCRIPTED_MODEL, aliases: ['scripted'] }]
  readonly #steps: Array<ScriptStep & { pattern: RegExp }>
  #calls = 0

  constructor(script: readonly ScriptStep[] = []) {
    this.#steps = script.map((step) => ({ ...step, pattern: new RegExp(step.when, 'i') }))
  }

  async complete(request: ModelRequest, onEvent?: (event: ModelEvent) => void): Promise<ModelResponse> {
    if (request.signal?.aborted) throw request.signal.reason
    const turn = currentTurn(request.messages)
    const step = this.#steps.find((s) => s.pattern.test(turn.input))
    if (step?.call?.length && turn.results.length === 0) {
      const toolCalls = step.call.map((c) => this.#toolCall(c.tool, c.arguments ?? {}, request.tools ?? []))
      for (const call of toolCalls) onEvent?.({ type: 'tool_call', call })
      return { model: SCRIPTED_MODEL, text: '', toolCalls, stopReason: 'toolUse' }
    }
    const text = step ? fill(step.reply, turn) : `I am a scripted model (no LLM) and have no script for "${turn.input}". Configure a real provider to chat freely.`
    // Word by word, so the UI's streaming path is exercised as with a real model.
    for (const piece of text.match(/\S+\s*|\s+/g) ?? []) onEvent?.({ type: 'text', text: piece })
    return { model: SCRIPTED_MODEL, text, toolCalls: [], stopReason: 'endTurn' }
  }

  #toolCall(tool: string, args: Record<string, unknown>, tools: readonly ToolSpec[]): ToolCall {
    const slash = tool.indexOf('/')
    const name = slash === -1 ? tool : namespacedName(tool.slice(0, slash), tool.slice(slash + 1))
    // A collision-renamed tool keeps the server prefix and the tool name, with a hash between.
    const found = tools.find((t) => t.name === name) ?? (slash === -1 ? undefined : tools.find((t) => t.name.startsWith(`${tool.slice(0, slash)}__`) && t.name.endsWith(tool.slice(slash + 1))))
    return { id: `call_${++this.#calls}`, name: found?.name ?? name, arguments: args }
  }
}

interface Turn {
  input: string
  results: Array<Extract<ChatMessage, { role: 'tool' }>>
}

/** The last user message and the tool results that followed it. */
function currentTurn(messages: readonly ChatMessage[]): Turn {
  const results: Turn['results'] = []
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!
    if (message.role === 'tool') results.unshift(message)
    if (message.role === 'user') return { input: message.content, results }
  }
  return { input: '', results }
}

function fill(reply: string, turn: Turn): string {
  return reply.replace(/\{\{(result|input)(?::(\d+))?\}\}/g, (_, what: string, index?: string) => {
    if (what === 'input') return turn.input
    if (index !== undefined) return turn.results[Number(index) - 1]?.content ?? ''
    return turn.results.map((r) => r.content).join('\n')
  })
}

/**
 * Reads a script file's parsed JSON: an array of {@link ScriptStep}. Throws an error naming the
 * step and field that is wrong.
 */
export function parseScript(value: unknown, source = 'script'): ScriptStep[] {
  if (!Array.isArray(value)) throw new Error(`${source}: expected an array of steps ({ "when", "call"?, "reply" })`)
  return value.map((step: unknown, i) => {
    const at = `${source}[${i}]`
    if (typeof step !== 'object' || step === null) throw new Error(`${at}: expected an object`)
    const { when, call, reply } = step as Record<string, unknown>
    if (typeof when !== 'string') throw new Error(`${at}.when: expected a regular expression as a string`)
    try {
      new RegExp(when)
    } catch (error) {
      throw new Error(`${at}.when: ${(error as Error).message}`)
    }
    if (typeof reply !== 'string') throw new Error(`${at}.reply: expected a string`)
    if (call !== undefined && !Array.isArray(call)) throw new Error(`${at}.call: expected an array of { "tool", "arguments"? }`)
    for (const [j, c] of (call ?? []).entries()) {
      const item = c as Record<string, unknown> | null
      if (typeof item?.tool !== 'string') throw new Error(`${at}.call[${j}].tool: expected "server/tool"`)
      if (item.arguments !== undefined && (typeof item.arguments !== 'object' || item.arguments === null || Array.isArray(item.arguments))) {
        throw new Error(`${at}.call[${j}].arguments: expected an object`)
      }
    }
    return step as ScriptStep
  })
}
