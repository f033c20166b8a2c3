import { createHash, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { bearerAuth, protectedResourceMetadata, protectedResourceMetadataUrl, wellKnownRoute } from '@plugboard/auth'
import type { AuthInfo } from '@plugboard/protocol'
import { McpServer } from '@plugboard/server'
import { createMcpHandler, toNodeHandler, type McpHandler } from '@plugboard/transport-http'

const open = new Set<Server>()
const handlers = new Set<McpHandler>()

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ origin: string; http: Server }> {
  const http = createServer(handler)
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  open.add(http)
  return { origin: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, http }
}

/** Closes every server started here; each test's afterEach calls it. */
export async function closeServers(): Promise<void> {
  await Promise.all([...handlers].map((h) => h.close()))
  handlers.clear()
  await Promise.all(
    [...open].map((http) => {
      open.delete(http)
      http.closeAllConnections()
      return new Promise<void>((resolve) => http.close(() => resolve()))
    }),
  )
}

const token = () => randomBytes(16).toString('base64url')
const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url')

async function form(req: IncomingMessage): Promise<URLSearchParams> {
  let text = ''
  for await (const chunk of req) text += chunk
  return new URLSearchParams(text)
}

/**
 * A tiny OAuth 2.1 authorization server on 127.0.0.1: metadata (RFC 8414), Dynamic Client
 * Registration, an authorization endpoint that approves at once (a 302 straight back to the
 * redirect URI with code, state and iss), a token endpoint that checks PKCE S256 and rotates refresh
 * tokens, and revocation. `hits` counts requests per endpoint; `verifyToken` is the resource
 * server's check of the opaque access tokens it issued.
 */
export async function startAuthorizationServer(options: { expiresIn?: number } = {}) {
  const hits = { register: 0, authorize: 0, code: 0, refresh: 0, revoke: 0 }
  const codes = new Map<string, { clientId: string; redirectUri: string; challenge: string; scope: string }>()
  const access = new Map<string, AuthInfo>()
  const refresh = new Map<string, { clientId: string; scope: string }>()
  const clients = new Set<string>()
  let expiresIn = options.expiresIn ?? 3600

  const issue = (clientId: string, scope: string) => {
    const accessToken = token()
    const refreshToken = token()
    access.set(accessToken, { token: accessToken, clientId, scopes: scope.split(' ').filter(Boolean), expiresAt: Math.floor(Date.now() / 1000) + expiresIn })
    refresh.set(refreshToken, { clientId, scope })
    return { access_token: accessToken, token_type: 'Bearer', expires_in: expiresIn, refresh_token: refreshToken, scope }
  }

  const { origin } = await listen(async (req, res) => {
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body))
    const url = new URL(req.url!, origin)
    switch (`${req.method} ${url.pathname}`) {
      case 'GET /.well-known/oauth-authorization-server':
        return json(200, {
          issuer: origin,
          authorization_endpoint: `${origin}/authorize`,
          token_endpoint: `${origin}/token`,
          registration_endpoint: `${origin}/register`,
          revocation_endpoint: `${origin}/revoke`,
          response_types_supported: ['code'],
          grant_types_supported: ['authorization_code', 'refresh_token'],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['none'],
          authorization_response_iss_parameter_supported: true,
          scopes_supported: ['mcp'],
        })
      case 'POST /register': {
        hits.register++
        let text = ''
        for await (const chunk of req) text += chunk
        const metadata = JSON.parse(text) as Record<string, unknown>
        const clientId = `client-${clients.size + 1}`
        clients.add(clientId)
        return json(201, { ...metadata, client_id: clientId, token_endpoint_auth_method: 'none' })
      }
      case 'GET /authorize': {
        hits.authorize++
        const q = url.searchParams
        const redirectUri = q.get('redirect_uri') ?? ''
        // RFC 8252 §7.3: any port of a loopback redirect URI.
        if (!clients.has(q.get('client_id') ?? '') || !redirectUri.startsWith('http://127.0.0.1:') || q.get('code_challenge_method') !== 'S256') return json(400, { error: 'invalid_request' })
        const code = token()
        codes.set(code, { clientId: q.get('client_id')!, redirectUri, challenge: q.get('code_challenge')!, scope: q.get('scope') ?? '' })
        const back = new URL(redirectUri)
        back.search = new URLSearchParams({ code, state: q.get('state') ?? '', iss: origin }).toString()
        return void res.writeHead(302, { location: back.href }).end()
      }
      case 'POST /token': {
        const body = await form(req)
        if (body.get('grant_type') === 'authorization_code') {
          hits.code++
          const grant = codes.get(body.get('code') ?? '')
          codes.delete(body.get('code') ?? '')
          if (!grant || grant.clientId !== body.get('client_id') || grant.redirectUri !== body.get('redirect_uri') || s256(body.get('code_verifier') ?? '') !== grant.challenge) {
            return json(400, { error: 'invalid_grant' })
          }
          return json(200, issue(grant.clientId, grant.scope))
        }
        if (body.get('grant_type') === 'refresh_token') {
          hits.refresh++
          const grant = refresh.get(body.get('refresh_token') ?? '')
          refresh.delete(body.get('refresh_token') ?? '')
          if (!grant || grant.clientId !== body.get('client_id')) return json(400, { error: 'invalid_grant' })
          return json(200, issue(grant.clientId, grant.scope))
        }
        return json(400, { error: 'unsupported_grant_type' })
      }
      case 'POST /revoke': {
        hits.revoke++
        const revoked = (await form(req)).get('token') ?? ''
        access.delete(revoked)
        refresh.delete(revoked)
        return void res.writeHead(200).end()
      }
      default:
        return json(404, { error: 'not_found' })
    }
  })

  return {
    issuer: origin,
    hits,
    /** Whether the authorization server still knows `value` as a live access or refresh token. */
    knows: (value: string) => access.has(value) || refresh.has(value),
    /** Lifetime of the tokens issued from now on, in seconds. */
    setExpiresIn: (seconds: number) => void (expiresIn = seconds),
    /** Every access token issued so far stops working (the refresh tokens still do). */
    expireAccessTokens: () => access.clear(),
    /** Every token issued so far stops working, refresh tokens too: only a new sign-in helps. */
    revokeAll: () => (access.clear(), refresh.clear()),
    verifyToken: (value: string): AuthInfo | undefined => {
      const info = access.get(value)
      return info && info.expiresAt! * 1000 > Date.now() ? info : undefined
    },
  }
}

export type AuthorizationServer = Awaited<ReturnType<typeof startAuthorizationServer>>

/**
 * An MCP server over Streamable HTTP on 127.0.0.1 that accepts only tokens `as` issued (bearerAuth
 * with its Protected Resource Metadata naming `as`). Its tool `whoami` answers the caller's client id.
 */
export async function startProtectedServer(as: AuthorizationServer): Promise<{ url: string }> {
  // The resource URI names the port, so the listener is bound first and the MCP handler attached after.
  const { origin, http } = await listen(() => {})
  const resource = `${origin}/mcp`
  const server = new McpServer({ name: 'protected', version: '1.0.0' })
  server.registerTool('whoami', { description: 'Who the token says the caller is' }, (_args, ctx) => ({ content: [{ type: 'text', text: ctx.authInfo?.clientId ?? 'nobody' }] }))
  const handler = createMcpHandler(server, {
    onRequest: wellKnownRoute(protectedResourceMetadata({ resource, authorizationServers: [as.issuer], scopesSupported: ['mcp'] })),
    authenticate: bearerAuth({ verifyToken: as.verifyToken, resourceMetadataUrl: protectedResourceMetadataUrl(resource), requiredScopes: ['mcp'] }),
  })
  handlers.add(handler)
  http.removeAllListeners('request')
  http.on('request', toNodeHandler(handler))
  return { url: resource }
}

/**
 * The browser's part of a sign-in, as an `open` callback: asks the authorization URL (which
 * redirects at once), then follows the redirect to the host's loopback listener.
 */
export async function browse(url: URL): Promise<void> {
  const response = await fetch(url, { redirect: 'manual' })
  const location = response.headers.get('location')
  if (response.status !== 302 || !location) throw new Error(`the authorization server answered ${response.status}`)
  const back = await fetch(location)
  await back.text()
}
