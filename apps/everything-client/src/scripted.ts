import type { CreateMessageRequestParams, CreateMessageResult, ElicitRequestFormParams, ElicitResult } from '@plugboard/protocol'

/**
 * Stand-ins for the parts of a host a demo cannot have: a model and a person. Both are scripted
 * and say so, so nobody mistakes the demo's answers for a real LLM's.
 */

/** The model name the scripted sampler reports; the transcript shows it. */
export const SCRIPTED_MODEL = 'scripted-model (no LLM)'

const ANSWERS: Array<[RegExp, string]> = [
  [/capital of france/i, 'Paris.'],
  [/\b2 \+ 2\b/, '4.'],
  [/haiku/i, 'Messages cross the pipe / one JSON line at a time / the server replies.'],
]

/** Answers `sampling/createMessage` from a fixed table keyed by the last user message. */
export function scriptedModel(params: CreateMessageRequestParams): CreateMessageResult {
  const last = params.messages.at(-1)
  const content = last && !Array.isArray(last.content) ? last.content : undefined
  const question = content?.type === 'text' ? content.text : ''
  const answer = ANSWERS.find(([pattern]) => pattern.test(question))?.[1] ?? `I am scripted and have no answer to "${question}".`
  return { role: 'assistant', model: SCRIPTED_MODEL, stopReason: 'endTurn', content: { type: 'text', text: answer } }
}

/** What the scripted user types into any form: known fields by name, else each field's default. */
const TYPED: Record<string, unknown> = { name: 'Ada Lovelace', age: 36, subscribe: true, color: 'green' }

/** Answers form-mode `elicitation/create` by accepting with {@link TYPED} values or the schema's defaults. */
export function scriptedUser(params: ElicitRequestFormParams): ElicitResult {
  const content: Record<string, string | number | boolean | string[]> = {}
  for (const [key, field] of Object.entries(params.requestedSchema.properties)) {
    const value = TYPED[key] ?? (field as { default?: unknown }).default
    if (value !== undefined) content[key] = value as string | number | boolean
  }
  return { action: 'accept', content }
}

/** The roots the demo client exposes. */
export const DEMO_ROOTS = [
  { uri: 'file:///home/demo/project', name: 'project' },
  { uri: 'file:///home/demo/notes', name: 'notes' },
]
