// The Tasks extension (SEP-2663) over Streamable HTTP: tasks/get, tasks/update and tasks/cancel are
// routed by task (`Mcp-Name: <taskId>`, checked like any SEP-2243 header), and a task outlives the
// HTTP connection whose POST created it.
import { request as httpRequest } from 'node:http'
import { ErrorCode, TASKS_EXTENSION_ID } from '@plugboard/protocol'
import { McpServer, startTask, tasks } from '@plugboard/server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { closeAndCheck, deferred, recordHandles, serve } from './harness.js'
import { modernAnswer, modernMeta, modernPost } from './modern-harness.js'

beforeEach(recordHandles)
afterEach(closeAndCheck)

const DECLARING = { 'io.modelcontextprotocol/clientCapabilities': { extensions: { [TASKS_EXTENSION_ID]: {} } } }

function taskServer() {
  const gate = deferred()
  const server = new McpServer({ name: 'http-tasks', version: '1.0.0' }, { extensions: [tasks({ ttlMs: null })] })
  server.registerTool('job', { execution: { taskSupport: 'required' } }, async (_args, ctx) => {
    await startTask(ctx)
    await gate.promise
    return { content: [{ type: 'text', text: 'job done' }] }
  })
  return { server, gate }
}

const message = (id: number, method: string, params: Record<string, unknown>) => ({ jsonrpc: '2.0' as const, id, method, params: { ...params, _meta: modernMeta(DECLARING) } })

/** POSTs on a connection of its own that closes after the response (no keep-alive reuse). */
function postOnce(url: string, body: unknown, headers: Record<string, string>): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', connection: 'close', ...headers } }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (text += chunk))
      res.on('end', () => {
        const data = text.startsWith('{') ? text : (/^data: (.*)$/m.exec(text)?.[1] ?? '{}')
        resolve(JSON.parse(data) as Record<string, unknown>)
      })
    })
    req.on('error', reject)
    req.end(JSON.stringify(body))
  })
}

const headersOf = (method: string, name?: string) => ({ 'mcp-protocol-version': '2026-07-28', 'mcp-method': method, ...(name === undefined ? {} : { 'mcp-name': name }) })

describe('tasks over Streamable HTTP', () => {
  it('keeps a task running after the connection that created it closed, and serves its result to a later connection', async () => {
    const { server, gate } = taskServer()
    const { url } = await serve({}, server)
    const created = await postOnce(url, message(1, 'tools/call', { name: 'job', arguments: {} }), headersOf('tools/call', 'job'))
    const task = created.result as Record<string, unknown>
    expect(task).toMatchObject({ resultType: 'task', status: 'working' })
    gate.resolve()
    let got: Record<string, unknown>
    do got = (await postOnce(url, message(2, 'tasks/get', { taskId: task.taskId }), headersOf('tasks/get', String(task.taskId)))).result as Record<string, unknown>
    while (got.status === 'working')
    expect(got).toMatchObject({ status: 'completed', result: { content: [{ text: 'job done' }] } })
  })

  it('requires Mcp-Name to be the taskId on tasks/get, tasks/update and tasks/cancel (400, -32020)', async () => {
    const { server, gate } = taskServer()
    const { url } = await serve({}, server)
    const created = await modernAnswer(await modernPost(url, message(1, 'tools/call', { name: 'job', arguments: {} })))
    const taskId = String((created as unknown as { result: { taskId: string } }).result.taskId)
    let id = 2
    for (const method of ['tasks/get', 'tasks/update', 'tasks/cancel']) {
      const body = message(id++, method, { taskId, inputResponses: {} })
      const wrong = await modernPost(url, body, { 'mcp-name': 'another-task' })
      expect(wrong.status).toBe(400)
      expect(await modernAnswer(wrong)).toMatchObject({ error: { code: ErrorCode.HeaderMismatch } })
      const missing = await modernPost(url, body, { 'mcp-name': undefined })
      expect(await modernAnswer(missing)).toMatchObject({ error: { code: ErrorCode.HeaderMismatch } })
    }
    const right = await modernPost(url, message(id++, 'tasks/get', { taskId }), { 'mcp-name': taskId })
    expect(await modernAnswer(right)).toMatchObject({ result: { resultType: 'complete', taskId, status: 'working' } })
    gate.resolve()
  })

  it('leaves the McpServer it was given running on handler.close(): its task goes on (served by another handler) until server.close() stops it', async () => {
    const server = new McpServer({ name: 'shared', version: '1.0.0' }, { extensions: [tasks({ ttlMs: null })] })
    const stopped = deferred<string>()
    server.registerTool('job', { execution: { taskSupport: 'required' } }, async (_args, ctx) => {
      await startTask(ctx)
      ctx.signal.addEventListener('abort', () => stopped.resolve(String(ctx.signal.reason)), { once: true })
      return new Promise<never>(() => {}) // ends only when stopped
    })
    const first = await serve({}, server)
    const second = await serve({}, server)
    const created = await modernAnswer(await modernPost(first.url, message(1, 'tools/call', { name: 'job', arguments: {} })))
    const taskId = String((created as unknown as { result: { taskId: string } }).result.taskId)
    let closed = false
    void stopped.promise.then(() => (closed = true))
    await first.close()
    // The handler did not create the server, so it does not close it: another handler still serves the task.
    const got = await modernAnswer(await modernPost(second.url, message(2, 'tasks/get', { taskId }), { 'mcp-name': taskId }))
    expect(got).toMatchObject({ result: { taskId, status: 'working' } })
    expect(closed).toBe(false)
    await second.close()
    expect(closed).toBe(false)
    await server.close()
    await stopped.promise
  })
})
