// The apps as a user gets them from npm: `@plugboard/host-app` (the `plugboard-host` bin, with its web
// page) and `@plugboard/everything-server`, packed as published with the packages they depend on,
// installed with npm into an empty folder outside the repository, and run from node_modules/.bin as
// the host README says. Needs everything built (CI builds before testing) and the npm registry for
// the third-party dependencies.
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client } from '@plugboard/client'
import { StdioClientTransport } from '@plugboard/transport-stdio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isRunning } from '../fixtures/processes.js'
import { npmInstall, packPublished, root, run } from './consumer.js'

const APPS = ['@plugboard/host-app', '@plugboard/everything-server']

const work = mkdtempSync(join(tmpdir(), 'plugboard-apps-'))
const user = join(work, 'user')
const bin = (name: string) => join(user, 'node_modules/.bin', name)
afterAll(() => rm(work, { recursive: true, force: true }), 60_000)

beforeAll(async () => {
  mkdirSync(join(work, 'packs'))
  mkdirSync(user)
  const tarballs = await packPublished(join(work, 'packs'), APPS)
  for (const app of APPS) expect(tarballs.has(app), `${app} was not packed`).toBe(true)
  const installed = await npmInstall(user, { type: 'commonjs', packages: APPS, tarballs })
  expect(installed.code, installed.stderr).toBe(0)
}, 240_000)

describe('the apps installed from their tarballs', () => {
  it('carry the MIT LICENSE and the README', () => {
    for (const app of APPS) {
      const dir = join(user, 'node_modules', app)
      expect(readFileSync(join(dir, 'LICENSE'), 'utf8')).toBe(readFileSync(join(root, 'LICENSE'), 'utf8'))
      expect(readFileSync(join(dir, 'README.md'), 'utf8')).toMatch(new RegExp(`^# ${app}`))
    }
  })

  it('plugboard-host --demo plays the offline demo and exits 0 with every server stopped', async () => {
    const demo = await run(bin('plugboard-host'), ['--demo'], { cwd: user, timeoutMs: 120_000 })
    expect(demo.code, demo.stderr).toBe(0)
    expect(demo.stdout).toContain('you> Remember that the demo ran.')
    expect(demo.stdout).toContain('Demo finished: every server was shut down.')
  }, 150_000)

  it('plugboard-host --demo --web serves its page, script, style and AppBridge bundle from the package, and stops on SIGINT', async () => {
    const child = spawn(bin('plugboard-host'), ['--demo', '--web'], { cwd: user, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    try {
      await expect.poll(() => /Open (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(stdout)?.[1], { timeout: 60_000, interval: 100 }).toBeTruthy()
      const url = new URL(/Open (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(stdout)![1]!)
      const token = url.searchParams.get('token')!
      const page = await fetch(url)
      expect(page.status).toBe(200)
      expect(page.headers.get('content-type')).toContain('text/html')
      expect(await page.text()).toContain('<script type="module" src="/assets/app.js">')
      for (const [asset, type, marker] of [
        ['app.js', 'text/javascript', "import('/assets/app-bridge.js')"],
        ['style.css', 'text/css', '--color-text-primary'],
        ['app-bridge.js', 'text/javascript', 'ui/initialize'],
      ] as const) {
        const response = await fetch(new URL(`/assets/${asset}`, url))
        expect(response.status, asset).toBe(200)
        expect(response.headers.get('content-type'), asset).toContain(type)
        expect(await response.text(), asset).toContain(marker)
      }
      // Both demo servers come up: the everything-server from its own installed package.
      const state = async () => (await (await fetch(new URL('/api/state', url), { headers: { authorization: `Bearer ${token}` } })).json()) as { servers: Array<{ name: string; state: string; pid?: number }> }
      await expect.poll(async () => (await state()).servers.map((s) => `${s.name}:${s.state}`).sort(), { timeout: 30_000, interval: 200 }).toEqual(['everything:ready', 'notes:ready'])
      const pid = (await state()).servers.find((s) => s.name === 'everything')!.pid!
      expect(isRunning(pid)).toBe(true)
      child.kill('SIGINT')
      // 130: ended by Ctrl-C, as the host README's exit codes say.
      expect(await exited, stderr).toBe(130)
      // Ctrl-C stops every server too.
      await expect.poll(() => isRunning(pid), { timeout: 10_000, interval: 100 }).toBe(false)
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  }, 120_000)

  it('plugboard-everything-server speaks MCP on stdio: its tools, and the counter app’s view', async () => {
    const client = new Client({ name: 'newcomer', version: '1.0.0' }, { capabilities: { extensions: { 'io.modelcontextprotocol/ui': { mimeTypes: ['text/html;profile=mcp-app'] } } } })
    await client.connect(new StdioClientTransport({ command: bin('plugboard-everything-server'), cwd: user }))
    try {
      const { tools } = await client.listTools()
      expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['echo', 'show-counter', 'counter-increment']))
      const { contents } = await client.readResource({ uri: 'ui://everything/counter.html' })
      expect(contents[0]).toMatchObject({ mimeType: 'text/html;profile=mcp-app' })
    } finally {
      await client.close()
    }
  }, 60_000)
})
