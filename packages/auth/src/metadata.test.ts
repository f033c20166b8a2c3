import { describe, expect, it } from 'vitest'
import { protectedResourceMetadata, protectedResourceMetadataUrl, wellKnownRoute } from './metadata.js'

describe('protectedResourceMetadataUrl', () => {
  it.each([
    ['https://mcp.example.com/mcp', 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp'],
    ['https://mcp.example.com/a/b/', 'https://mcp.example.com/.well-known/oauth-protected-resource/a/b'],
    ['https://mcp.example.com', 'https://mcp.example.com/.well-known/oauth-protected-resource'],
    ['http://127.0.0.1:8080/mcp?x=1', 'http://127.0.0.1:8080/.well-known/oauth-protected-resource/mcp'],
  ])('puts the well-known suffix between host and path: %s', (resource, expected) => {
    expect(protectedResourceMetadataUrl(resource).href).toBe(expected)
  })
})

describe('protectedResourceMetadata', () => {
  it('builds the RFC 9728 fields from the options', () => {
    const metadata = protectedResourceMetadata({ resource: new URL('https://mcp.example.com/mcp'), authorizationServers: ['https://auth.example.com'], scopesSupported: ['tools:call'], resourceName: 'Demo' })
    expect(metadata).toEqual({
      resource: 'https://mcp.example.com/mcp',
      authorization_servers: ['https://auth.example.com'],
      scopes_supported: ['tools:call'],
      bearer_methods_supported: ['header'],
      resource_name: 'Demo',
    })
  })

  it('refuses an empty list of authorization servers', () => {
    expect(() => protectedResourceMetadata({ resource: 'https://mcp.example.com/mcp', authorizationServers: [] })).toThrow(/at least one/)
  })
})

describe('wellKnownRoute', () => {
  const metadata = protectedResourceMetadata({ resource: 'https://mcp.example.com/mcp', authorizationServers: ['https://auth.example.com'] })
  const route = wellKnownRoute(metadata)

  it('answers GET on the path-aware well-known path with the JSON, readable cross-origin', async () => {
    const response = route(new Request('https://mcp.example.com/.well-known/oauth-protected-resource/mcp'))!
    expect(response.status).toBe(200)
    expect(response.headers.get('access-control-allow-origin')).toBe('*')
    expect(await response.json()).toEqual(metadata)
  })

  it('answers a CORS preflight with 204 and other methods with 405', () => {
    const url = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp'
    expect(route(new Request(url, { method: 'OPTIONS' }))!.status).toBe(204)
    expect(route(new Request(url, { method: 'POST', body: '{}' }))!.status).toBe(405)
  })

  it('lets every other path through to the MCP handler', () => {
    expect(route(new Request('https://mcp.example.com/mcp', { method: 'POST', body: '{}' }))).toBeUndefined()
    expect(route(new Request('https://mcp.example.com/.well-known/oauth-protected-resource'))).toBeUndefined()
  })
})
