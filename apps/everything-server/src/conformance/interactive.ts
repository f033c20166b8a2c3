import * as z from 'zod'
import type { McpServer } from '@plugboard/server'
import { delay } from '../progress.js'
import { sampledText } from './sampled-text.js'

/** Tools that talk back while they run: logging, progress, sampling, and the SSE polling probe. */
export function registerInteractiveTools(server: McpServer): void {
  server.registerTool('test_tool_with_logging', { description: 'Logs three info messages 50 ms apart (conformance: tools-call-with-logging).' }, async (_args, ctx) => {
    await ctx.log.info('Tool execution started')
    await delay(50, ctx.signal)
    await ctx.log.info('Tool processing data')
    await delay(50, ctx.signal)
    await ctx.log.info('Tool execution completed')
    return { content: [{ type: 'text', text: 'Tool with logging executed successfully' }] }
  })

  server.registerTool('test_tool_with_progress', { description: 'Reports progress 0, 50, 100 of 100, 50 ms apart (conformance: tools-call-with-progress).' }, async (_args, ctx) => {
    for (const progress of [0, 50, 100]) {
      if (progress > 0) await delay(50, ctx.signal)
      await ctx.progress(progress, 100, `Completed step ${progress} of 100`)
    }
    return { content: [{ type: 'text', text: `Progress reported for token ${String(ctx.meta?.progressToken ?? '(none)')}` }] }
  })

  server.registerTool(
    'test_sampling',
    { description: "Asks the client's LLM to answer a prompt (conformance: tools-call-sampling).", inputSchema: { prompt: z.string().describe('The prompt to send to the LLM') } },
    async ({ prompt }, ctx) => {
      const result = await ctx.sample({ messages: [{ role: 'user', content: { type: 'text', text: prompt } }], maxTokens: 100 })
      return { content: [{ type: 'text', text: `LLM response: ${sampledText(result)}` }] }
    },
  )

  server.registerTool(
    'test_reconnection',
    {
      description: 'Closes its SSE stream mid-call and answers after the client reconnects with Last-Event-ID (conformance: server-sse-polling, SEP-1699).',
    },
    async (_args, ctx) => {
      // Ends this request's SSE stream after a `retry` hint; the request stays alive. Only
      // Streamable HTTP has such a stream (elsewhere this returns false and the call just answers).
      ctx.closeSSEStream()
      // Time for the client to reconnect; the result then arrives on the resumed stream (or is
      // replayed from the event store on `GET` with `Last-Event-ID`).
      await delay(100, ctx.signal)
      return { content: [{ type: 'text', text: 'Reconnection test completed successfully. If you received this, the client properly reconnected after stream closure.' }] }
    },
  )
}
