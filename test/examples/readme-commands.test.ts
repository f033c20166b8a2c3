import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))
const run = promisify(execFile)
const homes: string[] = []

afterEach(() => {
  for (const dir of homes.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/**
 * The environment of someone who never ran turbo: a fresh config folder (where turbo records that it
 * showed its notice) and none of the variables that silence it, so only our scripts can.
 */
function newcomerEnv(): NodeJS.ProcessEnv {
  const config = mkdtempSync(join(tmpdir(), 'plugboard-newcomer-'))
  homes.push(config)
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: config }
  for (const key of Object.keys(env)) if (/^(TURBO_|DO_NOT_TRACK$|CI$|GITHUB_ACTIONS$)/.test(key)) delete env[key]
  return env
}

// The demo and test commands of the root README build with turbo, whose first run in a fresh
// environment prints a telemetry notice before anything of ours.
describe('README commands', () => {
  // The build step is dry (`--dry=json`): turbo prints its notice before planning, and the proof must
  // not depend on whether the work tree builds at this moment.
  const build = ['run', 'build', '--filter=@plugboard/protocol', '--output-logs=errors-only', '--dry=json']

  it('the pinned turbo, run bare by a newcomer, prints a telemetry notice (what the scripts must silence)', async () => {
    const { stdout, stderr } = await run(`${root}node_modules/.bin/turbo`, build, { cwd: root, env: newcomerEnv(), timeout: 30_000 })
    expect(`${stdout}${stderr}`).toMatch(/telemetry/i)
  }, 40_000)

  it('turbo run through scripts/pnpm.sh, as demo.sh and test.sh run it, prints nothing about telemetry', async () => {
    const { stdout, stderr } = await run('bash', ['scripts/pnpm.sh', 'exec', 'turbo', ...build], { cwd: root, env: newcomerEnv(), timeout: 60_000 })
    expect(`${stdout}${stderr}`).not.toMatch(/telemetry/i)
    expect(JSON.parse(stdout)).toMatchObject({ turboVersion: expect.any(String) })
  }, 70_000)

  it('demo.sh and test.sh reach turbo only through scripts/pnpm.sh', () => {
    for (const script of ['scripts/demo.sh', 'scripts/test.sh']) {
      const text = readFileSync(`${root}${script}`, 'utf8')
      expect(text, script).toMatch(/^pnpm=scripts\/pnpm\.sh$/m)
      // Every command line that builds goes through $pnpm (which `pnpm run build` turns into turbo).
      const commands = text.split('\n').filter((line) => !line.startsWith('#') && /\b(turbo|pnpm run|build)\b/.test(line))
      expect(commands.length, script).toBeGreaterThan(0)
      for (const line of commands) expect(line, `${script}: ${line}`).toMatch(/^bash \$pnpm /)
    }
  })
})
