import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { StdioServerConfig } from '../src/index.js'

/** The built everything-server bin (children run `dist/`; the test flow builds first). */
export const EVERYTHING_SERVER_BIN = fileURLToPath(new URL('../../../apps/everything-server/dist/bin.js', import.meta.url))

/** A file in `test/fixtures/`. */
export const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))

/** The everything-server as a configured stdio server. */
export const everythingServer = (): StdioServerConfig => ({ transport: 'stdio', command: process.execPath, args: [EVERYTHING_SERVER_BIN], env: {} })

/** Our fixture server, shaped by its FIXTURE_* variables. */
export const fixtureServer = (env: Record<string, string> = {}, script = 'fixture-server.mjs'): StdioServerConfig => ({
  transport: 'stdio',
  command: process.execPath,
  args: [fixture(script)],
  env,
})

/** Short but real grace for each shutdown step. */
export const GRACE_MS = 300

/**
 * Whether `pid` is a running process. A zombie counts as gone: it has exited and only waits to be
 * reaped by its parent (for an orphan, init — which in some containers never reaps).
 */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH'
  }
  if (process.platform !== 'linux') return true
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}
