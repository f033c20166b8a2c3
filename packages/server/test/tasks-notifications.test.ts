import { ErrorCode, SUBSCRIPTION_ID_META_KEY, TASKS_EXTENSION_ID } from '@plugboard/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { McpServer, startTask, tasks } from '../src/index.js'
import { closeAll, connectRaw, deferred, modernMeta, type RawClient } from './harness.js'

// Task status notifications (SEP-2663): a `subscriptions/listen` naming `notifications.taskIds`
// gets a `notifications/tasks` carrying the whole DetailedTask at each change of those tasks.
// https://github.com/modelcontextprotocol/ext-tasks/blob/main/specification/draft/tasks.md#task-status-notifications

afterEach(closeAll)

const DECLARING = { elicitation: {}, extensions: { [TASKS_EXTENSION_ID]: {} } }
const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] })

/** A server whose `steps` tool becomes a task, waits for `first`, asks a question, then waits for `second`. */
function stepServer() {
  const first = deferred()
  const second = deferred()
  const server = new McpServer({ name: 'tasks', version: '1' }, { extensions: [tasks({ pollIntervalMs: 50 })] })
  server.registerTool('steps', { execution: { taskSupport: 'required' } }, async (_args, ctx) => {
    await startTask(ctx)
    await first.promise
    const answer = await ctx.elicit({ message: 'name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } }, { inputKey: 'name' })
    await second.promise
    return text(`hello ${String(answer.content?.name)}`)
  })
  return { server, first, second }
}

const alice = { authInfo: { token: 'token-a', clientId: 'alice' } }
const bob = { authInfo: { token: 'token-b', clientId: 'bob' } }

async function startSteps(raw: RawClient): Promise<string> {
  const created = await raw.result('tools/call', { name: 'steps', arguments: {}, _meta: modernMeta(DECLARING) })
  expect(created.resultType).toBe('task')
  return created.taskId as string
}

/** What tasks/get answers now, as a notification carries it: the DetailedTask, without `resultType` and the result's `_meta`. */
async function detailed(raw: RawClient, taskId: string): Promise<Record<string, unknown>> {
  const { resultType: _, _meta: __, ...task } = await raw.result('tasks/get', { taskId, _meta: modernMeta(DECLARING) })
  return task
}

/** Polls tasks/get until the task is in `status`, and returns it as tasks/get shows it then. */
async function reach(raw: RawClient, taskId: string, status: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 200; i++) {
    const task = await detailed(raw, taskId)
    if (task.status === status) return task
  }
  throw new Error(`task ${taskId} never reached ${status}`)
}

/** Round trips until `done()` holds (what the server sent before a response has arrived with it). */
async function until(raw: RawClient, done: () => boolean): Promise<void> {
  for (let i = 0; i < 50 && !done(); i++) await raw.result('server/discover', { _meta: modernMeta(DECLARING) })
  expect(done()).toBe(true)
}

const taskNotes = (raw: RawClient) => raw.received('notifications/tasks')
const withoutMeta = ({ _meta: _, ...rest }: Record<string, unknown>) => rest
const acks = (raw: RawClient) => raw.received('notifications/subscriptions/acknowledged')

describe('notifications/tasks over subscriptions/listen (2026-07-28)', () => {
  it('acknowledges the taskIds and then sends the whole task, as tasks/get shows it, at each status change', async () => {
    const { server, first, second } = stepServer()
    const raw = await connectRaw(server, { messageInfo: alice })
    const taskId = await startSteps(raw)
    const listening = raw.request('subscriptions/listen', { notifications: { taskIds: [taskId] }, _meta: modernMeta(DECLARING) }, { id: 'listen-1' })
    await until(raw, () => acks(raw).length === 1)
    expect(acks(raw)[0]).toEqual({ notifications: { taskIds: [taskId] }, _meta: { [SUBSCRIPTION_ID_META_KEY]: 'listen-1' } })

    first.resolve()
    const asking = await reach(raw, taskId, 'input_required')
    await until(raw, () => taskNotes(raw).length === 1)
    const update = await raw.result('tasks/update', { taskId, inputResponses: { name: { action: 'accept', content: { name: 'Ada' } } }, _meta: modernMeta(DECLARING) })
    expect(update.resultType).toBe('complete')
    const working = await detailed(raw, taskId)
    expect(working.status).toBe('working')
    await until(raw, () => taskNotes(raw).length === 2)
    second.resolve()
    const completed = await reach(raw, taskId, 'completed')
    await until(raw, () => taskNotes(raw).length === 3)

    const notes = taskNotes(raw)
    expect(notes.map((n) => n.status)).toEqual(['input_required', 'working', 'completed'])
    for (const note of notes) expect(note._meta).toEqual({ [SUBSCRIPTION_ID_META_KEY]: 'listen-1' })
    expect(notes.map(withoutMeta)).toEqual([asking, working, completed])
    expect(completed.result).toEqual(text('hello Ada'))
    await server.close()
    expect(await listening).toMatchObject({ result: { _meta: { [SUBSCRIPTION_ID_META_KEY]: 'listen-1' } } })
  })

  it("acknowledges only the caller's own tasks: another principal's and unknown ids are left out and never notified", async () => {
    const { server, first } = stepServer()
    const a = await connectRaw(server, { messageInfo: alice })
    const b = await connectRaw(server, { messageInfo: bob })
    const aliceTask = await startSteps(a)
    const bobTask = await startSteps(b)
    void b.request('subscriptions/listen', { notifications: { taskIds: [aliceTask, bobTask, 'no-such-task'] }, _meta: modernMeta(DECLARING) }, { id: 'listen-b' })
    await until(b, () => acks(b).length === 1)
    expect(acks(b)[0]!.notifications).toEqual({ taskIds: [bobTask] })

    first.resolve()
    await reach(a, aliceTask, 'input_required')
    await reach(b, bobTask, 'input_required')
    await until(b, () => taskNotes(b).length === 1)
    expect(taskNotes(b).map((n) => n.taskId)).toEqual([bobTask])
    await server.close()
  })

  it('refuses taskIds from a listen that did not declare the extension with -32021 naming it', async () => {
    const { server } = stepServer()
    const raw = await connectRaw(server, { messageInfo: alice })
    const taskId = await startSteps(raw)
    const response = await raw.request('subscriptions/listen', { notifications: { taskIds: [taskId] }, _meta: modernMeta({ elicitation: {} }) })
    expect(response).toMatchObject({
      error: { code: ErrorCode.MissingRequiredClientCapability, data: { requiredCapabilities: { extensions: { [TASKS_EXTENSION_ID]: {} } } } },
    })
    expect(acks(raw)).toEqual([])
    await server.close()
  })

  it('leaves taskIds out of the acknowledgement of a server without the tasks extension', async () => {
    const server = new McpServer({ name: 'plain', version: '1' }, { capabilities: { tools: { listChanged: true } } })
    const raw = await connectRaw(server)
    void raw.request('subscriptions/listen', { notifications: { taskIds: ['t-1'], toolsListChanged: true }, _meta: modernMeta(DECLARING) }, { id: 'listen-plain' })
    await until(raw, () => acks(raw).length === 1)
    expect(acks(raw)[0]!.notifications).toEqual({ toolsListChanged: true })
    await server.close()
  })

  it('stops sending once the client cancels the listen', async () => {
    const { server, first, second } = stepServer()
    const raw = await connectRaw(server, { messageInfo: alice })
    const taskId = await startSteps(raw)
    void raw.request('subscriptions/listen', { notifications: { taskIds: [taskId] }, _meta: modernMeta(DECLARING) }, { id: 'listen-c' })
    await until(raw, () => acks(raw).length === 1)
    first.resolve()
    await reach(raw, taskId, 'input_required')
    await until(raw, () => taskNotes(raw).length === 1)

    await raw.notify('notifications/cancelled', { requestId: 'listen-c', _meta: modernMeta(DECLARING) })
    await raw.result('tasks/update', { taskId, inputResponses: { name: { action: 'accept', content: { name: 'Ada' } } }, _meta: modernMeta(DECLARING) })
    second.resolve()
    await reach(raw, taskId, 'completed')
    await raw.result('server/discover', { _meta: modernMeta(DECLARING) })
    expect(taskNotes(raw).map((n) => n.status)).toEqual(['input_required'])
    await server.close()
  })
})
