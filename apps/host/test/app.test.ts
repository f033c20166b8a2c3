import { afterEach, describe, expect, it } from 'vitest'
import type { HostApp } from '../src/app.js'
import type { HostEvent } from '../src/events.js'
import type { ModelProvider } from '../src/providers/provider.js'
import { everything, FIXTURE_SERVER, isRunning, scriptedHost, until } from './helpers.js'

const apps: HostApp[] = []
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()))
})

function host(options: Parameters<typeof scriptedHost>[0]) {
  const made = scriptedHost(options)
  apps.push(made.app)
  return made
}

const of = <T extends HostEvent['type']>(events: HostEvent[], type: T) => events.filter((e): e is Extract<HostEvent, { type: T }> => e.type === type)

describe('the agent loop over a real stdio server', () => {
  it('asks consent, runs the tool once allowed, and gives the result to the model for its answer', async () => {
    const { app, user, events } = host({
      servers: { everything },
      script: [{ when: 'add', call: [{ tool: 'everything/add', arguments: { a: 2, b: 3 } }], reply: 'It is {{result}}' }],
      answers: ['o'],
    })
    await app.start()
    const result = await app.send('add 2 and 3')
    expect(result.end).toBe('answer')
    expect(result.text).toMatch(/It is .*5/)
    expect(user.output).toContain('everything')
    expect(user.output).toMatch(/add/)
    expect(of(events, 'consent')[0]).toMatchObject({ allowed: true, name: 'everything__add' })
    expect(of(events, 'tool_result')[0]).toMatchObject({ isError: false })
    // The conversation holds the user's message, the call, its result and the answer.
    expect(app.history.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant'])
  })

  it('gives the model an error result when the user denies a call, and the session goes on', async () => {
    const { app, events } = host({
      servers: { everything },
      script: [{ when: 'echo', call: [{ tool: 'everything/echo', arguments: { message: 'hi' } }], reply: 'Result: {{result}}' }],
      answers: ['d', 'o'],
    })
    await app.start()
    const denied = await app.send('echo please')
    expect(denied.text).toMatch(/declined/)
    expect(of(events, 'tool_result')[0]).toMatchObject({ isError: true })
    const allowed = await app.send('echo again')
    expect(allowed.text).toContain('hi')
  })

  it('remembers "allow always" for the tool and stops asking', async () => {
    const { app, user, events } = host({
      servers: { everything },
      script: [{ when: 'echo', call: [{ tool: 'everything/echo', arguments: { message: 'x' } }], reply: '{{result}}' }],
      answers: ['a'],
    })
    await app.start()
    await app.send('echo one')
    await app.send('echo two')
    expect(user.remaining).toBe(0)
    expect(of(events, 'consent').map((e) => e.allowed)).toEqual([true, true])
    expect(of(events, 'consent')[1]!.reason).toMatch(/allowed this tool before/)
  })

  it('runs a read-only tool without asking only when the policy opts in', async () => {
    const { app, user, events } = host({
      servers: { everything },
      policy: { autoApproveReadOnly: true },
      script: [{ when: 'image', call: [{ tool: 'everything/get-tiny-image' }], reply: '{{result}}' }],
    })
    await app.start()
    const result = await app.send('image please')
    expect(user.output).not.toMatch(/Allow\?/)
    expect(of(events, 'consent')[0]!.reason).toMatch(/read-only/i)
    expect(result.text).toMatch(/\[image image\/png/)
  })

  it('tells the model a tool does not exist instead of failing the turn', async () => {
    const { app } = host({ servers: { everything }, script: [{ when: 'ghost', call: [{ tool: 'everything/ghost' }], reply: '{{result}}' }] })
    await app.start()
    const result = await app.send('ghost')
    expect(result.end).toBe('answer')
    expect(result.text).toMatch(/no tool "everything__ghost"/)
  })

  it('stops a model that keeps calling tools at the step limit', async () => {
    const { app, events } = host({
      servers: { everything },
      policy: { alwaysAllow: ['everything/echo'] },
      script: [{ when: 'loop', call: [{ tool: 'everything/echo', arguments: { message: 'again' } }], reply: 'never' }],
      agent: { maxSteps: 3 },
    })
    await app.start()
    // The scripted model calls tools only for a fresh user message; a model that loops is faked by
    // a script whose reply asks again, so use a provider wrapper that always calls.
    const provider = app.provider as ModelProvider & { complete: ModelProvider['complete'] }
    const original = provider.complete.bind(provider)
    ;(provider as { complete: ModelProvider['complete'] }).complete = (request, onEvent) => original({ ...request, messages: [{ role: 'user', content: 'loop' }] }, onEvent)
    const result = await app.send('loop')
    expect(result.end).toBe('max_steps')
    expect(result.steps).toBe(3)
    expect(of(events, 'error')[0]!.message).toMatch(/step limit/)
  })

  it('cancels a running tool call with notifications/cancelled and keeps the server usable', async () => {
    const { app, events } = host({
      servers: { everything },
      policy: { alwaysAllow: ['everything/*'] },
      script: [
        { when: 'wait', call: [{ tool: 'everything/slow', arguments: { durationMs: 60_000 } }], reply: '{{result}}' },
        { when: 'echo', call: [{ tool: 'everything/echo', arguments: { message: 'still here' } }], reply: '{{result}}' },
      ],
    })
    await app.start()
    const turn = new AbortController()
    const pending = app.send('wait', turn.signal)
    await until(() => of(events, 'consent').length === 1, 5000, 'the call to start')
    turn.abort()
    const result = await pending
    expect(result.end).toBe('cancelled')
    expect(of(events, 'cancelled')).toHaveLength(1)
    // The history stays well-formed (the call got a result), so the chat goes on.
    expect(app.history.at(-1)).toMatchObject({ role: 'tool', isError: true })
    const next = await app.send('echo')
    expect(next.text).toContain('still here')
  })

  it('shows progress of a long call as it arrives', async () => {
    const { app, events } = host({
      servers: { everything },
      policy: { alwaysAllow: ['everything/*'] },
      script: [{ when: 'long', call: [{ tool: 'everything/long-running-operation', arguments: { durationMs: 90, steps: 3 } }], reply: '{{result}}' }],
    })
    await app.start()
    await app.send('long')
    expect(of(events, 'progress').map((e) => e.progress)).toEqual([1, 2, 3])
  })
})

describe('sampling and elicitation from a server', () => {
  const sampleScript = [
    { when: 'sample', call: [{ tool: 'everything/sample-llm', arguments: { prompt: 'Say hello', maxTokens: 20 } }], reply: '{{result}}' },
    { when: 'hello', reply: 'Hello from the scripted model' },
  ]

  it('shows the request, lets the model answer once approved, and returns the approved answer', async () => {
    const { app, user, events } = host({ servers: { everything }, script: sampleScript, answers: ['o', 'a', 'y'] })
    await app.start()
    const result = await app.send('sample')
    expect(result.text).toContain('Hello from the scripted model')
    expect(user.output).toContain('Say hello')
    expect(of(events, 'sampling').map((e) => e.stage)).toEqual(['requested', 'answered'])
  })

  it('answers the server with an error when the user rejects the request', async () => {
    const { app, events } = host({ servers: { everything }, script: sampleScript, answers: ['o', 'r'] })
    await app.start()
    const result = await app.send('sample')
    expect(of(events, 'sampling').map((e) => e.stage)).toEqual(['requested', 'rejected'])
    expect(of(events, 'tool_result')[0]!.isError).toBe(true)
    expect(result.text).toMatch(/rejected/i)
  })

  it("answers the server with an error when the user rejects the model's answer", async () => {
    const { app, events } = host({ servers: { everything }, script: sampleScript, answers: ['o', 'a', 'n'] })
    await app.start()
    await app.send('sample')
    expect(of(events, 'sampling').map((e) => e.stage)).toEqual(['requested', 'answer_rejected'])
    expect(of(events, 'tool_result')[0]!.isError).toBe(true)
  })

  it('refuses sampling past the per-server rate limit without asking the user', async () => {
    const { app, user, events } = host({
      servers: { everything },
      script: sampleScript,
      policy: { alwaysAllow: ['everything/*'] },
      answers: ['a', 'y'],
      sampling: { rateLimit: { burst: 1, perMinute: 1 } },
    })
    await app.start()
    await app.send('sample')
    await app.send('sample')
    expect(of(events, 'sampling').map((e) => e.stage)).toEqual(['requested', 'answered', 'rate_limited'])
    expect(user.remaining).toBe(0)
  })

  it('renders a form for elicitation and sends the typed values back', async () => {
    const { app, events } = host({
      servers: { everything },
      script: [{ when: 'profile', call: [{ tool: 'everything/elicit-input' }], reply: '{{result}}' }],
      answers: ['o', 'Ada', '36', 'y', 'green', 'a'],
    })
    await app.start()
    const result = await app.send('profile')
    expect(result.text).toMatch(/accepted: name=Ada, age=36, subscribe=true, color=green/)
    expect(of(events, 'elicitation')[0]).toMatchObject({ server: 'everything', mode: 'form', action: 'accept' })
  })
})

describe('URL-mode elicitation', () => {
  it('shows the URL and its domain, opens it once the user agrees, and tells the server the user accepted', async () => {
    const opened: string[] = []
    const { app, user, events } = host({
      servers: { everything },
      script: [{ when: 'sign in', call: [{ tool: 'everything/elicit-url' }], reply: '{{result}}' }],
      answers: ['o', 'y'],
      openUrl: async (url) => void opened.push(url),
    })
    await app.start()
    const result = await app.send('sign in')
    expect(user.output).toContain('https://example.com/authorize?client=everything')
    expect(user.output).toMatch(/example\.com/)
    expect(opened).toEqual(['https://example.com/authorize?client=everything'])
    expect(result.text).toBe('The user chose to accept opening the URL')
    expect(of(events, 'elicitation')[0]).toMatchObject({ mode: 'url', action: 'accept' })
  })

  it('declines without opening anything when the user says no', async () => {
    const opened: string[] = []
    const { app } = host({
      servers: { everything },
      script: [{ when: 'sign in', call: [{ tool: 'everything/elicit-url' }], reply: '{{result}}' }],
      answers: ['o', 'n'],
      openUrl: async (url) => void opened.push(url),
    })
    await app.start()
    expect((await app.send('sign in')).text).toBe('The user chose to decline opening the URL')
    expect(opened).toEqual([])
  })
})

describe('the model in use', () => {
  it("is the agent's model when one is given (--model), else the provider's first", () => {
    expect(host({ servers: {}, script: [] }).app.model).toBe('scripted-model')
    expect(host({ servers: {}, script: [], agent: { model: 'other' } }).app.model).toBe('other')
  })
})

describe('roots', () => {
  it('offers the configured roots and, after setRoots, the new ones', async () => {
    const { app } = host({
      servers: { everything },
      policy: { alwaysAllow: ['*'] },
      script: [{ when: 'roots', call: [{ tool: 'everything/list-roots' }], reply: '{{result}}' }],
    })
    await app.start()
    expect((await app.send('roots')).text).toContain('1 root(s): project file:///home/demo/project')
    await app.setRoots([{ uri: 'file:///srv/data', name: 'data' }])
    expect((await app.send('roots')).text).toContain('1 root(s): data file:///srv/data')
  })
})

describe('servers that fail', () => {
  it('reports a crash, restarts the server, and the next call reaches the new process', async () => {
    const fixture = { command: process.execPath, args: [FIXTURE_SERVER] }
    const { app, events } = host({
      servers: { fixture, everything },
      policy: { alwaysAllow: ['*'] },
      script: [
        { when: 'crash', call: [{ tool: 'fixture/crash' }], reply: '{{result}}' },
        { when: 'who', call: [{ tool: 'fixture/whoami' }], reply: '{{result}}' },
      ],
    })
    await app.start()
    const first = app.manager.status('fixture')!.pid!
    const crashed = await app.send('crash')
    expect(crashed.text).toMatch(/fail|closed/i)
    await app.manager.ready('fixture')
    await until(() => app.catalog.tools().some((t) => t.name === 'fixture__whoami'), 5000, 'the catalog to list the restarted server')
    const who = await app.send('who')
    expect(Number(who.text)).not.toBe(first)
    expect(of(events, 'server').some((e) => e.name === 'fixture' && e.state === 'restarting')).toBe(true)
    // The other server carried on.
    expect(app.manager.status('everything')!.state).toBe('ready')
  })

  it('leaves no server process behind after close', async () => {
    const { app } = host({ servers: { a: everything, b: everything }, script: [] })
    await app.start()
    const pids = app.manager.statuses().map((s) => s.pid!)
    expect(pids.every(isRunning)).toBe(true)
    await app.close()
    expect(pids.some(isRunning)).toBe(false)
  })
})

describe('MCP App views: whole results by call, and what a view tells the model', () => {
  it('hands each call’s whole result to onToolResult with the call’s id, before its tool_result event', async () => {
    const { app, events } = host({
      servers: { everything },
      script: [{ when: 'counter', call: [{ tool: 'everything/show-counter' }, { tool: 'everything/show-counter' }], reply: '{{result}}' }],
      answers: ['o', 'o'],
    })
    const seen: Array<{ id: string; structured: unknown; events: number }> = []
    app.onToolResult = (call, result) => seen.push({ id: call.id, structured: result.structuredContent, events: of(events, 'tool_result').length })
    await app.start()
    await app.send('show the counter twice')
    const calls = of(events, 'tool_call').map((e) => e.id)
    expect(calls).toHaveLength(2)
    // Two calls of the same tool in one turn: each result is told with its own call's id.
    expect(seen).toEqual([
      { id: calls[0], structured: { count: expect.any(Number) }, events: 0 },
      { id: calls[1], structured: { count: expect.any(Number) }, events: 1 },
    ])
  })

  it('gives the model each view’s latest context once, with the next message, and tells the interface', async () => {
    const { app, events } = host({ servers: {}, script: [{ when: '.', reply: 'ok' }] })
    const seen: string[][] = []
    const recording = app.provider.complete.bind(app.provider)
    app.provider.complete = (request, onEvent) => {
      seen.push(request.messages.filter((m) => m.role === 'user').map((m) => m.content as string))
      return recording(request, onEvent)
    }
    app.setModelContext('view:a', 'The counter view', { content: [{ type: 'text', text: 'The counter shows 1.' }], structuredContent: { count: 1 } })
    // Each update replaces the last: only the newest reaches the model.
    app.setModelContext('view:a', 'The counter view', { content: [{ type: 'text', text: 'The counter shows 2.' }], structuredContent: { count: 2 } })
    app.setModelContext('view:b', 'The map view', { structuredContent: { city: 'Paris' } })
    app.setModelContext('view:b', 'The map view', undefined)
    await app.send('hello')
    expect(seen.at(-1)).toEqual(['[The counter view updated what the model should know of it (sent by the app, not typed by the user):]\nThe counter shows 2.\n{"count":2}', 'hello'])
    expect(of(events, 'model_context')).toEqual([{ type: 'model_context', source: 'The counter view', text: 'The counter shows 2.\n{"count":2}' }])
    // Not again while it has not changed; the same text again is no change.
    app.setModelContext('view:a', 'The counter view', { content: [{ type: 'text', text: 'The counter shows 2.' }], structuredContent: { count: 2 } })
    await app.send('again')
    expect(seen.at(-1)!.filter((m) => m.includes('counter'))).toHaveLength(1)
    expect(of(events, 'model_context')).toHaveLength(1)
    // A cleared conversation gets the views' contexts again.
    app.clear()
    await app.send('after clear')
    expect(seen.at(-1)).toEqual([expect.stringContaining('The counter shows 2.'), 'after clear'])
  })

  it('cuts a context past MAX_MODEL_CONTEXT characters and keeps a bounded number of views', async () => {
    const { MAX_MODEL_CONTEXT } = await import('../src/app.js')
    const { app, events } = host({ servers: {}, script: [{ when: '.', reply: 'ok' }] })
    app.setModelContext('view:big', 'Big', { content: [{ type: 'text', text: 'x'.repeat(MAX_MODEL_CONTEXT * 3) }] })
    for (let i = 0; i < 30; i++) app.setModelContext(`view:${i}`, `View ${i}`, { content: [{ type: 'text', text: `n=${i}` }] })
    await app.send('hello')
    const sources = of(events, 'model_context').map((e) => e.source)
    // The 20 newest; the big one and the oldest ten were forgotten.
    expect(sources).toEqual(Array.from({ length: 20 }, (_, i) => `View ${i + 10}`))
    app.setModelContext('view:big2', 'Big', { content: [{ type: 'text', text: 'y'.repeat(MAX_MODEL_CONTEXT * 3) }] })
    await app.send('again')
    const big = of(events, 'model_context').at(-1)!
    expect(big.text).toHaveLength(MAX_MODEL_CONTEXT + ` (cut at ${MAX_MODEL_CONTEXT} characters)`.length + 1)
  })
})
