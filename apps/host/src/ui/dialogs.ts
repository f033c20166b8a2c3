import { describeAnnotations, type ConsentAnswer, type ConsentPrompt } from '@plugboard/host'
import type { CreateMessageRequestParams, CreateMessageResult, SamplingMessage } from '@plugboard/protocol'
import type { Prompter } from './prompter.js'
import { clipText, indent, sanitize, sanitizeLine } from './sanitize.js'

/** How many invalid answers in a row a dialog accepts before it gives up (as if the user cancelled). */
export const MAX_TRIES = 5

/** Tool arguments longer than this (as pretty JSON) are cut in the consent prompt. */
const MAX_ARGUMENTS = 2000
/** Longest text of one message or answer shown for review. */
const MAX_TEXT = 4000

/**
 * Asks `question` until the answer (trimmed, case-insensitive) is one of `answers`' keys and
 * resolves with its value; `undefined` when the user cancels (Ctrl-C) or gives
 * {@link MAX_TRIES} answers that are not in the list, so a dialog never loops forever.
 */
export async function askChoice<T extends string>(io: Prompter, question: string, answers: Readonly<Record<string, T>>, tries = MAX_TRIES): Promise<T | undefined> {
  const valid = Object.keys(answers).filter((key) => key !== '' && !key.startsWith('/'))
  for (let i = 0; i < tries; i++) {
    const answer = await io.ask(question)
    if (answer === undefined) return undefined
    const key = answer.trim().toLowerCase()
    if (Object.hasOwn(answers, key)) return answers[key]
    io.write(`  Please answer one of: ${valid.join(', ')}.\n`)
  }
  io.write('Too many invalid answers.\n')
  return undefined
}

/**
 * Asks the user whether a tool call may run: shows the server, the tool, its arguments, the
 * tool's annotations labelled as the server's unverified claims, and why the policy asks.
 * Ctrl-C, or giving up after too many unclear answers, denies.
 */
export async function askConsent(io: Prompter, prompt: ConsentPrompt & { name?: string }): Promise<ConsentAnswer> {
  const hints = prompt.hints ?? describeAnnotations(prompt.annotations, prompt.server)
  const alias = prompt.name !== undefined && prompt.name !== prompt.tool ? ` (the model calls it ${sanitizeLine(prompt.name, 100)})` : ''
  io.write(
    [
      `\n── tool call to ${sanitizeLine(prompt.server, 80)} ──`,
      `  Tool: ${sanitizeLine(prompt.tool, 100)}${alias}`,
      '  Arguments:',
      indent(formatJson(prompt.arguments ?? {}, MAX_ARGUMENTS), '    '),
      // Annotations are whatever the server declared: the user must not read them as checked facts.
      `  Annotations (claims the server made, not verified): ${sanitize(hints.summary)}`,
      `  Asking because: ${sanitizeLine(prompt.reason, 300)}`,
      '',
    ].join('\n'),
  )
  const choices = { o: 'once', once: 'once', y: 'once', yes: 'once', a: 'always', always: 'always', d: 'deny', deny: 'deny', n: 'deny', no: 'deny' } as const
  const answer = (await askChoice(io, 'Allow? [o]nce / [a]lways for this tool / [d]eny: ', choices)) ?? 'deny'
  io.write(answer === 'once' ? 'Allowed once.\n' : answer === 'always' ? 'Allowed from now on.\n' : 'Denied.\n')
  return answer
}

/**
 * Shows a server's sampling request for review and asks to approve, edit or reject it. Editing
 * replaces the system prompt, the text of the last user message and `maxTokens`, then shows the
 * edited request and asks again. Ctrl-C at any point rejects.
 */
export async function reviewSamplingRequest(
  io: Prompter,
  request: { server: string; params: CreateMessageRequestParams; model?: string; scripted?: boolean },
): Promise<{ action: 'approve'; params: CreateMessageRequestParams } | { action: 'reject' }> {
  let params = request.params
  for (;;) {
    io.write(describeSamplingRequest({ ...request, params }))
    const choice = await askChoice(io, '[a]pprove / [e]dit / [r]eject: ', { a: 'approve', approve: 'approve', e: 'edit', edit: 'edit', r: 'reject', reject: 'reject' } as const)
    if (choice === 'approve') {
      io.write('Approved.\n')
      return { action: 'approve', params }
    }
    const edited = choice === 'edit' ? await editSamplingRequest(io, params) : undefined
    if (!edited) {
      io.write('Rejected.\n')
      return { action: 'reject' }
    }
    params = edited
  }
}

/**
 * Shows the model's answer to a sampling request and asks whether to send it to the server.
 * Ctrl-C, or giving up after too many unclear answers, keeps it back.
 */
export async function reviewSamplingResult(io: Prompter, request: { server: string; result: CreateMessageResult; scripted?: boolean }): Promise<boolean> {
  const { result } = request
  io.write(
    [
      `\n── model answer for ${sanitizeLine(request.server, 80)} ──`,
      `  Model: ${sanitizeLine(String(result.model), 100)}${request.scripted ? ' (scripted, no LLM)' : ''}`,
      `  Stop reason: ${result.stopReason === undefined ? '(none given)' : sanitizeLine(result.stopReason, 100)}`,
      `  [${sanitizeLine(String(result.role), 20)}]`,
      indent(describeContent(result.content), '    '),
      '',
    ].join('\n'),
  )
  const send = await askChoice(io, `Send this answer to ${sanitizeLine(request.server, 80)}? [y/n]: `, { y: 'yes', yes: 'yes', n: 'no', no: 'no' } as const)
  io.write(send === 'yes' ? 'Sent.\n' : 'Not sent.\n')
  return send === 'yes'
}

/** A sampling request as the review shows it: who asks, which model answers, the prompts, limits and preferences. */
export function describeSamplingRequest(request: { server: string; params: CreateMessageRequestParams; model?: string; scripted?: boolean }): string {
  const { params } = request
  const lines = [`\n── sampling request from ${sanitizeLine(request.server, 80)} ──`]
  lines.push(`  Answered by: ${request.model === undefined ? '(no model chosen)' : sanitizeLine(request.model, 100)}${request.scripted ? ' (scripted, no LLM)' : ''}`)
  lines.push(params.systemPrompt === undefined ? '  System prompt: (none)' : `  System prompt:\n${indent(clipText(sanitize(params.systemPrompt), MAX_TEXT), '    ')}`)
  const messages = Array.isArray(params.messages) ? params.messages : []
  lines.push(`  Messages (${messages.length}):`)
  for (const message of messages) lines.push(`    [${sanitizeLine(String(message.role), 20)}]`, indent(describeContent(message.content), '      '))
  lines.push(`  Max tokens: ${sanitizeLine(String(params.maxTokens))}`)
  if (params.temperature !== undefined) lines.push(`  Temperature: ${sanitizeLine(String(params.temperature))}`)
  if (params.stopSequences?.length) lines.push(`  Stop sequences: ${params.stopSequences.map((s) => sanitizeLine(JSON.stringify(s), 60)).join(', ')}`)
  const preferences = params.modelPreferences
  if (preferences) {
    const parts: string[] = []
    const hints = (preferences.hints ?? []).map((h) => h?.name).filter((n): n is string => typeof n === 'string')
    if (hints.length) parts.push(`hints ${hints.map((h) => sanitizeLine(h, 60)).join(', ')}`)
    for (const key of ['cost', 'speed', 'intelligence'] as const) {
      const value = preferences[`${key}Priority`]
      if (value !== undefined) parts.push(`${key} ${sanitizeLine(String(value), 20)}`)
    }
    lines.push(`  Model preferences: ${parts.length ? parts.join('; ') : '(none)'}`)
  }
  if (params.includeContext !== undefined) lines.push(`  Include context: ${sanitizeLine(String(params.includeContext), 40)}`)
  if (params.tools?.length) {
    const choice = params.toolChoice?.mode ? ` (tool choice: ${sanitizeLine(String(params.toolChoice.mode), 20)})` : ''
    lines.push(`  Tools offered to the model: ${params.tools.map((t) => sanitizeLine(String(t.name), 60)).join(', ')}${choice}`)
  }
  return `${lines.join('\n')}\n`
}

/** Sampling content as text: text as is (sanitized, clipped), anything else as a `[image image/png, 12 kB]`-style stand-in. */
export function describeContent(content: SamplingMessage['content'] | CreateMessageResult['content']): string {
  const blocks: unknown[] = Array.isArray(content) ? content : [content]
  return blocks.map((block) => describeBlock(block)).join('\n')
}

function describeBlock(block: unknown): string {
  if (typeof block !== 'object' || block === null) return '[invalid content]'
  const b = block as Record<string, unknown>
  const type = sanitizeLine(String(b.type), 30)
  switch (b.type) {
    case 'text':
      return clipText(sanitize(String(b.text)), MAX_TEXT)
    case 'image':
    case 'audio':
      return `[${type} ${sanitizeLine(String(b.mimeType), 60)}${typeof b.data === 'string' ? `, ${formatBytes(Math.floor((b.data.length * 3) / 4))}` : ''}]`
    case 'tool_use':
      return `[tool_use ${sanitizeLine(String(b.name), 60)} ${formatJson(b.input, 300).replace(/\s*\n\s*/g, ' ')}]`
    case 'tool_result': {
      const inner = Array.isArray(b.content) ? b.content.map((c) => describeBlock(c)).join(' ') : ''
      return `[tool_result for ${sanitizeLine(String(b.toolUseId), 60)}${b.isError === true ? ' (error)' : ''}: ${clipText(inner, 500)}]`
    }
    case 'resource_link':
    case 'resource':
      return `[${type} ${sanitizeLine(String(b.uri ?? (b.resource as { uri?: unknown } | undefined)?.uri), 200)}]`
    default:
      return `[${type}]`
  }
}

async function editSamplingRequest(io: Prompter, params: CreateMessageRequestParams): Promise<CreateMessageRequestParams | undefined> {
  const system = await io.ask('New system prompt (empty line keeps it): ')
  if (system === undefined) return undefined
  let edited: CreateMessageRequestParams = system === '' ? params : { ...params, systemPrompt: system }

  const messages = Array.isArray(params.messages) ? params.messages : []
  const index = messages.findLastIndex((m) => m.role === 'user' && textBlockIndex(m.content) !== -1)
  if (index === -1) io.write('  (no user message with text to edit)\n')
  else {
    const text = await io.ask('New text of the last user message (empty line keeps it): ')
    if (text === undefined) return undefined
    if (text !== '') {
      const message = messages[index]!
      // Replace only the last text block: images and tool results in the same message stay as they were.
      const content = Array.isArray(message.content)
        ? message.content.map((block, i) => (i === textBlockIndex(message.content) ? { ...block, type: 'text' as const, text } : block))
        : { ...message.content, type: 'text' as const, text }
      edited = { ...edited, messages: messages.map((m, i) => (i === index ? { ...m, content } : m)) }
    }
  }

  for (let tries = 0; ; tries++) {
    if (tries === MAX_TRIES) return undefined
    const answer = await io.ask(`Max tokens [${sanitizeLine(String(params.maxTokens))}]: `)
    if (answer === undefined) return undefined
    if (answer.trim() === '') return edited
    if (/^\d+$/.test(answer.trim()) && Number(answer) > 0 && Number.isSafeInteger(Number(answer))) return { ...edited, maxTokens: Number(answer) }
    io.write('  Answer a whole number above 0.\n')
  }
}

function textBlockIndex(content: SamplingMessage['content']): number {
  if (!Array.isArray(content)) return content?.type === 'text' ? 0 : -1
  return content.findLastIndex((block) => block.type === 'text')
}

function formatJson(value: unknown, max: number): string {
  let json: string | undefined
  try {
    json = JSON.stringify(value, null, 2)
  } catch {
    return '(cannot be shown)'
  }
  return clipText(sanitize(json ?? String(value)), max)
}

function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} kB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`
}
