// SEP-2243 on the modern wire: the standard headers and the `Mcp-Param-{Name}` headers a tool's
// `x-mcp-header` annotations call for must match the body, else 400 and HeaderMismatch (-32020).
import { ErrorCode, type JSONRPCMessage } from '@plugboard/protocol'
import { McpServer } from '@plugboard/server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { closeAndCheck, recordHandles, serve, testServer, toolText } from './harness.js'
import { expectSpecValid, modernAnswer, modernPost, modernRequest } from './modern-harness.js'

beforeEach(recordHandles)
afterEach(closeAndCheck)

const b64 = (text: string) => `=?base64?${Buffer.from(text, 'utf8').toString('base64')}?=`

/** The test server plus a tool whose arguments are mirrored into headers, top-level and nested. */
function headerServer(): McpServer {
  const server = testServer()
  const inputSchema = {
    type: 'object',
    properties: {
      region: { type: 'string', 'x-mcp-header': 'Region' },
      priority: { type: 'integer', 'x-mcp-header': 'Priority' },
      verbose: { type: ['boolean', 'null'], 'x-mcp-header': 'Verbose' },
      target: { type: 'object', properties: { zone: { type: 'string', 'x-mcp-header': 'Zone' } } },
      query: { type: 'string' },
    },
    required: ['region'],
  }
  server.registerTool('route', { inputSchema }, (args) => ({ content: [{ type: 'text', text: `routed ${JSON.stringify(args)}` }] }))
  return server
}

const route = (id: number, args: Record<string, unknown>) => modernRequest(id, 'tools/call', { name: 'route', arguments: args })

/** Expects a 400 HeaderMismatch naming `what`, with the request's id. */
async function expectMismatch(response: Response, id: number, what: RegExp): Promise<void> {
  expect(response.status).toBe(400)
  const answer = await modernAnswer(response)
  expect(answer).toMatchObject({ id, error: { code: ErrorCode.HeaderMismatch, message: expect.stringMatching(what) } })
}

describe('the standard headers of a modern POST', () => {
  it('rejects Mcp-Method mismatch with 400 and -32020 and keeps serving', async () => {
    const { url } = await serve()
    await expectMismatch(await modernPost(url, modernRequest(1, 'tools/list'), { 'mcp-method': 'prompts/list' }), 1, /Mcp-Method/)
    // Values are case-sensitive.
    await expectMismatch(await modernPost(url, modernRequest(2, 'tools/list'), { 'mcp-method': 'TOOLS/LIST' }), 2, /Mcp-Method/)
    expect(await modernAnswer(await modernPost(url, modernRequest(3, 'tools/list')), 'tools/list')).toMatchObject({ id: 3, result: { resultType: 'complete' } })
  })

  it('requires Mcp-Method, MCP-Protocol-Version, and Mcp-Name on tools/call, prompts/get and resources/read', async () => {
    const { url } = await serve()
    await expectMismatch(await modernPost(url, modernRequest(1, 'tools/list'), { 'mcp-method': undefined }), 1, /Mcp-Method header is required/)
    await expectMismatch(await modernPost(url, modernRequest(2, 'tools/list'), { 'mcp-protocol-version': undefined }), 2, /MCP-Protocol-Version header is required/)
    for (const [id, method, params] of [
      [3, 'tools/call', { name: 'echo', arguments: { text: 'x' } }],
      [4, 'prompts/get', { name: 'greet' }],
      [5, 'resources/read', { uri: 'file:///a.txt' }],
    ] as const) {
      await expectMismatch(await modernPost(url, modernRequest(id, method, params), { 'mcp-name': undefined }), id, /Mcp-Name header is required/)
    }
  })

  it('rejects an MCP-Protocol-Version header that differs from _meta, whichever is modern', async () => {
    const { url } = await serve()
    await expectMismatch(await modernPost(url, modernRequest(1, 'tools/list'), { 'mcp-protocol-version': '2025-11-25' }), 1, /MCP-Protocol-Version header value '2025-11-25'/)
    const legacyMeta = modernRequest(2, 'tools/list', { _meta: { 'io.modelcontextprotocol/protocolVersion': '2025-11-25', 'io.modelcontextprotocol/clientCapabilities': {} } })
    await expectMismatch(await modernPost(url, legacyMeta), 2, /does not match _meta value '2025-11-25'/)
  })

  it('rejects an Mcp-Name that differs from params.name or params.uri', async () => {
    const { url } = await serve()
    await expectMismatch(await modernPost(url, modernRequest(1, 'tools/call', { name: 'echo', arguments: { text: 'x' } }), { 'mcp-name': 'wrong_tool_name' }), 1, /'wrong_tool_name' does not match body value 'echo'/)
    await expectMismatch(await modernPost(url, modernRequest(2, 'resources/read', { uri: 'file:///a' }), { 'mcp-name': 'file:///b' }), 2, /Mcp-Name/)
  })

  it('takes header names in any case and trims whitespace around values', async () => {
    const { url } = await serve()
    const message = modernRequest(1, 'tools/call', { name: 'echo', arguments: { text: 'spaced' } })
    const response = await modernPost(url, message, { 'MCP-METHOD': ' tools/call', 'Mcp-Name': '  echo  ' })
    expect(response.status).toBe(200)
    expect(toolText(await modernAnswer(response, 'tools/call'))).toBe('spaced')
  })

  it('decodes a Base64 Mcp-Name before comparing, and refuses broken Base64', async () => {
    const server = testServer()
    server.registerTool('grüße', {}, () => ({ content: [{ type: 'text', text: 'hallo' }] }))
    const { url } = await serve({}, server)
    const message = modernRequest(1, 'tools/call', { name: 'grüße', arguments: {} })
    expect(toolText(await modernAnswer(await modernPost(url, message, { 'mcp-name': b64('grüße') }), 'tools/call'))).toBe('hallo')
    await expectMismatch(await modernPost(url, { ...message, id: 2 }, { 'mcp-name': '=?base64?Z3L8?ZQ==?=' }), 2, /not valid Base64/)
    // The sentinel only counts when whole: a value that merely starts like one is literal.
    const literal = modernRequest(3, 'tools/call', { name: '=?base64?abc', arguments: {} })
    expect(await modernAnswer(await modernPost(url, literal), 'tools/call')).toMatchObject({ id: 3, error: { code: ErrorCode.InvalidParams } })
  })
})

describe('Mcp-Param headers from x-mcp-header annotations', () => {
  it('accepts a call whose Mcp-Param headers match, numbers compared numerically, booleans as true/false', async () => {
    const { url } = await serve({}, headerServer())
    const args = { region: 'us-west1', priority: 42, verbose: true, target: { zone: 'b' }, query: 'SELECT 1' }
    const headers = { 'mcp-param-region': 'us-west1', 'Mcp-Param-Priority': '42.0', 'mcp-param-verbose': 'true', 'mcp-param-zone': 'b' }
    const answer = await modernAnswer(await modernPost(url, route(1, args), headers), 'tools/call')
    expect(toolText(answer)).toBe(`routed ${JSON.stringify(args)}`)
  })

  it('rejects a call missing the header of an argument it carries, and keeps serving', async () => {
    const { url } = await serve({}, headerServer())
    await expectMismatch(await modernPost(url, route(1, { region: 'us-west1' })), 1, /Mcp-Param-Region header is required/)
    await expectMismatch(await modernPost(url, route(2, { region: 'eu', target: { zone: 'a' } }), { 'mcp-param-region': 'eu' }), 2, /Mcp-Param-Zone header is required/)
    expect(toolText(await modernAnswer(await modernPost(url, route(3, { region: 'eu' }), { 'mcp-param-region': 'eu' }), 'tools/call'))).toBe('routed {"region":"eu"}')
  })

  it('expects no header for an argument that is null or absent, and refuses one sent anyway', async () => {
    const { url } = await serve({}, headerServer())
    const ok = await modernAnswer(await modernPost(url, route(1, { region: 'eu', verbose: null }), { 'mcp-param-region': 'eu' }), 'tools/call')
    expect(ok).toMatchObject({ id: 1, result: { resultType: 'complete' } })
    await expectMismatch(await modernPost(url, route(2, { region: 'eu' }), { 'mcp-param-region': 'eu', 'mcp-param-priority': '1' }), 2, /Mcp-Param-Priority header is sent but arguments.priority is absent/)
  })

  it('rejects mismatched values: another string, another number, a boolean in another case', async () => {
    const { url } = await serve({}, headerServer())
    await expectMismatch(await modernPost(url, route(1, { region: 'eu' }), { 'mcp-param-region': 'us' }), 1, /Mcp-Param-Region header value 'us' does not match/)
    await expectMismatch(await modernPost(url, route(2, { region: 'eu', priority: 7 }), { 'mcp-param-region': 'eu', 'mcp-param-priority': '7.5' }), 2, /Priority/)
    await expectMismatch(await modernPost(url, route(3, { region: 'eu', priority: 7 }), { 'mcp-param-region': 'eu', 'mcp-param-priority': '0x7' }), 3, /Priority/)
    await expectMismatch(await modernPost(url, route(4, { region: 'eu', verbose: false }), { 'mcp-param-region': 'eu', 'mcp-param-verbose': 'False' }), 4, /Verbose/)
  })

  it('decodes Base64 values, and refuses invalid Base64 padding, alphabet or characters', async () => {
    const { url } = await serve({}, headerServer())
    const answer = await modernAnswer(await modernPost(url, route(1, { region: 'Hello, 世界' }), { 'mcp-param-region': b64('Hello, 世界') }), 'tools/call')
    expect(toolText(answer)).toContain('Hello, 世界')
    expect((await modernPost(url, route(2, { region: ' padded ' }), { 'mcp-param-region': b64(' padded ') })).status).toBe(200)
    await expectMismatch(await modernPost(url, route(3, { region: 'Hello' }), { 'mcp-param-region': '=?base64?SGVsbG8?=' }), 3, /not valid Base64/)
    await expectMismatch(await modernPost(url, route(4, { region: 'Hello' }), { 'mcp-param-region': '=?base64?SGVs!!!bG8=?=' }), 4, /not valid Base64/)
    // Base64 of bytes that are not UTF-8.
    await expectMismatch(await modernPost(url, route(5, { region: 'x' }), { 'mcp-param-region': '=?base64?/w==?=' }), 5, /UTF-8/)
  })

  it('refuses a header value with characters no field value may hold', async () => {
    const { url } = await serve({}, headerServer())
    // fetch refuses to send such a header; raw bytes over node:http do.
    const { request } = await import('node:http')
    const body = JSON.stringify(route(1, { region: 'é' }))
    const status = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'route', 'mcp-param-region': Buffer.from('é', 'utf8').toString('latin1') },
      })
      req.on('response', (res) => {
        let text = ''
        res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve({ status: res.statusCode!, body: text }))
      })
      req.on('error', reject)
      req.end(body)
    })
    expect(status.status).toBe(400)
    const answer = JSON.parse(status.body) as JSONRPCMessage
    expectSpecValid(answer)
    expect(answer).toMatchObject({ id: 1, error: { code: ErrorCode.HeaderMismatch, message: expect.stringContaining('invalid characters') } })
  })

  it('checks a tool registered after the first calls, and a tool whose annotations changed', async () => {
    const server = headerServer()
    const { url } = await serve({}, server)
    expect((await modernPost(url, route(1, { region: 'eu' }), { 'mcp-param-region': 'eu' })).status).toBe(200)
    const later = server.registerTool('later', { inputSchema: { type: 'object', properties: { tenant: { type: 'string', 'x-mcp-header': 'Tenant' } } } }, () => ({ content: [] }))
    const call = modernRequest(2, 'tools/call', { name: 'later', arguments: { tenant: 'acme' } })
    await expectMismatch(await modernPost(url, call), 2, /Mcp-Param-Tenant header is required/)
    expect((await modernPost(url, { ...call, id: 3 }, { 'mcp-param-tenant': 'acme' })).status).toBe(200)
    // The annotation goes away: a call without the header is no longer refused on the strength of what was kept.
    later.update({ inputSchema: { type: 'object', properties: { tenant: { type: 'string' } } } })
    expect((await modernPost(url, { ...call, id: 4 })).status).toBe(200)
  })
})
