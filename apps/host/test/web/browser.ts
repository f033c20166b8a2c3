import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import { HOST_BIN } from '../helpers.js'

/** Debian's Chromium: the tests never download a browser. */
export const CHROMIUM = '/usr/bin/chromium'

/**
 * Makes sure Debian's Chromium is installed, installing it with apt-get when it is missing (CI
 * images run as root), and fails with what apt said when that is not possible.
 */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return
  const install = spawnSync('bash', ['-c', 'apt-get update && apt-get install -y chromium'], { encoding: 'utf8', timeout: 10 * 60_000 })
  if (!existsSync(CHROMIUM)) {
    const said = `${install.error?.message ?? ''}\n${install.stderr ?? ''}`.trim().split('\n').slice(-10).join('\n')
    throw new Error(`The web host's browser tests need Chromium at ${CHROMIUM}; "apt-get install -y chromium" did not provide it (run it as root):\n${said}`)
  }
}

/** Starts headless Chromium the way CI can: Debian's binary, no sandbox (containers run as root). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
}

/** A running `plugboard-host --demo --web` child: its page URL, and how to stop it. */
export interface WebDemo {
  url: string
  child: ChildProcessWithoutNullStreams
  output: () => string
  /** Sends SIGTERM and resolves with the exit code once the process (and its servers) ended. */
  stop: () => Promise<number | null>
}

/**
 * Spawns the built host (`dist/bin.js`) with `--demo --web` in an empty home, and resolves once
 * it printed the page's URL.
 */
export async function startWebDemo(): Promise<WebDemo> {
  const home = mkdtempSync(join(tmpdir(), 'plugboard-web-'))
  const child = spawn(process.execPath, [HOST_BIN, '--demo', '--web'], {
    cwd: home,
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), ANTHROPIC_API_KEY: undefined, OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined },
  })
  let output = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => void (output += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => void (output += chunk))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const url = await new Promise<string>((resolve, reject) => {
    const check = () => {
      const match = /Open (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(output)
      if (match) {
        child.stdout.off('data', check)
        resolve(match[1]!)
      }
    }
    child.stdout.on('data', check)
    void exited.then((code) => reject(new Error(`the web demo exited (${code}) before printing its URL:\n${output}`)))
  })
  return {
    url,
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      const code = await exited
      rmSync(home, { recursive: true, force: true })
      return code
    },
  }
}

/** Whether a process with this id still runs. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
