import { spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { ConfigError, ConsentStore, defaultTokenStorePath, loadConfig, type ConsentPolicyConfig, type HostConfig } from '@plugboard/host'
import { HostApp } from './app.js'
import type { HostEvent } from './events.js'
import type { ModelProvider } from './providers/provider.js'
import { parseScript, ScriptedProvider } from './providers/scripted.js'
import { createProvider } from './providers/select.js'
import { runChat } from './ui/chat.js'
import { APPROVE_POLICIES, PolicyUi, type ApprovePolicy } from './ui/policy-ui.js'
import { PrompterUi } from './ui/prompter-ui.js'
import { createInputPrompt, InputError, redactedStream, terminalAsker } from './ui/inputs.js'
import { describe, TextRenderer } from './ui/render.js'
import { Terminal } from './ui/terminal.js'

export const USAGE = `Usage: plugboard-host [--config FILE] [--prompt TEXT [--approve POLICY] [--json]] [--script FILE]
       plugboard-host [--config FILE] --web [--port N]
       plugboard-host --demo [--web [--port N]]

  -c, --config FILE     the mcpServers config (default ./mcp.json, else ~/.config/plugboard/mcp.json)
  -p, --prompt TEXT     one-shot: send TEXT, print the answer, exit
      --approve POLICY  what runs without asking in one-shot mode: none (default), read-only, all
      --json            one-shot: print every event as a line of JSON on stdout
      --script FILE     use the offline scripted model with this script (a JSON array of steps)
      --model NAME      the model to use (default: the provider's first)
      --max-steps N     model calls per message before stopping (default 10)
      --consent-store F where "allow always" answers are kept (default ~/.config/plugboard/consent.json)
      --token-store F   where OAuth tokens of servers you signed in to are kept
                        (default $PLUGBOARD_TOKEN_STORE, else ~/.config/plugboard/tokens.json)
      --demo            start example servers and play an offline demo conversation
      --web             the host in a browser: serve the chat on 127.0.0.1 and print its URL (with
                        a token); with --demo, you answer the demo's dialogs in the page
      --port N          the --web port (default: a free one)
  -h, --help            show this help

Models: set ANTHROPIC_API_KEY, or OPENAI_API_KEY / OPENAI_BASE_URL (Ollama, vLLM, LM Studio…), or a
"models" section in the config; without any, the scripted model (no LLM) answers. See the README.

Inputs: a config's "inputs" (VS Code's \${input:id}) are asked for at startup in a terminal, a password
without echo. PLUGBOARD_INPUT_<ID> (e.g. PLUGBOARD_INPUT_API_KEY for "api-key") gives one without asking;
with --json or no terminal that, or the input's default, is the only way.
`

/** Where the CLI reads and writes; tests pass their own. */
export interface CliIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean }
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
  env: Record<string, string | undefined>
}

const OPTIONS = {
  config: { type: 'string', short: 'c' },
  prompt: { type: 'string', short: 'p' },
  approve: { type: 'string' },
  json: { type: 'boolean', default: false },
  script: { type: 'string' },
  model: { type: 'string' },
  'max-steps': { type: 'string' },
  'consent-store': { type: 'string' },
  'token-store': { type: 'string' },
  demo: { type: 'boolean', default: false },
  web: { type: 'boolean', default: false },
  port: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const
type Flags = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true }>>['values']

/**
 * Runs the host as `plugboard-host` does. Exit codes: 0 done, 1 failed (or the step limit),
 * 2 bad usage or config, 130 cancelled (Ctrl-C or a signal).
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const err = (text: string) => void io.stderr.write(text)
  let flags: Flags
  try {
    flags = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }).values
  } catch (error) {
    err(`plugboard-host: ${(error as Error).message}\n\n${USAGE}`)
    return 2
  }
  if (flags.help) return void io.stdout.write(USAGE), 0
  const usage = (message: string) => (err(`plugboard-host: ${message}\n\n${USAGE}`), 2)
  if (flags.approve !== undefined && !APPROVE_POLICIES.includes(flags.approve as ApprovePolicy)) {
    return usage(`--approve must be one of ${APPROVE_POLICIES.join(', ')}, got ${JSON.stringify(flags.approve)}`)
  }
  if (flags.prompt === undefined && (flags.json || flags.approve !== undefined)) return usage('--json and --approve go with --prompt (one-shot mode)')
  if (flags.prompt !== undefined && !flags.prompt.trim()) return usage('--prompt needs a message')
  const maxSteps = flags['max-steps'] === undefined ? undefined : Number(flags['max-steps'])
  if (maxSteps !== undefined && (!Number.isInteger(maxSteps) || maxSteps < 1 || maxSteps > 100)) return usage(`--max-steps must be an integer from 1 to 100, got ${flags['max-steps']}`)
  if (flags.web && (flags.prompt !== undefined || flags.json)) return usage('--web is a chat in the browser; it does not go with --prompt or --json')
  if (flags.port !== undefined && !flags.web) return usage('--port goes with --web')
  const port = flags.port === undefined ? undefined : Number(flags.port)
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) return usage(`--port must be a port number from 0 to 65535, got ${flags.port}`)
  const stop = stopSignal(io)
  try {
    if (flags.demo && flags.web) {
      const { runWebDemo } = await import('./demo/demo.js')
      return await runWebDemo((text) => void io.stdout.write(text), stop.signal, { port })
    }
    if (flags.demo) {
      const { runDemo } = await import('./demo/demo.js')
      return await runDemo((text) => void io.stdout.write(text), stop.signal)
    }
    return await run(flags, io, stop.signal)
  } finally {
    stop.dispose()
  }
}

async function run(flags: Flags, given: CliIo, stopped: AbortSignal): Promise<number> {
  let io = given
  const err = (text: string) => void io.stderr.write(text)
  const oneShot = flags.prompt !== undefined

  let config
  let provider: ModelProvider
  // Passwords typed for the config's inputs: scrubbed from everything printed from here on.
  const secrets: string[] = []
  // --json output is for a program, so nobody is there to answer; the prompts go where the dialogs would.
  const asker = io.stdin.isTTY === true && !flags.json ? terminalAsker(io.stdin, oneShot ? io.stderr : io.stdout, stopped) : undefined
  try {
    config = await loadConfig(flags.config, { env: io.env, promptInput: createInputPrompt({ env: io.env, asker, onSecret: (s) => secrets.push(s) }) })
    provider = flags.script ? new ScriptedProvider(parseScript(JSON.parse(await readFile(flags.script, 'utf8')), flags.script)) : (createProvider(config.models, io.env) ?? new ScriptedProvider())
  } catch (error) {
    err(`plugboard-host: ${error instanceof ConfigError ? error.message : `${(error as Error).message}`}\n`)
    return error instanceof InputError && error.cancelled ? 130 : 2
  }
  // Stopped while it asked for inputs: listeners added from here on would never hear of it.
  if (stopped.aborted) return 130
  io = { ...io, stdout: redactedStream(io.stdout, secrets), stderr: redactedStream(io.stderr, secrets) }
  const chosen = (config.models as { provider?: unknown } | undefined)?.provider ?? io.env.PLUGBOARD_PROVIDER
  if (provider.scripted && !flags.script && String(chosen).toLowerCase() !== 'scripted') err('plugboard-host: no model is configured; the scripted model (no LLM) answers. See --help.\n')

  const store = await ConsentStore.open({ configPath: config.source, path: flags['consent-store'], onerror: (e) => err(`plugboard-host: consent store: ${e.message}\n`) })
  if (flags.web) return runWeb({ config, provider, store, flags, io, stopped })
  const interactive = !oneShot || (flags.approve === undefined && !flags.json && io.stdin.isTTY === true)
  const terminal = interactive ? new Terminal(io.stdin, oneShot ? io.stderr : io.stdout) : undefined
  const approve = (flags.approve ?? 'none') as ApprovePolicy
  const ui = terminal ? new PrompterUi(terminal, { scripted: provider.scripted, openUrl }) : new PolicyUi(approve, oneShotSink(io, flags.json, provider.scripted))
  const app = new HostApp({
    config,
    provider,
    ui,
    consentStore: store,
    policy: terminal ? undefined : approvePolicy(approve, config.policy),
    // One-shot mode exits after its answer, which would leave a task's result unread: it waits for tasks to end.
    agent: { maxSteps: flags['max-steps'] === undefined ? undefined : Number(flags['max-steps']), model: flags.model, ...(oneShot ? { taskWaitMs: Number.POSITIVE_INFINITY } : {}) },
    authorization: { tokenStore: flags['token-store'] ?? (io.env.PLUGBOARD_TOKEN_STORE || defaultTokenStorePath(io.env)) },
    openUrl,
  })

  const turn = new AbortController()
  const cancel = (reason: unknown) => turn.abort(reason)
  stopped.addEventListener('abort', () => cancel(stopped.reason), { once: true })
  try {
    await app.start()
    if (!oneShot) {
      const ended = new Promise<void>((resolve) => turn.signal.addEventListener('abort', () => resolve(), { once: true }))
      await Promise.race([runChat({ app, terminal: terminal!, ui: ui as PrompterUi, store }), ended])
      return stopped.aborted ? 130 : 0
    }
    if (terminal) terminal.onInterrupt = () => cancel(new Error('Cancelled by the user (Ctrl-C)'))
    await signIns(app, turn.signal)
    const result = await app.send(flags.prompt!, turn.signal)
    if (flags.json) io.stdout.write(`${JSON.stringify({ type: 'done', text: result.text, end: result.end, steps: result.steps })}\n`)
    // The dialogs' renderer already showed the answer on the terminal; repeat it only where stdout goes elsewhere (a pipe).
    else if (terminal && (io.stdout as { isTTY?: boolean }).isTTY !== true) io.stdout.write(`${result.text}\n`)
    return result.end === 'answer' ? 0 : result.end === 'cancelled' ? 130 : 1
  } catch (error) {
    const message = (error as Error).message
    err(`plugboard-host: ${message}\n`)
    if (flags.json) io.stdout.write(`${JSON.stringify({ type: 'error', message })}\n${JSON.stringify({ type: 'done', text: '', end: 'error', steps: 0 })}\n`)
    return 1
  } finally {
    terminal?.close()
    await app.close()
  }
}

/** `--web`: the host behind a page on 127.0.0.1 until the process is told to stop. */
async function runWeb(options: { config: HostConfig; provider: ModelProvider; store: ConsentStore; flags: Flags; io: CliIo; stopped: AbortSignal }): Promise<number> {
  const { config, provider, store, flags, io, stopped } = options
  const { startWebHost } = await import('./web/web-host.js')
  const { WebUi } = await import('./web/web-ui.js')
  const ui = new WebUi()
  const app = new HostApp({
    config,
    provider,
    ui,
    consentStore: store,
    // The page renders MCP App views, so servers are told they may link their tools to views.
    apps: true,
    agent: { maxSteps: flags['max-steps'] === undefined ? undefined : Number(flags['max-steps']), model: flags.model },
    authorization: { tokenStore: flags['token-store'] ?? (io.env.PLUGBOARD_TOKEN_STORE || defaultTokenStorePath(io.env)) },
    openUrl,
  })
  let web: Awaited<ReturnType<typeof startWebHost>> | undefined
  try {
    web = await startWebHost({ app, ui, store, port: flags.port === undefined ? undefined : Number(flags.port), scripted: provider.scripted })
    await app.start()
    io.stdout.write(`Plugboard host in the browser: open ${web.url}\n(Ctrl-C stops it and every server.)\n`)
    if (!stopped.aborted) await new Promise<void>((resolve) => stopped.addEventListener('abort', () => resolve(), { once: true }))
    return 130
  } catch (error) {
    io.stderr.write(`plugboard-host: ${(error as Error).message}\n`)
    return 1
  } finally {
    await web?.close()
    await app.close()
  }
}

/**
 * One-shot: the message goes to the model once every server waiting for the user to sign in is
 * ready (or gave up), so its tools are there; the chat does not wait, the server joins when ready.
 */
async function signIns(app: HostApp, signal: AbortSignal): Promise<void> {
  const waiting = app.manager.statuses().filter((s) => s.state === 'authorizing')
  if (waiting.length === 0) return
  const aborted = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }))
  await Promise.race([Promise.all(waiting.map((s) => app.manager.ready(s.name).catch(() => undefined))), aborted])
  await app.catalog.refresh()
}

/** The consent policy for `--approve`: `read-only` trusts read-only claims, `all` allows what `deny` does not. */
export function approvePolicy(approve: ApprovePolicy, policy: ConsentPolicyConfig): ConsentPolicyConfig {
  if (approve === 'read-only') return { autoApproveReadOnly: true }
  if (approve === 'all') return { alwaysAllow: [...(policy.alwaysAllow ?? []), '*'] }
  return {}
}

/**
 * Where one-shot events go without a person: with `--json`, every event as a JSON line on stdout;
 * else the answer on stdout (streamed) and everything else, described, on stderr.
 */
function oneShotSink(io: CliIo, json: boolean | undefined, scripted: boolean): (event: HostEvent) => void {
  if (json) return (event) => void io.stdout.write(`${JSON.stringify(event)}\n`)
  const answer = new TextRenderer((text) => void io.stdout.write(text.replace(/^assistant.*?> /, '')), { scripted })
  return (event) => {
    if (event.type === 'text' || event.type === 'assistant') return answer.render(event)
    const line = describe(event)
    if (line !== undefined) io.stderr.write(`${line}\n`)
  }
}

/**
 * Aborts when the process is told to stop (SIGINT, SIGTERM, SIGHUP) or its output is gone (EPIPE:
 * `plugboard-host … | head`), so every path shuts its servers down instead of dying with them running.
 */
function stopSignal(io: CliIo): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController()
  const onSignal = (signal: NodeJS.Signals) => controller.abort(new Error(`Stopped by ${signal}`))
  const onError = (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') controller.abort(new Error('The output was closed'))
  }
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']
  for (const signal of signals) process.once(signal, onSignal)
  io.stdout.on('error', onError)
  return {
    signal: controller.signal,
    dispose: () => {
      for (const signal of signals) process.off(signal, onSignal)
      io.stdout.off('error', onError)
    },
  }
}

/**
 * Opens a URL the user agreed to open (URL-mode elicitation) with the desktop's opener. The URL
 * is one argument to the opener, never a shell string; it was checked to be http(s) by the dialog.
 */
function openUrl(url: string): Promise<void> {
  const [command, ...args] = process.platform === 'darwin' ? ['open'] : process.platform === 'win32' ? ['rundll32', 'url.dll,FileProtocolHandler'] : ['xdg-open']
  return new Promise((resolve, reject) => {
    const child = spawn(command!, [...args, url], { stdio: 'ignore', detached: true })
    child.once('error', (error) => reject(new Error(`cannot start ${command}: ${error.message}`)))
    child.once('spawn', () => {
      child.unref()
      resolve()
    })
  })
}
