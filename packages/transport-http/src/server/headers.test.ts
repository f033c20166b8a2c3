import { McpError } from '@plugboard/protocol'
import { describe, expect, it } from 'vitest'
import { encodeHeaderValue } from '../client/headers.js'
import { headerAnnotations, headerValue } from './headers.js'
import type { IncomingRequest } from './http.js'

const requestWith = (headers: Record<string, string>) => ({ header: (name: string) => headers[name], headers }) as unknown as IncomingRequest

describe('header values', () => {
  it('decode to what the client encoded, whatever the value', () => {
    const values = ['us-west1', '', 'a b', ' padded ', '\tx\t', 'line1\r\nline2', 'Hello, 世界', '😀', '=?base64?literal?=', '=?base64?', '?=', 'naïve', '\u0000\u007f', 'x'.repeat(500)]
    for (const value of values) {
      const sent = encodeHeaderValue(value)
      expect(sent, value).toMatch(/^[\x20-\x7e]*$/)
      expect(headerValue(requestWith({ 'mcp-name': sent }), 'Mcp-Name'), value).toBe(value)
    }
  })

  it('take a value that only starts or ends like the sentinel literally, and refuse broken Base64 inside a whole one', () => {
    expect(headerValue(requestWith({ 'mcp-name': '=?base64?SGVsbG8=' }), 'Mcp-Name')).toBe('=?base64?SGVsbG8=')
    expect(headerValue(requestWith({ 'mcp-name': 'SGVsbG8=?=' }), 'Mcp-Name')).toBe('SGVsbG8=?=')
    for (const bad of ['=?base64?SGVsbG8?=', '=?base64?SGVs bG8=?=', '=?base64?SGVsbG8=\n?=']) {
      expect(headerValue(requestWith({ 'mcp-name': bad }), 'Mcp-Name')).toBeInstanceOf(McpError)
    }
  })

  it('are not decoded where the spec allows no encoding (Mcp-Method, MCP-Protocol-Version)', () => {
    expect(headerValue(requestWith({ 'mcp-method': '=?base64?dG9vbHMvbGlzdA==?=' }), 'Mcp-Method', false)).toBe('=?base64?dG9vbHMvbGlzdA==?=')
  })
})

describe('x-mcp-header annotations', () => {
  it('are found on properties reachable through properties alone, nested included', () => {
    const schema = {
      type: 'object',
      'x-mcp-header': 'Root',
      properties: {
        region: { type: 'string', 'x-mcp-header': 'Region' },
        target: { type: 'object', properties: { zone: { type: 'string', 'x-mcp-header': 'Zone' } } },
        list: { type: 'array', items: { type: 'string', 'x-mcp-header': 'Item' } },
        either: { anyOf: [{ type: 'string', 'x-mcp-header': 'Either' }] },
        spaced: { type: 'string', 'x-mcp-header': 'Not A Token' },
      },
      $defs: { hidden: { type: 'string', 'x-mcp-header': 'Hidden' } },
    }
    expect(headerAnnotations(schema)).toEqual([
      { name: 'Region', path: ['region'] },
      { name: 'Zone', path: ['target', 'zone'] },
    ])
    expect(headerAnnotations(undefined)).toEqual([])
  })
})
