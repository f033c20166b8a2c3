import { ErrorCode, RELATED_TASK_META_KEY, TASKS_EXTENSION_ID } from '@plugboard/protocol'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { McpServer, memoryTaskStore, startTask, tasks, type TasksOptions } from '../src/index.js'
import { closeAll, connect, connectRaw, deferred, dispatch, type RawClient } from './harness.js'

// The experimental tasks of 2025-11-25, served by the same `tasks()` as the 2026-07-28 extension: a
// tools/call with `params.task` is answered with a CreateTaskResult, and the task is read with
// tasks/get, tasks/result, tasks/list and tasks/cancel.
// https://modelcontextprotocol.io/specification/2025-11-25/basic/utilities/tasks

const servers: McpServer[] = []
afterEach(async () => {
  await closeAll()
  // Stops what still runs (the `wait` tasks of the tests that never release them) and its timers.
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] })
const TASKS_CLIENT = { tasks: {}, elicitation: {} }

function taskServer(options: TasksOptions = {}) {
  const gate = deferred()
  const aborted = deferred<unknown>()
  const server = new McpServer({ name: 'tasks', version: '1' }, { extensions: [tasks({ pollIntervalMs: 50, ...options })] })
  servers.push(server)
  server.registerTool('sync', {}, () => text('now'))
  server.registerTool('quick', { execution: { taskSupport: 'optional' } }, async (_args, ctx) => {
    await startTask(ctx)
    return text('quick')
  })
  server.registerTool('wait', { execution: { taskSupport: 'optional' } }, async (_args, ctx) => {
    await startTask(ctx)
    ctx.signal.addEventListener('abort', () => aborted.resolve(ctx.signal.reason))
    await gate.promise
    return text('waited')
  })
  server.registerTool('tool_error', { execution: { taskSupport: 'required' } }, () => ({ ...text('no luck'), isError: true }))
  server.registerTool('ask', { execution: { taskSupport: 'required' } }, async (_args, ctx) => {
    const answer = await ctx.elicit({ message: 'name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } })
    return text(`Hello, ${String(answer.content?.name)}!`)
  })
  return { server, gate, aborted }
}

type Task = { taskId: string; status: string; ttl: number | null; pollInterval?: number; [key: string]: unknown }

/** A wire-level 2025-11-25 client (our Session client checks a tools/call result as a CallToolResult), initialized. */
async function legacyClient(server: McpServer, capabilities: Record<string, unknown> = TASKS_CLIENT): Promise<RawClient> {
  const raw = await connectRaw(server, { revision: () => '2025-11-25' })
  await raw.result('initialize', { protocolVersion: '2025-11-25', capabilities, clientInfo: { name: 'raw', version: '1' } })
  await raw.notify('notifications/initialized')
  return raw
}
const errorOf = async (raw: RawClient, method: string, params: Record<string, unknown>) => {
  const response = await raw.request(method, params)
  expect(response, JSON.stringify(response)).toHaveProperty('error')
  return (response as { error: { code: number; message: string } }).error
}
const taskOf = async (raw: RawClient, name: string, task: Record<string, unknown> = {}) => ((await raw.result('tools/call', { name, arguments: {}, task })) as { task: Task }).task

describe('2025-11-25 experimental tasks', () => {
  it('declares capabilities.tasks at initialize for 2025-11-25 only, and shows execution in tools/list only there', async () => {
    const { server } = taskServer()
    const current = await connect(server, { protocolVersion: '2025-11-25', capabilities: TASKS_CLIENT })
    expect(current.hello.capabilities).toMatchObject({ tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } })
    const listed = (await current.client.request('tools/list', {})) as { tools: { name: string; execution?: unknown }[] }
    expect(listed.tools.find((t) => t.name === 'wait')?.execution).toEqual({ taskSupport: 'optional' })
    const older = await connect(server, { protocolVersion: '2025-06-18', capabilities: TASKS_CLIENT })
    expect(older.hello.capabilities).not.toHaveProperty('tasks')
    const olderList = (await older.client.request('tools/list', {})) as { tools: Record<string, unknown>[] }
    expect(olderList.tools.every((t) => !('execution' in t))).toBe(true)
    const modern = await connect(server, { protocolVersion: '2026-07-28', capabilities: { extensions: { [TASKS_EXTENSION_ID]: {} } } })
    expect(modern.hello.capabilities).not.toHaveProperty('tasks')
    const modernList = (await modern.client.request('tools/list', {})) as { tools: Record<string, unknown>[] }
    expect(modernList.tools.every((t) => !('execution' in t))).toBe(true)
  })

  it('answers a tools/call with params.task by a CreateTaskResult at once, then tasks/get shows it, tasks/result gives the tool result tagged with the task, and the status is notified', async () => {
    const { server, gate } = taskServer({ ttlMs: 60_000 })
    const raw = await legacyClient(server)
    const task = await taskOf(raw, 'wait', { ttl: 30_000 })
    expect(task).toMatchObject({ status: 'working', ttl: 30_000, pollInterval: 50 })
    expect(task).not.toHaveProperty('ttlMs')
    const { taskId } = task
    expect(await raw.result('tasks/get', { taskId })).toMatchObject({ taskId, status: 'working', ttl: 30_000 })
    const result = raw.result('tasks/result', { taskId })
    gate.resolve()
    expect(await result).toMatchObject({ content: [{ type: 'text', text: 'waited' }], _meta: { [RELATED_TASK_META_KEY]: { taskId } } })
    expect(await raw.result('tasks/get', { taskId })).toMatchObject({ status: 'completed' })
    expect(raw.received('notifications/tasks/status')).toContainEqual(expect.objectContaining({ taskId, status: 'completed', ttl: 30_000 }))
  })

  it('keeps a call without params.task synchronous, and refuses a task-required tool without it and a task-forbidden tool with it, both -32601', async () => {
    const { server } = taskServer()
    const raw = await legacyClient(server)
    expect(await raw.result('tools/call', { name: 'quick', arguments: {} })).toMatchObject({ content: [{ text: 'quick' }] })
    expect(await errorOf(raw, 'tools/call', { name: 'tool_error', arguments: {} })).toMatchObject({ code: ErrorCode.MethodNotFound, message: expect.stringContaining('params.task') })
    expect(await errorOf(raw, 'tools/call', { name: 'sync', arguments: {}, task: {} })).toMatchObject({ code: ErrorCode.MethodNotFound })
  })

  it('shows a tool error as failed (the 2025-11-25 rule), and tasks/result answers the CallToolResult with isError', async () => {
    const { server } = taskServer()
    const raw = await legacyClient(server)
    const { taskId } = await taskOf(raw, 'tool_error')
    expect(await raw.result('tasks/result', { taskId })).toMatchObject({ isError: true, content: [{ text: 'no luck' }] })
    expect(await raw.result('tasks/get', { taskId })).toMatchObject({ status: 'failed' })
  })

  it('cancels a running task: tasks/cancel answers it cancelled, the handler is aborted, and cancelling it again is -32602', async () => {
    const { server, aborted } = taskServer()
    const raw = await legacyClient(server)
    const { taskId } = await taskOf(raw, 'wait')
    expect(await raw.result('tasks/cancel', { taskId })).toMatchObject({ taskId, status: 'cancelled' })
    expect(await aborted.promise).toMatchObject({ reason: 'cancelled' })
    expect(await errorOf(raw, 'tasks/cancel', { taskId })).toMatchObject({ code: ErrorCode.InvalidParams })
    expect(await errorOf(raw, 'tasks/result', { taskId })).toMatchObject({ code: ErrorCode.InternalError, message: expect.stringContaining('cancelled') })
  })

  it('lists the tasks of this client with tasks/list, and answers -32602 for an unknown task id', async () => {
    const { server, gate } = taskServer({ store: memoryTaskStore() })
    const raw = await legacyClient(server)
    const a = await taskOf(raw, 'wait')
    const b = await taskOf(raw, 'tool_error')
    const listed = (await raw.result('tasks/list', {})) as { tasks: Task[]; nextCursor?: string }
    expect(listed.tasks.map((t) => t.taskId)).toEqual([a.taskId, b.taskId])
    expect(listed.nextCursor).toBeUndefined()
    expect(await errorOf(raw, 'tasks/get', { taskId: 'nope' })).toMatchObject({ code: ErrorCode.InvalidParams })
    gate.resolve()
  })

  it('processes a stateless 2025-11-25 request with params.task normally: no connection declared tasks, so no task is made', async () => {
    const { server } = taskServer()
    // Checked against 2025-06-18's schema: the schema checker takes any request with params.task for
    // a task-augmented one, though the spec has a receiver that did not declare tasks answer it normally.
    const { response } = dispatch(server, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'quick', arguments: {}, task: {} } }, { protocolVersion: '2025-11-25' }, '2025-06-18')
    expect(await response).toMatchObject({ result: { content: [{ text: 'quick' }] } })
  })

  it('asks the client inside a task on its connection, tagged with the task and input_required meanwhile, and finishes with the answer', async () => {
    const { server } = taskServer()
    const raw = await legacyClient(server)
    const { taskId } = await taskOf(raw, 'ask')
    await vi.waitFor(() => expect(raw.requests.map((r) => r.method)).toContain('elicitation/create'))
    const ask = raw.requests.find((r) => r.method === 'elicitation/create')!
    expect(ask.params).toMatchObject({ _meta: { [RELATED_TASK_META_KEY]: { taskId } } })
    expect(await raw.result('tasks/get', { taskId })).toMatchObject({ status: 'input_required' })
    await raw.send({ jsonrpc: '2.0', id: ask.id, result: { action: 'accept', content: { name: 'Ada' } } })
    expect(await raw.result('tasks/result', { taskId })).toMatchObject({ content: [{ text: 'Hello, Ada!' }] })
  })
})
