// TaskList over a real stdio child (fixtures/tasks-server.mjs, on the built packages): tool calls
// made as tasks (SEP-2663), followed to their end, cancelled.
import { TASKS_EXTENSION_ID } from '@plugboard/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { Catalog, ServerManager, TaskList, type HostTask, type ServerManagerOptions } from '../src/index.js'
import { fixtureServer, GRACE_MS, isRunning } from './helpers.js'

const opened: Array<{ manager: ServerManager; catalog: Catalog; tasks: TaskList }> = []
afterEach(async () => {
  for (const { manager, catalog, tasks } of opened.splice(0)) {
    const pids = manager.statuses().map((s) => s.pid)
    tasks.close()
    catalog.close()
    await manager.close()
    for (const pid of pids) if (pid) expect(isRunning(pid), `process ${pid} is still running`).toBe(false)
  }
})

const DECLARES_TASKS = { capabilities: { extensions: { [TASKS_EXTENSION_ID]: {} } } }

async function start(options: Partial<ServerManagerOptions> = {}) {
  const manager = new ServerManager({ servers: { jobs: fixtureServer({}, 'tasks-server.mjs'), plain: fixtureServer() }, client: DECLARES_TASKS, pingIntervalMs: 0, closeGraceMs: GRACE_MS, ...options })
  const catalog = new Catalog(manager)
  const tasks = new TaskList(catalog, manager)
  opened.push({ manager, catalog, tasks })
  await manager.start()
  await catalog.refresh()
  const seen: HostTask[] = []
  tasks.on('task', (task) => seen.push(task))
  const release = (label: string) => manager.client('jobs')!.callTool({ name: 'release', arguments: { label } })
  return { manager, catalog, tasks, seen, release }
}

describe('TaskList', () => {
  it('makes task calls to the tools of servers that offer the extension, and to no other', async () => {
    const { tasks } = await start()
    expect(tasks.runsAsTask('jobs__slow')).toBe(true)
    expect(tasks.runsAsTask('jobs__batch')).toBe(true)
    expect(tasks.runsAsTask('plain__whoami')).toBe(false)
    expect(tasks.runsAsTask('nope__nothing')).toBe(false)
  })

  it('starts a task, reports it working with its status message, then completed with the tool result', async () => {
    const { tasks, seen, release } = await start()
    const started = await tasks.start('jobs__slow', { label: 'report' })
    if (!('task' in started)) return expect.unreachable('no task')
    const { taskId } = started.task
    expect(started.task).toMatchObject({ server: 'jobs', tool: 'slow', status: 'working', statusMessage: 'report is running' })
    expect(tasks.list().map((t) => t.taskId)).toEqual([taskId])
    // Still running after a short wait: the wait gives it back as it is.
    expect((await tasks.settled(taskId, { timeoutMs: 50 })).status).toBe('working')
    await release('report')
    const ended = await tasks.settled(taskId)
    expect(ended).toMatchObject({ status: 'completed', result: { content: [{ type: 'text', text: 'report done' }] } })
    expect(seen.map((t) => t.status)).toEqual(['working', 'completed'])
  })

  it('calls a tool whose taskSupport is required as a task, and gets its result', async () => {
    const { tasks, release } = await start()
    const started = await tasks.start('jobs__batch', { label: 'nightly' })
    if (!('task' in started)) return expect.unreachable('no task')
    await release('nightly')
    expect((await tasks.settled(started.task.taskId)).result).toMatchObject({ content: [{ text: 'nightly done' }] })
  })

  it('needs the client to declare the extension: without it, a tool whose taskSupport is required is refused (-32021)', async () => {
    const { tasks } = await start({ client: {} })
    const started = await tasks.start('jobs__batch', { label: 'undeclared' })
    expect(started).toMatchObject({ result: { isError: true, content: [{ text: expect.stringMatching(/batch.*failed: Missing required client capability/) }] } })
    expect(tasks.list()).toEqual([])
  })

  it('cancels a running task: tasks/cancel reaches the server, whose handler is aborted, and the task ends cancelled', async () => {
    const { manager, tasks } = await start()
    const started = await tasks.start('jobs__slow', { label: 'long' })
    if (!('task' in started)) return expect.unreachable('no task')
    const ended = await tasks.cancel(started.task.taskId)
    expect(ended).toMatchObject({ status: 'cancelled', result: { isError: true } })
    expect(await tasks.cancel('no-such-task')).toBeUndefined()
    const seen = await manager.client('jobs')!.callTool({ name: 'seen', arguments: {} })
    expect((seen.structuredContent as { aborted: string[] }).aborted).toEqual(['long'])
  })

  it('gives the result of a call the server answered at once, with no task', async () => {
    const { tasks } = await start()
    // A tool that never becomes a task, on a server that offers them…
    expect(await tasks.start('jobs__release', { label: 'x' })).toMatchObject({ result: { content: [{ type: 'text', text: 'released x' }] } })
    // …and a server that does not offer them.
    expect(await tasks.start('plain__whoami')).toMatchObject({ result: { content: [{ type: 'text' }] } })
    expect(tasks.list()).toEqual([])
  })
})
