import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ServerManager, parseConfig } from '@plugboard/host'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { browse, closeServers, startAuthorizationServer, startProtectedServer } from '../../../packages/host/test/oauth-servers.js'
import type { HostApp } from '../src/app.js'
import type { HostEvent } from '../src/events.js'
import { runCommand } from '../src/ui/commands.js'
import { HOST_BIN, scriptedHost, until } from './helpers.js'

const apps: HostApp[] = []
let dir: string
let tokenStore: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plugboard-host-app-oauth-'))
  tokenStore = join(dir, 'tokens.json')
})

const sockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap' || r === 'TCPSocketWrap').length

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()))
  await closeServers()
  await rm(dir, { recursive: true, force: true })
  // Client sockets close a tick after the servers end them.
  for (let i = 0; i < 100 && sockets() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10))
  expect(sockets(), 'sockets or listeners left open').toBe(0)
})

async function protectedHost(options: { openUrl?: (url: string) => Promise<void>; timeoutMs?: number; servers?: Record<string, unknown> } = {}) {
  const as = await startAuthorizationServer()
  const { url } = await startProtectedServer(as)
  const made = scriptedHost({
    servers: { protected: { url }, ...options.servers },
    script: [{ when: 'who', call: [{ tool: 'protected/whoami' }], reply: 'You are {{result}}' }],
    answers: ['o'],
    authorization: { tokenStore, ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}) },
    openUrl: options.openUrl ?? ((signIn) => browse(new URL(signIn))),
  })
  apps.push(made.app)
  const command = async (line: string) => {
    let out = ''
    await runCommand(line, { app: made.app, write: (text) => (out += text) })
    return out
  }
  return { ...made, as, url, command }
}

/** Every token value in the token store (the file is gone or empty after a logout). */
async function storedSecrets(): Promise<string[]> {
  const file = JSON.parse(await readFile(tokenStore, 'utf8')) as { tokens: Record<string, { access_token: string; refresh_token?: string }> }
  return Object.values(file.tokens).flatMap((t) => [t.access_token, t.refresh_token ?? ''].filter(Boolean))
}

describe('plugboard-host signs in to servers that ask for OAuth', () => {
  it('prints "Sign in to <server>: <url>", opens it, and offers the tools to the model once signed in', async () => {
    const { app, user, events } = await protectedHost()
    await app.start()
    await app.manager.ready('protected')
    await until(() => app.catalog.tools().length === 1, 5000, 'the tools of the signed-in server')

    const result = await app.send('who am I?')
    expect(result.text).toBe('You are client-1')
    expect(user.output).toMatch(/^Sign in to protected: http:\/\/127\.0\.0\.1:\d+\/authorize\?response_type=code&/m)
    expect(events).toContainEqual({ type: 'authorization', server: 'protected', url: expect.stringContaining('code_challenge_method=S256') })
    expect(events.filter((e) => e.type === 'server').map((e) => e.type === 'server' && e.state)).toEqual(['starting', 'authorizing', 'starting', 'ready'])
    // Never a token on the screen or in the events.
    const secrets = await storedSecrets()
    expect(secrets.length).toBeGreaterThan(0)
    for (const secret of secrets) expect(user.output + JSON.stringify(events)).not.toContain(secret)
  })

  it('/logout forgets the tokens and disconnects, /servers says it needs login, /login signs in and connects again', async () => {
    const { app, as, command } = await protectedHost()
    await app.start()
    await app.manager.ready('protected')
    expect(await command('/servers')).toMatch(/^protected: ready protected 1\.0\.0, \d tools\n$/)

    expect(await command('/logout protected')).toBe('Signed out of protected: its tokens are forgotten and it is disconnected. /login protected signs in again.\n')
    expect(await storedSecrets()).toEqual([])
    expect(await command('/servers')).toBe('protected: unauthorized, 0 tools — needs login: /login protected\n')

    expect(await command('/login protected')).toBe('Signed in to protected.\n')
    expect(as.hits.authorize).toBe(2)
    expect(app.manager.status('protected')!.state).toBe('ready')
    await until(() => app.catalog.tools().length === 1, 5000, 'the tools after /login')
  })

  it('shows why a sign-in failed, in the server state, in /servers and from /login', async () => {
    const { app, user, command } = await protectedHost({ openUrl: async () => undefined, timeoutMs: 100, servers: { plain: { url: 'http://127.0.0.1:9/mcp', oauth: false } } })
    await app.start()
    await until(() => app.manager.status('protected')!.state === 'unauthorized', 5000, 'the sign-in to time out')

    const reason = /No redirect to http:\/\/127\.0\.0\.1:\d+\/callback came within 100 ms/
    expect(user.output).toMatch(new RegExp(`\\[server\\] protected unauthorized: ${reason.source}`))
    expect(await command('/servers')).toMatch(new RegExp(`^protected: unauthorized, 0 tools — needs login: /login protected — ${reason.source}$`, 'm'))
    expect(await command('/login protected')).toMatch(new RegExp(`^/login failed: ${reason.source}\\n$`))
    expect(await command('/login plain')).toBe('/login failed: Server "plain" does not use OAuth\n')
    expect(await command('/logout')).toBe('Usage: /logout <server>; servers: protected, plain\n')
  })

  it('lists /login and /logout in /help', async () => {
    const { command } = await protectedHost()
    const help = await command('/help')
    expect(help).toContain('/login <server>')
    expect(help).toContain('/logout <server>')
  })
})

/** The built `plugboard-host` run to its end with `args`, HOME in the temp dir (no ~/.config is touched). */
async function runBin(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; events: HostEvent[]; stderr: string }> {
  const child = spawn(process.execPath, [HOST_BIN, ...args], { cwd: dir, env: { ...process.env, HOME: dir, XDG_CONFIG_HOME: join(dir, '.config'), ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve))
  return { code, events: stdout.trim().split('\n').map((line) => JSON.parse(line) as HostEvent), stderr }
}

describe('plugboard-host --token-store', () => {
  it('runs a one-shot on the tokens of an earlier sign-in (--token-store, else $PLUGBOARD_TOKEN_STORE), with no new one', async () => {
    const as = await startAuthorizationServer()
    const { url } = await startProtectedServer(as)
    const signedIn = new ServerManager({ servers: parseConfig({ mcpServers: { protected: { url } } }).servers, pingIntervalMs: 0, authorization: { tokenStore, open: ({ url: u }) => browse(u) } })
    await signedIn.start()
    await signedIn.ready('protected')
    await signedIn.close()

    const config = join(dir, 'mcp.json')
    const script = join(dir, 'script.json')
    await writeFile(config, JSON.stringify({ mcpServers: { protected: { url } } }))
    await writeFile(script, JSON.stringify([{ when: 'who', call: [{ tool: 'protected/whoami' }], reply: 'You are {{result}}' }]))
    const oneShot = ['--config', config, '--script', script, '--prompt', 'who am I?', '--approve', 'all', '--json', '--consent-store', join(dir, 'consent.json')]
    for (const [args, env] of [[['--token-store', tokenStore], {}], [[], { PLUGBOARD_TOKEN_STORE: tokenStore }]] as const) {
      const { code, events, stderr } = await runBin([...oneShot, ...args], env)
      expect(code, stderr).toBe(0)
      expect(events.filter((e) => e.type === 'server').map((e) => e.type === 'server' && e.state)).toEqual(['starting', 'ready'])
      expect(events.some((e) => e.type === 'authorization')).toBe(false)
      expect(events.at(-1)).toMatchObject({ type: 'done', text: 'You are client-1' })
    }
    expect(as.hits.authorize).toBe(1)
  })
})
