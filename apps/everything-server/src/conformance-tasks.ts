import { ErrorCode, McpError } from '@plugboard/protocol'
import { startTask, tasks, type McpServer } from '@plugboard/server'
import * as z from 'zod'
import { delay } from './progress.js'

const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] })

/**
 * The Tasks extension (SEP-2663) on the everything-server, and the tools the referee's `tasks-*`
 * scenarios call by name: `greet` (never a task), `slow_compute` (a task when it takes time),
 * `failing_job` (a task-only tool that ends in a tool error), `protocol_error_job` (ends `failed`),
 * `confirm_delete` and `multi_input` (ask for input inside the task), and `test_tool_with_task`
 * (asks first with an ordinary input_required round, then becomes a task).
 * @see https://github.com/modelcontextprotocol/ext-tasks/blob/main/specification/draft/tasks.md
 */
export function registerTaskFixtures(server: McpServer): void {
  // The referee polls every 200 ms and ignores the hint; a short TTL still outlives every scenario.
  server.extend(tasks({ ttlMs: 600_000, pollIntervalMs: 200 }))

  server.registerTool('greet', { description: 'Greets by name, synchronously: never a task (conformance: tasks-*).', inputSchema: { name: z.string() } }, ({ name }) => text(`Hello, ${name}!`))

  server.registerTool(
    'slow_compute',
    {
      description: 'Takes `seconds` seconds; a task for a client that declared the Tasks extension, unless it is instant (conformance: tasks-*).',
      inputSchema: { seconds: z.number().min(0), label: z.string().optional() },
      execution: { taskSupport: 'optional' },
    },
    async ({ seconds, label }, ctx) => {
      if (seconds > 0) await startTask(ctx, { statusMessage: `Computing "${label ?? ''}"` })
      await delay(seconds * 1000, ctx.signal)
      return text(`Computation "${label ?? ''}" completed after ${seconds} seconds. Result: 42.`)
    },
  )

  server.registerTool(
    'failing_job',
    { description: 'A task-only job that fails as a tool after a second: the task completes with isError (conformance: tasks-*).', execution: { taskSupport: 'required' } },
    async (_args, ctx) => {
      await startTask(ctx)
      await delay(500, ctx.signal)
      return { ...text('The job failed: the simulated work could not finish.'), isError: true }
    },
  )

  server.registerTool(
    'protocol_error_job',
    { description: 'A task-only job that hits a protocol error: the task ends failed (conformance: tasks-*).', execution: { taskSupport: 'required' } },
    async (_args, ctx) => {
      await startTask(ctx)
      await delay(100, ctx.signal)
      throw new McpError(ErrorCode.InternalError, 'protocol_error_job: simulated internal failure')
    },
  )

  server.registerTool(
    'confirm_delete',
    {
      description: 'Asks, inside its task, whether to delete the file (conformance: tasks-*).',
      inputSchema: { filename: z.string() },
      execution: { taskSupport: 'required' },
    },
    async ({ filename }, ctx) => {
      await startTask(ctx)
      const answer = await ctx.elicit({
        message: `Delete '${filename}'?`,
        requestedSchema: { type: 'object', properties: { confirm: { type: 'boolean' } }, required: ['confirm'] },
      })
      const confirmed = answer.action === 'accept' && answer.content?.confirm === true
      return text(confirmed ? `deleted '${filename}'` : `kept '${filename}'`)
    },
  )

  server.registerTool(
    'multi_input',
    { description: 'Asks two questions at once inside its task (conformance: tasks-*).', execution: { taskSupport: 'required' } },
    async (_args, ctx) => {
      await startTask(ctx)
      const [name, confirm] = await Promise.all([
        ctx.elicit({ message: 'Your name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } }),
        ctx.elicit({ message: 'Confirm?', requestedSchema: { type: 'object', properties: { confirm: { type: 'boolean' } }, required: ['confirm'] } }),
      ])
      return text(`name=${JSON.stringify(String(name.content?.name ?? ''))} confirmed=${String(confirm.content?.confirm === true)}`)
    },
  )

  server.registerTool(
    'test_tool_with_task',
    { description: 'Asks for a name with an input_required round, then runs as a task (conformance: tasks-mrtr-composition).', execution: { taskSupport: 'required' } },
    async (_args, ctx) => {
      // Before startTask: an ordinary multi round-trip ask, answered on the retried tools/call.
      const answer = await ctx.elicit(
        { message: 'What is your name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } },
        { inputKey: 'user_name' },
      )
      await startTask(ctx)
      await delay(100, ctx.signal)
      return text(`Hello, ${String(answer.content?.name ?? 'stranger')}!`)
    },
  )
}
