import { describe, expect, it } from 'vitest'
import type { ScriptStep } from '../../src/providers/scripted.js'
import { ALLOW, chatsForEachTest, PROMPT, quitWithCtrlD, type ChatSession } from './terminal.js'

// Sampling reviews and elicitation forms of the built host, answered by typing in a real pty.

const SCRIPT: ScriptStep[] = [
  { when: '^sample', call: [{ tool: 'everything/sample-llm', arguments: { prompt: 'Say hello', maxTokens: 20 } }], reply: 'Tool said: {{result}}' },
  // What the scripted model answers the server's sampling request with.
  { when: '^say hello', reply: 'Hello from the scripted model' },
  { when: '^profile', call: [{ tool: 'everything/elicit-input' }], reply: 'Tool said: {{result}}' },
]
const startSession = chatsForEachTest()

async function chat(): Promise<{ session: ChatSession; pids: number[] }> {
  const session = await startSession(SCRIPT)
  return { session, pids: await session.serverPids() }
}

describe('sampling requests in the terminal', () => {
  it('shows the request for review, then the model answer, and sends it to the server once both are approved', async () => {
    const { session, pids } = await chat()
    session.type('sample something\r')
    await session.answer(ALLOW, 'o')
    await session.waitFor('[a]pprove / [e]dit / [r]eject: ')
    const request = session.since()
    expect(request).toContain('── sampling request from everything ──')
    expect(request).toContain('Answered by: scripted-model (scripted, no LLM)')
    expect(request).toMatch(/System prompt:\n {4}You are the model behind a test server\. Answer briefly\./)
    expect(request).toMatch(/\[user\]\n {6}Say hello\n/)
    expect(request).toContain('Max tokens: 20')

    await session.answer('[a]pprove / [e]dit / [r]eject: ', 'a')
    await session.waitFor('Send this answer to everything? [y/n]: ')
    expect(session.since()).toMatch(/── model answer for everything ──[\s\S]*\[assistant\]\n {4}Hello from the scripted model\n/)

    await session.answer('Send this answer to everything? [y/n]: ', 'y')
    await session.waitFor(PROMPT)
    const answered = session.since()
    expect(answered).toContain('Sent.')
    expect(answered).toContain('[sampling] everything: answer sent back to the server (scripted-model)')
    expect(answered).toContain('← result: scripted-model says: Hello from the scripted model')
    expect(answered).toContain('Tool said: scripted-model says: Hello from the scripted model')
    await quitWithCtrlD(session, pids)
  })

  it('rejects the sampling request on Ctrl-C during its review, and the chat goes on', async () => {
    const { session, pids } = await chat()
    session.type('sample something\r')
    await session.answer(ALLOW, 'o')
    await session.waitFor('[a]pprove / [e]dit / [r]eject: ')
    session.mark()
    session.key('ctrl-c')
    await session.waitFor(PROMPT)
    const rejected = session.since()
    expect(rejected).toMatch(/\^C\nRejected\.\n/)
    expect(rejected).toContain('[sampling] everything: request rejected by the user')
    expect(rejected).toMatch(/← error: /)
    expect(rejected).not.toContain('(cancelled)')
    expect(await session.send('/servers')).toMatch(/^everything: ready .* pid \d+/m)
    await quitWithCtrlD(session, pids)
  })
})

describe('elicitation forms in the terminal', () => {
  it('asks each field in turn, asks again after an invalid answer, and the tool gets the accepted values', async () => {
    const { session, pids } = await chat()
    session.type('profile please\r')
    await session.answer(ALLOW, 'o')
    await session.waitFor(/\nName: /)
    const form = session.since()
    expect(form).toContain('── elicitation from everything ──')
    expect(form).toContain('Tell us about yourself')
    expect(form).toMatch(/Name \(name\) — required\n {2}Your name\n/)

    await session.answer(/\nName: /, 'Ada')
    await session.answer(/\nAge \[30\]: /, 'abc')
    // The invalid answer is explained and the same question comes again.
    await session.answer(/"abc" is not a number\.\nAge \[30\]: /, '36')
    await session.answer(/\nSubscribe to news \[no\]: /, 'y')
    await session.waitFor(/\nFavourite colour \[blue\]: /)
    expect(session.since()).toMatch(/1\) red\n {4}2\) green\n {4}3\) blue\n/)
    await session.answer(/\nFavourite colour \[blue\]: /, '2')
    await session.waitFor('Submit? [a]ccept / [e]dit / [d]ecline / [c]ancel: ')
    expect(session.since()).toMatch(/── your answers ──\n {2}Name: Ada\n {2}Age: 36\n {2}Subscribe to news: yes\n {2}Favourite colour: green\n/)

    await session.answer('Submit? [a]ccept / [e]dit / [d]ecline / [c]ancel: ', 'a')
    await session.waitFor(PROMPT)
    const sent = session.since()
    expect(sent).toContain('Sent to everything.')
    expect(sent).toContain('[elicitation] everything (form): the user chose to accept')
    expect(sent).toContain('← result: The user accepted: name=Ada, age=36, subscribe=true, color=green')
    await quitWithCtrlD(session, pids)
  })

  it('cancels the form on Ctrl-C at a field, and the server hears "cancel"', async () => {
    const { session, pids } = await chat()
    session.type('profile please\r')
    await session.answer(ALLOW, 'o')
    await session.answer(/\nName: /, 'Ada')
    await session.waitFor(/\nAge \[30\]: /)
    session.key('ctrl-c')
    await session.waitFor(PROMPT)
    const cancelled = session.since()
    expect(cancelled).toMatch(/\^C\nCancelled\.\n/)
    expect(cancelled).toContain('[elicitation] everything (form): the user chose to cancel')
    expect(cancelled).toContain('← result: The user chose to cancel')
    // A dialog's Ctrl-C cancels the dialog, not the turn.
    expect(cancelled).not.toContain('(cancelled)')
    await quitWithCtrlD(session, pids)
  })
})
