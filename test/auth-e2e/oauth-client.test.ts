// End to end: Plugboard's OAuth client (`@plugboard/auth/client`) and a Plugboard MCP server
// protected with `@plugboard/auth` (Protected Resource Metadata, bearerAuth, jwtVerifier), against a
// real authorization server (oidc-provider, test/auth-e2e/authorization-server.ts), all on
// 127.0.0.1. The browser's part is played by the fixture's `approve()` followed by a real request to
// the client's loopback redirect listener. Bad input is refused with a clear error and no token stored.
import { execFile, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { fileTokenStore, memoryTokenStore, oauthProvider, OAuthClientError, type TokenStore } from '@plugboard/auth/client'
import type { Client } from '@plugboard/client'
import { decodeJwt } from 'jose'
import { afterEach, describe, expect, it } from 'vitest'
import { browser, call, cleanup, connect, listen, onCleanup, setup } from './harness.js'

const root = fileURLToPath(new URL('../../', import.meta.url))

afterEach(cleanup)

const whoami = (client: Client) => call(client, 'whoami')

async function storedTokens(store: TokenStore, issuer: string, resource: string) {
  return store.getTokens({ issuer, resource })
}

describe('the OAuth client against oidc-provider and a protected Plugboard server', () => {
  it('signs in once with PKCE (DCR, loopback redirect, resource, iss), then a second client with the same store does not', async () => {
    const { as, resource } = await setup()
    const store = memoryTokenStore()
    const opened: URL[] = []
    const client = await connect(resource, { clientName: 'e2e', redirect: browser(as, opened), store })
    expect(await whoami(client)).not.toBe('nobody')
    expect(opened).toHaveLength(1)
    const asked = opened[0]!.searchParams
    expect(asked.get('code_challenge_method')).toBe('S256')
    expect(asked.get('resource')).toBe(resource)
    // scopes_supported of the resource, plus offline_access because the authorization server offers it.
    expect(asked.get('scope')).toBe('mcp:read offline_access')
    const tokens = await storedTokens(store, as.issuer, resource)
    expect(decodeJwt(tokens!.access_token)).toMatchObject({ aud: resource, iss: as.issuer })
    expect(tokens!.refresh_token).toBeTruthy()

    const again: URL[] = []
    const second = await connect(resource, { clientName: 'e2e', redirect: browser(as, again), store })
    expect(await whoami(second)).not.toBe('nobody')
    expect(again).toHaveLength(0)
  })

  it('refreshes an expiring access token without signing in again', async () => {
    const { as, resource } = await setup({ accessTokenTtl: 2 })
    const store = memoryTokenStore()
    const opened: URL[] = []
    const client = await connect(resource, { redirect: browser(as, opened), store })
    await whoami(client)
    const first = (await storedTokens(store, as.issuer, resource))!
    await whoami(client)
    const second = (await storedTokens(store, as.issuer, resource))!
    expect(second.access_token).not.toBe(first.access_token)
    expect(second.refresh_token).not.toBe(first.refresh_token) // rotated by the authorization server
    expect(opened).toHaveLength(1)
  })

  it('after the grant is revoked, signs in again once the access token is gone', async () => {
    const { as, resource } = await setup({ accessTokenTtl: 1 })
    const store = memoryTokenStore()
    const opened: URL[] = []
    const client = await connect(resource, { redirect: browser(as, opened), store })
    await whoami(client)
    await as.revoke((await storedTokens(store, as.issuer, resource))!.refresh_token!)
    await new Promise((resolve) => setTimeout(resolve, 1100))
    expect(await whoami(client)).not.toBe('nobody')
    expect(opened).toHaveLength(2)
  })

  it.each<[string, (redirect: URL) => void, RegExp]>([
    ['a wrong state', (r) => r.searchParams.set('state', 'forged'), /state/],
    ['a mismatched iss', (r) => r.searchParams.set('iss', 'https://evil.example.com'), /iss/],
    ['a missing iss from a server that advertises it', (r) => r.searchParams.delete('iss'), /iss/],
  ])('refuses a redirect with %s, and stores no token', async (_name, tamper, reason) => {
    const { as, resource } = await setup()
    const store = memoryTokenStore()
    const error = await connect(resource, { redirect: browser(as, [], tamper), store }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Error)
    expect(String((error as Error).message)).toMatch(reason)
    expect(await storedTokens(store, as.issuer, resource)).toBeUndefined()
  })

  it('refuses resource metadata that names another server, before asking anyone to sign in', async () => {
    const opened: URL[] = []
    const { as, resource } = await setup({ resourceMetadata: (_r, issuer) => ({ resource: 'https://evil.example.com/mcp', authorization_servers: [issuer] }) })
    const store = memoryTokenStore()
    const error = await connect(resource, { redirect: browser(as, opened), store }).catch((e: unknown) => e)
    expect(String(error)).toMatch(/evil\.example\.com.*refusing/)
    expect(opened).toHaveLength(0)
    expect(await store.tokensFor(resource)).toEqual([])
  })

  it('refuses authorization server metadata served from another origin in the name of the real issuer', async () => {
    const opened: URL[] = []
    let realIssuer = ''
    // A look-alike: serves the real authorization server's metadata, issuer included, from its own origin.
    const { origin: fake } = await listen(async (req, res) => {
      const real = await fetch(`${realIssuer}${req.url}`)
      res.writeHead(real.status, { 'content-type': 'application/json' }).end(await real.text())
    })
    const { as, resource } = await setup({ resourceMetadata: (r) => ({ resource: r, authorization_servers: [fake] }) })
    realIssuer = as.issuer
    const store = memoryTokenStore()
    const error = await connect(resource, { redirect: browser(as, opened), store }).catch((e: unknown) => e)
    expect(String(error)).toMatch(/names the issuer .* not http:\/\/127\.0\.0\.1:\d+; refusing to use it/)
    expect(opened).toHaveLength(0)
    expect(await store.tokensFor(resource)).toEqual([])
  })

  it('the server refuses a token issued for another resource (audience), with invalid_token', async () => {
    const { as, resource } = await setup()
    const other = await setup()
    const store = memoryTokenStore()
    await whoami(await connect(resource, { redirect: browser(as, []), store }))
    const token = (await storedTokens(store, as.issuer, resource))!.access_token
    const response = await fetch(other.resource, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    })
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"')
  })

  it('OAuthClientError carries a code to branch on', async () => {
    const { as, resource } = await setup({ resourceMetadata: (_r, issuer) => ({ resource: 'https://evil.example.com/mcp', authorization_servers: [issuer] }) })
    const provider = oauthProvider({ redirect: browser(as, []) })
    const error = await provider.login(resource).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OAuthClientError)
    expect((error as OAuthClientError).code).toBe('resource_mismatch')
  })
})

describe('the client README example (apps/examples/client-quickstart/src/protected.ts)', () => {
  it('prints the sign-in URL, lists the tools once signed in, keeps the tokens 0600, and signs in silently the next run', async () => {
    const { as, resource } = await setup()
    const home = mkdtempSync(join(tmpdir(), 'plugboard-home-'))
    onCleanup(() => rmSync(home, { recursive: true, force: true }))
    const script = `${root}apps/examples/client-quickstart/dist/protected.js`
    // No browser here: the example's default opener fails quietly and the test plays the user with the printed URL.
    const env = { ...process.env, HOME: home, PATH: '/nonexistent', BROWSER: '' }

    const child = spawn(process.execPath, [script, resource], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk))
    const signedIn = new Promise<void>((resolve, reject) => {
      child.stderr.on('data', async (chunk: Buffer) => {
        stderr += chunk
        const url = /https?:\/\/\S+/.exec(stderr)?.[0]
        if (!url || !url.startsWith(as.issuer)) return
        try {
          await fetch(await as.approve(url)).then((r) => r.text())
          resolve()
        } catch (error) {
          reject(error)
        }
      })
    })
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
    await signedIn
    expect(await exited).toBe(0)
    expect(stdout).toContain("[ 'whoami', 'write' ]")
    expect(statSync(join(home, '.my-cli/tokens.json')).mode & 0o777).toBe(0o600)

    const second = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) =>
      execFile(process.execPath, [script, resource], { env, timeout: 15_000 }, (error, out, err) => (error ? reject(error) : resolve({ stdout: out, stderr: err }))),
    )
    expect(second.stdout).toContain("[ 'whoami', 'write' ]")
    expect(second.stderr).not.toContain(as.issuer)
    // The token file holds tokens for this resource, and nothing of them reached the output.
    const tokens = await fileTokenStore(join(home, '.my-cli/tokens.json')).getTokens({ issuer: as.issuer, resource })
    expect(tokens?.access_token).toBeTruthy()
    expect(stdout + stderr + second.stdout + second.stderr).not.toContain(tokens!.access_token)
  }, 30_000)
})
