import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { expect, vi } from 'vitest'

/** The built everything-server bin: children spawned by tests run `dist/`, built by the test flow first. */
export const EVERYTHING_SERVER_BIN = fileURLToPath(new URL('../../apps/everything-server/dist/bin.js', import.meta.url))
/** A file in `test/fixtures/`. */
export const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url))

/** Whether a process with this id exists (a signal-0 probe: ESRCH means gone). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ESRCH') return false
    if (code === 'EPERM') return true
    throw error
  }
}

/**
 * Passes once the process is gone. Polls briefly rather than asserting at once: a transport
 * whose `close()` does not wait for the exit (the official SDK's) leaves the reaping a tick behind.
 */
export async function expectGone(pid: number | undefined): Promise<void> {
  expect(pid, 'the child was spawned').toBeTypeOf('number')
  await vi.waitFor(() => expect(isAlive(pid!), `process ${pid} is still running`).toBe(false), { timeout: 5000, interval: 20 })
}

/** A port nobody listens on right now on 127.0.0.1 (the kernel's pick for port 0), for a child server that takes its port as an argument. */
export async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as { port: number }
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return port
}
