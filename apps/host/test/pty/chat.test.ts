import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { ScriptStep } from '../../src/providers/scripted.js'
import { isRunning } from '../helpers.js'
import { ALLOW, chatsForEachTest, PROMPT, quitWithCtrlD, type ChatSession } from './terminal.js'

// The interactive chat of the built host (`dist/bin.js`) in a real pseudo-terminal: readline in
// raw mode, Ctrl-C and Ctrl-D as keystrokes, dialogs typed into.

const SCRIPT: ScriptStep[] = [
  { when: '^echo', call: [{ tool: 'everything/echo', arguments: { message: 'ping' } }], reply: 'The server said: {{result}}' },
  { when: '^add', call: [{ tool: 'everything/add', arguments: { a: 2, b: 3 } }], reply: 'The sum: {{result}}' },
  { when: '^wait', call: [{ tool: 'everything/slow', arguments: { durationMs: 60_000 } }], reply: 'Waited: {{result}}' },
]
const startSession = chatsForEachTest()
const chat = (script: ScriptStep[] = SCRIPT): Promise<ChatSession> => startSession(script)

describe('the interactive chat in a terminal', () => {
  it('greets with the servers and the scripted model, answers /servers, /tools, /help and an unknown command, and exits with 0 on Ctrl-D', async () => {
    const session = await chat()
    expect(session.screen()).toMatch(/Plugboard host: 1\/1 servers ready, \d+ tools\. Model: scripted scripted-model \(scripted, no LLM\)\./)
    expect(session.screen()).toContain('Ctrl-C cancels, Ctrl-D exits.')

    const pids = await session.serverPids()
    expect(pids).toHaveLength(1)
    expect(isRunning(pids[0]!)).toBe(true)

    const tools = await session.send('/tools')
    expect(tools).toMatch(/^everything__echo \[claims: readOnly, idempotent\]  Echo$/m)
    expect(tools).toMatch(/^everything__slow\b/m)
    expect(tools).toMatch(/^everything__sample-llm\b/m)

    const help = await session.send('/help')
    expect(help).toContain('Commands:')
    expect(help).toMatch(/\/approve revoke <server>\/<tool>/)

    expect(await session.send('/frobnicate now')).toContain('Unknown command /frobnicate; /help lists them.')
    // A command typed wrong does not end or break the chat.
    expect(await session.send('/servers')).toMatch(/^everything: ready .* pid \d+, \d+ tools$/m)

    await quitWithCtrlD(session, pids)
  })

  it('shows a consent dialog for a tool call; "o" runs the tool once and the answer is shown', async () => {
    const session = await chat()
    const pids = await session.serverPids()
    session.type('echo please\r')
    await session.waitFor(ALLOW)
    const dialog = session.since()
    expect(dialog).toContain('── tool call to everything ──')
    expect(dialog).toContain('Tool: echo (the model calls it everything__echo)')
    expect(dialog).toContain('"message": "ping"')
    expect(dialog).toContain('Annotations (claims the server made, not verified)')
    await session.answer(ALLOW, 'o')
    await session.waitFor(PROMPT)
    expect(session.since()).toMatch(/Allowed once\.\n {2}✓ allowed: the user allowed this call\n← result: Echo: ping\nassistant \[scripted, no LLM\]> The server said: Echo: ping\n/)
    session.mark()
    // "once" is once: the same tool asks again.
    session.type('echo again\r')
    await session.answer(ALLOW, 'o')
    await session.waitFor(PROMPT)
    await quitWithCtrlD(session, pids)
  })

  it('gives the model a denied result when the dialog is answered "d", and the chat goes on', async () => {
    const session = await chat()
    const pids = await session.serverPids()
    session.type('echo please\r')
    await session.answer(ALLOW, 'd')
    await session.waitFor(PROMPT)
    const denied = session.since()
    expect(denied).toMatch(/Denied\.\n {2}✗ denied: /)
    expect(denied).toMatch(/← error: /)
    expect(denied).not.toContain('Echo: ping')
    expect(denied).toContain('assistant [scripted, no LLM]> The server said:')

    session.mark()
    session.type('add two numbers\r')
    await session.answer(ALLOW, 'o')
    await session.waitFor(PROMPT)
    expect(session.since()).toContain('The sum: 2 + 3 = 5')
    await quitWithCtrlD(session, pids)
  })

  it('stops asking after "a" (always), lists the tool in /approve, and asks again after /approve revoke', async () => {
    const session = await chat()
    const pids = await session.serverPids()
    session.type('echo one\r')
    await session.answer(ALLOW, 'a')
    await session.waitFor(PROMPT)
    expect(session.since()).toContain('Allowed from now on.')
    // The answer is kept in the consent store the test chose, not under ~/.config.
    expect(readFileSync(session.consentStore, 'utf8')).toContain('echo')

    const again = await session.send('echo two')
    expect(again).not.toContain('Allow?')
    expect(again).toMatch(/✓ allowed: .*allowed this tool before/)
    expect(again).toContain('The server said: Echo: ping')

    const listed = await session.send('/approve')
    expect(listed).toMatch(/Allowed always:\n {2}everything\/echo\n/)
    expect(listed).toContain(`(kept in ${session.consentStore})`)

    expect(await session.send('/approve revoke everything/echo')).toContain('everything/echo asks again from now on.')
    expect(await session.send('/approve')).toContain('No tool is allowed always; each call asks.')
    expect(readFileSync(session.consentStore, 'utf8')).not.toContain('echo')
    session.type('echo three\r')
    await session.answer(ALLOW, 'o')
    await session.waitFor(PROMPT)
    expect(session.since()).toContain('The server said: Echo: ping')
    await quitWithCtrlD(session, pids)
  })
})

describe('Ctrl-C and Ctrl-D in the chat', () => {
  it('cancels a running slow tool call with Ctrl-C, and the next message still works', async () => {
    const session = await chat()
    const pids = await session.serverPids()
    session.type('wait a minute\r')
    await session.answer(ALLOW, 'o')
    await session.waitFor('✓ allowed')
    session.key('ctrl-c')
    await session.waitFor(PROMPT)
    expect(session.since()).toMatch(/\(cancelling…\)[\s\S]*\(cancelled\)/)
    expect(session.since()).not.toContain('Waited:')
    session.mark()

    session.type('add two numbers\r')
    await session.answer(ALLOW, 'o')
    await session.waitFor(PROMPT)
    expect(session.since()).toContain('The sum: 2 + 3 = 5')
    // The same server process answered: a cancel does not restart it.
    expect(await session.serverPids()).toEqual(pids)
    await quitWithCtrlD(session, pids)
  })

  it('on Ctrl-D during a running slow call, cancels it and exits with 0 at once rather than waiting it out', async () => {
    const session = await chat()
    const pids = await session.serverPids()
    session.type('wait a minute\r')
    await session.answer(ALLOW, 'o')
    await session.waitFor('✓ allowed')
    session.key('ctrl-d')
    // The call waits 60 s; exiting within waitFor's few seconds proves it was cancelled, not finished.
    expect(await session.exited).toBe(0)
    expect(session.screen()).toContain('(cancelled)')
    expect(pids.filter(isRunning)).toEqual([])
  })

  it('answers a consent dialog with deny on Ctrl-C, without cancelling the chat', async () => {
    const session = await chat()
    const pids = await session.serverPids()
    session.type('echo please\r')
    await session.waitFor(ALLOW)
    session.mark()
    session.key('ctrl-c')
    await session.waitFor(PROMPT)
    expect(session.since()).toMatch(/\^C\nDenied\.\n {2}✗ denied: /)
    // The turn went on with the denied result: the model answered.
    expect(session.since()).toContain('assistant [scripted, no LLM]> The server said:')
    session.mark()
    // The Ctrl-C in the dialog does not count towards the two that exit.
    session.key('ctrl-c')
    await session.waitFor('(Ctrl-C again, /exit or Ctrl-D to quit)')
    session.mark()
    session.type('add two numbers\r')
    await session.answer(ALLOW, 'o')
    await session.waitFor(PROMPT)
    expect(session.since()).toContain('The sum: 2 + 3 = 5')
    await quitWithCtrlD(session, pids)
  })

  it('exits with 0 on a second Ctrl-C in a row at an empty prompt, leaving no server process', async () => {
    const session = await chat()
    const pids = await session.serverPids()
    session.key('ctrl-c')
    await session.waitFor('(Ctrl-C again, /exit or Ctrl-D to quit)')
    session.key('ctrl-c')
    expect(await session.exited).toBe(0)
    expect(pids.filter(isRunning)).toEqual([])
  })

  it('exits with 0 on /exit, leaving no server process', async () => {
    const session = await chat()
    const pids = await session.serverPids()
    session.type('/exit\r')
    expect(await session.exited).toBe(0)
    expect(pids.filter(isRunning)).toEqual([])
  })
})
