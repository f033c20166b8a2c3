import * as z from 'zod'
import type { McpServer } from '@plugboard/server'

/**
 * Tools that take time: one reports progress as it goes, one waits until it is cancelled.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/utilities/progress
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/utilities/cancellation
 */
export function registerProgressTools(server: McpServer): void {
  server.registerTool(
    'long-running-operation',
    {
      title: 'Long-running operation',
      description: 'Works through a number of steps, reporting progress after each.',
      inputSchema: z.object({
        durationMs: z.number().int().min(0).max(60_000).default(1000).describe('Total duration in milliseconds'),
        steps: z.number().int().min(1).max(100).default(5).describe('Number of steps'),
      }),
      annotations: { readOnlyHint: true },
    },
    async ({ durationMs, steps }, ctx) => {
      for (let step = 1; step <= steps; step++) {
        await delay(durationMs / steps, ctx.signal)
        await ctx.progress(step, steps, `step ${step} of ${steps}`)
      }
      return { content: [{ type: 'text', text: `Long-running operation finished ${steps} steps in ${durationMs} ms` }] }
    },
  )

  server.registerTool(
    'slow',
    {
      title: 'Slow',
      description: 'Waits for durationMs, or until the request is cancelled.',
      inputSchema: z.object({ durationMs: z.number().int().min(0).max(600_000).default(60_000).describe('How long to wait') }),
      annotations: { readOnlyHint: true },
    },
    async ({ durationMs }, ctx) => {
      const started = Date.now()
      await delay(durationMs, ctx.signal)
      return { content: [{ type: 'text', text: `Waited ${Date.now() - started} ms` }] }
    },
  )
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts — no timer left behind. */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal.reason)
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
