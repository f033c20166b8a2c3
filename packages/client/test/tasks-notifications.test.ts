// Task status notifications (SEP-2663) from the client user's view: `listen({ taskIds })` delivers
// each change of those tasks to `handlers.task`, the whole task as tasks/get shows it.
import { ErrorCode, TASKS_EXTENSION_ID } from '@plugboard/protocol'
import { McpServer, startTask, tasks } from '@plugboard/server'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Client, ClientOptions, TaskState } from '../src/index.js'
import { connectToMcpServer } from './mcp-server.js'

const open: Client[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()))
})

const DECLARE: ClientOptions = { capabilities: { extensions: { [TASKS_EXTENSION_ID]: {} } } }

function gatedServer(extensions = [tasks({ pollIntervalMs: 5 })]) {
  let release!: () => void
  const gate = new Promise<void>((resolve) => (release = resolve))
  const server = new McpServer({ name: 'jobs', version: '1.0.0' }, { extensions })
  server.registerTool('hang', { execution: { taskSupport: 'optional' } }, async (_args, ctx) => {
    await startTask(ctx)
    await gate
    return { content: [{ type: 'text' as const, text: 'done' }] }
  })
  return { server, release }
}

describe('Client.listen with taskIds', () => {
  it('acknowledges the taskIds and hands each change of the task to handlers.task', async () => {
    const { server, release } = gatedServer()
    const { client, violations } = await connectToMcpServer(server, 'modern', DECLARE)
    open.push(client)
    const task = await client.callTool({ name: 'hang', arguments: {} }, { task: true })
    const seen: TaskState[] = []
    let completed!: () => void
    const done = new Promise<void>((resolve) => (completed = resolve))
    const subscription = await client.listen({ taskIds: [task.taskId!] }, { task: (state) => (seen.push(state), state.status === 'completed' && completed()) })
    expect(subscription.acknowledged).toEqual({ taskIds: [task.taskId] })
    release()
    await done
    expect(seen.at(-1)).toEqual(await task.get())
    expect(seen.at(-1)?.result).toEqual({ content: [{ type: 'text', text: 'done' }] })
    await subscription.close()
    expect(violations()).toEqual([])
  })

  it("follows a task handle's states over the listen stream instead of waiting out a long poll interval", async () => {
    // Polling alone would wait a minute between tasks/get: only the pushed notification ends this in time.
    const { server, release } = gatedServer([tasks({ pollIntervalMs: 60_000 })])
    const { client, sent, violations } = await connectToMcpServer(server, 'modern', DECLARE)
    open.push(client)
    const task = await client.callTool({ name: 'hang', arguments: {} }, { task: true })
    const states: string[] = []
    const following = (async () => {
      for await (const state of task) {
        states.push(state.status)
        if (state.status === 'working') release()
      }
    })()
    await following
    expect(states).toEqual(['working', 'completed'])
    expect(await task.result()).toEqual({ content: [{ type: 'text', text: 'done' }] })
    const listens = sent.filter((m) => 'method' in m && m.method === 'subscriptions/listen') as unknown as Array<{ params: { notifications: unknown } }>
    expect(listens.map((m) => m.params.notifications)).toEqual([{ taskIds: [task.taskId] }])
    // The stream is cancelled once the task ended.
    expect(sent).toContainEqual(expect.objectContaining({ method: 'notifications/cancelled' }))
    expect(violations()).toEqual([])
  })

  it('drops a notifications/tasks that breaks the extension schema, reporting it as an error event', async () => {
    const { server, release } = gatedServer()
    const { client, inject } = await connectToMcpServer(server, 'modern', DECLARE)
    open.push(client)
    const errors: Error[] = []
    client.on('error', (error) => errors.push(error))
    const task = await client.callTool({ name: 'hang', arguments: {} }, { task: true })
    const seen: TaskState[] = []
    const subscription = await client.listen({ taskIds: [task.taskId!] }, { task: (state) => seen.push(state) })
    await inject({ jsonrpc: '2.0', method: 'notifications/tasks', params: { taskId: task.taskId, status: 'exploded' } })
    await vi.waitFor(() => expect(errors).toEqual([expect.objectContaining({ code: ErrorCode.InvalidParams, message: expect.stringContaining('notifications/tasks') })]))
    expect(seen).toEqual([])
    // A valid one still goes through.
    const valid = { ...(await task.get()), status: 'working' as const }
    await inject({ jsonrpc: '2.0', method: 'notifications/tasks', params: valid })
    await vi.waitFor(() => expect(seen).toEqual([valid]))
    await subscription.close()
    release()
  })

  it('leaves taskIds out when the server does not offer the extension', async () => {
    const { server, release } = gatedServer([])
    const { client } = await connectToMcpServer(server, 'modern', DECLARE)
    open.push(client)
    const subscription = await client.listen({ taskIds: ['t-1'] }, { task: () => {} })
    expect(subscription.acknowledged).toEqual({})
    await subscription.close()
    release()
  })
})
