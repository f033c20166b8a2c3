// MCP Tasks (SEP-2663) from the client user's view: callTool waits through a task as if the call
// were synchronous; callTool(…, { task: true }) hands back the task to poll, follow, cancel or resume
// later; input the task asks for is answered with the client's own handlers, each key once.
import { ErrorCode, McpError, TASKS_EXTENSION_ID } from '@plugboard/protocol'
import { McpServer, startTask, tasks } from '@plugboard/server'
import { afterEach, describe, expect, it } from 'vitest'
import type { Client, ClientOptions, TaskState } from '../src/index.js'
import { connectToMcpServer } from './mcp-server.js'

const open: Client[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()))
})

const DECLARE: ClientOptions = { capabilities: { extensions: { [TASKS_EXTENSION_ID]: {} } } }
const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] })

function taskServer() {
  let release!: () => void
  const gate = new Promise<void>((resolve) => (release = resolve))
  const server = new McpServer({ name: 'jobs', version: '1.0.0' }, { extensions: [tasks({ pollIntervalMs: 5 })] })
  server.registerTool('build', { execution: { taskSupport: 'optional' } }, async (_args, ctx) => {
    await startTask(ctx)
    const who = await ctx.elicit({ message: 'Who signs?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } })
    return text(`built, signed by ${String(who.content?.name)}`)
  })
  server.registerTool('hang', { execution: { taskSupport: 'optional' } }, async (_args, ctx) => {
    await startTask(ctx)
    await gate
    return text('done')
  })
  server.registerTool('explode', { execution: { taskSupport: 'required' } }, async (_args, ctx) => {
    await startTask(ctx)
    throw new McpError(ErrorCode.InternalError, 'exploded')
  })
  server.registerTool('instant', { execution: { taskSupport: 'optional' } }, () => text('instant'))
  return { server, release }
}

async function connect(server: McpServer, options: ClientOptions = {}) {
  const asked: string[] = []
  const c = await connectToMcpServer(server, 'modern', {
    ...DECLARE,
    elicitation: { form: (params) => (asked.push(params.message), { action: 'accept', content: { name: 'Ada' } }) },
    ...options,
  })
  open.push(c.client)
  return { ...c, asked }
}

describe('Client and tasks', () => {
  it('callTool waits through a task and answers its input once, as if the call were synchronous', async () => {
    const { client, asked, violations } = await connect(taskServer().server)
    expect(await client.callTool({ name: 'build', arguments: {} })).toMatchObject({ content: [{ type: 'text', text: 'built, signed by Ada' }] })
    expect(asked).toEqual(['Who signs?'])
    expect(violations()).toEqual([])
  })

  it('callTool with task: true hands back the task: its states in order, then its result', async () => {
    const { client } = await connect(taskServer().server)
    const task = await client.callTool({ name: 'build', arguments: {} }, { task: true })
    expect(task.taskId).toEqual(expect.any(String))
    const states: TaskState[] = []
    for await (const state of task) states.push(state)
    expect(states.at(-1)).toMatchObject({ status: 'completed' })
    expect(await task.result()).toMatchObject({ content: [{ text: 'built, signed by Ada' }] })
  })

  it('settles a handle at once when the server answers without a task', async () => {
    const { client } = await connect(taskServer().server)
    const task = await client.callTool({ name: 'instant', arguments: {} }, { task: true })
    expect(task.taskId).toBeUndefined()
    expect(task.status).toBe('completed')
    expect(await task.result()).toMatchObject({ content: [{ text: 'instant' }] })
  })

  it('rejects with the task error when it failed, and with RequestCancelled once cancelled', async () => {
    const { server, release } = taskServer()
    const { client } = await connect(server)
    await expect(client.callTool({ name: 'explode', arguments: {} })).rejects.toMatchObject({ code: ErrorCode.InternalError, message: 'exploded' })
    const task = await client.callTool({ name: 'hang', arguments: {} }, { task: true })
    await task.cancel()
    await expect(task.result()).rejects.toMatchObject({ code: ErrorCode.RequestCancelled })
    release()
  })

  it('resumes a task by its id from another client', async () => {
    const { server, release } = taskServer()
    const first = await connect(server)
    const task = await first.client.callTool({ name: 'hang', arguments: {} }, { task: true })
    await first.client.close()
    const second = await connect(server)
    const resumed = second.client.resumeTask(task.taskId!, { pollIntervalMs: 5 })
    expect((await resumed.get()).status).toBe('working')
    release()
    expect(await resumed.result()).toMatchObject({ content: [{ text: 'done' }] })
  })

  it("rejects a task's result() with InvalidParams like a plain call when structuredContent breaks the tool's outputSchema", async () => {
    const { server } = taskServer()
    server.registerTool('sum', { outputSchema: { type: 'object', properties: { sum: { type: 'number' } }, required: ['sum'] }, execution: { taskSupport: 'optional' } }, async (_args, ctx) => {
      await startTask(ctx)
      return { content: [], structuredContent: { sum: 3 } }
    })
    // The server checks against its own schema (a number); the client against the one listed (a string).
    server.use(async (call, next) => {
      const result = await next()
      if (call.method !== 'tools/list') return result
      const tools = (result.tools as { name: string }[]).map((t) => (t.name === 'sum' ? { ...t, outputSchema: { type: 'object', properties: { sum: { type: 'string' } }, required: ['sum'] } } : t))
      return { ...result, tools }
    })
    const { client } = await connect(server)
    const expected = { code: ErrorCode.InvalidParams, message: expect.stringContaining('does not match its outputSchema'), data: { result: { structuredContent: { sum: 3 } } } }
    await expect(client.callTool({ name: 'sum', arguments: {} })).rejects.toMatchObject(expected)
    const task = await client.callTool({ name: 'sum', arguments: {} }, { task: true })
    expect(task.taskId).toEqual(expect.any(String))
    await expect(task.result()).rejects.toMatchObject(expected)
  })

  it('does not declare the extension unless asked, and then never gets a task', async () => {
    const { client, sent } = await connect(taskServer().server, { capabilities: {} })
    expect(await client.callTool({ name: 'instant', arguments: {} })).toMatchObject({ content: [{ text: 'instant' }] })
    const call = sent.find((m) => 'method' in m && m.method === 'tools/call') as { params: { _meta: Record<string, { extensions?: unknown }> } }
    expect(call.params._meta['io.modelcontextprotocol/clientCapabilities']?.extensions).toBeUndefined()
  })
})
