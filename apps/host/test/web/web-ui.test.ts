import type { CreateMessageRequestParams } from '@plugboard/protocol'
import { describe, expect, it } from 'vitest'
import { readForm, type FormField } from '../../src/ui/form-fields.js'
import { AnswerError, editSamplingRequest, readFormAnswer, WebUi, type WebMessage } from '../../src/web/web-ui.js'

const FIELDS = readForm({
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1 },
    age: { type: 'integer', minimum: 0 },
    news: { type: 'boolean' },
    color: { type: 'string', oneOf: [{ const: 'r', title: 'Red' }, { const: 'g', title: 'Green' }] },
    tags: { type: 'array', items: { type: 'string', enum: ['a', 'b', 'c'] }, maxItems: 2 },
    email: { type: 'string', format: 'email' },
  },
  required: ['name', 'age'],
}) as FormField[]

function errorsOf(run: () => unknown): Record<string, string> {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(AnswerError)
    return (error as AnswerError).errors
  }
  throw new Error('expected an AnswerError')
}

describe('readFormAnswer', () => {
  it('reads each field kind the terminal form supports, numbers typed as text included', () => {
    const answer = readFormAnswer(FIELDS, { action: 'accept', content: { name: 'Ada', age: ' 36 ', news: true, color: 'g', tags: ['a', 'c'], email: '' } })
    expect(answer).toEqual({ action: 'accept', content: { name: 'Ada', age: 36, news: true, color: 'g', tags: ['a', 'c'] } })
  })

  it('names every field that breaks its rules, and the missing required ones', () => {
    const errors = errorsOf(() => readFormAnswer(FIELDS, { action: 'accept', content: { age: '3.5', color: 'x', tags: ['a', 'b', 'c'], email: 'not-an-email' } }))
    expect(errors).toEqual({
      name: 'This field is required.',
      age: 'Must be a whole number.',
      color: 'Not one of the options.',
      tags: 'Choose at most 2.',
      email: 'Must be an email address.',
    })
  })

  it('refuses a field the form does not have, and a value of the wrong type', () => {
    expect(errorsOf(() => readFormAnswer(FIELDS, { action: 'accept', content: { name: 'A', age: 1, extra: 1 } }))).toEqual({ extra: 'The form has no such field.' })
    expect(errorsOf(() => readFormAnswer(FIELDS, { action: 'accept', content: { name: 'A', age: 1, news: 'yes' } }))).toEqual({ news: 'Expected y or n.' })
  })

  it('passes decline and cancel through, and refuses any other action', () => {
    expect(readFormAnswer(FIELDS, { action: 'decline' })).toEqual({ action: 'decline' })
    expect(readFormAnswer(FIELDS, { action: 'cancel', content: { name: 'ignored' } })).toEqual({ action: 'cancel' })
    expect(() => readFormAnswer(FIELDS, { action: 'submit' })).toThrow(AnswerError)
    expect(() => readFormAnswer(FIELDS, 'accept')).toThrow(AnswerError)
  })
})

describe('editSamplingRequest', () => {
  const params: CreateMessageRequestParams = {
    systemPrompt: 'Be brief.',
    maxTokens: 60,
    messages: [
      { role: 'user', content: { type: 'text', text: 'first' } },
      { role: 'assistant', content: { type: 'text', text: 'ok' } },
      { role: 'user', content: [{ type: 'image', data: 'AA==', mimeType: 'image/png' }, { type: 'text', text: 'last' }] },
    ],
  }

  it('replaces the system prompt, the last user message’s text and maxTokens, and nothing else', () => {
    const edited = editSamplingRequest(params, { systemPrompt: 'Be long.', text: 'changed', maxTokens: '80' })
    expect(edited.systemPrompt).toBe('Be long.')
    expect(edited.maxTokens).toBe(80)
    expect(edited.messages[0]).toEqual(params.messages[0])
    expect(edited.messages[2]!.content).toEqual([{ type: 'image', data: 'AA==', mimeType: 'image/png' }, { type: 'text', text: 'changed' }])
    expect(params.messages[2]!.content).toEqual([{ type: 'image', data: 'AA==', mimeType: 'image/png' }, { type: 'text', text: 'last' }])
  })

  it('refuses a maxTokens that is not a whole number above 0', () => {
    for (const maxTokens of ['0', '-1', '1.5', 'many', 0, 2 ** 60]) expect(errorsOf(() => editSamplingRequest(params, { maxTokens }))).toEqual({ maxTokens: 'A whole number above 0.' })
  })
})

describe('WebUi', () => {
  it('asks one dialog at a time, keeps a dialog open after a wrong answer, and settles with the right one', async () => {
    const ui = new WebUi()
    const messages: WebMessage[] = []
    ui.listen((m) => messages.push(m))
    const first = ui.askConsent({ server: 's', tool: 't', arguments: {}, reason: 'asks', hints: { verified: false, summary: 'none', hints: [] } })
    const second = ui.reviewSamplingResult({ server: 's', result: { role: 'assistant', model: 'm', content: { type: 'text', text: 'hi' } } })
    await Promise.resolve()
    expect(ui.open().map((d) => d.dialog.kind)).toEqual(['consent'])
    const id = ui.open()[0]!.id
    expect(() => ui.answer(id, { answer: 'maybe' })).toThrow('Answer once, always or deny.')
    expect(ui.open()).toHaveLength(1)
    ui.answer(id, { answer: 'always' })
    expect(await first).toBe('always')
    await new Promise((resolve) => setImmediate(resolve))
    expect(ui.open().map((d) => d.dialog.kind)).toEqual(['sampling_result'])
    ui.answer(ui.open()[0]!.id, { send: true })
    expect(await second).toBe(true)
    expect(messages.map((m) => m.type)).toEqual(['dialog', 'dialog_closed', 'dialog', 'dialog_closed'])
    expect(() => ui.answer(id, { answer: 'once' })).toThrow('No such dialog is open')
  })

  it('declines a form it cannot show and a URL it must not open, without asking', async () => {
    const ui = new WebUi()
    const messages: WebMessage[] = []
    ui.listen((m) => messages.push(m))
    expect(await ui.elicitForm({ server: 's', params: { mode: 'form', message: 'm', requestedSchema: { type: 'object', properties: { x: { type: 'object' } } } as never } })).toEqual({ action: 'decline' })
    expect(await ui.elicitUrl({ server: 's', params: { mode: 'url', message: 'm', url: 'file:///etc/passwd', elicitationId: '1' } })).toEqual({ action: 'decline' })
    expect(messages.map((m) => m.type)).toEqual(['output', 'output'])
  })

  it('cancels the open dialog when closed: consent is denied, a form cancelled', async () => {
    const ui = new WebUi()
    const consent = ui.askConsent({ server: 's', tool: 't', arguments: {}, reason: 'asks', hints: { verified: false, summary: 'none', hints: [] } })
    const form = ui.elicitForm({ server: 's', params: { mode: 'form', message: 'm', requestedSchema: { type: 'object', properties: { x: { type: 'string' } } } } })
    await Promise.resolve()
    ui.close()
    expect(await consent).toBe('deny')
    expect(await form).toEqual({ action: 'cancel' })
  })
})
