import { execFile } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTransport, parseConfig, ServerManager, type AuthorizationOptions, type ServerConfig, type ServerManagerOptions, type ServerStatus } from '../src/index.js'
import { fixture, fixtureServer } from './helpers.js'
import { browse, closeServers, startAuthorizationServer, startProtectedServer } from './oauth-servers.js'

/** The built package (children run `dist/`; the test flow builds first). */
const HOST_DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url))
const managers: ServerManager[] = []
let dir: string
let tokenFile: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plugboard-host-oauth-'))
  tokenFile = join(dir, 'state', 'tokens.json')
})

const count = (...kinds: string[]) => process.getActiveResourcesInfo().filter((r) => kinds.includes(r)).length
const sockets = () => count('TCPServerWrap', 'TCPSocketWrap')
let timers: number
beforeEach(() => void (timers = count('Timeout')))

afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.close()))
  await closeServers()
  await rm(dir, { recursive: true, force: true })
  // Client sockets close a tick after the servers end them.
  for (let i = 0; i < 100 && sockets() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10))
  expect(sockets(), 'sockets or listeners left open (loopback listener, keep-alive connections)').toBe(0)
  expect(count('Timeout'), 'timers left behind (restart backoff, ping, sign-in timeout)').toBeLessThanOrEqual(timers)
})

/** A protected MCP server and its authorization server. */
async function servers(options: { expiresIn?: number } = {}) {
  const as = await startAuthorizationServer(options)
  const mcp = await startProtectedServer(as)
  return { as, url: mcp.url }
}

/** A manager of one HTTP server `protected` at `url`, signing in through {@link browse} (each sign-in URL is recorded). */
function host(url: string, options: { oauth?: unknown; authorization?: AuthorizationOptions } & Partial<ServerManagerOptions> = {}) {
  const opened: string[] = []
  const { oauth, authorization, ...rest } = options
  const entry = { url, ...(oauth !== undefined ? { oauth } : {}) }
  const manager = new ServerManager({
    servers: parseConfig({ mcpServers: { protected: entry } }).servers,
    pingIntervalMs: 0,
    restart: { initialDelayMs: 50, maxDelayMs: 100, jitter: 0 },
    authorization: {
      tokenStore: tokenFile,
      open: ({ server, url: signIn }) => {
        opened.push(server)
        return browse(signIn)
      },
      ...authorization,
    },
    ...rest,
  })
  managers.push(manager)
  const states: ServerStatus[] = []
  manager.on('state', (s) => states.push(s))
  return { manager, opened, states, trail: () => states.map((s) => s.state) }
}

async function whoami(manager: ServerManager): Promise<unknown> {
  const result = await manager.client('protected')!.callTool({ name: 'whoami', arguments: {} })
  return result.content
}

/** The token store file as JSON. */
async function stored(): Promise<{ tokens: Record<string, { access_token: string; refresh_token?: string }>; clients: Record<string, unknown> }> {
  return JSON.parse(await readFile(tokenFile, 'utf8'))
}

/** Resolves with the next status of `protected` that passes `test`. */
function next(manager: ServerManager, test: (status: ServerStatus) => boolean): Promise<ServerStatus> {
  return new Promise((resolve) => {
    const off = manager.on('state', (status) => test(status) && (off(), resolve(status)))
  })
}

describe('signing in to an HTTP server that asks for OAuth', () => {
  it('signs in while connecting, then lists the tools and calls one with the token', async () => {
    const { as, url } = await servers()
    const { manager, opened, trail } = host(url)

    const [status] = await manager.start()
    // start() does not wait for the user: the server is waiting for the sign-in, or already through it.
    expect(['authorizing', 'starting', 'ready']).toContain(status!.state)
    const client = await manager.ready('protected')
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['whoami'])
    expect(await whoami(manager)).toEqual([{ type: 'text', text: 'client-1' }])

    expect(opened).toEqual(['protected'])
    expect(as.hits).toMatchObject({ register: 1, authorize: 1, code: 1 })
    expect(trail()).toEqual(['starting', 'authorizing', 'starting', 'ready'])
  })

  it('keeps the tokens in a file only its owner can read', async () => {
    const { url } = await servers()
    const { manager } = host(url)
    await manager.start()
    await manager.ready('protected')

    const file = await stored()
    const [tokens] = Object.values(file.tokens)
    expect(tokens).toMatchObject({ access_token: expect.any(String), refresh_token: expect.any(String), token_type: 'Bearer' })
    expect(Object.values(file.clients)).toEqual([expect.objectContaining({ client_id: 'client-1' })])
    if (process.platform !== 'win32') {
      expect((await stat(tokenFile)).mode & 0o777).toBe(0o600)
      expect((await stat(join(dir, 'state'))).mode & 0o777).toBe(0o700)
    }
    // Written atomically: no temporary file is left beside it.
    expect(await readdir(join(dir, 'state'))).toEqual(['tokens.json'])
  })

  it('connects a second host with the same token store without asking the user again', async () => {
    const { as, url } = await servers()
    const first = host(url)
    await first.manager.start()
    await first.manager.ready('protected')
    await first.manager.close()

    const second = host(url)
    await second.manager.start()
    expect(second.manager.status('protected')!.state).toBe('ready')
    expect(await whoami(second.manager)).toEqual([{ type: 'text', text: 'client-1' }])
    expect(second.opened).toEqual([])
    expect(second.trail()).toEqual(['starting', 'ready'])
    expect(as.hits).toMatchObject({ register: 1, authorize: 1, code: 1 })
  })

  it('refreshes an access token the server no longer accepts, with no new sign-in', async () => {
    const { as, url } = await servers()
    const { manager, opened } = host(url)
    await manager.start()
    await manager.ready('protected')
    const before = Object.values((await stored()).tokens)[0]!

    as.expireAccessTokens()
    expect(await whoami(manager)).toEqual([{ type: 'text', text: 'client-1' }])

    expect(as.hits).toMatchObject({ authorize: 1, code: 1, refresh: 1 })
    expect(opened).toEqual(['protected'])
    const after = Object.values((await stored()).tokens)[0]!
    expect(after.access_token).not.toBe(before.access_token)
    expect(after.refresh_token).not.toBe(before.refresh_token)
    expect(manager.status('protected')!.state).toBe('ready')
  })

  it('refreshes a token issued for one second before using it, with no new sign-in', async () => {
    const { as, url } = await servers({ expiresIn: 1 })
    const { manager, opened } = host(url)
    await manager.start()
    await manager.ready('protected')
    const refreshes = as.hits.refresh
    as.setExpiresIn(3600)

    expect(await whoami(manager)).toEqual([{ type: 'text', text: 'client-1' }])
    expect(as.hits.refresh).toBeGreaterThan(refreshes)
    expect(as.hits.authorize).toBe(1)
    expect(opened).toEqual(['protected'])
  })

  it('logout() revokes and forgets the tokens and disconnects; login() signs in again and reconnects', async () => {
    const { as, url } = await servers()
    const { manager, opened } = host(url)
    await manager.start()
    await manager.ready('protected')
    const old = Object.values((await stored()).tokens)[0]!

    await manager.logout('protected')
    expect(manager.status('protected')!.state).toBe('unauthorized')
    expect(manager.client('protected')).toBeUndefined()
    expect((await stored()).tokens).toEqual({})
    expect(as.hits.revoke).toBe(1)
    expect(as.knows(old.refresh_token!)).toBe(false)
    await expect(manager.ready('protected')).rejects.toThrow()

    await manager.login('protected')
    expect(manager.status('protected')!.state).toBe('ready')
    expect(await whoami(manager)).toEqual([{ type: 'text', text: 'client-1' }])
    expect(as.hits).toMatchObject({ register: 1, authorize: 2, code: 2 })
    expect(opened).toEqual(['protected', 'protected'])
    expect(Object.values((await stored()).tokens)).toHaveLength(1)
  })

  it('waits unauthorized for login() when signInOnConnect is off', async () => {
    const { as, url } = await servers()
    const { manager, opened, trail } = host(url, { authorization: { signInOnConnect: false } })
    const [status] = await manager.start()

    expect(status).toMatchObject({ state: 'unauthorized', failures: 0 })
    expect(status!.error).toMatchObject({ name: 'OAuthClientError', code: 'interaction_required', message: 'Server "protected" needs you to sign in' })
    expect(opened).toEqual([])
    expect(as.hits.authorize).toBe(0)
    // Not retried: another attempt would be refused the same way.
    expect(status!.retryInMs).toBeUndefined()
    expect(trail()).toEqual(['starting', 'unauthorized'])

    await manager.login('protected')
    expect(manager.status('protected')!.state).toBe('ready')
    expect(as.hits.authorize).toBe(1)
  })

  it('turns unauthorized, without opening the browser, when the server refuses every token mid-session', async () => {
    const { as, url } = await servers()
    const { manager, opened } = host(url)
    await manager.start()
    await manager.ready('protected')

    as.revokeAll()
    const unauthorized = next(manager, (s) => s.state === 'unauthorized')
    await expect(whoami(manager)).rejects.toThrow(/needs you to sign in/)
    expect((await unauthorized).error).toMatchObject({ name: 'OAuthClientError' })
    expect(opened).toEqual(['protected'])
    expect(as.hits.authorize).toBe(1)
    expect(manager.client('protected')).toBeUndefined()
  })

  it('reports a sign-in the user never finishes as unauthorized, with the reason', async () => {
    const { url } = await servers()
    const { manager } = host(url, { authorization: { open: () => undefined, timeoutMs: 100 } })
    await manager.start()

    await expect(manager.ready('protected')).rejects.toMatchObject({ name: 'OAuthClientError', message: expect.stringMatching(/No redirect .* came within 100 ms/) })
    expect(manager.status('protected')!.state).toBe('unauthorized')
  })

  it('gives a server with "oauth": false no OAuth client, and reports its 401 as the error', async () => {
    const { as, url } = await servers()
    const contexts: unknown[] = []
    const { manager, opened } = host(url, {
      oauth: false,
      restart: { maxAttempts: 1 },
      createTransport: (_name, config, context) => {
        contexts.push(context)
        return createTransport(config, context)
      },
    })
    const [status] = await manager.start()

    expect(manager.status('protected')!.state).toBe('failed')
    expect(status!.error!.message).toMatch(/HTTP 401/)
    expect(contexts).toEqual([{}])
    expect(opened).toEqual([])
    expect(as.hits).toMatchObject({ register: 0, authorize: 0 })
  })

  it('leaves OAuth off for a server whose headers carry an Authorization header', async () => {
    const { url } = await servers()
    const contexts: unknown[] = []
    const manager = new ServerManager({
      servers: parseConfig({ mcpServers: { protected: { url, headers: { Authorization: 'Bearer not-a-token' } } } }).servers,
      pingIntervalMs: 0,
      restart: { maxAttempts: 1 },
      authorization: { tokenStore: tokenFile, open: () => expect.fail('no sign-in expected') },
      createTransport: (_name, config, context) => {
        contexts.push(context)
        return createTransport(config, context)
      },
    })
    managers.push(manager)
    const [status] = await manager.start()
    expect(status).toMatchObject({ state: 'failed', error: expect.objectContaining({ message: expect.stringMatching(/HTTP 401/) }) })
    expect(contexts).toEqual([{}])
  })

  it('rejects login() and logout() of a server that does not use OAuth', async () => {
    const { url } = await servers()
    const { manager } = host(url, { oauth: false, restart: { maxAttempts: 1 } })
    await expect(manager.login('protected')).rejects.toThrow('Server "protected" does not use OAuth')
    await expect(manager.logout('protected')).rejects.toThrow('Server "protected" does not use OAuth')
    await expect(manager.login('nope')).rejects.toThrow('No server named "nope" in the config')
  })
})

describe('the OAuth client stays out of hosts without HTTP servers', () => {
  /** The modules of the OAuth client (and its dependencies) a manager of `servers` loads, run from the built package. */
  async function oauthModulesLoaded(servers: Record<string, ServerConfig>): Promise<{ states: string[]; oauth: string[] }> {
    const { stdout } = await promisify(execFile)(process.execPath, [fixture('import-probe.mjs'), HOST_DIST, JSON.stringify(servers)], { timeout: 15_000 })
    const { states, loaded } = JSON.parse(stdout) as { states: string[]; loaded: string[] }
    return { states, oauth: loaded.filter((url) => /\/packages\/auth\/|\/oauth4webapi\/|\/jose\//.test(url)) }
  }

  it('never loads @plugboard/auth/client for stdio servers, and loads it for the first HTTP one', async () => {
    const stdio = await oauthModulesLoaded({ local: fixtureServer() })
    expect(stdio).toEqual({ states: ['ready'], oauth: [] })
    const http = await oauthModulesLoaded({ remote: { transport: 'http', url: 'http://127.0.0.1:9/mcp', headers: {} } })
    expect(http.oauth).toContainEqual(expect.stringMatching(/\/packages\/auth\/dist\/client\/index\.js$/))
  })

  it('imports @plugboard/auth/client only dynamically in the source, and its types statically', async () => {
    const src = fileURLToPath(new URL('../src/', import.meta.url))
    const files = (await readdir(src, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    expect(files.length).toBeGreaterThan(5)
    for (const entry of files) {
      const file = join(entry.parentPath, entry.name)
      const text = await readFile(file, 'utf8')
      for (const line of text.split('\n').filter((l) => l.includes("'@plugboard/auth/client'"))) {
        expect(line, `${file}: ${line}`).toMatch(/^import type |import\('@plugboard\/auth\/client'\)/)
      }
    }
  })
})
