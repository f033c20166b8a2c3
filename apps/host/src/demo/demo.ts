import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ConsentStore, parseConfig } from '@plugboard/host'
import { HostApp } from '../app.js'
import { ScriptedProvider, type ScriptStep } from '../providers/scripted.js'
import { PrompterUi } from '../ui/prompter-ui.js'
import { ScriptedPrompter } from '../ui/prompter.js'
import { startWebHost } from '../web/web-host.js'
import { WebUi } from '../web/web-ui.js'

/** What the demo's scripted model does with each message the demo's user sends. */
export const DEMO_SCRIPT: ScriptStep[] = [
  { when: '^remember that the demo ran', call: [{ tool: 'notes/add-note', arguments: { text: 'The Plugboard demo ran.' } }], reply: 'Done. {{result}}' },
  { when: '^remember that it ran offline', call: [{ tool: 'notes/add-note', arguments: { text: 'It ran offline.' } }], reply: 'Done. {{result}}' },
  { when: '^what do my notes say', call: [{ tool: 'notes/list-notes' }], reply: 'Your notes:\n{{result}}' },
  { when: '^ask the server', call: [{ tool: 'everything/sample-llm', arguments: { prompt: 'Write a haiku about pipes', maxTokens: 60 } }], reply: 'The server asked me through sampling; it reports: {{result}}' },
  { when: 'haiku about pipes', reply: 'Bytes flow down the pipe / one JSON line at a time / the server replies' },
  { when: '^suggest a goal for the counter', reply: 'Count to 10.' },
  { when: '^fill in my profile', call: [{ tool: 'everything/elicit-input' }], reply: 'The server got your form: {{result}}' },
  { when: '^run a long job', call: [{ tool: 'everything/long-running-operation', arguments: { durationMs: 600, steps: 3 } }], reply: '{{result}}' },
  { when: '^wait a minute', call: [{ tool: 'everything/slow', arguments: { durationMs: 60_000 } }], reply: 'That took a while: {{result}}' },
  // Only offered in the browser (--demo --web): a URL to consent to, and an MCP App view.
  { when: '^open the sign-in page', call: [{ tool: 'everything/elicit-url' }], reply: '{{result}}' },
  { when: '^show me the counter', call: [{ tool: 'everything/show-counter' }], reply: '{{result}}' },
]

/** What the web demo offers besides the terminal demo's messages. */
const WEB_ONLY = ['Open the sign-in page.', 'Show me the counter.']

/** The demo's user: what they type, and how they answer each dialog on the way. */
const CONVERSATION: Array<{ say: string; answers: string[]; cancelAfterMs?: number }> = [
  { say: 'Remember that the demo ran.', answers: ['a'] },
  { say: 'Remember that it ran offline.', answers: [] },
  { say: 'What do my notes say?', answers: [] },
  { say: 'Ask the server to have you write a haiku.', answers: ['o', 'a', 'y'] },
  { say: 'Fill in my profile.', answers: ['o', 'Ada Lovelace', '36', 'y', 'green', 'a'] },
  { say: 'Run a long job.', answers: [] },
  { say: 'Wait a minute.', answers: [], cancelAfterMs: 400 },
]

const EVERYTHING_BIN = createRequire(import.meta.url).resolve('@plugboard/everything-server').replace(/server\.js$/, 'bin.js')
const NOTES_BIN = join(dirname(fileURLToPath(import.meta.url)), 'notes-server.js')

/**
 * The offline demo: starts the everything-server over stdio and the notes server over HTTP, then
 * plays a short conversation with the scripted model, answering each dialog as a user would —
 * consent (once, always, and a read-only tool the policy lets through), a sampling request and
 * its answer, an elicitation form, progress, and a Ctrl-C that cancels a call. Every server is
 * shut down at the end. Returns the exit code.
 */
export async function runDemo(write: (text: string) => void = (t) => void process.stdout.write(t), signal?: AbortSignal): Promise<number> {
  const notes = await startNotesServer()
  const dir = await mkdtemp(join(tmpdir(), 'plugboard-demo-'))
  let app: HostApp | undefined
  try {
    const config = demoConfig(notes.url, dir)
    const user = new ScriptedPrompter([], write)
    const provider = new ScriptedProvider(DEMO_SCRIPT)
    app = new HostApp({
      config,
      provider,
      ui: new PrompterUi(user, { scripted: true }),
      consentStore: await ConsentStore.open({ configPath: config.source, path: join(dir, 'consent.json') }),
      manager: { pingIntervalMs: 0 },
    })
    write('Plugboard host demo: a scripted model (no LLM) and a scripted user; every prompt below is what you would see.\n')
    write(`Servers: everything (stdio, pid below) and notes (Streamable HTTP at ${notes.url}). Policy: read-only tools run without asking.\n\n`)
    await app.start()
    for (const s of app.manager.statuses()) write(`[server] ${s.name}: ${s.state}${s.pid ? ` (pid ${s.pid})` : ''}, ${app.catalog.tools().filter((t) => t.server === s.name).length} tools\n`)
    for (const step of CONVERSATION) {
      if (signal?.aborted) throw signal.reason
      write(`\nyou> ${step.say}\n`)
      user.push(...step.answers)
      const turn = new AbortController()
      const stop = () => turn.abort(signal?.reason)
      signal?.addEventListener('abort', stop, { once: true })
      const timer = step.cancelAfterMs === undefined ? undefined : setTimeout(() => (write('\n^C  (the demo user presses Ctrl-C)\n'), turn.abort()), step.cancelAfterMs)
      await app.send(step.say, turn.signal)
      clearTimeout(timer)
      signal?.removeEventListener('abort', stop)
      if (signal?.aborted) throw signal.reason
      if (user.remaining > 0) throw new Error(`the demo expected ${user.remaining} more dialog(s) for "${step.say}"`)
    }
    await app.close()
    write('\nDemo finished: every server was shut down.\n')
    return 0
  } catch (error) {
    if (signal?.aborted) {
      write(`\ndemo stopped: ${(error as Error).message}; shutting the servers down.\n`)
      return 130
    }
    write(`\ndemo failed: ${(error as Error).stack ?? error}\n`)
    return 1
  } finally {
    await app?.close()
    await notes.close()
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * The demo in a browser: the same servers and scripted model, but the person answers every
 * dialog in the page (no scripted user), and the demo's messages are offered as one-click
 * suggestions. Prints the page's URL (with its token) and runs until `signal` aborts (Ctrl-C).
 * Returns the exit code: 130 when stopped, 1 when it failed to start.
 */
export async function runWebDemo(write: (text: string) => void = (t) => void process.stdout.write(t), signal?: AbortSignal, options: { port?: number } = {}): Promise<number> {
  const notes = await startNotesServer()
  const dir = await mkdtemp(join(tmpdir(), 'plugboard-demo-'))
  let app: HostApp | undefined
  let web: Awaited<ReturnType<typeof startWebHost>> | undefined
  try {
    const config = demoConfig(notes.url, dir)
    const ui = new WebUi()
    const store = await ConsentStore.open({ configPath: config.source, path: join(dir, 'consent.json') })
    app = new HostApp({ config, provider: new ScriptedProvider(DEMO_SCRIPT), ui, consentStore: store, manager: { pingIntervalMs: 0 }, apps: true })
    web = await startWebHost({ app, ui, store, port: options.port, scripted: true, suggestions: [...CONVERSATION.map((step) => step.say), ...WEB_ONLY] })
    await app.start()
    write('Plugboard web host demo: a scripted model (no LLM); you answer the dialogs in the page.\n')
    write(`Servers: everything (stdio) and notes (Streamable HTTP at ${notes.url}). Policy: read-only tools run without asking.\n`)
    write(`Open ${web.url}\n(Ctrl-C stops the demo and every server.)\n`)
    if (signal && !signal.aborted) await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }))
    write('\nStopping: shutting the servers down.\n')
    return 130
  } catch (error) {
    write(`\ndemo failed: ${(error as Error).stack ?? error}\n`)
    return 1
  } finally {
    await web?.close()
    await app?.close()
    await notes.close()
    await rm(dir, { recursive: true, force: true })
  }
}

function demoConfig(notesUrl: string, dir: string) {
  return parseConfig(
    {
      mcpServers: {
        everything: { command: process.execPath, args: [EVERYTHING_BIN] },
        notes: { type: 'streamable-http', url: notesUrl },
      },
      roots: [{ uri: 'file:///home/demo/project', name: 'project' }],
      policy: { autoApproveReadOnly: true },
    },
    { source: join(dir, 'mcp.json') },
  )
}

/** Spawns the notes server and waits for the URL it prints. */
async function startNotesServer(): Promise<{ url: string; close: () => Promise<void> }> {
  // stdin is its lifeline: if the demo dies without closing it, the pipe's end stops the server.
  const child: ChildProcess = spawn(process.execPath, [NOTES_BIN, '0', '--exit-on-stdin-end'], { stdio: ['pipe', 'ignore', 'pipe'] })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const url = await new Promise<string>((resolve, reject) => {
    let seen = ''
    child.stderr!.setEncoding('utf8')
    child.stderr!.on('data', (chunk: string) => {
      seen += chunk
      const match = /serving MCP on (\S+)/.exec(seen)
      if (match) resolve(match[1]!)
    })
    child.once('exit', (code) => reject(new Error(`the notes server exited (${code}) before serving: ${seen}`)))
  })
  return {
    url,
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}
