// Tool calls that run as tasks (SEP-2663) in the host, against a real stdio child
// (packages/host/test/fixtures/tasks-server.mjs) with the scripted model and a scripted user.
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { HostApp } from '../src/app.js'
import type { HostEvent } from '../src/events.js'
import { runCommand } from '../src/ui/commands.js'
import { isRunning, scriptedHost, TASKS_SERVER, until } from './helpers.js'

const apps: HostApp[] = []
afterEach(async () => {
  for (const app of apps.splice(0)) {
    const pids = app.manager.statuses().map((s) => s.pid)
    await app.close()
    for (const pid of pids) if (pid) expect(isRunning(pid), `process ${pid} is still running`).toBe(false)
  }
})

const of = <T extends HostEvent['type']>(events: HostEvent[], type: T) => events.filter((e): e is Extract<HostEvent, { type: T }> => e.type === type)
/** The labels of the jobs whose handler the fixture saw aborted. */
const aborted = async (app: HostApp): Promise<string[]> => {
  const seen = await app.manager.client('jobs')!.callTool({ name: 'seen', arguments: {} })
  return (seen.structuredContent as { aborted: string[] }).aborted
}
const jobs = { command: process.execPath, args: [TASKS_SERVER] }

const SCRIPT = [
  { when: 'report', call: [{ tool: 'jobs/slow', arguments: { label: 'report' } }], reply: 'Report: {{result}}' },
  { when: 'nightly', call: [{ tool: 'jobs/batch', arguments: { label: 'nightly' } }], reply: 'Batch: {{result}}' },
  { when: 'quick', call: [{ tool: 'jobs/quick', arguments: { label: 'q' } }], reply: 'Quick: {{result}}' },
  { when: 'weather', reply: 'Sunny.' },
  { when: 'summary', reply: 'Noted.' },
]

async function host(agent: { taskWaitMs?: number } = {}) {
  const made = scriptedHost({ servers: { jobs }, script: SCRIPT, policy: { alwaysAllow: ['jobs/*'] }, agent })
  apps.push(made.app)
  await made.app.start()
  const release = (label: string) => made.app.manager.client('jobs')!.callTool({ name: 'release', arguments: { label } })
  const command = async (line: string) => {
    let out = ''
    await runCommand(line, { app: made.app, write: (text) => (out += text) })
    return out
  }
  return { ...made, release, command }
}

describe('tool calls that run as tasks', () => {
  it('turns a long call into a task the chat does not wait for: its status shows, the chat goes on, and its result comes into the conversation', async () => {
    const { app, events, user, release } = await host({ taskWaitMs: 100 })
    const started = await app.send('make the report')
    const [task] = app.tasks.list()
    expect(task).toMatchObject({ server: 'jobs', tool: 'slow', status: 'working', statusMessage: 'report is running' })
    const taskId = task!.taskId
    // The model read that the call runs in the background, under its id.
    expect(started.text).toContain(`running in the background as task ${taskId}`)
    expect(of(events, 'task')[0]).toEqual({ type: 'task', taskId, server: 'jobs', tool: 'slow', status: 'working', statusMessage: 'report is running' })
    expect(user.output).toContain(`[task] ${taskId} jobs/slow working: report is running`)

    // The chat goes on while the task runs.
    expect((await app.send('how is the weather?')).text).toBe('Sunny.')
    expect(app.tasks.get(taskId)!.status).toBe('working')

    await release('report')
    await until(() => of(events, 'task').some((e) => e.result), 5000, 'the task to end')
    expect(of(events, 'task').map((e) => e.status)).toEqual(['working', 'completed'])
    expect(of(events, 'task').at(-1)).toMatchObject({ status: 'completed', result: { isError: false, text: 'report done' } })
    expect(user.output).toContain('← task result: report done')

    // The next turn gives the model the result, before the user's message.
    await app.send('summary please')
    const user_messages = app.history.filter((m) => m.role === 'user').map((m) => m.content)
    expect(user_messages.at(-2)).toContain(`[Task ${taskId} (tool "slow" of server "jobs") ended: completed. Its result:]\nreport done`)
    expect(user_messages.at(-1)).toBe('summary please')
  })

  it('gives the result of a task that ends within the wait like that of any call', async () => {
    const { app, events } = await host({ taskWaitMs: 5000 })
    const result = await app.send('quick one')
    expect(result.text).toBe('Quick: q quick')
    expect(of(events, 'tool_result')[0]).toMatchObject({ isError: false, text: 'q quick' })
    expect(app.tasks.list()[0]).toMatchObject({ tool: 'quick', status: 'completed' })
    // Nothing is left for a later turn.
    await app.send('summary')
    expect(app.history.filter((m) => m.role === 'user').map((m) => m.content)).toEqual(['quick one', 'summary'])
  })

  it('runs a tool whose taskSupport is required as a task, and the turn gets its result once it ends within the wait', async () => {
    const { app, events, release } = await host({ taskWaitMs: 10_000 })
    const turn = app.send('run the nightly batch')
    await until(() => of(events, 'task').length > 0, 5000, 'the task to start')
    expect(of(events, 'task')[0]).toMatchObject({ tool: 'batch', status: 'working' })
    await release('nightly')
    expect((await turn).text).toBe('Batch: nightly done')
  })

  it('cancels the task when the user cancels the turn while it waits', async () => {
    const { app, events } = await host({ taskWaitMs: 10_000 })
    const controller = new AbortController()
    const turn = app.send('make the report', controller.signal)
    await until(() => of(events, 'task').length > 0, 5000, 'the task to start')
    controller.abort()
    expect((await turn).end).toBe('cancelled')
    expect(app.tasks.list()[0]).toMatchObject({ status: 'cancelled' })
    expect(app.history.at(-1)).toMatchObject({ role: 'tool', isError: true, content: expect.stringContaining('was cancelled') })
    await vi.waitFor(async () => expect(await aborted(app)).toEqual(['report']))
  })
})

describe('/tasks and /cancel', () => {
  it('lists each task with server, tool, id, status and age, and /cancel stops one by id or a unique start of it', async () => {
    const { app, events, command } = await host({ taskWaitMs: 50 })
    expect(await command('/tasks')).toBe('No tasks.\n')
    await app.send('make the report')
    const { taskId } = app.tasks.list()[0]!
    expect(await command('/tasks')).toMatch(new RegExp(`^jobs/slow  ${taskId}  working \\(report is running\\)  \\d+s\\n$`))

    expect(await command('/cancel')).toMatch(/^Usage: \/cancel <task-id>/)
    expect(await command('/cancel 00000000-nope')).toBe('No task "00000000-nope"; /tasks lists them.\n')
    expect(await command(`/cancel ${taskId.slice(0, 8)}`)).toBe(`Task ${taskId} is cancelled.\n`)
    expect(await command('/tasks')).toMatch(new RegExp(`^jobs/slow  ${taskId}  cancelled  \\d+s\\n$`))
    expect(await command(`/cancel ${taskId}`)).toBe(`Task ${taskId} already ended: cancelled.\n`)
    // The server's handler was stopped, and the model hears of the end on the next turn.
    await vi.waitFor(async () => expect(await aborted(app)).toEqual(['report']))
    expect(of(events, 'task').at(-1)).toMatchObject({ status: 'cancelled', result: { isError: true, text: `Task ${taskId} was cancelled.` } })
  })
})
