import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { constants, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, expect } from 'vitest'
import type { ScriptStep } from '../../src/providers/scripted.js'
import { EVERYTHING_SERVER_BIN, HOST_BIN, isRunning } from '../helpers.js'

/** The pseudo-terminal driver: python3's stdlib `pty`, so no native addon and no tmux. */
export const PTY_RUN = fileURLToPath(new URL('./pty-run.py', import.meta.url))

/** What `key()` types: Enter is a carriage return, as a real terminal sends it. */
export const KEYS = { enter: '\r', 'ctrl-c': '\x03', 'ctrl-d': '\x04' } as const
export type Key = keyof typeof KEYS

// CSI (`ESC [ … final`), OSC (`ESC ] … BEL` or `ESC ] … ESC \`), and two-byte escapes (`ESC 7`, `ESC =`…).
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[ -/]*[0-~]/g
// An escape sequence cut off at the end of what arrived so far.
const PARTIAL_ESCAPE = /\x1b(?:\[[0-?]*[ -/]*|\][^\x07\x1b]*|[ -/]*)?$/
// Other control characters (bell, backspace…) but not newline and tab.
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f]/g

/**
 * The text a terminal program drew, without its escape sequences: line ends (`\r\n`, and the
 * `\r\r\n` of an echoed Enter) become `\n`, a lone `\r` too, other control characters go.
 */
export function stripAnsi(raw: string): string {
  return raw.replace(ESCAPES, '').replace(/\r+\n|\r/g, '\n').replace(CONTROLS, '')
}

export interface PtyOptions {
  cwd?: string
  /** Added to this process's environment. */
  env?: Record<string, string | undefined>
  cols?: number
  rows?: number
}

export interface PtySession {
  /** Types text into the terminal as is (`\r` is Enter). */
  type(text: string): void
  key(name: Key): void
  /**
   * Resolves with the first match of `pattern` in the screen text since start (or since the last
   * `mark()`), as soon as it appears. Rejects after `timeoutMs` (default 8 s), or as soon as the
   * program exits without drawing it, with the end of the screen in the message.
   */
  waitFor(pattern: RegExp | string, timeoutMs?: number): Promise<RegExpExecArray>
  /** Later `waitFor` and `since` look only at what is drawn from now on. */
  mark(): void
  /** The screen text since the last mark. */
  since(): string
  /** All the screen text since start. */
  screen(): string
  /** The program's exit code (128 + N for signal N). */
  readonly exited: Promise<number>
  /**
   * Ends the program if it still runs: its terminal hangs up (SIGHUP, on which the host shuts its
   * servers down), and whatever of its process tree is left after 3 s is killed. Idempotent.
   */
  kill(): Promise<void>
}

/**
 * Runs `command` (`[file, ...args]`) in a real pseudo-terminal through `pty-run.py`: the program
 * sees a TTY on stdin and stdout, so readline runs in raw mode, and Ctrl-C is a keystroke, not a signal.
 */
export function startInPty(command: string[], options: PtyOptions = {}): PtySession {
  const { cols = 120, rows = 40 } = options
  const child = spawn('python3', [PTY_RUN, String(cols), String(rows), '--', ...command], {
    cwd: options.cwd,
    env: { ...process.env, TERM: 'xterm-256color', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let raw = ''
  let markAt = 0
  let stderr = ''
  let exitCode: number | undefined
  const waiters = new Set<() => void>()
  const notify = () => [...waiters].forEach((check) => check())

  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (chunk: string) => {
    raw += chunk
    notify()
  })
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (chunk: string) => void (stderr += chunk))
  // Typing into a program that has exited is not an error of the test's own.
  child.stdin.on('error', () => {})
  const exited = new Promise<number>((resolve) => {
    child.once('close', (code, signal) => {
      exitCode = code ?? 128 + (signal ? constants.signals[signal] : 0)
      resolve(exitCode)
      notify()
    })
  })

  const since = () => stripAnsi(raw.slice(markAt))
  const screen = () => stripAnsi(raw)
  // The end of the screen, with the mark shown: what a failed wait saw, and what came just before.
  const recent = () => {
    const before = stripAnsi(raw.slice(0, markAt))
    const after = since()
    const shown = Math.max(500, 3000 - after.length)
    const context = before.length > shown ? `…${before.slice(before.length - shown)}` : before
    return `── screen ──\n${context}\n── mark (waits look from here) ──\n${after.length > 3000 ? `…${after.slice(-3000)}` : after}\n── end of screen ──`
  }

  return {
    type: (text) => void child.stdin.write(text),
    key: (name) => void child.stdin.write(KEYS[name]),
    mark: () => {
      const partial = PARTIAL_ESCAPE.exec(raw)
      markAt = partial ? partial.index : raw.length
    },
    since,
    screen,
    exited,
    waitFor(pattern, timeoutMs = 8000) {
      // A string is matched literally; a regex without its g/y flags, so a match never depends on an earlier one.
      const regex = typeof pattern === 'string' ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''))
      return new Promise((resolve, reject) => {
        const started = Date.now()
        let settled = false
        const done = () => ((settled = true), waiters.delete(check), clearTimeout(timer))
        const fail = (why: string) => {
          done()
          reject(new Error(`${why} while waiting for ${regex} (${Date.now() - started} ms).\n${recent()}${stderr ? `\npty-run stderr: ${stderr}` : ''}`))
        }
        const check = () => {
          if (settled) return
          const match = regex.exec(since())
          if (match) return done(), resolve(match)
          if (exitCode !== undefined) fail(`the program exited with code ${exitCode}`)
        }
        const timer = setTimeout(() => fail('timed out'), timeoutMs)
        waiters.add(check)
        check()
      })
    },
    async kill() {
      if (exitCode !== undefined) return
      // The host and its servers, found before the tree comes apart.
      const inside = descendants(child.pid!)
      // Closing the terminal sends the program SIGHUP, its cue to shut its servers down.
      child.kill('SIGKILL')
      await exited
      const end = Date.now() + 3000
      while (inside.some(isRunning) && Date.now() < end) await new Promise((r) => setTimeout(r, 25))
      for (const pid of inside.filter(isRunning)) {
        try {
          process.kill(pid, 'SIGKILL')
        } catch {
          // Gone meanwhile.
        }
      }
    },
  }
}

/** The pids of every process below `pid` (Linux `/proc`), children first. */
export function descendants(pid: number): number[] {
  const parents = new Map<number, number>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      // The fields after the command name (which may hold spaces and parentheses): state, ppid, …
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]))
    } catch {
      // The process ended while we looked.
    }
  }
  const found: number[] = []
  for (let i = -1; i < found.length; i++) {
    const parent = i < 0 ? pid : found[i]!
    for (const [child, ppid] of parents) if (ppid === parent) found.push(child)
  }
  return found
}

/** An interactive chat of the built host in a pty, and the temp files it runs on. */
export interface ChatSession extends PtySession {
  dir: string
  consentStore: string
  /** Sends `/servers` and reads each server's pid from it. */
  serverPids(): Promise<number[]>
  /** Types a line at the chat prompt and resolves with what was drawn up to the next `you> ` prompt. */
  send(line: string): Promise<string>
  /** Types `text` and Enter once `question` is on the screen; later waits look only after it. */
  answer(question: RegExp | string, text: string): Promise<void>
  /** Removes the temp directory (after `kill()`). */
  cleanup(): void
}

/**
 * Starts `plugboard-host` in a pty over the everything-server (stdio), or the given `servers`, with the scripted model
 * following `script`, in a temp directory that holds the config, the script and the consent
 * store (HOME points there too, so nothing under ~/.config is read or written), and waits for
 * the first `you> ` prompt.
 */
export async function startChat(script: ScriptStep[], options: PtyOptions & { servers?: Record<string, unknown> } = {}): Promise<ChatSession> {
  const dir = mkdtempSync(join(tmpdir(), 'plugboard-pty-'))
  const config = join(dir, 'mcp.json')
  const scriptFile = join(dir, 'script.json')
  const consentStore = join(dir, 'consent.json')
  const { servers = { everything: { command: process.execPath, args: [EVERYTHING_SERVER_BIN] } }, ...pty } = options
  writeFileSync(config, JSON.stringify({ mcpServers: servers }))
  writeFileSync(scriptFile, JSON.stringify(script))
  const session = startInPty([process.execPath, HOST_BIN, '--config', config, '--script', scriptFile, '--consent-store', consentStore], {
    cwd: dir,
    ...pty,
    env: { HOME: dir, XDG_CONFIG_HOME: join(dir, '.config'), ANTHROPIC_API_KEY: undefined, OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined, ...pty.env },
  })
  const chat: ChatSession = {
    ...session,
    dir,
    consentStore,
    async answer(question, text) {
      await session.waitFor(question)
      session.mark()
      session.type(`${text}\r`)
    },
    async send(line) {
      session.mark()
      session.type(`${line}\r`)
      await session.waitFor(/\nyou> /)
      const text = session.since()
      session.mark()
      return text
    },
    async serverPids() {
      const text = await chat.send('/servers')
      return [...text.matchAll(/^\S+: ready .* pid (\d+),/gm)].map((m) => Number(m[1]))
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  }
  try {
    await session.waitFor(/\nyou> /, 10_000)
  } catch (error) {
    await session.kill()
    chat.cleanup()
    throw error
  }
  session.mark()
  return chat
}

/** The consent dialog's question, as typed answers wait for it. */
export const ALLOW = 'Allow? [o]nce / [a]lways for this tool / [d]eny: '
/** The chat's prompt at the start of a line. */
export const PROMPT = /\nyou> /

/**
 * For one test file: a `chat(script)` that starts the chat in a pty, and an `afterEach` that kills
 * every session a test started (and its servers) and removes its temp folder, even when the test failed.
 */
export function chatsForEachTest(): (script: ScriptStep[], servers?: Record<string, unknown>) => Promise<ChatSession> {
  const sessions: ChatSession[] = []
  afterEach(async () => {
    for (const session of sessions.splice(0)) {
      await session.kill()
      session.cleanup()
    }
  })
  return async (script, servers) => {
    const session = await startChat(script, servers ? { servers } : {})
    sessions.push(session)
    return session
  }
}

/** Presses Ctrl-D at the prompt: the host exits with 0 and no server process is left. */
export async function quitWithCtrlD(session: ChatSession, pids: number[]): Promise<void> {
  session.key('ctrl-d')
  expect(await session.exited).toBe(0)
  expect(pids.filter(isRunning)).toEqual([])
}
