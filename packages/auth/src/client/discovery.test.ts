// Discovery of the OAuth client against real HTTP servers on 127.0.0.1: the well-known URL orders
// of RFC 9728 / RFC 8414 / OIDC with the path variants, strict issuer and resource checks, and the
// 2025-03-26 fallbacks.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { authorizationServerMetadataUrls, canonicalResource, discover, resourceCovers, resourceMetadataUrls } from './discovery.js'
import { OAuthClientError } from './errors.js'

const servers: Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))))
})

/** A server answering GETs from `routes` (path → JSON body, or a function of the base URL); 404 otherwise. Records the paths asked. */
async function serve(routes: Record<string, (base: string) => unknown>): Promise<{ base: string; asked: string[] }> {
  const asked: string[] = []
  let base = ''
  const server = createServer((req, res) => {
    asked.push(req.url!)
    const route = routes[req.url!]
    if (!route) return void res.writeHead(404).end()
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(route(base)))
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { base, asked }
}

const asMetadata = (issuer: string) => ({ issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`, code_challenge_methods_supported: ['S256'] })

describe('well-known URLs', () => {
  it('tries the path-aware Protected Resource Metadata first, then the root', () => {
    expect(resourceMetadataUrls('https://mcp.example.com/public/mcp')).toEqual([
      'https://mcp.example.com/.well-known/oauth-protected-resource/public/mcp',
      'https://mcp.example.com/.well-known/oauth-protected-resource',
    ])
    expect(resourceMetadataUrls('https://mcp.example.com')).toEqual(['https://mcp.example.com/.well-known/oauth-protected-resource'])
  })

  it('inserts the issuer path after the well-known prefix, then appends it for OIDC, in the spec order', () => {
    expect(authorizationServerMetadataUrls('https://auth.example.com/tenant1')).toEqual([
      'https://auth.example.com/.well-known/oauth-authorization-server/tenant1',
      'https://auth.example.com/.well-known/openid-configuration/tenant1',
      'https://auth.example.com/tenant1/.well-known/openid-configuration',
    ])
    expect(authorizationServerMetadataUrls('https://auth.example.com')).toEqual([
      'https://auth.example.com/.well-known/oauth-authorization-server',
      'https://auth.example.com/.well-known/openid-configuration',
    ])
  })

  it('makes the canonical resource URI: no query, fragment or bare trailing slash', () => {
    expect(canonicalResource('https://MCP.example.com/mcp?x=1#f')).toBe('https://mcp.example.com/mcp')
    expect(canonicalResource('https://mcp.example.com/')).toBe('https://mcp.example.com')
  })

  it('lets a resource stand for the same origin and a parent path only', () => {
    expect(resourceCovers('https://a.example/mcp', 'https://a.example/mcp')).toBe(true)
    expect(resourceCovers('https://a.example', 'https://a.example/mcp')).toBe(true)
    expect(resourceCovers('https://a.example/mc', 'https://a.example/mcp')).toBe(false)
    expect(resourceCovers('https://evil.example/mcp', 'https://a.example/mcp')).toBe(false)
    expect(resourceCovers('http://a.example/mcp', 'https://a.example/mcp')).toBe(false)
  })
})

describe('discover()', () => {
  it('follows resource_metadata, then finds OIDC metadata at a tenant path', async () => {
    const as = await serve({ '/tenant1/.well-known/openid-configuration': (b) => asMetadata(`${b}/tenant1`) })
    const rs = await serve({ '/custom/prm.json': (b) => ({ resource: `${b}/mcp`, authorization_servers: [`${as.base}/tenant1`], scopes_supported: ['mcp'] }) })
    const found = await discover(fetch, `${rs.base}/mcp`, `${rs.base}/custom/prm.json`)
    expect(found).toMatchObject({ issuer: `${as.base}/tenant1`, resource: `${rs.base}/mcp`, defaultEndpoints: false })
    expect(found.resourceMetadata?.scopes_supported).toEqual(['mcp'])
    expect(as.asked).toEqual([
      '/.well-known/oauth-authorization-server/tenant1',
      '/.well-known/openid-configuration/tenant1',
      '/tenant1/.well-known/openid-configuration',
    ])
    expect(rs.asked).toEqual(['/custom/prm.json'])
  })

  it('without a challenge URL asks the path-aware location first and never the root when it answers', async () => {
    const as = await serve({ '/.well-known/oauth-authorization-server': (b) => asMetadata(b) })
    const rs = await serve({ '/.well-known/oauth-protected-resource/mcp': (b) => ({ resource: `${b}/mcp`, authorization_servers: [as.base] }) })
    await discover(fetch, `${rs.base}/mcp`)
    expect(rs.asked).toEqual(['/.well-known/oauth-protected-resource/mcp'])
  })

  it('refuses metadata whose resource is another server, before any authorization server is asked', async () => {
    const as = await serve({ '/.well-known/oauth-authorization-server': (b) => asMetadata(b) })
    const rs = await serve({ '/.well-known/oauth-protected-resource/mcp': () => ({ resource: 'https://evil.example.com/mcp', authorization_servers: [as.base] }) })
    const error = await discover(fetch, `${rs.base}/mcp`).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OAuthClientError)
    expect(error).toMatchObject({ code: 'resource_mismatch' })
    expect(as.asked).toEqual([])
  })

  it('refuses authorization server metadata naming another issuer, even one differing by a trailing slash', async () => {
    const as = await serve({ '/.well-known/oauth-authorization-server': (b) => asMetadata(`${b}/`) })
    const rs = await serve({ '/.well-known/oauth-protected-resource/mcp': (b) => ({ resource: `${b}/mcp`, authorization_servers: [as.base] }) })
    await expect(discover(fetch, `${rs.base}/mcp`)).rejects.toMatchObject({ code: 'issuer_mismatch' })
    const attacker = await serve({ '/.well-known/oauth-authorization-server': () => asMetadata('https://attacker.example.com') })
    const rs2 = await serve({ '/.well-known/oauth-protected-resource/mcp': (b) => ({ resource: `${b}/mcp`, authorization_servers: [attacker.base] }) })
    await expect(discover(fetch, `${rs2.base}/mcp`)).rejects.toThrow(/attacker\.example\.com.*refusing/)
  })

  it('2025-03-26: no resource metadata → the server origin is the authorization server, its metadata or the default endpoints', async () => {
    const withMetadata = await serve({ '/.well-known/oauth-authorization-server': (b) => asMetadata(b) })
    expect(await discover(fetch, `${withMetadata.base}/mcp`)).toMatchObject({ issuer: withMetadata.base, resource: `${withMetadata.base}/mcp`, defaultEndpoints: false })
    const bare = await serve({})
    const found = await discover(fetch, `${bare.base}/mcp`)
    expect(found).toMatchObject({ issuer: bare.base, defaultEndpoints: true })
    expect(found.authorizationServer).toMatchObject({ authorization_endpoint: `${bare.base}/authorize`, token_endpoint: `${bare.base}/token`, registration_endpoint: `${bare.base}/register` })
  })
})
