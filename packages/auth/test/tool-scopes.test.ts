import { createHash, randomUUID } from 'node:crypto'
import { McpServer } from '@plugboard/server'
import { createMcpHandler, toNodeHandler, type McpHandler } from '@plugboard/transport-http'
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { bearerAuth, jwtVerifier, protectedResourceMetadata, protectedResourceMetadataUrl, wellKnownRoute } from '../src/index.js'
import { closeAll, listen } from './listen.js'

const ISSUER = 'https://auth.example.test'
let issuerKey: CryptoKey
let jwks: { keys: JWK[] }

beforeAll(async () => {
  const pair = await generateKeyPair('ES256')
  issuerKey = pair.privateKey
  jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'as', alg: 'ES256' }] }
})

let handlers: McpHandler[] = []
afterEach(async () => {
  await Promise.all(handlers.map((h) => h.close()))
  handlers = []
  await closeAll()
})

/** How a tools/call goes on the wire: a 2025-11-25 stateless JSON POST, or a 2026-07-28 POST (its `_meta` and standard headers). */
const WIRES = {
  '2025-11-25 (stateless, JSON)': {
    options: { stateless: true, enableJsonResponse: true },
    request: (name: string) => ({
      headers: { 'mcp-protocol-version': '2025-11-25' },
      body: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: {} } },
    }),
  },
  '2026-07-28': {
    options: {},
    request: (name: string) => ({
      headers: { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': name },
      body: {
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: {
          name,
          arguments: {},
          _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {}, 'io.modelcontextprotocol/clientInfo': { name: 't', version: '1' } },
        },
      },
    }),
  },
} as const

/** A files server at `/mcp` whose `read_file` needs `files:read` and `write_file` needs `files:write`, behind bearerAuth + jwtVerifier. */
async function filesServer(wire: keyof typeof WIRES) {
  const { origin, http } = await listen(() => {})
  const resource = `${origin}/mcp`
  const metadataUrl = protectedResourceMetadataUrl(resource)
  const runs: string[] = []
  const server = new McpServer({ name: 'files', version: '1.0.0' })
  server.registerTool('read_file', { requiredScopes: ['files:read'] }, () => (runs.push('read_file'), { content: [{ type: 'text', text: 'contents' }] }))
  server.registerTool('write_file', { requiredScopes: ['files:write'] }, (_args, ctx) => (runs.push('write_file'), { content: [{ type: 'text', text: `written by ${ctx.auth?.clientId}` }] }))
  const handler = createMcpHandler(server, {
    path: '/mcp',
    ...WIRES[wire].options,
    onRequest: wellKnownRoute(protectedResourceMetadata({ resource, authorizationServers: [ISSUER], scopesSupported: ['files:read', 'files:write'] })),
    authenticate: bearerAuth({ verifyToken: jwtVerifier({ issuer: ISSUER, audience: resource, jwks }), resourceMetadataUrl: metadataUrl, dpop: true }),
  })
  handlers.push(handler)
  http.on('request', toNodeHandler(handler))
  const token = (scope: string, jkt?: string) =>
    new SignJWT({ scope, client_id: 'editor', ...(jkt ? { cnf: { jkt } } : {}) }).setProtectedHeader({ alg: 'ES256', kid: 'as' }).setIssuer(ISSUER).setAudience(resource).setExpirationTime('5m').sign(issuerKey)
  const call = (name: string, auth: Record<string, string>) => {
    const { headers, body } = WIRES[wire].request(name)
    return fetch(resource, { method: 'POST', headers: { accept: 'application/json, text/event-stream', 'content-type': 'application/json', ...headers, ...auth }, body: JSON.stringify(body) })
  }
  return { resource, metadataUrl, runs, token, call }
}

async function textOf(response: Response): Promise<string> {
  expect(response.status).toBe(200)
  const raw = await response.text()
  // A 2026-07-28 answer may come as SSE: its last data line holds the response.
  const json = response.headers.get('content-type') === 'text/event-stream' ? raw.split('\n').filter((l) => l.startsWith('data: ')).at(-1)!.slice(6) : raw
  return (JSON.parse(json) as { result: { content: Array<{ text: string }> } }).result.content[0]!.text
}

describe.each(Object.keys(WIRES) as Array<keyof typeof WIRES>)('per-tool requiredScopes behind bearerAuth, over node:http (%s)', (wire) => {
  it('serves the read tool to a files:read token and answers the write tool 403 insufficient_scope with the union of scopes, before it runs', async () => {
    const s = await filesServer(wire)
    const readOnly = await s.token('files:read')
    expect(await textOf(await s.call('read_file', { authorization: `Bearer ${readOnly}` }))).toBe('contents')

    const refused = await s.call('write_file', { authorization: `Bearer ${readOnly}` })
    expect(refused.status).toBe(403)
    expect(refused.headers.get('www-authenticate')).toBe(
      `Bearer error="insufficient_scope", error_description="This request needs the scopes files:write", scope="files:read files:write", resource_metadata="${s.metadataUrl.href}"`,
    )
    const body = await refused.text()
    expect(JSON.parse(body)).toMatchObject({ jsonrpc: '2.0', id: 1, error: { code: -32600, message: expect.stringContaining('write_file'), data: { requiredScopes: ['files:write'] } } })
    expect(body).not.toContain(readOnly)
    expect(s.runs).toEqual(['read_file'])
  })

  it('serves the write tool once the token holds both scopes (what a client stepping up on the challenge gets)', async () => {
    const s = await filesServer(wire)
    const both = await s.token('files:read files:write')
    expect(await textOf(await s.call('write_file', { authorization: `Bearer ${both}` }))).toBe('written by editor')
    expect(await textOf(await s.call('read_file', { authorization: `Bearer ${both}` }))).toBe('contents')
    expect(s.runs).toEqual(['write_file', 'read_file'])
  })

  it('challenges a DPoP-bound token under the DPoP scheme', async () => {
    const s = await filesServer(wire)
    const pair = await generateKeyPair('ES256')
    const { kty, crv, x, y } = await exportJWK(pair.publicKey)
    const jwk = { kty, crv, x, y } as JWK
    const bound = await s.token('files:read', await calculateJwkThumbprint(jwk, 'sha256'))
    const proof = await new SignJWT({ htm: 'POST', htu: s.resource, iat: Math.floor(Date.now() / 1000), jti: randomUUID(), ath: createHash('sha256').update(bound).digest('base64url') })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
      .sign(pair.privateKey)
    const refused = await s.call('write_file', { authorization: `DPoP ${bound}`, dpop: proof })
    expect(refused.status).toBe(403)
    expect(refused.headers.get('www-authenticate')).toMatch(/^DPoP error="insufficient_scope", error_description="[^"]+", scope="files:read files:write", algs="ES256 [^"]+", resource_metadata="[^"]+"$/)
    expect(s.runs).toEqual([])
  })
})
