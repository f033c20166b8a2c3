import { describe, expect, it } from 'vitest'
import { parseWWWAuthenticate } from './www-authenticate.js'

describe('parseWWWAuthenticate', () => {
  it('reads an MCP Bearer challenge: scheme and param names lower-cased, quoted values unquoted', () => {
    expect(parseWWWAuthenticate('Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource", Scope="files:read files:write"')).toEqual([
      { scheme: 'bearer', params: { resource_metadata: 'https://mcp.example.com/.well-known/oauth-protected-resource', scope: 'files:read files:write' } },
    ])
  })

  it('keeps commas inside quoted values and undoes backslash escapes', () => {
    expect(parseWWWAuthenticate('Bearer error="insufficient_scope", error_description="needs \\"a, b\\" and \\\\ more", scope="a,b"')).toEqual([
      { scheme: 'bearer', params: { error: 'insufficient_scope', error_description: 'needs "a, b" and \\ more', scope: 'a,b' } },
    ])
  })

  it('splits several challenges in one header (the RFC 9110 example)', () => {
    expect(parseWWWAuthenticate('Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"')).toEqual([
      { scheme: 'newauth', params: { realm: 'apps', type: '1', title: 'Login to "apps"' } },
      { scheme: 'basic', params: { realm: 'simple' } },
    ])
  })

  it('accepts a scheme with no params, token values, spaces around "=", and an unquoted URL', () => {
    expect(parseWWWAuthenticate('Bearer')).toEqual([{ scheme: 'bearer', params: {} }])
    expect(parseWWWAuthenticate('Basic, Bearer realm = mcp ,error=invalid_token')).toEqual([
      { scheme: 'basic', params: {} },
      { scheme: 'bearer', params: { realm: 'mcp', error: 'invalid_token' } },
    ])
    expect(parseWWWAuthenticate('Bearer resource_metadata=https://a.example/.well-known/x')).toEqual([{ scheme: 'bearer', params: { resource_metadata: 'https://a.example/.well-known/x' } }])
  })

  it('gives a token68 challenge no params and goes on to the next challenge', () => {
    expect(parseWWWAuthenticate('Negotiate YIIFyQYGKwYBBQUCoIIFvTCCBbmg==, Bearer scope="x"')).toEqual([
      { scheme: 'negotiate', params: {} },
      { scheme: 'bearer', params: { scope: 'x' } },
    ])
  })

  it('keeps the first of a repeated param, and a param named __proto__ as plain data', () => {
    const [challenge] = parseWWWAuthenticate('Bearer scope="a", SCOPE="b", __proto__="c"')
    expect(challenge!.params.scope).toBe('a')
    expect(Object.getPrototypeOf(challenge!.params)).toBe(Object.prototype)
    expect(Object.keys(challenge!.params)).toEqual(['scope', '__proto__'])
  })

  it('never throws on garbage: nothing parseable gives [], a broken challenge is dropped with what follows', () => {
    for (const garbage of ['', '   ,, ', '"quoted"', '=x', '===', '\u0000\u00ff', 'Bearer realm="never closed', 'Bearer realm=', 'Basic abc==, x=y']) {
      expect(() => parseWWWAuthenticate(garbage), garbage).not.toThrow()
    }
    expect(parseWWWAuthenticate('"quoted"')).toEqual([])
    expect(parseWWWAuthenticate('=x')).toEqual([])
    expect(parseWWWAuthenticate('Bearer realm="never closed')).toEqual([])
    expect(parseWWWAuthenticate('Basic realm="a", Bearer scope="b", =junk')).toEqual([{ scheme: 'basic', params: { realm: 'a' } }])
  })
})
