import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { decodeJwt, exportJWK, generateKeyPair } from 'jose'
import type Provider from 'oidc-provider'
import type { Adapter, AdapterPayload, Configuration, KoaContextWithOIDC } from 'oidc-provider'

/** A running OAuth 2.1 authorization server (oidc-provider) on 127.0.0.1, for end-to-end tests. */
export interface TestAuthorizationServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  issuer: string
  jwksUrl: string
  /**
   * Drives the login + consent screens headlessly (as user `subject`, granting what was asked), returns the URL the
   * browser would be redirected to (redirect_uri?code=…&state=…&iss=…) WITHOUT fetching it. `deny: true` makes the
   * user refuse at the consent screen (the redirect carries error=access_denied). Each call is a fresh browser: its
   * own cookie jar, so the user always signs in and is always asked for consent.
   */
  approve(authorizationUrl: URL | string, options?: { subject?: string; deny?: boolean }): Promise<URL>
  /**
   * Revokes a token (access or refresh; JWT access tokens by their `jti`) as the AS would after the user withdraws
   * consent: the whole grant goes, with every token issued from it. Rejects for a token this server never issued.
   */
  revoke(token: string): Promise<void>
  close(): Promise<void>
}

export interface AuthorizationServerOptions {
  /** The MCP server's resource identifier, e.g. http://127.0.0.1:4000/mcp; access tokens for it are JWTs with aud = resource. */
  resource: string | (() => string)
  /** Scopes the resource accepts, e.g. ['mcp:read','mcp:write']. */
  scopes: string[]
  /** Access token lifetime in seconds (default 3600), so tests can make one expire. */
  accessTokenTtl?: number
  /**
   * `'jwt'` (default) or `'opaque'`. oidc-provider refuses to introspect (and revoke) JWT access tokens at its
   * endpoints, so a test of an introspecting resource server needs opaque ones.
   */
  accessTokenFormat?: 'jwt' | 'opaque'
}

/**
 * Starts oidc-provider on 127.0.0.1 (port 0) with Dynamic Client Registration, Resource Indicators, DPoP, PKCE S256,
 * refresh-token rotation, revocation and introspection, and its own minimal login/consent screens.
 *
 * @example
 * const as = await startAuthorizationServer({ resource: 'http://127.0.0.1:4000/mcp', scopes: ['mcp:read'] })
 * const callback = await as.approve(authorizationUrl)   // http://127.0.0.1:…/callback?code=…&state=…&iss=…
 * await as.close()
 */
export async function startAuthorizationServer(options: AuthorizationServerOptions): Promise<TestAuthorizationServer> {
  const { default: OidcProvider, errors } = await importQuietly()
  const resourceOf = typeof options.resource === 'function' ? options.resource : () => options.resource as string
  const accessTokenTtl = options.accessTokenTtl ?? 3600
  const scopesSupported = [...new Set(['openid', 'offline_access', ...options.scopes])]

  const { privateKey } = await generateKeyPair('ES256', { extractable: true })
  const signingKey = { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'ES256', use: 'sig' }

  const configuration: Configuration = {
    adapter: memoryAdapter(),
    jwks: { keys: [signingKey] },
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      // The default is RS256, and our only key is an EC one.
      id_token_signed_response_alg: 'ES256',
    },
    responseTypes: ['code'],
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: true, initialAccessToken: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resourceOf(),
        // A token request without `resource` still gets a token for the granted resource, not a userinfo one.
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          if (indicator !== resourceOf()) throw new errors.InvalidTarget(`unknown resource ${indicator}`)
          return {
            scope: options.scopes.join(' '),
            audience: indicator,
            accessTokenTTL: accessTokenTtl,
            accessTokenFormat: options.accessTokenFormat ?? 'jwt',
            jwt: { sign: { alg: 'ES256' } },
          }
        },
      },
      dPoP: { enabled: true },
      revocation: { enabled: true, allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId },
      // oidc-provider's default policy, restated so it does not print its "you SHOULD change it" notice.
      introspection: {
        enabled: true,
        allowedPolicy: (_ctx, client, token) => client.clientAuthMethod !== 'none' || token.clientId === client.clientId,
      },
      rpInitiatedLogout: { enabled: false },
    },
    // Refresh tokens for offline_access, and for public clients (which are held to PKCE) even without it.
    issueRefreshToken: (_ctx, client, code) =>
      client.grantTypeAllowed('refresh_token') && (code.scopes.has('offline_access') || client.clientAuthMethod === 'none'),
    rotateRefreshToken: true,
    // Every default that is a function prints a notice the first time it runs; constants print nothing.
    ttl: {
      AccessToken: accessTokenTtl,
      AuthorizationCode: 60,
      ClientCredentials: accessTokenTtl,
      DeviceCode: 600,
      BackchannelAuthenticationRequest: 600,
      PreAuthorizedCode: 600,
      IdToken: 3600,
      RefreshToken: 14 * 24 * 3600,
      Interaction: 3600,
      Session: 14 * 24 * 3600,
      Grant: 14 * 24 * 3600,
    },
    clientBasedCORS: () => true,
    renderError: (ctx, out) => {
      ctx.type = 'json'
      ctx.body = out
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  }

  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const provider = new OidcProvider(issuer, configuration)

  // Discovery lists only the OpenID scopes it knows statically; resource scopes come from getResourceServerInfo.
  provider.use(async (ctx, next) => {
    await next()
    const { oidc } = ctx as unknown as KoaContextWithOIDC
    if (oidc?.route === 'discovery' && ctx.body && typeof ctx.body === 'object') {
      ;(ctx.body as { scopes_supported?: string[] }).scopes_supported = scopesSupported
    }
  })

  // JWT access tokens are never stored (so neither found nor revoked by value); remember which grant each came from.
  const jwtGrants = new Map<string, string>()
  provider.on('access_token.issued', (token) => {
    if (token.grantId) jwtGrants.set(token.jti, token.grantId)
  })

  const callback = provider.callback()
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.url?.startsWith('/interaction/')) void interact(provider, issuer, req, res)
    else void callback(req, res)
  })

  return {
    issuer,
    jwksUrl: provider.urlFor('jwks'),
    approve: (authorizationUrl, approveOptions) => approve(issuer, new URL(authorizationUrl), approveOptions),
    async revoke(token) {
      let grantId: string | undefined
      if (isJwt(token)) {
        const { jti } = decodeJwt(token)
        grantId = jti === undefined ? undefined : jwtGrants.get(jti)
        if (!grantId) throw new Error('revoke: this authorization server did not issue that token')
      } else {
        const found =
          (await provider.AccessToken.find(token, { ignoreExpiration: true })) ??
          (await provider.RefreshToken.find(token, { ignoreExpiration: true }))
        if (!found) throw new Error('revoke: this authorization server did not issue that token')
        await found.destroy()
        grantId = found.grantId
      }
      if (!grantId) return
      const revokedId = grantId
      await Promise.all([provider.AccessToken, provider.RefreshToken, provider.AuthorizationCode].map((model) => model.revokeByGrantId(revokedId)))
      await (await provider.Grant.find(revokedId))?.destroy()
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}

/**
 * oidc-provider 9 prints "Unsupported runtime. Use Node.js v22.x LTS" when the module is first evaluated on Node 20
 * (it runs fine there); with the adapter, keys and helpers configured above, that is the only notice left to mute.
 */
let loading: Promise<typeof import('oidc-provider')> | undefined
function importQuietly(): Promise<typeof import('oidc-provider')> {
  loading ??= (async () => {
    const { warn, info } = console
    const quiet =
      (log: (...data: unknown[]) => void) =>
      (...data: unknown[]) => {
        if (typeof data[0] !== 'string' || !data[0].startsWith('oidc-provider ')) log.apply(console, data)
      }
    console.warn = quiet(warn)
    console.info = quiet(info)
    try {
      return await import('oidc-provider')
    } finally {
      console.warn = warn
      console.info = info
    }
  })()
  return loading
}

/**
 * A per-server store, so parallel servers share nothing (oidc-provider's default memory adapter is module-wide and
 * announces itself as development-only on every start).
 */
function memoryAdapter(): (model: string) => Adapter {
  const store = new Map<string, { payload: AdapterPayload; expiresAt: number }>()
  const grantMembers = new Map<string, Set<string>>()
  const sessionIds = new Map<string, string>()
  const read = (key: string) => {
    const entry = store.get(key)
    if (entry && entry.expiresAt <= Date.now()) store.delete(key)
    return entry && entry.expiresAt > Date.now() ? entry.payload : undefined
  }
  return (model) => {
    const key = (id: string) => `${model}:${id}`
    return {
      async upsert(id, payload, expiresIn) {
        store.set(key(id), { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : Infinity })
        if (model === 'Session' && payload.uid) sessionIds.set(payload.uid, id)
        if (payload.grantId) {
          const members = grantMembers.get(payload.grantId) ?? new Set()
          grantMembers.set(payload.grantId, members.add(key(id)))
        }
      },
      find: async (id) => read(key(id)),
      findByUid: async (uid) => {
        const id = sessionIds.get(uid)
        return id === undefined ? undefined : read(key(id))
      },
      findByUserCode: async () => undefined,
      async consume(id) {
        const payload = read(key(id))
        if (payload) payload.consumed = Math.floor(Date.now() / 1000)
      },
      async destroy(id) {
        store.delete(key(id))
      },
      async revokeByGrantId(grantId) {
        for (const member of grantMembers.get(grantId) ?? []) {
          if (member.startsWith(`${model}:`)) store.delete(member)
        }
      },
    }
  }
}

/**
 * The login and consent screens: one HTML form each, posted back to /interaction/<uid>/<prompt>. oidc-provider scopes
 * the `_interaction` cookie to this path, so the uid in the URL and the cookie must agree.
 */
async function interact(provider: Provider, issuer: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const [, , uid, action] = new URL(req.url ?? '/', issuer).pathname.split('/')
    const interaction = await provider.interactionDetails(req, res)
    if (interaction.uid !== uid) throw new Error('the interaction cookie belongs to another interaction')
    const prompt = interaction.prompt.name

    if (req.method === 'GET' && action === undefined) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      res.end(screen(interaction.uid, prompt, interaction.params))
      return
    }
    if (req.method !== 'POST' || action !== prompt) throw new Error(`no ${req.method} ${action} during the ${prompt} prompt`)

    const form = new URLSearchParams(await readBody(req))
    if (form.get('decision') === 'deny') {
      await provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'End-User refused the authorization request' },
        { mergeWithLastSubmission: false },
      )
      return
    }
    if (prompt === 'login') {
      const subject = form.get('subject')
      if (!subject) throw new Error('missing subject')
      await provider.interactionFinished(req, res, { login: { accountId: subject } }, { mergeWithLastSubmission: false })
      return
    }

    // Consent: grant exactly what the consent prompt reports as missing (oidc-provider's own example does the same).
    const { details } = interaction.prompt
    const grant = interaction.grantId
      ? await provider.Grant.find(interaction.grantId)
      : new provider.Grant({ accountId: interaction.session?.accountId, clientId: String(interaction.params.client_id) })
    if (!grant) throw new Error('the grant being extended is gone')
    const missingOIDCScope = details.missingOIDCScope as string[] | undefined
    const missingOIDCClaims = details.missingOIDCClaims as string[] | undefined
    const missingResourceScopes = details.missingResourceScopes as Record<string, string[]> | undefined
    if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '))
    if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims)
    for (const [indicator, scopes] of Object.entries(missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '))
    const grantId = await grant.save()
    await provider.interactionFinished(req, res, { consent: interaction.grantId ? {} : { grantId } }, { mergeWithLastSubmission: true })
  } catch (error) {
    if (res.headersSent) {
      res.destroy()
      return
    }
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' })
    res.end(error instanceof Error ? error.message : String(error))
  }
}

function screen(uid: string, prompt: string, params: Record<string, unknown>): string {
  const action = `/interaction/${encodeURIComponent(uid)}/${encodeURIComponent(prompt)}`
  const fields =
    prompt === 'login'
      ? '<label>Subject <input name="subject" value="user"></label>'
      : `<p>${escapeHtml(String(params.client_id))} asks for <code>${escapeHtml(String(params.scope ?? ''))}</code> on ${escapeHtml(String(params.resource ?? ''))}</p>`
  return `<!doctype html><meta charset="utf-8"><title>${escapeHtml(prompt)}</title>
<form method="post" action="${escapeHtml(action)}" data-prompt="${escapeHtml(prompt)}">
${fields}
<button name="decision" value="allow">Allow</button> <button name="decision" value="deny">Deny</button>
</form>`
}

/** A headless browser: real HTTP, manual redirects, a cookie jar; stops at the first redirect off the issuer. */
async function approve(issuer: string, authorizationUrl: URL, options: { subject?: string; deny?: boolean } = {}): Promise<URL> {
  const origin = new URL(issuer).origin
  if (authorizationUrl.origin !== origin) throw new Error(`approve: ${authorizationUrl.href} is not on ${issuer}`)
  const jar = new CookieJar()
  let url = authorizationUrl
  let body: URLSearchParams | undefined
  for (let step = 0; step < 20; step++) {
    if (url.origin !== origin) return url
    const cookie = jar.header(url)
    const response = await fetch(url, {
      method: body ? 'POST' : 'GET',
      body,
      redirect: 'manual',
      headers: cookie ? { cookie } : {},
    })
    jar.store(url, response)
    const location = response.headers.get('location')
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel()
      url = new URL(location, url)
      body = undefined
      continue
    }
    const page = await response.text()
    const form = /<form method="post" action="([^"]+)" data-prompt="([^"]+)">/.exec(page)
    if (response.status !== 200 || !form) throw new Error(`approve: ${url.pathname} answered ${response.status}: ${page.slice(0, 500)}`)
    const [, action = '', prompt] = form
    body = new URLSearchParams({ decision: options.deny && prompt === 'consent' ? 'deny' : 'allow' })
    if (prompt === 'login') body.set('subject', options.subject ?? 'user')
    url = new URL(action, url)
  }
  throw new Error('approve: too many redirects')
}

/** Just enough RFC 6265 for one host: name, value, Path, and deletion by Expires/Max-Age. */
class CookieJar {
  #cookies = new Map<string, { name: string; value: string; path: string }>()

  header(url: URL): string | undefined {
    const matching = [...this.#cookies.values()]
      .filter(({ path }) => url.pathname === path || (url.pathname.startsWith(path) && (path.endsWith('/') || url.pathname[path.length] === '/')))
      .sort((a, b) => b.path.length - a.path.length)
    return matching.length ? matching.map(({ name, value }) => `${name}=${value}`).join('; ') : undefined
  }

  store(url: URL, response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';')
      const separator = pair.indexOf('=')
      const name = pair.slice(0, separator).trim()
      const value = pair.slice(separator + 1).trim()
      let path = url.pathname.slice(0, Math.max(url.pathname.lastIndexOf('/'), 1))
      let expired = false
      for (const attribute of attributes) {
        const at = attribute.indexOf('=')
        const key = (at === -1 ? attribute : attribute.slice(0, at)).trim().toLowerCase()
        const attributeValue = at === -1 ? '' : attribute.slice(at + 1).trim()
        if (key === 'path') path = attributeValue || '/'
        else if (key === 'expires') expired = Date.parse(attributeValue) <= Date.now()
        else if (key === 'max-age') expired = Number(attributeValue) <= 0
      }
      if (expired) this.#cookies.delete(`${path} ${name}`)
      else this.#cookies.set(`${path} ${name}`, { name, value, path })
    }
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function isJwt(token: string): boolean {
  return token.split('.').length === 3
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}
