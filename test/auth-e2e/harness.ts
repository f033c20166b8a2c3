// What the auth end-to-end tests share: an oidc-provider authorization server and a Plugboard MCP
// server protected by @plugboard/auth in front of it, on 127.0.0.1, the user's browser, and a
// connected client — each closed by `cleanup()` (call it in afterEach).
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { bearerAuth, jwtVerifier, protectedResourceMetadata, protectedResourceMetadataUrl, wellKnownRoute } from '@plugboard/auth'
import { loopbackRedirect, oauthProvider, type OAuthOptions, type RedirectHandler } from '@plugboard/auth/client'
import { Client } from '@plugboard/client'
import { McpServer } from '@plugboard/server'
import { createMcpHandler, StreamableHTTPClientTransport, toNodeHandler } from '@plugboard/transport-http'
import { startAuthorizationServer, type TestAuthorizationServer } from './authorization-server.js'

export const SCOPES = ['mcp:read', 'mcp:write']

const cleanups: (() => Promise<void> | void)[] = []

/** Closes everything the helpers below opened, last first. */
export async function cleanup(): Promise<void> {
  for (const run of cleanups.splice(0).reverse()) await run()
}

export async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ origin: string; http: Server }> {
  const http = createServer(handler)
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  cleanups.push(() => new Promise<void>((resolve) => (http.closeAllConnections(), http.close(() => resolve()))))
  return { origin: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, http }
}

export interface Setup {
  as: TestAuthorizationServer
  /** The MCP endpoint, http://127.0.0.1:<port>/mcp, which is also its resource identifier. */
  resource: string
}

export interface SetupOptions {
  accessTokenTtl?: number
  /** Replaces the Protected Resource Metadata the server publishes. */
  resourceMetadata?: (resource: string, issuer: string) => Record<string, unknown>
  /** Accept DPoP-bound tokens (bearerAuth's `dpop`). */
  dpop?: boolean | { required?: boolean; nonce?: () => string }
}

/**
 * An authorization server, and a Plugboard MCP server accepting only its JWTs for this resource
 * with `mcp:read`: tool `whoami` (any token), tool `write` (needs `mcp:write`: a step-up).
 */
export async function setup(options: SetupOptions = {}): Promise<Setup> {
  let resource = ''
  const as = await startAuthorizationServer({ resource: () => resource, scopes: SCOPES, ...(options.accessTokenTtl ? { accessTokenTtl: options.accessTokenTtl } : {}) })
  cleanups.push(() => as.close())
  const server = new McpServer({ name: 'protected', version: '1.0.0' })
  server.registerTool('whoami', { description: 'Who the token is for' }, (_args, ctx) => ({ content: [{ type: 'text', text: ctx.auth?.clientId ?? 'nobody' }] }))
  server.registerTool('write', { description: 'Needs mcp:write', requiredScopes: ['mcp:write'] }, (_args, ctx) => ({ content: [{ type: 'text', text: `written with ${ctx.auth?.scopes?.join(' ')}` }] }))
  let handler: ReturnType<typeof createMcpHandler> | undefined
  const { origin } = await listen((req, res) => void toNodeHandler(handler!)(req, res))
  resource = `${origin}/mcp`
  const metadata = options.resourceMetadata?.(resource, as.issuer) ?? protectedResourceMetadata({ resource, authorizationServers: [as.issuer], scopesSupported: ['mcp:read'] })
  handler = createMcpHandler(server, {
    onRequest: wellKnownRoute(metadata as Parameters<typeof wellKnownRoute>[0]),
    authenticate: bearerAuth({
      verifyToken: jwtVerifier({ issuer: as.issuer, audience: resource, jwks: new URL(as.jwksUrl) }),
      resourceMetadataUrl: protectedResourceMetadataUrl(resource),
      requiredScopes: ['mcp:read'],
      ...(options.dpop ? { dpop: options.dpop } : {}),
    }),
  })
  cleanups.push(() => handler!.close?.())
  return { as, resource }
}

/** The user's browser: approves at the authorization server, then follows the redirect to the client's loopback listener; `tamper` edits the redirect first. Logs each authorization URL. */
export function browser(as: TestAuthorizationServer, log: URL[], tamper?: (redirect: URL) => void): RedirectHandler {
  const handler = loopbackRedirect({
    open: async (url) => {
      log.push(url)
      const back = await as.approve(url)
      tamper?.(back)
      await fetch(back).then((r) => r.text())
    },
    timeoutMs: 10_000,
  })
  cleanups.push(() => handler.close())
  return handler
}

/** A `Client` connected to `resource` with an OAuth provider made of `options`. */
export async function connect(resource: string, options: OAuthOptions): Promise<Client> {
  const client = new Client({ name: 'e2e', version: '1.0.0' })
  await client.connect(new StreamableHTTPClientTransport(new URL(resource), { authProvider: oauthProvider(options) }))
  cleanups.push(() => client.close())
  return client
}

/** The text of a tool's first content block. */
export async function call(client: Client, name: string): Promise<string> {
  return ((await client.callTool({ name, arguments: {} })).content as { text: string }[])[0]!.text
}

export function onCleanup(run: () => Promise<void> | void): void {
  cleanups.push(run)
}
