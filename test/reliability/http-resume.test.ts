import { McpServer } from '@plugboard/server'
import { afterEach, beforeEach, expect, it } from 'vitest'
import * as z from 'zod'
import { SseReader, callTool, closeAndCheck, openSession, post, recordHandles, serve, toolText } from '../../packages/transport-http/test/server/harness.js'

beforeEach(recordHandles)
afterEach(closeAndCheck)

/** A deterministic generator (mulberry32), so a failing run can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A tool that reports `steps` progress notifications, yielding between them so cuts land mid-flight. */
function counter(): McpServer {
  const server = new McpServer({ name: 'counter', version: '1.0.0' }, { capabilities: { tools: {} } })
  server.registerTool('count', { inputSchema: { steps: z.number() } }, async ({ steps }, ctx) => {
    for (let i = 1; i <= steps; i++) {
      await ctx.progress(i, steps)
      if (i % 3 === 0) await new Promise((resolve) => setImmediate(resolve))
    }
    return { content: [{ type: 'text', text: `counted ${steps}` }] }
  })
  return server
}

it('loses and repeats nothing when a POST stream is cut at 100 random points and resumed with Last-Event-ID', async () => {
  const next = random(12)
  const steps = 400
  const { url } = await serve({}, counter())
  const { headers } = await openSession(url)
  let reader = new SseReader(await post(url, callTool(1, 'count', { steps }, { progressToken: 'p' }), headers))
  const progress: number[] = []
  const ids: string[] = []
  let response: unknown
  let cuts = 0
  while (response === undefined) {
    // Read 0–7 events, then cut — until 100 cuts are done; then read to the end.
    const budget = cuts < 100 ? Math.floor(next() * 8) : Infinity
    for (let n = 0; n < budget && response === undefined; n++) {
      const event = await reader.next()
      if (!event) break
      ids.push(event.id!)
      if (event.data === '') continue
      const message = JSON.parse(event.data)
      if (message.method === 'notifications/progress') progress.push(message.params.progress)
      else response = message
    }
    if (response !== undefined) break
    await reader.cut()
    cuts++
    const resumed = await fetch(url, { headers: { ...headers, accept: 'text/event-stream', 'last-event-id': ids.at(-1)! } })
    expect(resumed.status).toBe(200)
    reader = new SseReader(resumed)
  }
  await reader.cut()
  expect(cuts).toBeGreaterThanOrEqual(100)
  expect(toolText(response as never)).toBe(`counted ${steps}`)
  expect(progress).toEqual(Array.from({ length: steps }, (_, i) => i + 1))
  expect(new Set(ids).size).toBe(ids.length)
})
