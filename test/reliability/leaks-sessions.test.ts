// After 10,000 calls and 100 connect/close cycles (plus a few over stdio), nothing is left behind:
// no active handle or timer, no listener, no heap growth past a small bound. Measured in a child
// started with --expose-gc, so full collections are possible and the test runner's own handles
// do not count.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { expectGone } from './fixtures/raw-child.js'

const PROBE = fileURLToPath(new URL('./fixtures/leak-probe.mjs', import.meta.url))
/** Heap growth allowed over 10,000 calls and 105 connections: a leak of 150 bytes a call exceeds it; what a clean run grows by (JIT code, warm caches) is a third of it. */
const HEAP_BOUND = 1.5 * 1024 * 1024

type Snapshot = { heap: number; resources: string[]; listeners: Record<string, number> }

describe('leaks', () => {
  it('holds no more handles, timers, listeners or heap after 10,000 calls and 100 connect/close cycles than before', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', PROBE], { env: { ...process.env, STDIO_CYCLES: '5' }, maxBuffer: 1 << 20 })
    const { before, after, pids } = JSON.parse(stdout) as { before: Snapshot; after: Snapshot; pids: number[] }
    expect(after.resources).toEqual(before.resources)
    expect(after.listeners).toEqual(before.listeners)
    expect(after.heap - before.heap).toBeLessThan(HEAP_BOUND)
    expect(pids).toHaveLength(6)
    for (const pid of pids) await expectGone(pid)
  }, 60_000)
})
