import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import type { ConfigInput } from '@plugboard/host'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createInputPrompt, inputEnvName, InputError, redactedStream, type InputAsker } from '../src/ui/inputs.js'
import { everything, HOST_BIN, isRunning } from './helpers.js'
import { descendants } from './pty/terminal.js'

// The CLI's answers to a config's `inputs`: from PLUGBOARD_INPUT_<ID>, the terminal or the
// default, and the passwords scrubbed from what the host prints.

const SECRET = 'sk-env-0b5e3f'
const KEY: ConfigInput = { type: 'promptString', id: 'api-key', description: 'API key', password: true }
const REGION: ConfigInput = {
  type: 'pickString',
  id: 'region',
  description: 'Region',
  options: [
    { label: 'Europe', value: 'eu' },
    { label: 'us', value: 'us' },
  ],
  default: 'eu',
}

/** An asker answering from `answers` in order, recording the transcript. */
function scriptedAsker(answers: Array<string | undefined>): InputAsker & { transcript: string } {
  const asker = {
    transcript: '',
    write: (text: string) => void (asker.transcript += text),
    ask: async (question: string, { hidden }: { hidden: boolean }) => {
      const answer = answers.shift()
      asker.transcript += `${question}${hidden ? '(hidden)' : (answer ?? '^C')}\n`
      return answer
    },
  }
  return asker
}

describe('createInputPrompt', () => {
  it('names the variable of an input id', () => {
    expect(inputEnvName('api-key')).toBe('PLUGBOARD_INPUT_API_KEY')
    expect(inputEnvName('db.password2')).toBe('PLUGBOARD_INPUT_DB_PASSWORD2')
  })

  it('takes PLUGBOARD_INPUT_<ID> without asking, and reports a password from there as a secret', async () => {
    const secrets: string[] = []
    const asker = scriptedAsker([])
    const prompt = createInputPrompt({ env: { PLUGBOARD_INPUT_API_KEY: SECRET }, asker, onSecret: (s) => secrets.push(s) })
    expect(await prompt(KEY, { servers: ['x'] })).toBe(SECRET)
    expect(asker.transcript).toBe('')
    expect(secrets).toEqual([SECRET])
  })

  it('asks for a password hidden, and for a pick by number, value or label, asking again after a wrong answer; Enter takes the default', async () => {
    const secrets: string[] = []
    const asker = scriptedAsker(['typed', '7', 'Europe', '', '2'])
    const prompt = createInputPrompt({ env: {}, asker, onSecret: (s) => secrets.push(s) })
    expect(await prompt(KEY, { servers: ['x', 'y'] })).toBe('typed')
    expect(await prompt(REGION, { servers: ['x'] })).toBe('eu')
    expect(await prompt(REGION, { servers: ['x'] })).toBe('eu')
    expect(await prompt(REGION, { servers: ['x'] })).toBe('us')
    expect(secrets).toEqual(['typed'])
    expect(asker.transcript).toContain('API key (for x, y, not shown as you type): (hidden)\n')
    expect(asker.transcript).toContain('Region (for x):\n  1) Europe (eu)\n  2) us\nChoose 1-2 [eu]: 7\nType a number from 1 to 2.\nChoose 1-2 [eu]: Europe\n')
  })

  it('without anyone to ask, takes the default, else fails naming the variable to set', async () => {
    const prompt = createInputPrompt({ env: {} })
    expect(await prompt(REGION, { servers: ['x'] })).toBe('eu')
    const error = await prompt(KEY, { servers: ['x'] }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).message).toBe(
      `the config's input "api-key" (API key), used by x, has no value: set PLUGBOARD_INPUT_API_KEY, or run plugboard-host in a terminal (without --json) to be asked`,
    )
  })

  it('rejects with a cancelled InputError when the user cancels', async () => {
    const error = await createInputPrompt({ env: {}, asker: scriptedAsker([undefined]) })(KEY, { servers: ['x'] }).catch((e: unknown) => e)
    expect(error).toMatchObject({ cancelled: true, message: `cancelled: the config's input "api-key" was not given` })
  })
})

describe('redactedStream', () => {
  it('replaces each secret (and its JSON-escaped form) in every write, and is the stream itself otherwise', () => {
    const target = Object.assign(new PassThrough(), { isTTY: true, columns: 99 })
    const quoted = 'pa"ss\\word'
    const out = redactedStream(target, [SECRET, quoted, 'abc'])
    out.write(`token ${SECRET} and ${JSON.stringify({ k: quoted })} and abc\n`)
    out.write(Buffer.from(`again ${SECRET}\n`))
    expect(String(target.read())).toBe('token *** and {"k":"***"} and abc\nagain ***\n')
    expect(out.isTTY).toBe(true)
    expect(out.columns).toBe(99)
    expect(redactedStream(target, [])).toBe(target)
  })
})

describe('plugboard-host with inputs and no terminal', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'plugboard-cli-inputs-'))
    mkdirSync(join(dir, '.vscode'))
    writeFileSync(join(dir, 'script.json'), JSON.stringify([{ when: '^hi', reply: 'hello' }]))
    writeFileSync(
      join(dir, '.vscode', 'mcp.json'),
      JSON.stringify({
        inputs: [{ type: 'promptString', id: 'api-key', description: 'API key', password: true }],
        servers: {
          everything: { ...everything, env: { KEY: '${input:api-key}' } },
          broken: { command: process.execPath, args: ['${workspaceFolder}/missing-${input:api-key}.js'] },
        },
      }),
    )
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  /** Runs the built host one-shot with --json, stdin a pipe; resolves with its exit code, output, and the processes it started still running. */
  function run(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string; left: number[] }> {
    const child = spawn(process.execPath, [HOST_BIN, '--config', '.vscode/mcp.json', '--script', 'script.json', '--consent-store', join(dir, 'consent.json'), '--prompt', 'hi', '--json'], {
      cwd: dir,
      env: { ...process.env, HOME: dir, XDG_CONFIG_HOME: join(dir, '.config'), ANTHROPIC_API_KEY: undefined, OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined, ...env },
    })
    child.stdin.end()
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (c: string) => void (stdout += c))
    child.stderr.setEncoding('utf8').on('data', (c: string) => void (stderr += c))
    const seen = new Set<number>()
    const watch = setInterval(() => descendants(child.pid!).forEach((pid) => seen.add(pid)), 25)
    return new Promise((resolve) =>
      child.once('close', (code) => {
        clearInterval(watch)
        resolve({ code, stdout, stderr, left: [...seen].filter(isRunning) })
      }),
    )
  }

  it('fails with exit code 2 and the variable to set when the input has no value', async () => {
    const { code, stdout, stderr } = await run({})
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toContain('has no value: set PLUGBOARD_INPUT_API_KEY')
  })

  it('takes the value from PLUGBOARD_INPUT_API_KEY and never prints it, not even in the failing server’s error', async () => {
    const { code, stdout, stderr, left } = await run({ PLUGBOARD_INPUT_API_KEY: SECRET })
    expect(code).toBe(0)
    expect(left).toEqual([])
    expect(stdout).toContain('"type":"done"')
    // The broken server's start failed with the value in its arguments: shown scrubbed.
    expect(stdout + stderr).toMatch(/missing-\*\*\*\.js/)
    expect(stdout + stderr).not.toContain(SECRET)
  })
})
