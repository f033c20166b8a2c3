import { randomUUID } from 'node:crypto'
import { chmod, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises'
import { homedir } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'

/** Tokens issued for one resource by one authorization server. */
export interface StoredTokens {
  access_token: string
  token_type: string
  refresh_token?: string
  scope?: string
  /** epoch ms */
  expires_at?: number
  /** DPoP key thumbprint the token is bound to */
  dpop_jkt?: string
  /** The registration the tokens were issued to: a refresh must authenticate as this client. */
  client?: StoredClient
}

/** A client registration (pre-registered or RFC 7591 dynamic) with one authorization server. */
export interface StoredClient {
  client_id: string
  client_secret?: string
  token_endpoint_auth_method?: string
  /** epoch s, RFC 7591 */
  client_secret_expires_at?: number
  [k: string]: unknown
}

/** Which tokens: those one authorization server (`issuer`) issued for one resource (RFC 8707 `resource`). */
export interface TokenKey {
  issuer: string
  resource: string
}

/** Where the OAuth client keeps tokens (per issuer and resource) and client registrations (per issuer). */
export interface TokenStore {
  getTokens(key: TokenKey): Promise<StoredTokens | undefined>
  setTokens(key: TokenKey, tokens: StoredTokens): Promise<void>
  deleteTokens(key: TokenKey): Promise<void>
  getClient(issuer: string): Promise<StoredClient | undefined>
  setClient(issuer: string, client: StoredClient): Promise<void>
  deleteClient(issuer: string): Promise<void>
  /** Everything stored for a resource (logout): its tokens under every issuer. */
  forget(resource: string): Promise<void>
  /** The tokens stored for a resource, under each issuer (a client starting up presents them before any discovery). */
  tokensFor(resource: string): Promise<Array<{ issuer: string; tokens: StoredTokens }>>
}

/** The whole store as one value: what the file holds, and what the memory store keeps. */
interface Contents {
  version: 1
  /** Keyed by {@link tokenKey}. */
  tokens: Record<string, StoredTokens>
  /** Keyed by issuer. */
  clients: Record<string, StoredClient>
}

// A JSON array cannot collide the way `${issuer}|${resource}` can: both halves are URLs and may hold any separator.
const tokenKey = (key: TokenKey): string => JSON.stringify([key.issuer, key.resource])

function keyOf(key: string): TokenKey | undefined {
  try {
    const parsed: unknown = JSON.parse(key)
    return Array.isArray(parsed) && typeof parsed[0] === 'string' && typeof parsed[1] === 'string' ? { issuer: parsed[0], resource: parsed[1] } : undefined
  } catch {
    return undefined
  }
}

const resourceOf = (key: string): string | undefined => keyOf(key)?.resource

// Null-prototype records: an issuer spelt `__proto__` or `toString` is then just a key.
const record = <T>(from: Record<string, unknown> = {}): Record<string, T> => Object.assign(Object.create(null) as Record<string, T>, from)
const empty = (): Contents => ({ version: 1, tokens: record(), clients: record() })

/** A copy of the entry, so a caller mutating what it got back does not change what is stored. */
const own = <T>(from: Record<string, T>, key: string): T | undefined => (Object.hasOwn(from, key) ? structuredClone(from[key]) : undefined)

function remove(from: Record<string, unknown>, key: string): boolean {
  if (!Object.hasOwn(from, key)) return false
  delete from[key]
  return true
}

/**
 * The store's operations over a read-modify-write of {@link Contents}; `update` returns false when it
 * changed nothing, so nothing is written.
 */
function storeOver(read: () => Promise<Contents>, write: (update: (contents: Contents) => boolean) => Promise<void>): TokenStore {
  return {
    getTokens: async (key) => own((await read()).tokens, tokenKey(key)),
    setTokens: (key, tokens) =>
      write((c) => {
        c.tokens[tokenKey(key)] = structuredClone(tokens)
        return true
      }),
    deleteTokens: (key) => write((c) => remove(c.tokens, tokenKey(key))),
    getClient: async (issuer) => own((await read()).clients, issuer),
    setClient: (issuer, client) =>
      write((c) => {
        c.clients[issuer] = structuredClone(client)
        return true
      }),
    deleteClient: (issuer) => write((c) => remove(c.clients, issuer)),
    forget: (resource) =>
      write((c) => {
        const keys = Object.keys(c.tokens).filter((k) => resourceOf(k) === resource)
        for (const k of keys) delete c.tokens[k]
        return keys.length > 0
      }),
    tokensFor: async (resource) => {
      const { tokens } = await read()
      return Object.keys(tokens).flatMap((k) => {
        const key = keyOf(k)
        return key?.resource === resource ? [{ issuer: key.issuer, tokens: structuredClone(tokens[k]!) }] : []
      })
    },
  }
}

/** A {@link TokenStore} in this process's memory: nothing survives a restart. Values are copied in and out. */
export function memoryTokenStore(): TokenStore {
  const contents = empty()
  return storeOver(
    async () => contents,
    async (update) => void update(contents),
  )
}

/**
 * A {@link TokenStore} in one JSON file (`{ "version": 1, "tokens": {…}, "clients": {…} }`), readable
 * only by its owner: created 0600 in a directory created 0700, tightened to 0600 if it was looser, and
 * replaced atomically (a 0600 temp file beside it, then a rename) so a crash never leaves half a file.
 * Writes within the process are serialised; the file is re-read on every call, so another process's
 * last write is seen. A leading `~/` in `path` is the home directory.
 *
 * @example
 * const store = fileTokenStore('~/.config/my-host/oauth.json')
 */
export function fileTokenStore(path: string): TokenStore {
  const file = resolve(path.startsWith('~/') ? join(homedir(), path.slice(2)) : path)
  // Every operation, reads too, runs after the previous one, so a read sees every write that came before it.
  let tail: Promise<unknown> = Promise.resolve()
  const serial = <T>(op: () => Promise<T>): Promise<T> => {
    const result = tail.then(op)
    tail = result.catch(() => undefined)
    return result
  }
  return storeOver(
    () => serial(() => load(file)),
    (update) =>
      serial(async () => {
        const contents = await load(file)
        if (update(contents)) await save(file, contents)
      }),
  )
}

async function load(file: string): Promise<Contents> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return empty()
    throw error
  }
  // A file someone else wrote (or copied) may be group- or world-readable; it holds secrets.
  if (process.platform !== 'win32' && ((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600)
  // No `cause` and no excerpt: JSON.parse's message quotes the text, and the text holds secrets.
  const corrupt = (why: string) => new Error(`The token store ${file} ${why}; move it aside or delete it to sign in again`)
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw corrupt('is not valid JSON')
  }
  if (!isRecord(parsed)) throw corrupt('is not a JSON object')
  if (parsed.version !== 1) throw corrupt(typeof parsed.version === 'number' && parsed.version > 1 ? `has version ${parsed.version}, newer than this program reads` : 'has no known version')
  if (!isRecord(parsed.tokens) || !isRecord(parsed.clients)) throw corrupt('lacks its "tokens" or "clients" object')
  return { version: 1, tokens: record(parsed.tokens), clients: record(parsed.clients) }
}

async function save(file: string, contents: Contents): Promise<void> {
  const dir = dirname(file)
  // `mode` applies only to the directories this creates; an existing one (say, ~/.config) is left as it is.
  await mkdir(dir, { recursive: true, mode: 0o700 })
  // Same directory, so the rename stays on one filesystem and is atomic.
  const temp = join(dir, `.${basename(file)}.${process.pid}.${randomUUID()}.tmp`)
  try {
    const handle = await open(temp, 'wx', 0o600)
    try {
      await handle.writeFile(`${JSON.stringify(contents, null, 2)}\n`, 'utf8')
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temp, file)
  } catch (error) {
    await unlink(temp).catch(() => undefined)
    throw error
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
