// The OAuth provider's own rules, against a small authorization server and resource metadata served
// over real HTTP on 127.0.0.1: PKCE S256 required, one flow for concurrent refusals, pre-registered
// credentials bound to their issuer, step-up that stops when it can't help, logout revoking and
// forgetting, machine clients without a redirect, and no secret in any error.
// (The whole flow against the official referee: scripts/conformance.sh; against oidc-provider: test/auth-e2e.)
import type { IncomingMessage } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { closeAll, listen } from '../../test/listen.js'
import { OAuthClientError } from './errors.js'
import { headlessRedirect } from './loopback.js'
import { oauthProvider, type OAuthOptions } from './oauth.js'
import { memoryTokenStore } from './store.js'

afterEach(closeAll)

const REDIRECT = 'http://127.0.0.1:9/callback'
const SECRET = 'client-secret-do-not-print'

interface Hits {
  authorize: URL[]
  token: URLSearchParams[]
  register: number
  revoke: URLSearchParams[]
  /** The client id of each token request's HTTP Basic authentication. */
  tokenClient: (string | undefined)[]
}

async function body(req: IncomingMessage): Promise<string> {
  let text = ''
  for await (const chunk of req) text += chunk
  return text
}

/**
 * One origin serving a resource's metadata at /.well-known/oauth-protected-resource/mcp and an
 * authorization server at /as (metadata, register, authorize → immediate redirect, token, revoke).
 */
async function world(options: { pkce?: string[] | null; grantTypes?: string[]; tokenError?: string; authorizationServers?: () => string[] } = {}) {
  const hits: Hits = { authorize: [], token: [], register: 0, revoke: [], tokenClient: [] }
  let n = 0
  const { origin } = await listen(async (req, res) => {
    const url = new URL(req.url!, 'http://x')
    const json = (status: number, value: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value))
    const issuer = `${origin}/as`
    if (url.pathname.startsWith('/.well-known/oauth-protected-resource/')) {
      return json(200, { resource: `${origin}/${url.pathname.slice('/.well-known/oauth-protected-resource/'.length)}`, authorization_servers: options.authorizationServers?.() ?? [issuer] })
    }
    if (url.pathname === '/.well-known/oauth-authorization-server/as' || url.pathname === '/.well-known/oauth-authorization-server/as2') {
      const at = url.pathname.endsWith('as2') ? `${origin}/as2` : issuer
      return json(200, {
        issuer: at,
        authorization_endpoint: `${at}/authorize`,
        token_endpoint: `${at}/token`,
        registration_endpoint: `${at}/register`,
        revocation_endpoint: `${at}/revoke`,
        ...(options.pkce === null ? {} : { code_challenge_methods_supported: options.pkce ?? ['S256'] }),
        ...(options.grantTypes ? { grant_types_supported: options.grantTypes } : {}),
        token_endpoint_auth_methods_supported: ['client_secret_basic'],
      })
    }
    if (url.pathname.endsWith('/register')) {
      hits.register++
      await body(req)
      return json(201, { client_id: `client-${hits.register}`, client_secret: SECRET, client_secret_expires_at: 0 })
    }
    if (url.pathname.endsWith('/authorize')) {
      hits.authorize.push(url)
      const back = new URL(url.searchParams.get('redirect_uri')!)
      back.searchParams.set('code', `code-${hits.authorize.length}`)
      back.searchParams.set('state', url.searchParams.get('state')!)
      return void res.writeHead(302, { location: back.href }).end()
    }
    if (url.pathname.endsWith('/token')) {
      const form = new URLSearchParams(await body(req))
      hits.token.push(form)
      const basic = req.headers.authorization?.replace(/^Basic /, '')
      hits.tokenClient.push(basic === undefined ? undefined : decodeURIComponent(Buffer.from(basic, 'base64').toString().split(':')[0]!))
      if (options.tokenError) return json(400, { error: options.tokenError, error_description: `refused ${form.get('code') ?? ''}` })
      n++
      return json(200, { access_token: `access-${n}`, token_type: 'Bearer', expires_in: 3600, refresh_token: `refresh-${n}`, scope: form.get('scope') ?? undefined })
    }
    if (url.pathname.endsWith('/revoke')) {
      hits.revoke.push(new URLSearchParams(await body(req)))
      return void res.writeHead(200).end()
    }
    res.writeHead(404).end()
  })
  return { origin, server: `${origin}/mcp`, issuer: `${origin}/as`, hits }
}

const provider = (options: OAuthOptions = {}) => oauthProvider({ redirect: headlessRedirect(REDIRECT), ...options })

describe('OAuthProvider', () => {
  it('refuses an authorization server that does not advertise PKCE S256, before sending the user anywhere', async () => {
    for (const pkce of [null, ['plain']]) {
      const w = await world({ pkce })
      const error = await provider().login(w.server).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(OAuthClientError)
      expect(error).toMatchObject({ code: 'unsupported', message: expect.stringContaining('S256') })
      expect(w.hits.authorize).toHaveLength(0)
    }
  })

  it('runs one flow for refusals that arrive together, and presents its token as Bearer', async () => {
    const w = await world()
    const oauth = provider()
    const challenge = { status: 401 as const, url: w.server, resourceMetadata: `${w.origin}/.well-known/oauth-protected-resource/mcp` }
    await Promise.all([oauth.onUnauthorized(challenge), oauth.onUnauthorized(challenge), oauth.onUnauthorized(challenge)])
    expect(w.hits.authorize).toHaveLength(1)
    expect(w.hits.register).toBe(1)
    expect(await oauth.headers({ method: 'POST', url: w.server })).toEqual({ authorization: 'Bearer access-1' })
    expect(await oauth.headers({ method: 'POST', url: `${w.origin}/other` })).toBeUndefined()
  })

  it('steps up with the union of scopes, and stops when the server still refuses what it asked for', async () => {
    const w = await world()
    const oauth = provider()
    await oauth.onUnauthorized({ status: 401, url: w.server, scope: 'read' })
    await oauth.onUnauthorized({ status: 403, url: w.server, scope: 'write', error: 'insufficient_scope' })
    expect(w.hits.authorize.map((u) => u.searchParams.get('scope'))).toEqual(['read', 'read write'])
    const error = await oauth.onUnauthorized({ status: 403, url: w.server, scope: 'write', error: 'insufficient_scope' }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'insufficient_scope' })
    expect(w.hits.authorize).toHaveLength(2)
  })

  it('refreshes on a 401 for the token it holds, with the resource, and signs in again only when the refresh fails', async () => {
    const w = await world()
    const oauth = provider()
    await oauth.login(w.server)
    await oauth.onUnauthorized({ status: 401, url: w.server, error: 'invalid_token' })
    const refresh = w.hits.token.at(-1)!
    expect(refresh.get('grant_type')).toBe('refresh_token')
    expect(refresh.get('refresh_token')).toBe('refresh-1')
    expect(refresh.get('resource')).toBe(w.server)
    expect(oauth.tokens(w.server)?.access_token).toBe('access-2')
    expect(w.hits.authorize).toHaveLength(1)
  })

  it('keeps pre-registered credentials to the issuer they belong to', async () => {
    let servers = () => [`${w.origin}/as`]
    const w = await world({ authorizationServers: () => servers() })
    const oauth = provider({ client: { client_id: 'pre', client_secret: SECRET } })
    await oauth.login(w.server)
    expect(w.hits.register).toBe(0)
    expect(w.hits.authorize[0]!.searchParams.get('client_id')).toBe('pre')
    servers = () => [`${w.origin}/as2`]
    const error = await oauth.login(w.server).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'registration_failed', message: expect.stringMatching(/belongs to .*\/as, .*\/as2/) })
    expect(w.hits.authorize).toHaveLength(1)
  })

  it('after the authorization server changes, registers with the new one and forgets the old registration', async () => {
    let servers = () => [`${w.origin}/as`]
    const w = await world({ authorizationServers: () => servers() })
    const oauth = provider()
    await oauth.login(w.server)
    servers = () => [`${w.origin}/as2`]
    await oauth.onUnauthorized({ status: 401, url: w.server })
    expect(w.hits.register).toBe(2)
    expect(w.hits.authorize.map((u) => `${u.pathname} ${u.searchParams.get('client_id')}`)).toEqual(['/as/authorize client-1', '/as2/authorize client-2'])
  })

  it('logout revokes the refresh token and forgets the tokens', async () => {
    const w = await world()
    const store = memoryTokenStore()
    const oauth = provider({ store })
    await oauth.login(w.server)
    expect(await store.getTokens({ issuer: w.issuer, resource: w.server })).toBeDefined()
    await oauth.logout(w.server)
    expect(w.hits.revoke.map((f) => f.get('token'))).toEqual(['refresh-1'])
    expect(await store.getTokens({ issuer: w.issuer, resource: w.server })).toBeUndefined()
    expect(oauth.tokens(w.server)).toBeUndefined()
    expect(await oauth.headers({ method: 'POST', url: w.server })).toBeUndefined()
  })

  it('without a redirect handler, a sign-in is interaction_required; with a client, client credentials are used instead', async () => {
    const w = await world()
    await expect(oauthProvider().login(w.server)).rejects.toMatchObject({ code: 'interaction_required' })
    const machine = await world({ grantTypes: ['client_credentials'] })
    const oauth = oauthProvider({ client: { client_id: 'robot', client_secret: SECRET } })
    await oauth.login(machine.server)
    expect(machine.hits.token[0]!.get('grant_type')).toBe('client_credentials')
    expect(machine.hits.token[0]!.get('resource')).toBe(machine.server)
    expect(machine.hits.authorize).toHaveLength(0)
  })

  it('a refused token request names the OAuth error, never the client secret', async () => {
    const w = await world({ tokenError: 'invalid_grant' })
    const error = (await provider().login(w.server).catch((e: unknown) => e)) as OAuthClientError
    expect(error).toMatchObject({ code: 'token_failed', message: expect.stringContaining('invalid_grant') })
    for (const text of [error.message, String(error.stack)]) expect(text).not.toContain(SECRET)
  })
})

describe('OAuthProvider and a shared store', () => {
  it('a new provider presents the stored Bearer token before any discovery, and runs the flow only when it is refused', async () => {
    const w = await world()
    const store = memoryTokenStore()
    await provider({ store }).login(w.server)
    const next = provider({ store })
    expect(await next.headers({ method: 'POST', url: w.server })).toEqual({ authorization: 'Bearer access-1' })
    expect(w.hits.token).toHaveLength(1)
    // The server refuses it: the stored refresh token is used, not the same access token again.
    await next.onUnauthorized({ status: 401, url: w.server, error: 'invalid_token' })
    expect(await next.headers({ method: 'POST', url: w.server })).toEqual({ authorization: 'Bearer access-2' })
    expect(w.hits.token.at(-1)!.get('grant_type')).toBe('refresh_token')
    expect(w.hits.authorize).toHaveLength(1)
  })

  it('refreshes tokens stored by another provider as the client they were issued to', async () => {
    const w = await world()
    const store = memoryTokenStore()
    await provider({ store }).login(w.server)
    const issuedTo = (await store.getTokens({ issuer: w.issuer, resource: w.server }))!.client!.client_id
    // Another provider sharing the store registered since (two sign-ins at once): the store's registration is now another one.
    await store.setClient(w.issuer, { client_id: 'client-other', client_secret: 'other-secret', token_endpoint_auth_method: 'client_secret_basic' })
    // The next run presents the stored token, and the server refuses it: refresh, as the client the tokens were issued to.
    const next = provider({ store })
    await next.headers({ method: 'POST', url: w.server })
    await next.onUnauthorized({ status: 401, url: w.server, error: 'invalid_token' })
    expect(w.hits.token.at(-1)!.get('grant_type')).toBe('refresh_token')
    expect(w.hits.tokenClient.at(-1)).toBe(issuedTo)
    expect(issuedTo).toBe('client-1')
    expect(w.hits.authorize).toHaveLength(1)
  })
})
