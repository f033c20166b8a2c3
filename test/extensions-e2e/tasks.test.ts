// MCP Tasks (SEP-2663) end to end: our Client against our McpServer with `tasks()`, over stdio (a
// real child process on the built packages) and over Streamable HTTP on 127.0.0.1 (in this process,
// with bearer tokens). The job tools are in fixtures/jobs.mjs: `job` waits for `release` or its signal.
import { ErrorCode, RELATED_TASK_META_KEY, isTaskStoreFull, type McpError } from '@plugboard/protocol'
import type { Client, TaskStatus, ToolTask } from '@plugboard/client'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { closeAndCheck, events, httpTaskServer, recordHandles, stdioTaskServer } from './harness.js'

beforeEach(recordHandles)
afterEach(closeAndCheck)

const job = (client: Client, label: string): Promise<ToolTask> => client.callTool({ name: 'job', arguments: { label } }, { task: true })
const release = (client: Client, label: string) => client.callTool({ name: 'release', arguments: { label } })
const rejection = (promise: Promise<unknown>): Promise<McpError> => promise.then(() => expect.unreachable('it resolved'), (error: McpError) => error)
const NOT_FOUND = { code: ErrorCode.InvalidParams, message: expect.stringContaining('Task not found') }

describe.each([
  ['stdio', stdioTaskServer],
  ['Streamable HTTP', httpTaskServer],
])('tasks over %s', (_transport, serve) => {
  it('answers a declaring client with a task at once, then reports working and completed, and result() gives the tool result', async () => {
    const client = await (await serve()).connect()
    const task = await job(client, 'report')
    expect(task.taskId).toMatch(/^[0-9a-f-]{36}$/)
    expect(task.state).toMatchObject({ status: 'working', ttlMs: 3_600_000, pollIntervalMs: 20 })
    const seen: TaskStatus[] = []
    for await (const state of task) {
      seen.push(state.status)
      if (state.status === 'working') {
        expect(state.statusMessage).toBe('report is running')
        await release(client, 'report')
      }
    }
    expect(seen).toEqual(['working', 'completed'])
    expect(await task.result()).toMatchObject({ content: [{ type: 'text', text: 'report done' }] })
    expect(await events(client)).toEqual(['report started'])
  })

  it('cancels a running task: its status is cancelled at once, the handler sees its signal abort, and result() rejects with RequestCancelled', async () => {
    const client = await (await serve()).connect()
    const task = await job(client, 'long')
    await task.cancel()
    expect((await task.get()).status).toBe('cancelled')
    expect(await rejection(task.result())).toMatchObject({ code: ErrorCode.RequestCancelled })
    await vi.waitFor(async () => expect(await events(client)).toEqual(['long started', `long aborted: Task ${task.taskId} was cancelled by the client (tasks/cancel)`]))
    // A task that ended stays as it ended.
    await task.cancel()
    expect((await task.get()).status).toBe('cancelled')
  })

  it('forgets a task once its ttlMs has passed: tasks/get answers -32602 and the handler is aborted', async () => {
    const client = await (await serve({ ttlMs: 300 })).connect()
    const task = await job(client, 'stale')
    expect(task.state).toMatchObject({ status: 'working', ttlMs: 300 })
    await vi.waitFor(async () => expect(await events(client)).toContain(`stale aborted: Task ${task.taskId} expired (its ttlMs passed)`), { timeout: 5000, interval: 50 })
    expect(await rejection(task.get())).toMatchObject(NOT_FOUND)
    expect(await rejection(client.resumeTask(task.taskId!).result())).toMatchObject(NOT_FOUND)
    expect(await rejection(task.cancel())).toMatchObject(NOT_FOUND)
  })

  it('bounds the memory store: with maxTasks running a new task is refused as "task store full" (retry later), and once one finished it is evicted for the next', async () => {
    const client = await (await serve({ maxTasks: 2 })).connect()
    const a = await job(client, 'a')
    const b = await job(client, 'b')
    const full = await rejection(job(client, 'c'))
    expect(full).toMatchObject({ code: ErrorCode.InternalError, message: expect.stringContaining('Task store full'), data: { reason: 'task_store_full', maxTasks: 2 } })
    expect(isTaskStoreFull(full)).toBe(true)
    await release(client, 'a')
    expect(await a.result()).toMatchObject({ content: [{ text: 'a done' }] })
    const d = await job(client, 'd')
    expect(d.status).toBe('working')
    // The oldest finished task made room; the running one stayed.
    expect(await rejection(a.get())).toMatchObject(NOT_FOUND)
    expect((await b.get()).status).toBe('working')
    await release(client, 'b')
    await release(client, 'd')
    expect(await b.result()).toMatchObject({ content: [{ text: 'b done' }] })
    expect(await d.result()).toMatchObject({ content: [{ text: 'd done' }] })
    expect(await events(client)).toEqual(['a started', 'b started', 'd started'])
  })
})

describe.each([
  ['stdio', stdioTaskServer],
  ['Streamable HTTP', httpTaskServer],
])('2025-11-25 experimental tasks over %s', (_transport, serve) => {
  it('asks for a task with params.task: the handle reports working then completed, result() comes from tasks/result, and cancel() ends another', async () => {
    const client = await (await serve({ protocolVersion: '2025-11-25' })).connect()
    expect(client.getNegotiatedProtocolVersion()).toBe('2025-11-25')
    const task = await job(client, 'legacy')
    expect(task.state).toMatchObject({ status: 'working', pollIntervalMs: 20 })
    const seen: TaskStatus[] = []
    for await (const state of task) {
      seen.push(state.status)
      if (state.status === 'working') await release(client, 'legacy')
    }
    expect(seen).toEqual(['working', 'completed'])
    // Tagged with the task: the answer of tasks/result, which only 2025-11-25 has.
    expect(await task.result()).toMatchObject({ content: [{ type: 'text', text: 'legacy done' }], _meta: { [RELATED_TASK_META_KEY]: { taskId: task.taskId } } })
    const other = await job(client, 'stopped')
    await other.cancel()
    expect(other.status).toBe('cancelled')
    expect(await rejection(other.result())).toMatchObject({ code: ErrorCode.RequestCancelled })
    await vi.waitFor(async () => expect(await events(client)).toEqual(['legacy started', 'stopped started', expect.stringMatching(/^stopped aborted: /)]))
  })
})

describe('tasks over Streamable HTTP, across connections and principals', () => {
  it('keeps a task running after its connection was cut, and a new client resumes it by id and gets the result', async () => {
    const server = await httpTaskServer()
    const first = await server.connect()
    const task = await job(first, 'upload')
    const taskId = task.taskId!
    server.cut()
    await first.close()
    const second = await server.connect()
    const resumed = second.resumeTask(taskId)
    expect((await resumed.get()).status).toBe('working')
    await release(second, 'upload')
    expect(await resumed.result()).toMatchObject({ content: [{ type: 'text', text: 'upload done' }] })
    // Nothing aborted the handler when the connection went.
    expect(await events(second)).toEqual(['upload started'])
  })

  it('stops a running task when the server closes: its handler is aborted saying the server is closing, and no timer is left armed', async () => {
    const server = await httpTaskServer()
    const client = await server.connect()
    const task = await job(client, 'shutdown')
    const taskId = task.taskId!
    await server.close()
    // The handler still answers modern requests (each is served alone): the tools tell what the job saw.
    const after = await server.connect()
    expect(await events(after)).toEqual(['shutdown started', `shutdown aborted: Task ${taskId} was stopped: the server is closing`])
    expect(await after.resumeTask(taskId).get()).toMatchObject({ status: 'cancelled', statusMessage: 'The server closed before the task finished' })
    // closeAndCheck (afterEach) proves the task's expiry timer was cleared, not left to fire in an hour.
  })

  it('refuses another principal’s task as unknown (-32602) on tasks/get and tasks/cancel, and leaves it running for its owner', async () => {
    const server = await httpTaskServer()
    const alice = await server.connect('alice')
    const bob = await server.connect('bob')
    const task = await job(alice, 'private')
    const stolen = bob.resumeTask(task.taskId!)
    expect(await rejection(stolen.get())).toMatchObject(NOT_FOUND)
    expect(await rejection(stolen.cancel())).toMatchObject(NOT_FOUND)
    // Nor does bob get its status notifications: the server does not agree to follow it for him.
    const subscription = await bob.listen({ taskIds: [task.taskId!] })
    expect(subscription.acknowledged.taskIds ?? []).toEqual([])
    await subscription.close()
    expect((await task.get()).status).toBe('working')
    await release(alice, 'private')
    expect(await task.result()).toMatchObject({ content: [{ text: 'private done' }] })
    expect(await events(alice)).toEqual(['private started'])
  })
})
