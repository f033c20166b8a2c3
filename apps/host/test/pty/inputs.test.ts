import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { EVERYTHING_SERVER_BIN, HOST_BIN, isRunning } from '../helpers.js'
import { PROMPT, startInPty, type PtySession } from './terminal.js'

// The built host in a real pty, started on a VS Code `.vscode/mcp.json` with inputs: the password
// is typed without echo, the pick is a numbered list, the values reach the server's environment,
// and the password never shows on the screen, not even in a failing server's error.

const SECRET = 'sk-typed-7d2e91'

const sessions: Array<{ session: PtySession; dir: string }> = []
afterEach(async () => {
  for (const { session, dir } of sessions.splice(0)) {
    await session.kill()
    rmSync(dir, { recursive: true, force: true })
  }
})

function startWorkspace(): PtySession {
  const dir = mkdtempSync(join(tmpdir(), 'plugboard-pty-inputs-'))
  mkdirSync(join(dir, '.vscode'))
  writeFileSync(join(dir, '.env'), 'FROM_ENV_FILE=yes\n')
  writeFileSync(
    join(dir, '.vscode', 'mcp.json'),
    JSON.stringify({
      inputs: [
        { type: 'promptString', id: 'api-key', description: 'API key', password: true },
        { type: 'pickString', id: 'region', description: 'Region', options: ['eu', 'us'], default: 'eu' },
      ],
      servers: {
        everything: { type: 'stdio', command: process.execPath, args: [EVERYTHING_SERVER_BIN], env: { KEY: '${input:api-key}', REGION: '${input:region}' }, envFile: '${workspaceFolder}/.env' },
        // Fails at once, with the password in its arguments and so in its error and stderr.
        broken: { type: 'stdio', command: process.execPath, args: ['${workspaceFolder}/missing-${input:api-key}.js'] },
      },
    }),
  )
  const session = startInPty([process.execPath, HOST_BIN, '--config', '.vscode/mcp.json', '--script', 'none.json', '--consent-store', join(dir, 'consent.json')], {
    cwd: dir,
    env: { HOME: dir, XDG_CONFIG_HOME: join(dir, '.config'), ANTHROPIC_API_KEY: undefined, OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined },
  })
  writeFileSync(join(dir, 'none.json'), '[]')
  sessions.push({ session, dir })
  return session
}

describe('config inputs at the terminal', () => {
  it('asks for a password without echo and a pick from a list, and the server gets both', async () => {
    const session = startWorkspace()
    await session.waitFor('API key (for everything, broken, not shown as you type): ')
    session.mark()
    session.type(`${SECRET}\r`)
    await session.waitFor('Choose 1-2 [eu]: ')
    expect(session.since()).toContain('Region (for everything):\n  1) eu\n  2) us\n')
    session.type('2\r')
    await session.waitFor(PROMPT, 10_000)

    // The broken server's failure names its arguments; wait until /servers shows it.
    let servers = ''
    for (let i = 0; i < 50 && !/^broken: .* — /m.test(servers); i++) {
      session.mark()
      session.type('/servers\r')
      await session.waitFor(PROMPT)
      servers = session.since()
    }
    expect(servers).toMatch(/^broken: .* — .*missing-\*\*\*\.js/m)
    const pid = Number(/^everything: ready .* pid (\d+),/m.exec(servers)?.[1])
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')
    expect(environ).toEqual(expect.arrayContaining([`KEY=${SECRET}`, 'REGION=us', 'FROM_ENV_FILE=yes']))
    expect(session.screen()).not.toContain(SECRET)

    session.key('ctrl-d')
    expect(await session.exited).toBe(0)
    expect(isRunning(pid)).toBe(false)
  })

  it('exits with 130 on Ctrl-C at a question, starting no server', async () => {
    const session = startWorkspace()
    await session.waitFor('API key (for everything, broken, not shown as you type): ')
    session.type('whatever\r')
    await session.waitFor('Choose 1-2 [eu]: ')
    session.mark()
    session.key('ctrl-c')
    expect(await session.exited).toBe(130)
    expect(session.since()).toContain("cancelled: the config's input \"region\" was not given")
    expect(session.screen()).not.toMatch(/everything: (starting|ready)/)
  })
})
