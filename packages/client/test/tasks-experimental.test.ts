// 2025-11-25's experimental tasks from the client user's view: on a connection that negotiated
// 2025-11-25 with a server declaring `tasks.requests.tools.call`, callTool(…, { task: true }) asks with
// `params.task` and hands back the same ToolTask as the Tasks extension does — states (tasks/get and
// notifications/tasks/status), result (tasks/result), cancel (tasks/cancel); tasks/list is a request.
// https://modelcontextprotocol.io/specification/2025-11-25/basic/utilities/tasks
import { ErrorCode, McpError, RELATED_TASK_META_KEY, type ListTasksResult } from '@plugboard/protocol'
import { McpServer, memoryTaskStore, startTask, tasks, type TasksOptions } from '@plugboard/server'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Client, ClientOptions, TaskState, TaskStatus } from '../src/index.js'
import { connectToMcpServer } from './mcp-server.js'

const open: Client[] = []
const servers: McpServer[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()))
  // Stops the tasks a test left waiting, and their timers.
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] })
const request = <T>(sent: unknown[], method: string) => sent.filter((m): m is { method: string; params: T } => (m as { method?: string }).method === method).map((m) => m.params)

function taskServer(options: TasksOptions = {}) {
  let release!: () => void
  const gate = new Promise<void>((resolve) => (release = resolve))
  const server = new McpServer({ name: 'jobs', version: '1.0.0' }, { extensions: [tasks({ pollIntervalMs: 5, ...options })] })
  servers.push(server)
  server.registerTool('hang', { execution: { taskSupport: 'optional' } }, async (_args, ctx) => {
    await startTask(ctx)
    await gate
    return text('done')
  })
  server.registerTool('ask', { execution: { taskSupport: 'optional' } }, async (_args, ctx) => {
    const who = await ctx.elicit({ message: 'Who signs?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } })
    return text(`signed by ${String(who.content?.name)}`)
  })
  server.registerTool('tool_error', { execution: { taskSupport: 'optional' } }, () => ({ ...text('no luck'), isError: true }))
  server.registerTool('explode', { execution: { taskSupport: 'optional' } }, () => {
    throw new McpError(ErrorCode.InvalidParams, 'exploded')
  })
  server.registerTool('only_task', { execution: { taskSupport: 'required' } }, () => text('ran as a task'))
  server.registerTool('sync', {}, () => text('now'))
  server.registerTool('sum', { outputSchema: { type: 'object', properties: { sum: { type: 'number' } }, required: ['sum'] }, execution: { taskSupport: 'optional' } }, () => ({ content: [], structuredContent: { sum: 3 } }))
  return { server, release }
}

async function connect(server: McpServer, options: ClientOptions = {}) {
  const c = await connectToMcpServer(server, 'legacy', { elicitation: { form: () => ({ action: 'accept', content: { name: 'Ada' } }) }, ...options })
  open.push(c.client)
  return c
}

describe('ToolTask on 2025-11-25 experimental tasks', () => {
  it('asks for a task with params.task (ttl from ttlMs) and hands back its handle: working, then completed, and result() from tasks/result', async () => {
    const { server, release } = taskServer()
    const { client, sent, violations } = await connect(server)
    expect(client.getServerCapabilities()).toMatchObject({ tasks: { requests: { tools: { call: {} } } } })
    const task = await client.callTool({ name: 'hang', arguments: {} }, { task: true, ttlMs: 30_000 })
    expect(request(sent, 'tools/call')).toEqual([expect.objectContaining({ name: 'hang', task: { ttl: 30_000 } })])
    expect(task.taskId).toEqual(expect.any(String))
    expect(task.state).toMatchObject({ status: 'working', ttlMs: 30_000, pollIntervalMs: 5 })
    const states: TaskStatus[] = []
    for await (const state of task) {
      states.push(state.status)
      if (state.status === 'working') release()
    }
    expect(states).toEqual(['working', 'completed'])
    expect(await task.result()).toMatchObject({ content: [{ type: 'text', text: 'done' }], _meta: { [RELATED_TASK_META_KEY]: { taskId: task.taskId } } })
    expect(request(sent, 'tasks/result')).toEqual([{ taskId: task.taskId }])
    expect(violations()).toEqual([])
  })

  it('cuts a long poll short on notifications/tasks/status', async () => {
    // Polling alone would wait a minute before the next tasks/get: only the notification ends this in time.
    const { server, release } = taskServer({ pollIntervalMs: 60_000 })
    const { client, sent } = await connect(server)
    const task = await client.callTool({ name: 'hang', arguments: {} }, { task: true })
    const states: TaskState[] = []
    for await (const state of task) {
      states.push(state)
      if (state.status === 'working') release()
    }
    expect(states.map((s) => s.status)).toEqual(['working', 'completed'])
    expect(request(sent, 'tasks/get')).toHaveLength(1)
    expect(await task.result()).toMatchObject({ content: [{ text: 'done' }] })
  })

  it('cancels a task with tasks/cancel: cancelled at once, result() rejects with RequestCancelled, and cancelling it again is no error', async () => {
    const { server } = taskServer()
    const { client } = await connect(server)
    const task = await client.callTool({ name: 'hang', arguments: {} }, { task: true })
    await task.cancel()
    expect(task.status).toBe('cancelled')
    await expect(task.result()).rejects.toMatchObject({ code: ErrorCode.RequestCancelled })
    await expect(task.cancel()).resolves.toBeUndefined()
    expect((await task.get()).status).toBe('cancelled')
  })

  it("answers a task's elicitation with the client's own handler, on the connection", async () => {
    const { client, violations } = await connect(taskServer().server)
    const task = await client.callTool({ name: 'ask', arguments: {} }, { task: true })
    expect(await task.result()).toMatchObject({ content: [{ text: 'signed by Ada' }] })
    expect(violations()).toEqual([])
  })

  it('calls tasks/result once a task is input_required (a server may hold its questions for that call), and takes its answer as the result', async () => {
    const { server } = taskServer()
    let sentRef: unknown[] = []
    // The answer waits until the client has called tasks/result: what a queueing server needs to deliver the question at all.
    const { client, sent, violations } = await connect(server, {
      elicitation: { form: async () => (await vi.waitFor(() => expect(request(sentRef, 'tasks/result')).toHaveLength(1), { timeout: 10_000 }), { action: 'accept', content: { name: 'Grace' } }) },
    })
    sentRef = sent
    const task = await client.callTool({ name: 'ask', arguments: {} }, { task: true })
    expect(await task.result()).toMatchObject({ content: [{ text: 'signed by Grace' }] })
    // The one call served both: no second tasks/result once the task ended.
    expect(request(sent, 'tasks/result')).toEqual([{ taskId: task.taskId }])
    expect(violations()).toEqual([])
  })

  it('asks tasks/result again once the task ended when the call held open during it hit the request timeout', async () => {
    const { server, release } = taskServer()
    server.registerTool('ask_then_hang', { execution: { taskSupport: 'optional' } }, async (_args, ctx) => {
      await ctx.elicit({ message: 'Go?', requestedSchema: { type: 'object', properties: {} } })
      await gate
      return text('finished late')
    })
    let open!: () => void
    const gate = new Promise<void>((resolve) => (open = resolve))
    let sentRef: unknown[] = []
    const { client, sent } = await connect(server, { elicitation: { form: async () => (await vi.waitFor(() => expect(request(sentRef, 'tasks/result')).toHaveLength(1), { timeout: 10_000 }), { action: 'accept', content: {} }) } })
    sentRef = sent
    const task = await client.callTool({ name: 'ask_then_hang', arguments: {} }, { task: true, timeout: 200 })
    const states: TaskStatus[] = []
    for await (const state of task) {
      states.push(state.status)
      // Well past the held call's 200 ms: it has timed out by now.
      if (state.status === 'working' && states.includes('input_required')) setTimeout(open, 600)
    }
    expect(await task.result()).toMatchObject({ content: [{ text: 'finished late' }] })
    expect(request(sent, 'tasks/result')).toEqual([{ taskId: task.taskId }, { taskId: task.taskId }])
    release()
  })

  it('resolves result() with the isError result of a tool error (failed in 2025-11-25), and rejects with the error a task ended with', async () => {
    const { client } = await connect(taskServer().server)
    const failed = await client.callTool({ name: 'tool_error', arguments: {} }, { task: true })
    expect(await failed.result()).toMatchObject({ isError: true, content: [{ text: 'no luck' }] })
    expect(failed.status).toBe('failed')
    const exploded = await client.callTool({ name: 'explode', arguments: {} }, { task: true })
    await expect(exploded.result()).rejects.toMatchObject({ code: ErrorCode.InvalidParams, message: 'exploded' })
  })

  it('lists the tasks with tasks/list, and resumes one of them by id', async () => {
    const { server, release } = taskServer({ store: memoryTaskStore() })
    const { client } = await connect(server)
    const a = await client.callTool({ name: 'hang', arguments: {} }, { task: true })
    const b = await client.callTool({ name: 'tool_error', arguments: {} }, { task: true })
    const listed: ListTasksResult = await client.request('tasks/list', {})
    expect(listed.tasks.map((t) => t.taskId)).toEqual([a.taskId, b.taskId])
    const resumed = client.resumeTask(listed.tasks[0]!.taskId, { pollIntervalMs: 5 })
    expect((await resumed.get()).status).toBe('working')
    release()
    expect(await resumed.result()).toMatchObject({ content: [{ text: 'done' }] })
  })

  it('calls a tool that does not allow tasks without params.task, and settles its handle at once', async () => {
    const { client, sent } = await connect(taskServer().server)
    const task = await client.callTool({ name: 'sync', arguments: {} }, { task: true })
    expect(task.taskId).toBeUndefined()
    expect(task.status).toBe('completed')
    expect(await task.result()).toMatchObject({ content: [{ text: 'now' }] })
    expect(request<Record<string, unknown>>(sent, 'tools/call')[0]).not.toHaveProperty('task')
  })

  it('settles the handle at once when the server did not declare tasks for tool calls', async () => {
    const server = new McpServer({ name: 'plain', version: '1.0.0' })
    servers.push(server)
    server.registerTool('hang', { execution: { taskSupport: 'optional' } }, () => text('at once'))
    const { client, sent } = await connect(server)
    const task = await client.callTool({ name: 'hang', arguments: {} }, { task: true })
    expect(task.taskId).toBeUndefined()
    expect(await task.result()).toMatchObject({ content: [{ text: 'at once' }] })
    expect(request<Record<string, unknown>>(sent, 'tools/call')[0]).not.toHaveProperty('task')
  })

  it('runs a task-required tool as a task when called plainly, and waits for its result', async () => {
    const { client, sent } = await connect(taskServer().server)
    expect(await client.callTool({ name: 'only_task', arguments: {} })).toMatchObject({ content: [{ text: 'ran as a task' }] })
    expect(request(sent, 'tools/call')).toEqual([expect.objectContaining({ name: 'only_task', task: {} })])
  })

  it("rejects result() with InvalidParams like a plain call when structuredContent breaks the tool's outputSchema", async () => {
    const { server } = taskServer()
    // The server checks against its own schema (a number); the client against the one listed (a string).
    server.use(async (call, next) => {
      const result = await next()
      if (call.method !== 'tools/list') return result
      const tools = (result.tools as { name: string; outputSchema?: unknown }[]).map((t) => (t.name === 'sum' ? { ...t, outputSchema: { type: 'object', properties: { sum: { type: 'string' } }, required: ['sum'] } } : t))
      return { ...result, tools }
    })
    const { client } = await connect(server)
    const plain = await client.callTool({ name: 'sum', arguments: {} }).catch((error: unknown) => error)
    expect(plain).toMatchObject({ code: ErrorCode.InvalidParams, message: expect.stringContaining('does not match its outputSchema') })
    const task = await client.callTool({ name: 'sum', arguments: {} }, { task: true })
    expect(task.taskId).toEqual(expect.any(String))
    const error = await task.result().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpError)
    expect(error).toMatchObject({ code: ErrorCode.InvalidParams, message: (plain as McpError).message, data: { result: { structuredContent: { sum: 3 } } } })
  })
})
