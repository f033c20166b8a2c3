import { chmod, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { fileTokenStore, memoryTokenStore, type StoredTokens, type TokenStore } from './store.js'

// Spies that call through, so one test can fail a rename and another can move the home directory.
vi.mock('node:fs/promises', async (actual) => {
  const fs = await actual<typeof import('node:fs/promises')>()
  return { ...fs, rename: vi.fn(fs.rename) }
})
vi.mock('node:os', async (actual) => {
  const os = await actual<typeof import('node:os')>()
  return { ...os, homedir: vi.fn(os.homedir) }
})

const AS = 'https://auth.example.com'
const MCP = 'https://mcp.example.com/mcp'
const tokens = (access_token: string): StoredTokens => ({ access_token, token_type: 'Bearer', refresh_token: `r-${access_token}`, expires_at: 1_900_000_000_000 })
const mode = async (path: string) => (await stat(path)).mode & 0o777
const posix = process.platform !== 'win32'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plugboard-store-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe.each<[string, () => TokenStore]>([
  ['memoryTokenStore', () => memoryTokenStore()],
  ['fileTokenStore', () => fileTokenStore(join(dir, 'oauth.json'))],
])('%s', (_name, create) => {
  it('returns the tokens and client it was given, and undefined for what it never had', async () => {
    const store = create()
    expect(await store.getTokens({ issuer: AS, resource: MCP })).toBeUndefined()
    expect(await store.getClient(AS)).toBeUndefined()
    await store.setTokens({ issuer: AS, resource: MCP }, { ...tokens('a'), scope: 'tools:call', dpop_jkt: 'jkt' })
    await store.setClient(AS, { client_id: 'c', client_secret: 's', client_secret_expires_at: 0, redirect_uris: ['http://127.0.0.1/callback'] })
    expect(await store.getTokens({ issuer: AS, resource: MCP })).toEqual({ ...tokens('a'), scope: 'tools:call', dpop_jkt: 'jkt' })
    expect(await store.getClient(AS)).toEqual({ client_id: 'c', client_secret: 's', client_secret_expires_at: 0, redirect_uris: ['http://127.0.0.1/callback'] })
  })

  it('keeps every issuer/resource pair apart, including pairs a separator-joined key would merge', async () => {
    const store = create()
    const pairs = [
      { issuer: AS, resource: MCP },
      { issuer: AS, resource: 'https://other.example.com/mcp' },
      { issuer: 'https://auth2.example.com', resource: MCP },
      // `${issuer}|${resource}` and `${issuer} ${resource}` are equal for these two.
      { issuer: 'https://a.example|https://b.example', resource: 'https://c.example' },
      { issuer: 'https://a.example', resource: 'https://b.example|https://c.example' },
      { issuer: '__proto__', resource: 'toString' },
    ]
    for (const [i, key] of pairs.entries()) await store.setTokens(key, tokens(`t${i}`))
    for (const [i, key] of pairs.entries()) expect((await store.getTokens(key))?.access_token).toBe(`t${i}`)
    await store.deleteTokens(pairs[0]!)
    expect(await store.getTokens(pairs[0]!)).toBeUndefined()
    expect((await store.getTokens(pairs[1]!))?.access_token).toBe('t1')
  })

  it('does not let a caller change what is stored by mutating what it got back', async () => {
    const store = create()
    const given = tokens('a')
    await store.setTokens({ issuer: AS, resource: MCP }, given)
    given.access_token = 'changed'
    const got = await store.getTokens({ issuer: AS, resource: MCP })
    got!.access_token = 'changed too'
    expect((await store.getTokens({ issuer: AS, resource: MCP }))?.access_token).toBe('a')
  })

  it('answers undefined for a client or tokens under a name Object.prototype has', async () => {
    const store = create()
    expect(await store.getClient('toString')).toBeUndefined()
    expect(await store.getClient('__proto__')).toBeUndefined()
    await store.setClient('__proto__', { client_id: 'p' })
    expect(await store.getClient('__proto__')).toEqual({ client_id: 'p' })
  })

  it('deletes a client without touching tokens', async () => {
    const store = create()
    await store.setClient(AS, { client_id: 'c' })
    await store.setTokens({ issuer: AS, resource: MCP }, tokens('a'))
    await store.deleteClient(AS)
    await store.deleteClient('https://never-stored.example.com')
    expect(await store.getClient(AS)).toBeUndefined()
    expect(await store.getTokens({ issuer: AS, resource: MCP })).toBeDefined()
  })

  it('forget(resource) drops its tokens under every issuer and keeps other resources and the clients', async () => {
    const store = create()
    await store.setClient(AS, { client_id: 'c' })
    await store.setTokens({ issuer: AS, resource: MCP }, tokens('a'))
    await store.setTokens({ issuer: 'https://auth2.example.com', resource: MCP }, tokens('b'))
    await store.setTokens({ issuer: AS, resource: `${MCP}/other` }, tokens('c'))
    await store.forget(MCP)
    expect(await store.getTokens({ issuer: AS, resource: MCP })).toBeUndefined()
    expect(await store.getTokens({ issuer: 'https://auth2.example.com', resource: MCP })).toBeUndefined()
    expect((await store.getTokens({ issuer: AS, resource: `${MCP}/other` }))?.access_token).toBe('c')
    expect(await store.getClient(AS)).toEqual({ client_id: 'c' })
  })

  it('tokensFor(resource) lists its tokens under each issuer, and nothing of other resources', async () => {
    const store = create()
    await store.setTokens({ issuer: AS, resource: MCP }, tokens('a'))
    await store.setTokens({ issuer: 'https://auth2.example.com', resource: MCP }, tokens('b'))
    await store.setTokens({ issuer: AS, resource: `${MCP}/other` }, tokens('c'))
    const found = await store.tokensFor(MCP)
    expect(found.map((f) => [f.issuer, f.tokens.access_token]).sort()).toEqual([
      [AS, 'a'],
      ['https://auth2.example.com', 'b'],
    ])
    found[0]!.tokens.access_token = 'changed'
    expect((await store.tokensFor(MCP)).map((f) => f.tokens.access_token).sort()).toEqual(['a', 'b'])
    expect(await store.tokensFor('https://nothing.example.com')).toEqual([])
  })

  it('lands every one of many concurrent setTokens calls', async () => {
    const store = create()
    const keys = Array.from({ length: 25 }, (_, i) => ({ issuer: AS, resource: `${MCP}/${i}` }))
    await Promise.all(keys.map((key, i) => store.setTokens(key, tokens(`t${i}`))))
    const got = await Promise.all(keys.map((key) => store.getTokens(key)))
    expect(got.map((t) => t?.access_token)).toEqual(keys.map((_, i) => `t${i}`))
  })
})

describe('fileTokenStore', () => {
  it('writes a versioned JSON file that a second store on the same path reads', async () => {
    const path = join(dir, 'oauth.json')
    await fileTokenStore(path).setTokens({ issuer: AS, resource: MCP }, tokens('a'))
    await fileTokenStore(path).setClient(AS, { client_id: 'c' })
    const json = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>
    expect(json).toEqual({ version: 1, tokens: { [JSON.stringify([AS, MCP])]: tokens('a') }, clients: { [AS]: { client_id: 'c' } } })
    expect((await fileTokenStore(path).getTokens({ issuer: AS, resource: MCP }))?.access_token).toBe('a')
  })

  it('reads a missing file as empty, and creates nothing until something is stored', async () => {
    const path = join(dir, 'oauth.json')
    const store = fileTokenStore(path)
    expect(await store.getTokens({ issuer: AS, resource: MCP })).toBeUndefined()
    await store.deleteTokens({ issuer: AS, resource: MCP })
    await store.forget(MCP)
    expect(await readdir(dir)).toEqual([])
  })

  it.runIf(posix)('creates the file 0600 and its missing directories 0700', async () => {
    const path = join(dir, 'a', 'b', 'oauth.json')
    await fileTokenStore(path).setClient(AS, { client_id: 'c' })
    expect(await mode(path)).toBe(0o600)
    expect(await mode(join(dir, 'a'))).toBe(0o700)
    expect(await mode(join(dir, 'a', 'b'))).toBe(0o700)
  })

  it.runIf(posix)('tightens an existing group- or world-readable file to 0600 on first read', async () => {
    const path = join(dir, 'oauth.json')
    await writeFile(path, JSON.stringify({ version: 1, tokens: {}, clients: { [AS]: { client_id: 'c' } } }))
    await chmod(path, 0o644)
    expect(await fileTokenStore(path).getClient(AS)).toEqual({ client_id: 'c' })
    expect(await mode(path)).toBe(0o600)
  })

  it.runIf(posix)('keeps the file 0600 after a rewrite', async () => {
    const path = join(dir, 'oauth.json')
    const store = fileTokenStore(path)
    await store.setClient(AS, { client_id: 'c' })
    await store.setTokens({ issuer: AS, resource: MCP }, tokens('a'))
    expect(await mode(path)).toBe(0o600)
  })

  it('leaves no temp file behind after many writes', async () => {
    const path = join(dir, 'oauth.json')
    const store = fileTokenStore(path)
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.setTokens({ issuer: AS, resource: `${MCP}/${i}` }, tokens(`t${i}`))))
    await store.deleteTokens({ issuer: AS, resource: `${MCP}/0` })
    expect(await readdir(dir)).toEqual(['oauth.json'])
  })

  it('leaves the old file whole and no temp file behind when the rename fails', async () => {
    const path = join(dir, 'oauth.json')
    const store = fileTokenStore(path)
    await store.setClient(AS, { client_id: 'c' })
    const before = await readFile(path, 'utf8')
    vi.mocked(rename).mockRejectedValueOnce(Object.assign(new Error('EXDEV: simulated'), { code: 'EXDEV' }))
    await expect(store.setClient(AS, { client_id: 'd' })).rejects.toThrow('simulated')
    expect(await readdir(dir)).toEqual(['oauth.json'])
    expect(await readFile(path, 'utf8')).toBe(before)
  })

  it.each([
    ['not JSON', '{"version":1,"tokens":{"secret-access-token'],
    ['not an object', '["secret-access-token"]'],
    ['of an unknown version', '{"version":2,"tokens":{},"clients":{},"x":"secret-access-token"}'],
    ['missing its tokens', '{"version":1,"clients":{},"x":"secret-access-token"}'],
  ])('refuses a file that is %s with an error naming the path and never its content', async (_what, content) => {
    const path = join(dir, 'oauth.json')
    await writeFile(path, content)
    const store = fileTokenStore(path)
    const error = await store.getTokens({ issuer: AS, resource: MCP }).then(
      () => undefined,
      (e: unknown) => e as Error,
    )
    expect(error).toBeInstanceOf(Error)
    expect(error!.message).toContain(path)
    expect(`${error!.message} ${String(error!.cause)} ${error!.stack}`).not.toContain('secret-access-token')
    // A write must not overwrite the file it could not read.
    await expect(store.setClient(AS, { client_id: 'c' })).rejects.toThrow(path)
    expect(await readFile(path, 'utf8')).toBe(content)
  })

  it('keeps serving calls after one failed', async () => {
    const path = join(dir, 'oauth.json')
    await writeFile(path, 'not json')
    const store = fileTokenStore(path)
    await expect(store.getClient(AS)).rejects.toThrow(path)
    await rm(path)
    await store.setClient(AS, { client_id: 'c' })
    expect(await store.getClient(AS)).toEqual({ client_id: 'c' })
  })

  it('expands a leading ~/ to the home directory', async () => {
    vi.mocked(homedir).mockReturnValueOnce(dir)
    await fileTokenStore('~/.config/host/oauth.json').setClient(AS, { client_id: 'c' })
    expect(JSON.parse(await readFile(join(dir, '.config', 'host', 'oauth.json'), 'utf8'))).toMatchObject({ clients: { [AS]: { client_id: 'c' } } })
  })
})
