import { fork } from 'node:child_process'
import { request as httpRequest } from 'node:http'
import { fileURLToPath } from 'node:url'
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { McpServer } from '@plugboard/server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as z from 'zod'
import { InMemoryEventStore, type McpHandlerOptions } from '../../packages/transport-http/src/index.js'
import { ACCEPT_BOTH, callTool, closeAndCheck, openSession, post, recordHandles, responses, serve } from '../../packages/transport-http/test/server/harness.js'

beforeEach(recordHandles)
afterEach(closeAndCheck)

// The test worker is not started with --expose-gc; V8 lets the flag be set now and `gc` be taken from a fresh context.
setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void
const MiB = 1024 * 1024

/**
 * Heap and buffers in use after full collections: what the server holds, give or take the test's own
 * noise. Code spaces are left out: compiled and optimized code grows while the JIT still works (a
 * heap-snapshot diff showed that as most of the growth), and it is not what a session leaves behind.
 */
function used(): number {
  for (let i = 0; i < 3; i++) gc()
  let heap = 0
  for (const space of getHeapSpaceStatistics()) if (!space.space_name.startsWith('code')) heap += space.space_used_size
  return heap + process.memoryUsage().arrayBuffers
}

describe('sessions do not outlive their end', () => {
  it('gives the memory of 1,000 sessions back once they are deleted or expired, event store included', async () => {
    const store = new InMemoryEventStore()
    const { url, server } = await serve({ eventStore: store, sessionIdleTimeoutMs: 300 })
    // The client runs in a child process: only what the server holds is measured here.
    const client = fork(fileURLToPath(new URL('./fixtures/session-churn.mjs', import.meta.url)), [url], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    const cycle = async (count: number) => {
      const done = new Promise((resolve, reject) => {
        client.once('message', resolve)
        client.once('exit', (code) => reject(new Error(`the client exited (${code})`)))
      })
      client.send(count)
      await done
      await expect.poll(() => server.sessions.size, { timeout: 10_000, interval: 50 }).toBe(0)
    }
    const exited = new Promise((resolve) => client.once('exit', resolve))
    try {
      await cycle(50) // warm-up: compiled code, pools and caches are not what is measured
      const before = used()
      await cycle(1000)
      expect(store.size, 'events left in the store').toBe(0)
      expect(store.sessions).toBe(0)
      const growth = used() - before
      // A session kept would hold at least its 2 KB event and its state (several MiB for 1,000); none kept measures within ±0.5 MiB.
      expect(growth / MiB, `heap grew by ${(growth / MiB).toFixed(1)} MiB`).toBeLessThan(4)
    } finally {
      client.kill()
      await exited
    }
  }, 60_000)
})

/** A flood of large progress notifications from one tool; `finished` resolves when it has sent them all. */
function flooder(): { server: McpServer; finished: Promise<void> } {
  let finish!: () => void
  const finished = new Promise<void>((resolve) => (finish = resolve))
  const server = new McpServer({ name: 'flooder', version: '1.0.0' }, { capabilities: { tools: {} } })
  server.registerTool('flood', { inputSchema: { mib: z.number() } }, async ({ mib }, ctx) => {
    const chunk = 'x'.repeat(32 * 1024)
    for (let i = 0; i < mib * 32; i++) {
      await ctx.progress(i, mib * 32, chunk)
      if (i % 16 === 0) await new Promise((resolve) => setImmediate(resolve))
    }
    finish()
    return { content: [{ type: 'text', text: 'flooded' }] }
  })
  return { server, finished }
}

/**
 * Opens a request whose response the client does not read (paused: the kernel's socket buffers
 * fill, then the server's). `drain()` reads the rest once the test has measured: the bytes that
 * reached the client, after the server dropped the connection.
 */
function neverRead(url: string, init: { method: string; headers: Record<string, string>; body?: string }): Promise<{ drain: () => Promise<number> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: init.method, headers: init.headers }, (res) => {
      res.pause()
      let received = 0
      res.on('data', (chunk: Buffer) => (received += chunk.length))
      const ended = new Promise<void>((done) => {
        res.once('close', () => done())
        res.once('error', () => done())
      })
      resolve({ drain: () => (res.resume(), ended.then(() => received)) })
    })
    req.on('error', reject)
    req.end(init.body)
  })
}

const FLOOD_MIB = 48

describe.each([
  ['with the event store', {}],
  ['without an event store', { eventStore: false }],
] as Array<[string, McpHandlerOptions]>)('a client that never reads its SSE stream (%s)', (_name, options) => {
  it('costs at most maxSseBufferedBytes: the server drops its POST stream rather than buffer the flood', async () => {
    const { server, finished } = flooder()
    const { url } = await serve({ ...options, maxSseBufferedBytes: MiB }, server)
    const { headers } = await openSession(url)
    const before = used()
    const slow = await neverRead(url, { method: 'POST', headers: { ...headers, accept: ACCEPT_BOTH, 'content-type': 'application/json' }, body: JSON.stringify(callTool(1, 'flood', { mib: FLOOD_MIB }, { progressToken: 'f' })) })
    await finished
    const growth = used() - before
    expect(growth / MiB, `grew by ${(growth / MiB).toFixed(1)} MiB`).toBeLessThan(FLOOD_MIB / 4)
    expect((await slow.drain()) / MiB).toBeLessThan(FLOOD_MIB / 2)
  }, 30_000)

  it('costs at most maxSseBufferedBytes on the GET stream too', async () => {
    const { server } = flooder()
    const { url } = await serve({ ...options, maxSseBufferedBytes: MiB, enableJsonResponse: true }, server)
    const { headers } = await openSession(url)
    const before = used()
    const slow = await neverRead(url, { method: 'GET', headers: { ...headers, accept: 'text/event-stream' } })
    // In JSON mode a tool's progress goes on the GET stream; the call itself is answered as JSON.
    const answer = await responses(await post(url, callTool(1, 'flood', { mib: FLOOD_MIB }, { progressToken: 'f' }), headers))
    expect(answer).toMatchObject([{ id: 1, result: { content: [{ text: 'flooded' }] } }])
    const growth = used() - before
    expect(growth / MiB, `grew by ${(growth / MiB).toFixed(1)} MiB`).toBeLessThan(FLOOD_MIB / 4)
    expect((await slow.drain()) / MiB).toBeLessThan(FLOOD_MIB / 2)
  }, 30_000)
})
