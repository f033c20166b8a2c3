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

export { isRunning } from '../../../test/fixtures/processes.js'
