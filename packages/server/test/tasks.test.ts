import { ErrorCode, McpError, TASKS_EXTENSION_ID, TASK_STORE_FULL, TaskEndedError, isTaskStoreFull, type JSONRPCResponse, type MessageInfo } from '@plugboard/protocol'
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as z from 'zod'
import { McpServer, memoryTaskStore, startTask, tasks, type TasksOptions } from '../src/index.js'
import { LEGACY_ERAS, closeAll, connect, connectRaw, deferred, dispatch, modernMeta } from './harness.js'

// The Tasks extension (SEP-2663), server side: a tools/call from a client that declared the
// extension may be answered with a task, polled with tasks/get, fed with tasks/update, stopped with
// tasks/cancel. https://github.com/modelcontextprotocol/ext-tasks/blob/main/specification/draft/tasks.md

afterEach(async () => {
  vi.useRealTimers()
  await closeAll()
})

const DECLARING = { elicitation: {}, extensions: { [TASKS_EXTENSION_ID]: {} } }
const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] })
const form = (property: string) => ({ message: `${property}?`, requestedSchema: { type: 'object' as const, properties: { [property]: { type: 'string' as const } }, required: [property] } })

/** A server with the extension and one tool per behaviour; `gate` holds `wait` until released. */
function taskServer(options: TasksOptions = {}) {
  const gate = deferred()
  const aborted = deferred<unknown>()
  const server = new McpServer({ name: 'tasks', version: '1' }, { extensions: [tasks({ pollIntervalMs: 50, ...options })] })
  server.registerTool('sync', {}, () => text('now'))
  server.registerTool('wait', { execution: { taskSupport: 'optional' } }, async (_args, ctx) => {
    await startTask(ctx)
    ctx.signal.addEventListener('abort', () => aborted.resolve(ctx.signal.reason))
    await gate.promise
    return text('waited')
  })
  server.registerTool('quick', { inputSchema: { later: z.boolean() }, execution: { taskSupport: 'optional' } }, async ({ later }, ctx) => {
    if (later) await startTask(ctx)
    return text(later ? 'as a task' : 'at once')
  })
  server.registerTool('only_task', { execution: { taskSupport: 'required' } }, async (_args, ctx) => {
    await startTask(ctx)
    return { ...text('the work failed'), isError: true }
  })
  server.registerTool('broken', { execution: { taskSupport: 'required' } }, async (_args, ctx) => {
    await startTask(ctx)
    throw new McpError(ErrorCode.InternalError, 'broken inside')
  })
  server.registerTool('two_questions', { execution: { taskSupport: 'required' } }, async (_args, ctx) => {
    await startTask(ctx)
    const [a, b] = await Promise.all([ctx.elicit(form('a')), ctx.elicit(form('b'))])
    return text(`${String(a.content?.a)} ${String(b.content?.b)}`)
  })
  server.registerTool('ask_first', { execution: { taskSupport: 'required' } }, async (_args, ctx) => {
    const who = await ctx.elicit(form('name'), { inputKey: 'who' })
    await startTask(ctx)
    return text(`Hello, ${String(who.content?.name)}!`)
  })
  return { server, gate, aborted }
}

let nextId = 1
/** One modern request served with no connection (an HTTP POST), declaring `capabilities`. */
async function send(server: McpServer, method: string, params: Record<string, unknown>, capabilities: Record<string, unknown> = DECLARING, info?: MessageInfo): Promise<JSONRPCResponse> {
  const response = await dispatch(server, { jsonrpc: '2.0', id: nextId++, method, params: { ...params, _meta: modernMeta(capabilities) } }, info).response
  return response!
}
async function result(server: McpServer, method: string, params: Record<string, unknown>, capabilities?: Record<string, unknown>, info?: MessageInfo) {
  const response = await send(server, method, params, capabilities, info)
  expect(response, JSON.stringify(response)).toHaveProperty('result')
  return (response as { result: Record<string, unknown> }).result
}
async function error(server: McpServer, method: string, params: Record<string, unknown>, capabilities?: Record<string, unknown>, info?: MessageInfo) {
  const response = await send(server, method, params, capabilities, info)
  expect(response, JSON.stringify(response)).toHaveProperty('error')
  return (response as { error: { code: number; message: string; data?: unknown } }).error
}
const call = (server: McpServer, name: string, args: Record<string, unknown> = {}, capabilities?: Record<string, unknown>, info?: MessageInfo) => result(server, 'tools/call', { name, arguments: args }, capabilities, info)
const get = (server: McpServer, taskId: unknown, info?: MessageInfo) => result(server, 'tasks/get', { taskId }, DECLARING, info)

/** Polls tasks/get until the task leaves `working`/`input_required` or reaches `until`. */
async function poll(server: McpServer, taskId: unknown, until?: string): Promise<Record<string, unknown>> {
  for (;;) {
    const task = await get(server, taskId)
    if (task.status === until || ['completed', 'failed', 'cancelled'].includes(task.status as string)) return task
    await new Promise((resolve) => setImmediate(resolve))
  }
}

describe('task creation', () => {
  it('answers a declaring client at once with a flat CreateTaskResult while the handler keeps running', async () => {
    const { server, gate } = taskServer()
    const created = await call(server, 'wait')
    expect(created).toMatchObject({ resultType: 'task', status: 'working', ttlMs: 3_600_000, pollIntervalMs: 50 })
    expect(created.taskId).toMatch(/^[0-9a-f-]{36}$/)
    expect(created.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T/)
    for (const key of ['task', 'result', 'error', 'inputRequests', 'requestState']) expect(created).not.toHaveProperty(key)
    // Strong consistency: readable right away.
    expect(await get(server, created.taskId)).toMatchObject({ resultType: 'complete', taskId: created.taskId, status: 'working' })
    gate.resolve()
    const done = await poll(server, created.taskId)
    expect(done).toMatchObject({ status: 'completed', result: { content: [{ type: 'text', text: 'waited' }] } })
    expect(done).not.toHaveProperty('inputRequests')
  })

  it('runs a task-capable tool synchronously for a client that did not declare the extension, and when the handler never starts a task', async () => {
    const { server } = taskServer()
    expect(await call(server, 'quick', { later: true }, {})).toMatchObject({ resultType: 'complete', content: [{ text: 'as a task' }] })
    expect(await call(server, 'quick', { later: false })).toMatchObject({ resultType: 'complete', content: [{ text: 'at once' }] })
    expect(await call(server, 'sync')).toMatchObject({ resultType: 'complete', content: [{ text: 'now' }] })
    expect(await call(server, 'quick', { later: true })).toMatchObject({ resultType: 'task' })
  })

  it('refuses a task-required tool to a client without the extension with -32021 naming it, before the handler runs', async () => {
    const { server } = taskServer()
    expect(await error(server, 'tools/call', { name: 'only_task', arguments: {} }, { elicitation: {} })).toMatchObject({
      code: ErrorCode.MissingRequiredClientCapability,
      data: { requiredCapabilities: { extensions: { [TASKS_EXTENSION_ID]: {} } } },
    })
  })

  it('ignores the legacy task param: a sync tool stays sync', async () => {
    const { server } = taskServer()
    expect(await result(server, 'tools/call', { name: 'sync', arguments: {}, task: { ttl: 1000 } })).toMatchObject({ resultType: 'complete', content: [{ text: 'now' }] })
  })

  // 2025-11-25's own experimental tasks (params.task) are in tasks-experimental.test.ts.
  it.each(LEGACY_ERAS)('%s: makes no task of a call without params.task, extension declared or not, and refuses a task-only tool with -32601', async (protocolVersion) => {
    const { server } = taskServer()
    const { client, hello } = await connect(server, { protocolVersion, capabilities: { extensions: { [TASKS_EXTENSION_ID]: {} } } })
    if (protocolVersion === '2025-11-25') expect(hello.capabilities).toMatchObject({ tasks: { requests: { tools: { call: {} } } } })
    else expect(hello.capabilities).not.toHaveProperty('tasks')
    expect(await client.request('tools/call', { name: 'quick', arguments: { later: true } })).toMatchObject({ content: [{ text: 'as a task' }] })
    await expect(client.request('tools/call', { name: 'only_task', arguments: {} })).rejects.toMatchObject({ code: ErrorCode.MethodNotFound })
  })
})

describe('tasks/get, tasks/update, tasks/cancel', () => {
  it('completes a tool error as completed with isError, and a protocol error as failed with the error inlined', async () => {
    const { server } = taskServer()
    const toolError = await poll(server, (await call(server, 'only_task')).taskId)
    expect(toolError).toMatchObject({ status: 'completed', result: { isError: true } })
    const failed = await poll(server, (await call(server, 'broken')).taskId)
    expect(failed).toMatchObject({ status: 'failed', error: { code: ErrorCode.InternalError, message: 'broken inside' } })
    expect(failed).not.toHaveProperty('result')
  })

  it('cancels a running task at once, aborts its handler signal saying the client cancelled it, and acks a cancel of a finished task the same way', async () => {
    const { server, aborted } = taskServer()
    const { taskId } = await call(server, 'wait')
    const ack = await result(server, 'tasks/cancel', { taskId })
    expect(Object.keys(ack).filter((k) => k !== '_meta')).toEqual(['resultType'])
    expect(ack.resultType).toBe('complete')
    expect(await get(server, taskId)).toMatchObject({ status: 'cancelled' })
    const reason = await aborted.promise
    expect(reason).toBeInstanceOf(TaskEndedError)
    expect(reason).toMatchObject({ code: ErrorCode.RequestCancelled, reason: 'cancelled', data: { taskId, reason: 'cancelled' }, message: `Task ${String(taskId)} was cancelled by the client (tasks/cancel)` })
    expect(await result(server, 'tasks/cancel', { taskId })).toMatchObject({ resultType: 'complete' })
    expect(await get(server, taskId)).toMatchObject({ status: 'cancelled' })
  })

  it('parks a task in input_required with every outstanding ask, and applies each tasks/update before acknowledging it', async () => {
    const { server } = taskServer()
    const { taskId } = await call(server, 'two_questions')
    const waiting = await poll(server, taskId, 'input_required')
    const keys = Object.keys(waiting.inputRequests as object)
    expect(keys).toHaveLength(2)
    expect((waiting.inputRequests as Record<string, { method: string }>)[keys[0]!]!.method).toBe('elicitation/create')
    // Unknown keys are ignored, even malformed ones.
    const ack = await result(server, 'tasks/update', { taskId, inputResponses: { 'not-asked': { ignored: true }, [keys[0]!]: { action: 'accept', content: { a: 'first' } } } })
    expect(ack).toMatchObject({ resultType: 'complete' })
    expect(ack).not.toHaveProperty('status')
    const partial = await get(server, taskId)
    expect(partial.status).toBe('input_required')
    expect(Object.keys(partial.inputRequests as object)).toEqual([keys[1]])
    await result(server, 'tasks/update', { taskId, inputResponses: { [keys[1]!]: { action: 'accept', content: { b: 'second' } } } })
    expect(await poll(server, taskId)).toMatchObject({ status: 'completed', result: { content: [{ text: 'first second' }] } })
  })

  it('resolves input_required rounds on tools/call before the task exists, then creates it without requestState', async () => {
    const { server } = taskServer()
    const first = await call(server, 'ask_first')
    expect(first).toMatchObject({ resultType: 'input_required', inputRequests: { who: { method: 'elicitation/create' } } })
    expect(first).not.toHaveProperty('taskId')
    const second = await result(server, 'tools/call', { name: 'ask_first', arguments: {}, inputResponses: { who: { action: 'accept', content: { name: 'Alice' } } }, requestState: first.requestState })
    expect(second).toMatchObject({ resultType: 'task' })
    expect(second).not.toHaveProperty('requestState')
    expect(second).not.toHaveProperty('inputRequests')
    expect(await poll(server, second.taskId)).toMatchObject({ status: 'completed', result: { content: [{ text: 'Hello, Alice!' }] } })
  })

  it.each(['tasks/get', 'tasks/update', 'tasks/cancel'])('answers %s from a client without the extension with -32021 before looking the task up', async (method) => {
    const { server } = taskServer()
    expect(await error(server, method, { taskId: 'no-such-task', inputResponses: {} }, {})).toMatchObject({ code: ErrorCode.MissingRequiredClientCapability, data: { requiredCapabilities: { extensions: { [TASKS_EXTENSION_ID]: {} } } } })
  })

  it.each(['tasks/get', 'tasks/update', 'tasks/cancel'])('answers %s of an unknown task with -32602', async (method) => {
    const { server } = taskServer()
    expect(await error(server, method, { taskId: 'no-such-task', inputResponses: {} })).toMatchObject({ code: ErrorCode.InvalidParams })
  })

  it.each(['tasks/result', 'tasks/list'])('answers the removed %s with -32601', async (method) => {
    const { server } = taskServer()
    expect(await error(server, method, { taskId: 'x' })).toMatchObject({ code: ErrorCode.MethodNotFound })
  })

  it('advertises the extension in server/discover, and no legacy tasks capability', async () => {
    const { server } = taskServer()
    const discovered = await result(server, 'server/discover', {})
    expect(discovered.capabilities).toMatchObject({ extensions: { [TASKS_EXTENSION_ID]: {} } })
    expect(discovered.capabilities).not.toHaveProperty('tasks')
  })
})

describe('task lifetime and ownership', () => {
  it('forgets a task once its ttlMs has passed, and aborts it if it still runs, saying it expired', async () => {
    vi.useFakeTimers()
    const { server, aborted } = taskServer({ ttlMs: 60_000 })
    const { taskId } = await call(server, 'wait')
    expect(await get(server, taskId)).toMatchObject({ ttlMs: 60_000 })
    await vi.advanceTimersByTimeAsync(60_001)
    expect(await aborted.promise).toMatchObject({ code: ErrorCode.RequestCancelled, reason: 'expired', message: `Task ${String(taskId)} expired (its ttlMs passed)` })
    expect(await error(server, 'tasks/get', { taskId })).toMatchObject({ code: ErrorCode.InvalidParams })
  })

  it('keeps at most maxTasks, evicting the oldest finished one, and refuses a new task when none has finished', async () => {
    const store = memoryTaskStore({ maxTasks: 2 })
    const { server, gate } = taskServer({ store })
    const first = await call(server, 'quick', { later: true })
    await poll(server, first.taskId)
    const running = await call(server, 'wait')
    const third = await call(server, 'quick', { later: true })
    expect(await error(server, 'tasks/get', { taskId: first.taskId })).toMatchObject({ code: ErrorCode.InvalidParams })
    expect(await get(server, running.taskId)).toMatchObject({ status: 'working' })
    await poll(server, third.taskId)
    const fourth = await call(server, 'quick', { later: true })
    expect(await error(server, 'tasks/get', { taskId: third.taskId })).toMatchObject({ code: ErrorCode.InvalidParams })
    await poll(server, fourth.taskId)
    gate.resolve()
    await poll(server, running.taskId)
  })

  it('refuses a full store of running tasks with a retry-later error saying so and naming the limit, rather than growing', async () => {
    const { server } = taskServer({ store: memoryTaskStore({ maxTasks: 1 }) })
    await call(server, 'wait')
    const full = await error(server, 'tools/call', { name: 'wait', arguments: {} })
    expect(full).toMatchObject({ code: ErrorCode.InternalError, message: expect.stringMatching(/^Task store full: 1 tasks are in progress/), data: { reason: TASK_STORE_FULL, maxTasks: 1 } })
    expect(isTaskStoreFull(McpError.fromError(full))).toBe(true)
    expect(isTaskStoreFull(new McpError(ErrorCode.InternalError, 'Internal error'))).toBe(false)
  })

  it('shows a task only to the principal that created it: anyone else gets -32602, as for an unknown task', async () => {
    const { server, gate } = taskServer()
    const alice: MessageInfo = { authInfo: { token: 'a-token', clientId: 'alice' } }
    const bob: MessageInfo = { authInfo: { token: 'b-token', clientId: 'bob' } }
    const { taskId } = await call(server, 'wait', {}, DECLARING, alice)
    expect(await get(server, taskId, alice)).toMatchObject({ status: 'working' })
    for (const info of [bob, undefined]) {
      for (const method of ['tasks/get', 'tasks/update', 'tasks/cancel']) {
        expect(await error(server, method, { taskId, inputResponses: {} }, DECLARING, info)).toMatchObject({ code: ErrorCode.InvalidParams })
      }
    }
    expect(await get(server, taskId, alice)).toMatchObject({ status: 'working' })
    gate.resolve()
  })

  it('stops running tasks when the server closes: the handler aborts saying so, the task ends cancelled, and no timer is left', async () => {
    vi.useFakeTimers()
    const store = memoryTaskStore()
    const { server, aborted } = taskServer({ store, ttlMs: 60_000 })
    const { taskId } = await call(server, 'wait')
    expect(vi.getTimerCount()).toBe(1)
    await server.close()
    expect(await aborted.promise).toMatchObject({ code: ErrorCode.RequestCancelled, reason: 'closed', message: `Task ${String(taskId)} was stopped: the server is closing` })
    expect(vi.getTimerCount()).toBe(0)
    expect(await store.get(taskId as string)).toMatchObject({ status: 'cancelled', statusMessage: 'The server closed before the task finished' })
  })

  it('leaves no timer of a task when closing a server whose tasks run with no fake clock', async () => {
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length
    const armed = new Set<ReturnType<typeof setTimeout>>()
    const realSet = globalThis.setTimeout
    const realClear = globalThis.clearTimeout
    const spySet = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((...args: Parameters<typeof setTimeout>) => {
      const timer = realSet(...args)
      armed.add(timer)
      return timer
    }) as typeof setTimeout)
    const spyClear = vi.spyOn(globalThis, 'clearTimeout').mockImplementation((timer) => {
      armed.delete(timer as ReturnType<typeof setTimeout>)
      realClear(timer)
    })
    try {
      const { server, aborted } = taskServer({ ttlMs: 3_600_000 })
      await call(server, 'wait')
      expect(armed.size).toBeGreaterThan(0)
      await server.close()
      await aborted.promise
      expect(armed.size).toBe(0)
    } finally {
      spySet.mockRestore()
      spyClear.mockRestore()
    }
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBeLessThanOrEqual(before)
  })

  it('keeps a task running and readable after the connection that started it closed', async () => {
    const { server, gate } = taskServer()
    const first = await connectRaw(server)
    const created = await first.result('tools/call', { name: 'wait', arguments: {}, _meta: modernMeta(DECLARING) })
    expect(created).toMatchObject({ resultType: 'task' })
    await first.close()
    gate.resolve()
    const second = await connectRaw(server)
    let task: Record<string, unknown>
    do task = await second.result('tasks/get', { taskId: created.taskId, _meta: modernMeta(DECLARING) })
    while (task.status === 'working')
    expect(task).toMatchObject({ status: 'completed', result: { content: [{ text: 'waited' }] } })
  })
})
