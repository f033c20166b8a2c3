import { describe, expect, it } from 'vitest'
import type { ScriptStep } from '../../src/providers/scripted.js'
import { TASKS_SERVER } from '../helpers.js'
import { ALLOW, chatsForEachTest, PROMPT, quitWithCtrlD } from './terminal.js'

// Tasks in the interactive chat of the built host (`dist/bin.js`) in a real pseudo-terminal, over
// packages/host/test/fixtures/tasks-server.mjs: the default wait of 5 s, then the task runs on
// while the user chats, and its end is drawn above the prompt.

const SCRIPT: ScriptStep[] = [
  // The job ends on its own 2.5 s after the turn stopped waiting for it.
  { when: '^report', call: [{ tool: 'jobs/slow', arguments: { label: 'report', ms: 7500 } }], reply: 'Report: {{result}}' },
  { when: '^weather', reply: 'Sunny.' },
]
const chat = chatsForEachTest()
const servers = { jobs: { command: process.execPath, args: [TASKS_SERVER] } }

describe('tasks in the interactive chat', () => {
  it('shows a long call as a task, gives the prompt back while it runs, lists it in /tasks, and draws its result above the prompt when it ends', async () => {
    const session = await chat(SCRIPT, servers)
    const pids = await session.serverPids()
    session.type('report please\r')
    await session.answer(ALLOW, 'o')
    const [, taskId] = await session.waitFor(/\[task\] ([0-9a-f-]{36}) jobs\/slow working: report is running\n/)
    await session.waitFor(PROMPT, 10_000)
    expect(session.since()).toContain(`assistant [scripted, no LLM]> Report: The tool is still running in the background as task ${taskId}`)

    // The chat goes on while the task runs.
    expect(await session.send('weather?')).toContain('Sunny.')
    expect(await session.send('/tasks')).toMatch(new RegExp(`^jobs/slow  ${taskId}  working \\(report is running\\)  \\d+s$`, 'm'))

    await session.waitFor(new RegExp(`\\[task\\] ${taskId} jobs/slow completed\\n← task result: report done\\n+you> `), 10_000)
    session.mark()
    expect(await session.send('/tasks')).toMatch(new RegExp(`^jobs/slow  ${taskId}  completed  \\d+s$`, 'm'))
    await quitWithCtrlD(session, pids)
  }, 30_000)
})
