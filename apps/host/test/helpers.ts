import { fileURLToPath } from 'node:url'
import { parseConfig, type HostConfig } from '@plugboard/host'
import { HostApp, type HostAppOptions } from '../src/app.js'
import type { HostEvent } from '../src/events.js'
import { ScriptedProvider, type ScriptStep } from '../src/providers/scripted.js'
import { PrompterUi } from '../src/ui/prompter-ui.js'
import { ScriptedPrompter } from '../src/ui/prompter.js'

/** Built bins: child processes run `dist/` (the test flow builds first). */
export const EVERYTHING_SERVER_BIN = fileURLToPath(new URL('../../everything-server/dist/bin.js', import.meta.url))
export const HOST_BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url))
export const NOTES_SERVER_BIN = fileURLToPath(new URL('../dist/demo/notes-server.js', import.meta.url))
/** The host package's fixture server (tools `whoami`, `crash`, `toggle`, `freeze`). */
export const FIXTURE_SERVER = fileURLToPath(new URL('../../../packages/host/test/fixtures/fixture-server.mjs', import.meta.url))

/** The host package's Tasks and Skills fixture server (tools `slow`, `batch`, `quick`, `release`, `seen`; skill `release-notes`). */
export const TASKS_SERVER = fileURLToPath(new URL('../../../packages/host/test/fixtures/tasks-server.mjs', import.meta.url))

/** A config with the given `mcpServers`. */
export function config(mcpServers: Record<string, unknown>, extra: Record<string, unknown> = {}): HostConfig {
  return parseConfig({ mcpServers, roots: [{ uri: 'file:///home/demo/project', name: 'project' }], ...extra }, { source: '<test>' })
}

export const everything = { command: process.execPath, args: [EVERYTHING_SERVER_BIN] }

/**
 * A host over real child servers with the scripted model and a scripted user: `user` answers the
 * dialogs in order, `events` collects what the host reported.
 */
export function scriptedHost(
  options: { servers: Record<string, unknown>; script: ScriptStep[]; answers?: string[]; policy?: Record<string, unknown>; openUrl?: (url: string) => Promise<void> } & Partial<HostAppOptions>,
) {
  const user = new ScriptedPrompter(options.answers ?? [])
  const events: HostEvent[] = []
  const ui = new PrompterUi(user, { scripted: true, onEvent: (e) => events.push(e), openUrl: options.openUrl })
  const app = new HostApp({
    config: config(options.servers, options.policy ? { policy: options.policy } : {}),
    provider: new ScriptedProvider(options.script),
    ui,
    manager: { pingIntervalMs: 0, closeGraceMs: 300, restart: { initialDelayMs: 50, maxDelayMs: 200, jitter: 0 }, ...options.manager },
    ...(options.sampling ? { sampling: options.sampling } : {}),
    ...(options.agent ? { agent: options.agent } : {}),
    ...(options.authorization ? { authorization: options.authorization } : {}),
    // As the CLI does: the opener of URL elicitations also opens sign-in pages.
    ...(options.openUrl ? { openUrl: options.openUrl } : {}),
  })
  return { app, user, events, ui }
}

export { isRunning } from '../../../test/fixtures/processes.js'

/** Resolves once `check` holds, polling every 20 ms; rejects after `ms`. */
export async function until(check: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}
