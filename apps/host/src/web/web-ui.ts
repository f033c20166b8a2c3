import { randomUUID } from 'node:crypto'
import type { AnnotationDescription, ConsentAnswer } from '@plugboard/host'
import type { CreateMessageRequestParams, CreateMessageResult, ElicitResult, SamplingMessage } from '@plugboard/protocol'
import type { HostEvent } from '../events.js'
import { checkValue, parseAnswer, readForm, type FieldValue, type FormField } from '../ui/form-fields.js'
import { DialogQueue, type HostUi, type SamplingDecision } from '../ui/host-ui.js'
import { inspectUrl, type UrlInspection } from '../ui/url.js'

/**
 * A question the page shows. Everything in it is data for the page to render as text (never as
 * HTML): names, arguments and messages come from servers and models.
 */
export type WebDialog =
  | { kind: 'consent'; server: string; tool: string; name?: string; arguments: Record<string, unknown>; claims: AnnotationDescription; reason: string }
  | { kind: 'sampling_request'; server: string; model?: string; scripted?: boolean; params: CreateMessageRequestParams }
  | { kind: 'sampling_result'; server: string; scripted?: boolean; result: CreateMessageResult }
  /** `fields` is the terminal form's own field model (ui/form-fields.ts), so both UIs accept the same schemas and answers. */
  | { kind: 'form'; server: string; message: string; fields: FormField[] }
  | { kind: 'url'; server: string; message: string; url: Extract<UrlInspection, { ok: true }> }

/** What goes to the page, in order, on its event stream. */
export type WebMessage =
  | { type: 'event'; event: HostEvent }
  | { type: 'dialog'; id: string; dialog: WebDialog }
  | { type: 'dialog_closed'; id: string }
  /** A slash command's output, or a note from the host. */
  | { type: 'output'; text: string }

/** Why an answer from the page was not taken: the dialog stays open and the page shows `errors`. */
export class AnswerError extends Error {
  constructor(
    message: string,
    readonly errors: Record<string, string> = {},
  ) {
    super(message)
    this.name = 'AnswerError'
  }
}

interface Pending {
  dialog: WebDialog
  /** Checks an answer and settles the dialog, or throws {@link AnswerError}. */
  answer: (answer: unknown) => void
  cancel: () => void
}

/**
 * A {@link HostUi} for the browser: each question becomes a {@link WebDialog} that the page
 * answers through {@link WebUi.answer}, one at a time as in the terminal; every event goes to
 * the page's listeners. Answers are checked here, not in the page, with the terminal's rules
 * (consent choices, the form's field checks, the URL inspection), so a page that sends anything
 * else gets an {@link AnswerError} and the dialog stays open.
 */
export class WebUi implements HostUi {
  readonly #queue = new DialogQueue()
  readonly #pending = new Map<string, Pending>()
  readonly #listeners = new Set<(message: WebMessage) => void>()
  #closed = false

  /** Adds a listener for everything sent to pages; returns the function that removes it. */
  listen(listener: (message: WebMessage) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** The dialog open now, for a page that connects (or reloads) while it waits. */
  open(): Array<{ id: string; dialog: WebDialog }> {
    return [...this.#pending].map(([id, { dialog }]) => ({ id, dialog }))
  }

  /** Answers the open dialog `id`. Throws {@link AnswerError} for an unknown id or an answer that does not fit. */
  answer(id: string, answer: unknown): void {
    const pending = this.#pending.get(id)
    if (!pending) throw new AnswerError('No such dialog is open (it may have been answered already).')
    pending.answer(answer)
  }

  /** Tells the page something that is not a host event (a slash command's output). */
  output(text: string): void {
    this.#send({ type: 'output', text })
  }

  emit(event: HostEvent): void {
    this.#send({ type: 'event', event })
  }

  /** Cancels every open and queued dialog (as Ctrl-C would): the host is shutting down. */
  close(): void {
    this.#closed = true
    for (const pending of [...this.#pending.values()]) pending.cancel()
  }

  askConsent: HostUi['askConsent'] = (prompt) =>
    this.#ask<ConsentAnswer>(
      { kind: 'consent', server: prompt.server, tool: prompt.tool, name: prompt.name, arguments: prompt.arguments ?? {}, claims: prompt.hints, reason: prompt.reason },
      (answer) => {
        const choice = field(answer, 'answer')
        if (choice === 'once' || choice === 'always' || choice === 'deny') return choice
        throw new AnswerError('Answer once, always or deny.')
      },
      'deny',
    )

  reviewSamplingRequest: HostUi['reviewSamplingRequest'] = (review) =>
    this.#ask<SamplingDecision>(
      { kind: 'sampling_request', server: review.server, model: review.model, scripted: review.scripted, params: review.params },
      (answer) => {
        const action = field(answer, 'action')
        if (action === 'reject') return { action: 'reject' }
        if (action !== 'approve') throw new AnswerError('Answer approve or reject.')
        const edit = field(answer, 'edit')
        return { action: 'approve', params: edit === undefined ? review.params : editSamplingRequest(review.params, edit) }
      },
      { action: 'reject' },
    )

  reviewSamplingResult: HostUi['reviewSamplingResult'] = (review) =>
    this.#ask<boolean>(
      { kind: 'sampling_result', server: review.server, scripted: review.scripted, result: review.result },
      (answer) => {
        const send = field(answer, 'send')
        if (typeof send !== 'boolean') throw new AnswerError('Answer send: true or false.')
        return send
      },
      false,
    )

  elicitForm: HostUi['elicitForm'] = async ({ server, params }) => {
    const fields = readForm(params.requestedSchema)
    if (!Array.isArray(fields)) {
      this.output(`A form from ${server} cannot be shown: ${fields.unsupported}. It was declined.`)
      return { action: 'decline' }
    }
    return this.#ask<ElicitResult>({ kind: 'form', server, message: String(params.message ?? ''), fields }, (answer) => readFormAnswer(fields, answer), { action: 'cancel' })
  }

  elicitUrl: HostUi['elicitUrl'] = async ({ server, params }) => {
    const url = inspectUrl(String(params.url))
    if (!url.ok) {
      this.output(`${server} asked to open a URL that cannot be opened safely: ${url.error} It was declined.`)
      return { action: 'decline' }
    }
    // The page opens the URL itself (in a new tab, without an opener) when the user accepts.
    return this.#ask<ElicitResult>(
      { kind: 'url', server, message: String(params.message ?? ''), url },
      (answer) => {
        const action = field(answer, 'action')
        if (action === 'accept' || action === 'decline' || action === 'cancel') return { action }
        throw new AnswerError('Answer accept, decline or cancel.')
      },
      { action: 'cancel' },
    )
  }

  #ask<T>(dialog: WebDialog, read: (answer: unknown) => T, onCancel: T): Promise<T> {
    return this.#queue.run(
      () =>
        new Promise<T>((resolve) => {
          if (this.#closed) return resolve(onCancel)
          const id = randomUUID()
          const settle = (value: T) => {
            this.#pending.delete(id)
            this.#send({ type: 'dialog_closed', id })
            resolve(value)
          }
          this.#pending.set(id, { dialog, answer: (answer) => settle(read(answer)), cancel: () => settle(onCancel) })
          this.#send({ type: 'dialog', id, dialog })
        }),
    )
  }

  #send(message: WebMessage): void {
    for (const listener of this.#listeners) listener(message)
  }
}

/**
 * Applies the page's edit of a sampling request: the system prompt, the text of the last user
 * message and `maxTokens` — what the terminal's edit changes too.
 */
export function editSamplingRequest(params: CreateMessageRequestParams, edit: unknown): CreateMessageRequestParams {
  if (!isRecord(edit)) throw new AnswerError('The edit must be an object.')
  const edited = { ...params }
  if (edit.systemPrompt !== undefined) {
    if (typeof edit.systemPrompt !== 'string') throw new AnswerError('The system prompt must be text.', { systemPrompt: 'Must be text.' })
    edited.systemPrompt = edit.systemPrompt
  }
  if (edit.maxTokens !== undefined) {
    const n = typeof edit.maxTokens === 'string' && /^\d+$/.test(edit.maxTokens.trim()) ? Number(edit.maxTokens) : edit.maxTokens
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n <= 0) throw new AnswerError('Max tokens must be a whole number above 0.', { maxTokens: 'A whole number above 0.' })
    edited.maxTokens = n
  }
  if (edit.text !== undefined) {
    if (typeof edit.text !== 'string') throw new AnswerError('The message must be text.', { text: 'Must be text.' })
    const messages = [...(params.messages ?? [])]
    const index = messages.findLastIndex((m) => m.role === 'user')
    if (index === -1) throw new AnswerError('The request has no user message to edit.', { text: 'No user message to edit.' })
    messages[index] = { ...messages[index]!, content: withText(messages[index]!.content, edit.text) }
    edited.messages = messages
  }
  return edited
}

function withText(content: SamplingMessage['content'], text: string): SamplingMessage['content'] {
  if (!Array.isArray(content)) return content?.type === 'text' ? { ...content, text } : [content, { type: 'text', text }]
  const index = content.findLastIndex((block) => block.type === 'text')
  return index === -1 ? [...content, { type: 'text', text }] : content.map((block, i) => (i === index ? { ...block, text } : block))
}

/**
 * Reads a submitted form: `{ action: 'accept', content }` with each field's value (text inputs as
 * typed, checked and converted as the terminal does; checkboxes, choices and lists as values), or
 * `decline`/`cancel`. Any field that fails makes an {@link AnswerError} naming it.
 */
export function readFormAnswer(fields: FormField[], answer: unknown): ElicitResult {
  const action = field(answer, 'action')
  if (action === 'decline' || action === 'cancel') return { action }
  if (action !== 'accept') throw new AnswerError('Answer accept, decline or cancel.')
  const content = field(answer, 'content') ?? {}
  if (!isRecord(content)) throw new AnswerError('The form content must be an object.')
  const values: Record<string, FieldValue> = {}
  const errors: Record<string, string> = {}
  for (const f of fields) {
    const raw = content[f.key]
    const empty = raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '' && f.kind !== 'string') || (typeof raw === 'string' && raw === '' && f.kind === 'string')
    if (empty) {
      if (f.required) errors[f.key] = 'This field is required.'
      continue
    }
    const read = (f.kind === 'number' || f.kind === 'integer') && typeof raw === 'string' ? parseAnswer(f, raw) : checkValue(f, raw)
    if (read.ok) values[f.key] = read.value
    else errors[f.key] = read.error
  }
  const unknown = Object.keys(content).filter((key) => !fields.some((f) => f.key === key))
  if (unknown.length) errors[unknown[0]!] = 'The form has no such field.'
  if (Object.keys(errors).length) throw new AnswerError('Some answers are not valid.', errors)
  return { action: 'accept', content: values }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const field = (answer: unknown, key: string): unknown => (isRecord(answer) ? answer[key] : undefined)
