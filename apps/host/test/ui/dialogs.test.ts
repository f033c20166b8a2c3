import { describeAnnotations, type ConsentPrompt } from '@plugboard/host'
import type { CreateMessageRequestParams, CreateMessageResult } from '@plugboard/protocol'
import { describe, expect, it } from 'vitest'
import { askChoice, askConsent, describeContent, reviewSamplingRequest, reviewSamplingResult } from '../../src/ui/dialogs.js'
import { ScriptedPrompter } from '../../src/ui/prompter.js'
import { clipText, sanitize, sanitizeLine } from '../../src/ui/sanitize.js'

const consentPrompt = (overrides: Partial<ConsentPrompt> = {}): ConsentPrompt => ({
  server: 'fs',
  tool: 'write_file',
  arguments: { path: '/tmp/x', content: 'hello' },
  annotations: { destructiveHint: true },
  reason: 'no rule covers this tool',
  hints: describeAnnotations({ destructiveHint: true }, 'fs'),
  ...overrides,
})

async function consent(answers: Array<string | undefined>, prompt = consentPrompt()) {
  const io = new ScriptedPrompter(answers)
  const answer = await askConsent(io, prompt)
  return { answer, output: io.output }
}

describe('askConsent', () => {
  it('shows the server, tool, arguments as JSON, the annotations as claims, and why it asks', async () => {
    const { answer, output } = await consent(['o'], { ...consentPrompt(), name: 'fs__write_file' } as ConsentPrompt)
    expect(answer).toBe('once')
    expect(output).toContain('── tool call to fs ──')
    expect(output).toContain('Tool: write_file (the model calls it fs__write_file)')
    expect(output).toContain('"path": "/tmp/x"')
    expect(output).toContain('Annotations (claims the server made, not verified): Server "fs" says: may delete or overwrite data.')
    expect(output).toContain("These are the server's claims, not checked.")
    expect(output).toContain('Asking because: no rule covers this tool')
    expect(output).toContain('Allow? [o]nce / [a]lways for this tool / [d]eny: o')
  })

  it.each([
    ['o', 'once'],
    ['once', 'once'],
    ['Y', 'once'],
    ['a', 'always'],
    [' ALWAYS ', 'always'],
    ['d', 'deny'],
    ['deny', 'deny'],
    ['n', 'deny'],
  ] as const)('reads %j as %s', async (typed, expected) => {
    expect((await consent([typed])).answer).toBe(expected)
  })

  it('asks again after a garbage answer and takes the valid one that follows', async () => {
    const { answer, output } = await consent(['sure', '', 'always'])
    expect(answer).toBe('always')
    expect(output.match(/Allow\?/g)).toHaveLength(3)
    expect(output).toContain('Please answer one of: o, once, y, yes, a, always, d, deny, n, no.')
  })

  it('denies on Ctrl-C, and after five garbage answers', async () => {
    expect((await consent([undefined])).answer).toBe('deny')
    expect((await consent(['x', 'x', 'x', 'x', 'x', 'o'])).answer).toBe('deny')
  })

  it('truncates long arguments with a note', async () => {
    const { output } = await consent(['d'], consentPrompt({ arguments: { content: 'x'.repeat(5000) } }))
    expect(output).toMatch(/… \(\d+ more characters not shown\)/)
    expect(output.length).toBeLessThan(3000)
  })

  it('neutralizes escape sequences in the tool name and the arguments', async () => {
    const { output } = await consent(['d'], consentPrompt({ tool: 'rm\u001b[8m', arguments: { a: '\u009b2J\u202e' } }))
    expect(output).not.toMatch(/[\u001b\u009b\u202e]/)
    expect(output).toContain('rm␛[8m')
    expect(output).toContain('<U+009B>2J<U+202E>')
  })
})

const samplingParams = (overrides: Partial<CreateMessageRequestParams> = {}): CreateMessageRequestParams => ({
  systemPrompt: 'You are terse.',
  messages: [
    { role: 'user', content: { type: 'text', text: 'What is 2+2?' } },
    { role: 'assistant', content: { type: 'text', text: '4' } },
    { role: 'user', content: [{ type: 'image', data: 'AAAA', mimeType: 'image/png' }, { type: 'text', text: 'And this?' }] },
  ],
  maxTokens: 100,
  modelPreferences: { hints: [{ name: 'sonnet' }], costPriority: 0.2, intelligencePriority: 0.9 },
  includeContext: 'thisServer',
  ...overrides,
})

async function review(answers: Array<string | undefined>, params = samplingParams(), extra: { model?: string; scripted?: boolean } = {}) {
  const io = new ScriptedPrompter(answers)
  const decision = await reviewSamplingRequest(io, { server: 'everything', params, ...extra })
  return { decision, output: io.output }
}

describe('reviewSamplingRequest', () => {
  it('shows the server, model, system prompt, each message, limits and preferences, and approves unchanged', async () => {
    const params = samplingParams()
    const { decision, output } = await review(['a'], params, { model: 'claude-sonnet-4-5', scripted: true })
    expect(decision).toEqual({ action: 'approve', params })
    expect(output).toContain('── sampling request from everything ──')
    expect(output).toContain('Answered by: claude-sonnet-4-5 (scripted, no LLM)')
    expect(output).toContain('System prompt:\n    You are terse.')
    expect(output).toContain('[user]\n      What is 2+2?')
    expect(output).toContain('[image image/png, 3 B]\n      And this?')
    expect(output).toContain('Max tokens: 100')
    expect(output).toContain('Model preferences: hints sonnet; cost 0.2; intelligence 0.9')
    expect(output).toContain('Include context: thisServer')
    expect(output).toContain('[a]pprove / [e]dit / [r]eject: a')
  })

  it('lists the tools offered to the model and non-text content as stand-ins', async () => {
    const params = samplingParams({
      tools: [{ name: 'get_weather', inputSchema: { type: 'object' } }],
      toolChoice: { mode: 'auto' },
      messages: [
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'get_weather', input: { city: 'Paris' } }] },
        { role: 'user', content: [{ type: 'tool_result', toolUseId: 't1', content: [{ type: 'text', text: 'sunny' }] }, { type: 'audio', data: 'AAAA', mimeType: 'audio/wav' }] },
      ],
    })
    const { output } = await review(['r'], params)
    expect(output).toContain('Tools offered to the model: get_weather (tool choice: auto)')
    expect(output).toContain('[tool_use get_weather { "city": "Paris" }]')
    expect(output).toContain('[tool_result for t1: sunny]')
    expect(output).toContain('[audio audio/wav, 3 B]')
  })

  it('rejects on r and on Ctrl-C', async () => {
    expect((await review(['r'])).decision).toEqual({ action: 'reject' })
    expect((await review([undefined])).decision).toEqual({ action: 'reject' })
  })

  it('edits the system prompt, the last user message and maxTokens, shows the result, and approves the edited request', async () => {
    const params = samplingParams()
    const { decision, output } = await review(['e', 'Be verbose.', 'Describe the picture.', 'lots', '500', 'a'], params)
    expect(decision.action).toBe('approve')
    const edited = (decision as { params: CreateMessageRequestParams }).params
    expect(edited.systemPrompt).toBe('Be verbose.')
    expect(edited.maxTokens).toBe(500)
    expect(edited.messages[2]!.content).toEqual([{ type: 'image', data: 'AAAA', mimeType: 'image/png' }, { type: 'text', text: 'Describe the picture.' }])
    expect(edited.messages[0]).toEqual(params.messages[0])
    expect(params.systemPrompt).toBe('You are terse.')
    expect(output).toContain('Answer a whole number above 0.')
    expect(output.match(/── sampling request from everything ──/g)).toHaveLength(2)
    expect(output).toContain('System prompt:\n    Be verbose.')
  })

  it('keeps everything when each edit answer is empty', async () => {
    const params = samplingParams()
    const { decision } = await review(['edit', '', '', '', 'approve'], params)
    expect(decision).toEqual({ action: 'approve', params })
  })

  it('rejects when the user presses Ctrl-C while editing', async () => {
    expect((await review(['e', 'new prompt', undefined])).decision).toEqual({ action: 'reject' })
  })

  it('neutralizes escape sequences in the prompts', async () => {
    const { output } = await review(['r'], samplingParams({ systemPrompt: 'ok\u001b]0;title\u0007', messages: [{ role: 'user', content: { type: 'text', text: 'hi\u001b[2J' } }] }))
    expect(output).not.toMatch(/[\u001b\u0007]/)
    expect(output).toContain('ok␛]0;title␇')
  })
})

describe('reviewSamplingResult', () => {
  const result: CreateMessageResult = { role: 'assistant', content: { type: 'text', text: 'It is 4.' }, model: 'scripted', stopReason: 'endTurn' }

  it('shows the model, stop reason and answer, and sends on y', async () => {
    const io = new ScriptedPrompter(['y'])
    expect(await reviewSamplingResult(io, { server: 'everything', result, scripted: true })).toBe(true)
    expect(io.output).toContain('Model: scripted (scripted, no LLM)')
    expect(io.output).toContain('Stop reason: endTurn')
    expect(io.output).toContain('It is 4.')
    expect(io.output).toContain('Send this answer to everything? [y/n]: y')
  })

  it('keeps the answer back on n and on Ctrl-C, and re-asks after garbage', async () => {
    expect(await reviewSamplingResult(new ScriptedPrompter(['n']), { server: 'everything', result })).toBe(false)
    expect(await reviewSamplingResult(new ScriptedPrompter([undefined]), { server: 'everything', result })).toBe(false)
    const io = new ScriptedPrompter(['', 'ok', 'yes'])
    expect(await reviewSamplingResult(io, { server: 'everything', result })).toBe(true)
    expect(io.output.match(/Send this answer/g)).toHaveLength(3)
  })
})

describe('askChoice', () => {
  it('gives up after the allowed number of unclear answers instead of asking forever', async () => {
    const io = new ScriptedPrompter(['x', 'y', 'z'])
    expect(await askChoice(io, 'Pick: ', { a: 'a' }, 2)).toBeUndefined()
    expect(io.remaining).toBe(1)
  })

  it('does not take inherited object keys as answers', async () => {
    const io = new ScriptedPrompter(['constructor', undefined])
    expect(await askChoice(io, 'Pick: ', { a: 'a' })).toBeUndefined()
  })
})

describe('sanitize', () => {
  it('replaces escape, carriage return, bell and other C0 controls by visible control pictures, keeping newline and tab', () => {
    expect(sanitize('a\u001b[31mb\rc\u0007d\n\te\u0000')).toBe('a␛[31mb␍c␇d\n\te␀')
  })

  it('turns CRLF into a newline', () => {
    expect(sanitize('one\r\ntwo')).toBe('one\ntwo')
  })

  it('shows C1 controls, DEL and bidi overrides as code points', () => {
    expect(sanitize('\u009b2J\u007f\u202eevil\u2066')).toBe('<U+009B>2J␡<U+202E>evil<U+2066>')
  })

  it('leaves ordinary text, emoji and accents alone', () => {
    expect(sanitize('Zoë 👩‍💻 日本')).toBe('Zoë 👩‍💻 日本')
  })

  it('sanitizeLine makes newlines visible and clips long text', () => {
    expect(sanitizeLine('a\nb\tc')).toBe('a⏎b c')
    expect(sanitizeLine('x'.repeat(30), 10)).toBe('xxxxxxxxxx… (20 more characters not shown)')
  })

  it('clipText never splits a character made of two UTF-16 units', () => {
    expect(clipText('😀😀😀', 2)).toBe('😀😀… (1 more character not shown)')
  })

  it('describeContent shows unknown content types by name only', () => {
    expect(describeContent({ type: 'hologram', data: '\u001b' } as never)).toBe('[hologram]')
  })
})
