import { Client } from '@modelcontextprotocol/client'

export const MODERN = '2026-07-28'

/** What the official v2 client answers when our server asks (through input_required rounds). */
export interface V2Answers {
  form: Record<string, string | number | boolean>
  model: string
  text: string
  roots: Array<{ uri: string; name: string }>
}

/**
 * The official v2 client, pinned to 2026-07-28 (or probing, `auto`), declaring sampling,
 * elicitation and roots and answering each with `answers`; `asked` records what it was asked, in order.
 */
export function answeringV2Client(answers: V2Answers, mode: 'pin' | 'auto' = 'pin') {
  const client = new Client(
    { name: 'official-v2-client', version: '2.4.0' },
    { capabilities: { sampling: {}, elicitation: {}, roots: {} }, versionNegotiation: { mode: mode === 'auto' ? 'auto' : { pin: MODERN } } },
  )
  const asked: Array<{ method: string; params: unknown }> = []
  client.setRequestHandler('elicitation/create', async (request) => {
    asked.push({ method: 'elicitation/create', params: request.params })
    return { action: 'accept', content: answers.form }
  })
  client.setRequestHandler('sampling/createMessage', async (request) => {
    asked.push({ method: 'sampling/createMessage', params: request.params })
    return { role: 'assistant', model: answers.model, stopReason: 'endTurn', content: { type: 'text', text: answers.text } }
  })
  client.setRequestHandler('roots/list', async () => {
    asked.push({ method: 'roots/list', params: {} })
    return { roots: answers.roots }
  })
  return { client, asked }
}
