import { describe, expect, it } from 'vitest'
import { accepts, checkHostAndOrigin, isJsonContentType } from './guards.js'
import type { IncomingRequest } from './http.js'

const request = (headers: Record<string, string>, loopback?: boolean) =>
  ({ header: (name: string) => headers[name], loopback }) as unknown as IncomingRequest
const status = (headers: Record<string, string>, options = {}, loopback?: boolean) => {
  const refused = checkHostAndOrigin(request(headers, loopback), options)
  return refused && 'status' in refused ? refused.status : 'ok'
}

describe('checkHostAndOrigin', () => {
  it('on loopback, accepts loopback Host names with any port and refuses others with 403', () => {
    for (const host of ['localhost', 'localhost:3000', '127.0.0.1:8080', '[::1]:9', 'LOCALHOST:1']) expect(status({ host }, {}, true), host).toBe('ok')
    for (const host of ['evil.example', 'evil.example:3000', 'localhost.evil.example', '127.0.0.1.nip.io']) expect(status({ host }, {}, true), host).toBe(403)
    expect(status({}, {}, true)).toBe(403)
  })

  it('on loopback, refuses a non-loopback Origin and accepts a loopback one or none', () => {
    expect(status({ host: 'localhost:3000', origin: 'http://evil.example' }, {}, true)).toBe(403)
    expect(status({ host: 'localhost:3000', origin: 'null' }, {}, true)).toBe(403)
    expect(status({ host: 'localhost:3000', origin: 'http://localhost:5173' }, {}, true)).toBe('ok')
  })

  it('checks nothing by default where the runtime cannot tell loopback, unless asked', () => {
    expect(status({ host: 'evil.example', origin: 'http://evil.example' })).toBe('ok')
    expect(status({ host: 'evil.example' }, { dnsRebindingProtection: true })).toBe(403)
    expect(status({ host: 'evil.example' }, { dnsRebindingProtection: false }, true)).toBe('ok')
  })

  it('uses allowedHosts (name or name:port) and allowedOrigins when given', () => {
    const options = { allowedHosts: ['mcp.example.com', 'api.example.com:8443'], allowedOrigins: ['https://app.example.com'] }
    expect(status({ host: 'mcp.example.com:443' }, options)).toBe('ok')
    expect(status({ host: 'api.example.com:8443' }, options)).toBe('ok')
    expect(status({ host: 'api.example.com:9000' }, options)).toBe(403)
    expect(status({ host: 'mcp.example.com', origin: 'https://app.example.com' }, options)).toBe('ok')
    expect(status({ host: 'mcp.example.com', origin: 'https://other.example.com' }, options)).toBe(403)
  })
})

describe('accepts', () => {
  it('needs every type listed, counting wildcards and ignoring parameters', () => {
    expect(accepts('application/json, text/event-stream', 'application/json', 'text/event-stream')).toBe(true)
    expect(accepts('text/event-stream;q=0.5,application/json', 'application/json', 'text/event-stream')).toBe(true)
    expect(accepts('*/*', 'application/json', 'text/event-stream')).toBe(true)
    expect(accepts('application/*, text/*', 'application/json', 'text/event-stream')).toBe(true)
    expect(accepts('application/json', 'application/json', 'text/event-stream')).toBe(false)
    expect(accepts(undefined, 'text/event-stream')).toBe(false)
  })
})

describe('isJsonContentType', () => {
  it('matches application/json with or without parameters, and nothing else', () => {
    expect(isJsonContentType('application/json')).toBe(true)
    expect(isJsonContentType('Application/JSON; charset=utf-8')).toBe(true)
    expect(isJsonContentType('application/json-patch+json')).toBe(false)
    expect(isJsonContentType('text/plain')).toBe(false)
    expect(isJsonContentType(undefined)).toBe(false)
  })
})
