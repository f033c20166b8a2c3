import { describe, expect, it } from 'vitest'
import type { ChatMessage, ModelEvent } from '../../src/providers/provider.js'
import { parseScript, SCRIPTED_MODEL, ScriptedProvider } from '../../src/providers/scripted.js'

const tools = [
  { name: 'everything__add', inputSchema: { type: 'object' } },
  { name: 'notes__add-note', inputSchema: { type: 'object' } },
]

describe('ScriptedProvider', () => {
  const provider = new ScriptedProvider([
    { when: '^add', call: [{ tool: 'everything/add', arguments: { a: 1, b: 2 } }, { tool: 'notes__add-note', arguments: { text: 'x' } }], reply: 'First {{result:1}}; second {{result:2}}; all: {{result}}; you said {{input}}' },
    { when: 'hello', reply: 'Hi there, friend' },
  ])

  it('calls the tools of the matching step, resolving server/tool to the namespaced name, with fresh ids', async () => {
    const events: ModelEvent[] = []
    const response = await provider.complete({ messages: [{ role: 'user', content: 'add please' }], tools }, (e) => events.push(e))
    expect(response.stopReason).toBe('toolUse')
    expect(response.toolCalls.map((c) => c.name)).toEqual(['everything__add', 'notes__add-note'])
    expect(new Set(response.toolCalls.map((c) => c.id)).size).toBe(2)
    expect(events.map((e) => e.type)).toEqual(['tool_call', 'tool_call'])
  })

  it('answers after the tool results with the reply, filling each placeholder', async () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: 'add please' },
      { role: 'assistant', content: '', toolCalls: [] },
      { role: 'tool', toolCallId: 'a', name: 'everything__add', content: '3' },
      { role: 'tool', toolCallId: 'b', name: 'notes__add-note', content: 'saved' },
    ]
    const response = await provider.complete({ messages, tools })
    expect(response).toMatchObject({ model: SCRIPTED_MODEL, stopReason: 'endTurn', toolCalls: [] })
    expect(response.text).toBe('First 3; second saved; all: 3\nsaved; you said add please')
  })

  it('streams a plain reply piece by piece, and the pieces make the whole text', async () => {
    const pieces: string[] = []
    const response = await provider.complete({ messages: [{ role: 'user', content: 'well hello' }] }, (e) => e.type === 'text' && pieces.push(e.text))
    expect(pieces.length).toBeGreaterThan(1)
    expect(pieces.join('')).toBe(response.text)
    expect(response.text).toBe('Hi there, friend')
  })

  it('says it has no script for a message no step matches', async () => {
    const response = await provider.complete({ messages: [{ role: 'user', content: 'what is love' }] })
    expect(response.text).toMatch(/scripted model \(no LLM\) and have no script for "what is love"/)
  })

  it('rejects with the reason of an already aborted signal', async () => {
    const controller = new AbortController()
    controller.abort(new Error('stop'))
    await expect(provider.complete({ messages: [{ role: 'user', content: 'hello' }], signal: controller.signal })).rejects.toThrow('stop')
  })
})

describe('parseScript', () => {
  it('accepts a valid script and returns its steps', () => {
    const steps = parseScript([{ when: 'x', call: [{ tool: 'a/b', arguments: { n: 1 } }], reply: 'r' }])
    expect(steps).toHaveLength(1)
  })

  it.each([
    [{}, /expected an array of steps/],
    [[null], /script\[0\]: expected an object/],
    [[{ when: 1, reply: 'r' }], /script\[0\]\.when: expected a regular expression/],
    [[{ when: '[', reply: 'r' }], /script\[0\]\.when: Invalid regular expression/],
    [[{ when: 'x', reply: 'r', call: 'a/b' }], /script\[0\]\.call: expected an array/],
    [[{ when: 'x', reply: 'r', call: [{ tool: 'a/b', arguments: [1] }] }], /script\[0\]\.call\[0\]\.arguments: expected an object/],
  ])('names the step and field of a bad script (%j)', (script, message) => {
    expect(() => parseScript(script)).toThrow(message)
  })
})
