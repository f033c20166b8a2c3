// What the auth README's machine.ts needs around it: an authorization server where its client is
// registered (the client credentials grant, RFC 6749 §4.4, issuing RFC 9068 JWT access tokens), and
// an MCP server that trusts it — protected with @plugboard/auth as that README's server.ts is, with
// its `read_file` tool. Both on one 127.0.0.1 origin, port 0.
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { bearerAuth, jwtVerifier, protectedResourceMetadata, protectedResourceMetadataUrl, wellKnownRoute } from '@plugboard/auth'
import { McpServer } from '@plugboard/server'
import { createMcpHandler, toNodeHandler } from '@plugboard/transport-http'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'

/** A running authorization server and the MCP server it guards. */
export interface MachineWorld {
  /** The MCP endpoint, the argument machine.ts takes. */
  url: string
  /** The token requests it answered: the form each one sent. */
  tokenRequests: URLSearchParams[]
  close(): Promise<void>
}

const SCOPE = 'files:read'

/** Starts both servers; `client` is the one registered client, whose secret the token endpoint checks. */
export async function startMachineWorld(client: { id: string; secret: string }): Promise<MachineWorld> {
  const { publicKey, privateKey } = await generateKeyPair('ES256')
  const jwk = { ...(await exportJWK(publicKey)), kid: randomUUID(), alg: 'ES256', use: 'sig' }
  const tokenRequests: URLSearchParams[] = []
  let origin = ''
  const resource = () => `${origin}/mcp`

  const server = new McpServer({ name: 'files', version: '1.0.0' })
  server.registerTool('read_file', { requiredScopes: [SCOPE] }, (_args, ctx) => ({ content: [{ type: 'text', text: `hello ${ctx.auth?.clientId}` }] }))
  let mcp: ReturnType<typeof toNodeHandler> | undefined
  let handler: ReturnType<typeof createMcpHandler> | undefined

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body))
  }
  const formOf = async (req: IncomingMessage) => {
    let text = ''
    for await (const chunk of req) text += String(chunk)
    return new URLSearchParams(text)
  }
  // client_secret_basic: both halves form-urlencoded before base64 (RFC 6749 §2.3.1).
  const basicOf = (header: string | undefined) => {
    const [scheme, value] = (header ?? '').split(' ')
    if (scheme?.toLowerCase() !== 'basic' || !value) return undefined
    const [id, secret] = Buffer.from(value, 'base64').toString().split(':').map((part) => decodeURIComponent(part.replaceAll('+', ' ')))
    return { id, secret }
  }

  const http = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    if (path === '/.well-known/oauth-authorization-server') {
      return json(res, 200, {
        issuer: origin,
        token_endpoint: `${origin}/token`,
        jwks_uri: `${origin}/jwks`,
        grant_types_supported: ['client_credentials'],
        token_endpoint_auth_methods_supported: ['client_secret_basic'],
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
        scopes_supported: [SCOPE],
      })
    }
    if (path === '/jwks') return json(res, 200, { keys: [jwk] })
    if (path === '/token' && req.method === 'POST') {
      void (async () => {
        const form = await formOf(req)
        tokenRequests.push(form)
        const basic = basicOf(req.headers.authorization)
        if (basic?.id !== client.id || basic.secret !== client.secret) return json(res, 401, { error: 'invalid_client' })
        if (form.get('grant_type') !== 'client_credentials') return json(res, 400, { error: 'unsupported_grant_type' })
        const audience = form.get('resource') ?? resource()
        if (audience !== resource()) return json(res, 400, { error: 'invalid_target' })
        const scope = (form.get('scope') ?? SCOPE).split(' ').filter((s) => s === SCOPE).join(' ')
        const accessToken = await new SignJWT({ client_id: client.id, scope })
          .setProtectedHeader({ alg: 'ES256', kid: jwk.kid, typ: 'at+jwt' })
          .setIssuer(origin)
          .setAudience(audience)
          .setSubject(client.id)
          .setIssuedAt()
          .setExpirationTime('5m')
          .setJti(randomUUID())
          .sign(privateKey)
        json(res, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: 300, scope })
      })().catch((error: unknown) => json(res, 500, { error: 'server_error', error_description: String(error) }))
      return
    }
    if (mcp) return mcp(req, res)
    res.writeHead(503).end()
  })
  http.listen(0, '127.0.0.1')
  await new Promise((resolve) => http.once('listening', resolve))
  origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`

  handler = createMcpHandler(server, {
    path: '/mcp',
    onRequest: wellKnownRoute(protectedResourceMetadata({ resource: resource(), authorizationServers: [origin], scopesSupported: [SCOPE] })),
    authenticate: bearerAuth({
      verifyToken: jwtVerifier({ issuer: origin, audience: resource(), jwks: new URL(`${origin}/jwks`) }),
      resourceMetadataUrl: protectedResourceMetadataUrl(resource()),
    }),
  })
  mcp = toNodeHandler(handler)

  return {
    url: resource(),
    tokenRequests,
    async close() {
      await handler?.close()
      await server.close()
      http.closeAllConnections()
      await new Promise<void>((resolve) => http.close(() => resolve()))
    },
  }
}
