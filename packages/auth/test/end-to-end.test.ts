import { McpServer } from '@plugboard/server'
import { createMcpHandler, toNodeHandler, type McpHandler } from '@plugboard/transport-http'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { bearerAuth, jwtVerifier, protectedResourceMetadata, protectedResourceMetadataUrl, wellKnownRoute } from '../src/index.js'
import { closeAll, listen } from './listen.js'

const ISSUER = 'https://auth.example.test'
let privateKey: CryptoKey
let jwks: { keys: Array<Record<string, unknown>> }

beforeAll(async () => {
  const pair = await generateKeyPair('RS256')
  privateKey = pair.privateKey
  jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'rs1', alg: 'RS256' }] }
})

let handlers: McpHandler[] = []
afterEach(async () => {
  await Promise.all(handlers.map((h) => h.close()))
  handlers = []
  await closeAll()
})

/** An MCP server whose one tool answers the caller's clientId, protected by a JWT bearer check needing `tools:call`. */
async function protectedServer() {
  // The resource URI names the port, so the listener is bound first and the MCP handler attached after.
  const { origin, http } = await listen(() => {})
  const resource = `${origin}/mcp`
  const metadataUrl = protectedResourceMetadataUrl(resource)
  const server = new McpServer({ name: 'protected', version: '1.0.0' })
  server.registerTool('whoami', {}, (_args, ctx) => ({ content: [{ type: 'text', text: ctx.authInfo?.clientId ?? 'nobody' }] }))
  const handler = createMcpHandler(server, {
    // onRequest runs before the path check: the well-known route is served beside the endpoint.
    path: '/mcp',
    stateless: true,
    enableJsonResponse: true,
    onRequest: wellKnownRoute(protectedResourceMetadata({ resource, authorizationServers: [ISSUER], scopesSupported: ['tools:call'] })),
    authenticate: bearerAuth({ verifyToken: jwtVerifier({ issuer: ISSUER, audience: resource, jwks }), resourceMetadataUrl: metadataUrl, requiredScopes: ['tools:call'] }),
  })
  handlers.push(handler)
  http.removeAllListeners('request')
  http.on('request', toNodeHandler(handler))
  const token = (scope: string, exp: number | string = '5m', aud = resource) =>
    new SignJWT({ scope, client_id: 'client-42' }).setProtectedHeader({ alg: 'RS256', kid: 'rs1' }).setIssuer(ISSUER).setAudience(aud).setExpirationTime(exp).sign(privateKey)
  const call = (authorization?: string) =>
    fetch(resource, {
      method: 'POST',
      headers: { accept: 'application/json, text/event-stream', 'content-type': 'application/json', 'mcp-protocol-version': '2025-11-25', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } }),
    })
  return { resource, metadataUrl, token, call }
}

async function expectServed(call: (authorization?: string) => Promise<Response>, token: string) {
  const response = await call(`Bearer ${token}`)
  expect(response.status).toBe(200)
  const body = (await response.json()) as { result: { content: Array<{ text: string }> } }
  expect(body.result.content[0]!.text).toBe('client-42')
}

describe('an MCP server protected by bearerAuth + jwtVerifier over node:http', () => {
  it('answers a call without a token 401 pointing at its metadata, which the well-known URL serves without a token beside path /mcp', async () => {
    const { resource, metadataUrl, call, token } = await protectedServer()
    const response = await call()
    expect(response.status).toBe(401)
    const challenge = response.headers.get('www-authenticate')!
    const pointed = /resource_metadata="([^"]+)"/.exec(challenge)![1]!
    expect(pointed).toBe(metadataUrl.href)
    expect(new URL(pointed).pathname).toBe('/.well-known/oauth-protected-resource/mcp')
    const metadata = await fetch(pointed)
    expect(metadata.status).toBe(200)
    expect(metadata.headers.get('access-control-allow-origin')).toBe('*')
    expect(await metadata.json()).toMatchObject({ resource, authorization_servers: [ISSUER], scopes_supported: ['tools:call'] })
    await expectServed(call, await token('tools:call'))
  })

  it('serves a tool call with a valid token, and the tool sees the token clientId', async () => {
    const { call, token } = await protectedServer()
    await expectServed(call, await token('tools:read tools:call'))
  })

  it('answers a token without the required scope 403 insufficient_scope, then keeps serving', async () => {
    const { call, token } = await protectedServer()
    const response = await call(`Bearer ${await token('tools:read')}`)
    expect(response.status).toBe(403)
    // The challenge's scope keeps what the token holds and adds what it lacks, so re-authorizing loses nothing.
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="insufficient_scope", .*scope="tools:read tools:call", resource_metadata="/)
    await expectServed(call, await token('tools:call'))
  })

  it('answers an expired token, and one issued for another resource, 401 invalid_token, then keeps serving', async () => {
    const { call, token } = await protectedServer()
    for (const bad of [await token('tools:call', Math.floor(Date.now() / 1000) - 60), await token('tools:call', '5m', 'https://other.example.test/mcp')]) {
      const response = await call(`Bearer ${bad}`)
      expect(response.status).toBe(401)
      expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"')
      expect(await response.text()).not.toContain(bad)
    }
    await expectServed(call, await token('tools:call'))
  })
})
