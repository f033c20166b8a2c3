import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { constants, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { HostEvent } from '../src/events.js'
import type { ScriptStep } from '../src/providers/scripted.js'
import { everything, HOST_BIN, isRunning } from './helpers.js'
import { descendants } from './pty/terminal.js'

// `plugboard-host` as a child process with pipes (no terminal): flags, exit codes, config errors,
// one-shot runs with `--approve` and `--json`, signals, and the offline demo.

const FAILING_SERVER = fileURLToPath(new URL('../../../packages/host/test/fixtures/failing-server.mjs', import.meta.url))

const SCRIPT: ScriptStep[] = [
  { when: '^echo', call: [{ tool: 'everything/echo', arguments: { message: 'ping' } }], reply: 'The server said: {{result}}' },
  { when: '^wait', call: [{ tool: 'everything/slow', arguments: { durationMs: 60_000 } }], reply: 'Waited: {{result}}' },
  // echo is read-only by its annotations; elicit-input claims nothing.
  { when: '^both', call: [{ tool: 'everything/echo', arguments: { message: 'ping' } }, { tool: 'everything/elicit-input' }], reply: 'Results: {{result}}' },
]

type Done = { type: 'done'; text: string; end: string; steps: number }
type Line = HostEvent | Done

let dir: string
const running: ChildProcessWithoutNullStreams[] = []

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'plugboard-cli-'))
})

afterEach(async () => {
  // A test that failed half-way still leaves nothing behind: the host and whatever it started.
  for (const child of running.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue
    const tree = descendants(child.pid!)
    child.kill('SIGKILL')
    for (const pid of tree.filter(isRunning)) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // Gone meanwhile.
      }
    }
  }
  rmSync(dir, { recursive: true, force: true })
})

/** Writes a file into the test's temp dir; objects as JSON. */
function file(name: string, content: unknown): string {
  const path = join(dir, name)
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2))
  return path
}

/** The everything-server config and the test script, as `--config`/`--script` flags. */
function standardFlags(servers: Record<string, unknown> = { everything }): string[] {
  return ['--config', file('mcp.json', { mcpServers: servers }), '--script', file('script.json', SCRIPT), '--consent-store', join(dir, 'consent.json')]
}

interface HostRun {
  child: ChildProcessWithoutNullStreams
  stdout: () => string
  stderr: () => string
  /** The exit code (128 + N for signal N). */
  code: Promise<number>
  /** Every process seen below the host while it ran (pid → command line), polled every 25 ms. */
  seen: Map<number, string>
  /** Resolves once stdout holds a JSON line for which `test` holds. */
  waitForLine: (test: (line: Line) => boolean, ms?: number) => Promise<Line>
}

/** Starts the built host with `args`, stdin empty, and HOME in the temp dir (no ~/.config is read or written). */
function start(args: string[], env: Record<string, string | undefined> = {}): HostRun {
  const child = spawn(process.execPath, [HOST_BIN, ...args], {
    cwd: dir,
    env: { ...process.env, HOME: dir, XDG_CONFIG_HOME: join(dir, '.config'), ANTHROPIC_API_KEY: undefined, OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined, ...env },
  })
  running.push(child)
  child.stdin.end()
  let stdout = ''
  let stderr = ''
  const listeners = new Set<() => void>()
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
    for (const check of listeners) check()
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => void (stderr += chunk))
  const seen = new Map<number, string>()
  const watch = setInterval(() => {
    // Read again each time: a child caught between fork and exec still shows its parent's command.
    for (const pid of descendants(child.pid!)) {
      const command = commandOf(pid)
      if (command) seen.set(pid, command)
    }
  }, 25)
  const code = new Promise<number>((resolve) =>
    child.once('close', (exit, signal) => {
      clearInterval(watch)
      resolve(exit ?? 128 + (signal ? constants.signals[signal] : 0))
    }),
  )
  return {
    child,
    code,
    seen,
    stdout: () => stdout,
    stderr: () => stderr,
    waitForLine: (test, ms = 8000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = parseLines(stdout.slice(0, stdout.lastIndexOf('\n') + 1)).find(test)
          if (found) (listeners.delete(check), clearTimeout(timer), resolve(found))
        }
        const timer = setTimeout(() => (listeners.delete(check), reject(new Error(`no such line on stdout within ${ms} ms:\n${stdout}\nstderr:\n${stderr}`))), ms)
        listeners.add(check)
        check()
      }),
  }
}

/** Runs the host to its end; `left` lists the processes it started that still run (the command lines). */
async function run(args: string[], env?: Record<string, string | undefined>): Promise<{ code: number; stdout: string; stderr: string; left: string[] }> {
  const host = start(args, env)
  const code = await host.code
  return { code, stdout: host.stdout(), stderr: host.stderr(), left: leftovers(host) }
}

/** The command lines of the processes seen below the host that still run (the same command: a pid can be reused). */
const leftovers = (host: HostRun) => [...host.seen].filter(([pid, command]) => isRunning(pid) && commandOf(pid) === command).map(([, command]) => command)

function commandOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim()
  } catch {
    return undefined
  }
}

function parseLines(text: string): Line[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Line)
}

const ofType = <T extends Line['type']>(lines: Line[], type: T) => lines.filter((l): l is Extract<Line, { type: T }> => l.type === type)

/** The pids of the servers that came up, from the `server` events of `--json`. */
const serverPids = (lines: Line[]) => ofType(lines, 'server').flatMap((e) => (e.state === 'ready' && e.pid ? [e.pid] : []))

describe('flags and exit codes', () => {
  it('prints the usage on stdout and exits with 0 for --help', async () => {
    const { code, stdout, stderr } = await run(['--help'])
    expect(code).toBe(0)
    expect(stdout).toMatch(/^Usage: plugboard-host /)
    expect(stdout).toContain('--approve POLICY')
    expect(stderr).toBe('')
  })

  it.each([
    { args: ['--bogus'], message: "Unknown option '--bogus'" },
    { args: ['--prompt', 'hi', '--approve', 'bogus'], message: '--approve must be one of none, read-only, all, got "bogus"' },
    { args: ['--json'], message: '--json and --approve go with --prompt (one-shot mode)' },
    { args: ['--prompt', 'hi', '--max-steps', '0'], message: '--max-steps must be an integer from 1 to 100, got 0' },
  ].map((c) => ({ ...c, flags: c.args.join(' ') })))('exits with 2 and says why, then the usage, for $flags', async ({ args, message }) => {
    const { code, stdout, stderr } = await run(args)
    expect(code).toBe(2)
    expect(stderr).toContain(`plugboard-host: ${message}\n`)
    expect(stderr).toContain('Usage: plugboard-host')
    expect(stdout).toBe('')
  })
})

describe('config errors', () => {
  // A valid stdio server that leaves a file behind if it is ever started: a bad config must start nothing.
  const tracer = () => ({ command: process.execPath, args: ['-e', `require('fs').writeFileSync(${JSON.stringify(join(dir, 'started'))}, '')`] })
  const oneShot = ['--prompt', 'echo', '--approve', 'all', '--json']

  it('starts the servers of a valid config (the tracer works)', async () => {
    const { code, left } = await run(['--config', file('mcp.json', { mcpServers: { tracer: tracer() } }), ...oneShot])
    expect(code).toBe(0)
    expect(left).toEqual([])
    expect(existsSync(join(dir, 'started'))).toBe(true)
  })

  it('exits with 2 on malformed JSON, giving the line and column, and starts nothing', async () => {
    const text = `{\n  "mcpServers": {\n    "tracer": ${JSON.stringify(tracer())},\n    "broken": { "command": "node" "args": [] }\n  }\n}\n`
    const { code, stderr } = await run(['--config', file('mcp.json', text), ...oneShot])
    expect(code).toBe(2)
    const column = text.split('\n')[3]!.indexOf('"args"') + 1
    expect(stderr).toContain(`malformed JSON at line 4, column ${column}`)
    expect(existsSync(join(dir, 'started'))).toBe(false)
  })

  it.each([
    { problem: 'a command that is not a string', broken: { command: 42 }, message: 'mcpServers.broken.command: expected a string, got a number' },
    { problem: 'neither command nor url', broken: { args: ['x'] }, message: 'mcpServers.broken: expected "command" (a stdio server) or "url" (an HTTP server)' },
    {
      problem: 'an unset ${VAR}',
      broken: { command: 'node', env: { TOKEN: '${PLUGBOARD_TEST_UNSET_VAR}' } },
      message: 'mcpServers.broken.env.TOKEN: ${PLUGBOARD_TEST_UNSET_VAR} is not set in the environment',
    },
  ])('exits with 2 for a server with $problem, naming the server and the field, and starts nothing', async ({ broken, message }) => {
    const config = file('mcp.json', { mcpServers: { tracer: tracer(), broken } })
    const { code, stdout, stderr } = await run(['--config', config, ...oneShot], { PLUGBOARD_TEST_UNSET_VAR: undefined })
    expect(code).toBe(2)
    expect(stderr).toContain(`Invalid MCP config ${config}:\n  - ${message}\n`)
    expect(stdout).toBe('')
    expect(existsSync(join(dir, 'started'))).toBe(false)
  })

  it.each([
    { problem: 'not JSON', script: '[{ "when": ', message: /plugboard-host: .*JSON/ },
    { problem: 'a step without reply', script: '[{ "when": "x" }]', message: /\[0\]\.reply: expected a string/ },
    { problem: 'a bad regular expression', script: '[{ "when": "(", "reply": "r" }]', message: /\[0\]\.when: Invalid regular expression/ },
    { problem: 'a call without a tool', script: '[{ "when": "x", "call": [{}], "reply": "r" }]', message: /\[0\]\.call\[0\]\.tool: expected "server\/tool"/ },
  ])('exits with 2 for a --script file with $problem, naming the step and field, and starts nothing', async ({ script, message }) => {
    const config = file('mcp.json', { mcpServers: { tracer: tracer() } })
    const { code, stderr } = await run(['--config', config, '--script', file('script.json', script), ...oneShot])
    expect(code).toBe(2)
    expect(stderr).toMatch(message)
    expect(existsSync(join(dir, 'started'))).toBe(false)
  })

  it('exits with 2 when the config file does not exist', async () => {
    const missing = join(dir, 'missing.json')
    const { code, stderr } = await run(['--config', missing, ...oneShot])
    expect(code).toBe(2)
    expect(stderr).toContain(`Invalid MCP config ${missing}:\n  - cannot read the file: ENOENT`)
  })
})

describe('one-shot runs', () => {
  it('prints every event as a JSON line with --json --approve all, ending with done, and exits with 0', async () => {
    const { code, stdout, left } = await run([...standardFlags(), '--prompt', 'echo this', '--approve', 'all', '--json'])
    expect(code).toBe(0)
    const lines = parseLines(stdout)
    expect(ofType(lines, 'server').at(-1)).toMatchObject({ name: 'everything', state: 'ready', pid: expect.any(Number) })
    expect(ofType(lines, 'tool_call')).toMatchObject([{ server: 'everything', tool: 'echo', arguments: { message: 'ping' } }])
    expect(ofType(lines, 'consent')).toMatchObject([{ name: 'everything__echo', allowed: true }])
    expect(ofType(lines, 'tool_result')).toMatchObject([{ isError: false, text: 'Echo: ping' }])
    expect(lines.at(-1)).toEqual({ type: 'done', text: 'The server said: Echo: ping', end: 'answer', steps: 2 })
    expect(serverPids(lines).filter(isRunning)).toEqual([])
    expect(left).toEqual([])
  })

  it('denies every call with --approve none, and the model still answers', async () => {
    const { code, stdout, left } = await run([...standardFlags(), '--prompt', 'echo this', '--approve', 'none', '--json'])
    expect(code).toBe(0)
    const lines = parseLines(stdout)
    expect(ofType(lines, 'consent')).toMatchObject([{ name: 'everything__echo', allowed: false }])
    expect(ofType(lines, 'tool_result')).toMatchObject([{ isError: true }])
    expect(lines.at(-1)).toMatchObject({ type: 'done', end: 'answer', text: expect.stringMatching(/^The server said: /) })
    expect((lines.at(-1) as Done).text).not.toContain('Echo: ping')
    expect(left).toEqual([])
  })

  it('runs a read-only tool but denies one without that claim with --approve read-only', async () => {
    const { code, stdout, left } = await run([...standardFlags(), '--prompt', 'both tools', '--approve', 'read-only', '--json'])
    expect(code).toBe(0)
    const lines = parseLines(stdout)
    expect(ofType(lines, 'consent').map((e) => [e.name, e.allowed])).toEqual([
      ['everything__echo', true],
      ['everything__elicit-input', false],
    ])
    // The denied tool never ran: it would have asked for a form.
    expect(ofType(lines, 'elicitation')).toEqual([])
    expect(lines.at(-1)).toMatchObject({ type: 'done', end: 'answer', text: expect.stringContaining('Echo: ping') })
    expect(left).toEqual([])
  })

  it('prints only the answer on stdout without --json, and what happened on stderr', async () => {
    const { code, stdout, stderr, left } = await run([...standardFlags(), '--prompt', 'echo this', '--approve', 'all'])
    expect(code).toBe(0)
    expect(stdout).toBe('The server said: Echo: ping\n')
    expect(stderr).toContain('[server] everything ready')
    expect(stderr).toContain('→ tool call everything/echo {"message":"ping"}')
    expect(stderr).toContain('← result: Echo: ping')
    expect(left).toEqual([])
  })

  it('exits with 130 on SIGINT during a slow tool call, leaving no server process', async () => {
    const host = start([...standardFlags(), '--prompt', 'wait', '--approve', 'all', '--json'])
    await host.waitForLine((l) => l.type === 'consent' && l.allowed)
    host.child.kill('SIGINT')
    expect(await host.code).toBe(130)
    const lines = parseLines(host.stdout())
    expect(ofType(lines, 'cancelled')).toHaveLength(1)
    expect(lines.at(-1)).toMatchObject({ type: 'done', end: 'cancelled' })
    const pids = serverPids(lines)
    expect(pids).toHaveLength(1)
    expect(pids.filter(isRunning)).toEqual([])
    expect(leftovers(host)).toEqual([])
  })

  it('reports a server that fails to start while another one answers', async () => {
    const broken = { command: process.execPath, args: [FAILING_SERVER] }
    const { code, stdout, left } = await run([...standardFlags({ broken, everything }), '--prompt', 'echo this', '--approve', 'all', '--json'])
    expect(code).toBe(0)
    const lines = parseLines(stdout)
    const failure = ofType(lines, 'server').find((e) => e.name === 'broken' && e.error)
    expect(failure?.state).toMatch(/restarting|failed/)
    expect(failure?.error).toContain('missing API key, cannot start')
    expect(ofType(lines, 'server').some((e) => e.name === 'broken' && e.state === 'ready')).toBe(false)
    expect(lines.at(-1)).toMatchObject({ type: 'done', end: 'answer', text: 'The server said: Echo: ping' })
    expect(serverPids(lines).filter(isRunning)).toEqual([])
    expect(left).toEqual([])
  })
})

describe('--demo', () => {
  it('plays the offline demo through consent, sampling, a form and a cancel, exits with 0, and leaves no server process', async () => {
    const host = start(['--demo'])
    const code = await host.code
    const transcript = host.stdout()
    expect(code, transcript + host.stderr()).toBe(0)
    expect(transcript).toContain('Allow? [o]nce / [a]lways for this tool / [d]eny: ')
    expect(transcript).toContain('── sampling request from everything ──')
    expect(transcript).toContain('Send this answer to everything? [y/n]: y')
    expect(transcript).toContain('── elicitation from everything ──')
    expect(transcript).toContain('(cancelled)')
    expect(transcript).toContain('Demo finished: every server was shut down.')

    // Both servers were seen while the demo ran, and neither outlived it.
    const everythingPid = Number(/\[server\] everything: ready \(pid (\d+)\)/.exec(transcript)?.[1])
    expect(host.seen.get(everythingPid)).toContain('everything-server')
    expect([...host.seen.values()].some((command) => command.includes('notes-server'))).toBe(true)
    expect(leftovers(host)).toEqual([])
  })
})
