import { ErrorCode, InsufficientScopeError, McpError, type AuthInfo } from '@plugboard/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import * as z from 'zod'
import { McpServer } from '../src/index.js'
import { ERAS, closeAll, connect, failure } from './harness.js'

afterEach(closeAll)

const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] })

/** A server whose `write` tool needs `files:write` (and counts its runs), beside a `read` tool needing `files:read`. */
function filesServer() {
  const runs = { read: 0, write: 0 }
  const server = new McpServer({ name: 'files', version: '1.0.0' })
  server.registerTool('read', { requiredScopes: ['files:read'] }, () => (runs.read++, text('contents')))
  server.registerTool('write', { inputSchema: { path: z.string() }, requiredScopes: ['files:read', 'files:write'] }, ({ path }) => (runs.write++, text(`wrote ${path}`)))
  return { server, runs }
}

const as = (...scopes: string[]): AuthInfo => ({ token: 'secret-token-value', clientId: 'app', scopes })

describe.each(ERAS)('per-tool requiredScopes (negotiated %s)', (protocolVersion) => {
  it('refuses a call whose token lacks a required scope with -32600 naming the missing scope, before the handler runs', async () => {
    const { server, runs } = filesServer()
    const { client } = await connect(server, { protocolVersion, messageInfo: { authInfo: as('files:read') } })
    const error = await failure(client.request('tools/call', { name: 'write', arguments: { path: '/tmp/x' } }))
    expect(error).toBeInstanceOf(McpError)
    expect(error).toMatchObject({ code: ErrorCode.InvalidRequest, data: { requiredScopes: ['files:read', 'files:write'] } })
    expect((error as McpError).message).toContain('write')
    expect((error as McpError).message).toMatch(/lacks files:write$/)
    expect((error as McpError).message).not.toContain('secret-token-value')
    expect(runs.write).toBe(0)
    // The same token still reaches the tool it has the scope for.
    expect(await client.request('tools/call', { name: 'read', arguments: {} })).toMatchObject({ content: [{ text: 'contents' }] })
  })

  it('checks the scopes before the arguments: a caller without the scope learns nothing about the input schema', async () => {
    const { server } = filesServer()
    const { client } = await connect(server, { protocolVersion, messageInfo: { authInfo: as() } })
    expect(await failure(client.request('tools/call', { name: 'write', arguments: { path: 42 } }))).toMatchObject({ code: ErrorCode.InvalidRequest })
  })

  it('runs the tool for a token holding every required scope', async () => {
    const { server, runs } = filesServer()
    const { client } = await connect(server, { protocolVersion, messageInfo: { authInfo: as('files:read', 'files:write', 'other') } })
    expect(await client.request('tools/call', { name: 'write', arguments: { path: '/tmp/x' } })).toMatchObject({ content: [{ text: 'wrote /tmp/x' }] })
    expect(runs.write).toBe(1)
  })

  it('does not apply to a request nobody authenticated (stdio): the tool runs', async () => {
    const { server, runs } = filesServer()
    const { client } = await connect(server, { protocolVersion })
    expect(await client.request('tools/call', { name: 'write', arguments: { path: '/tmp/x' } })).toMatchObject({ content: [{ text: 'wrote /tmp/x' }] })
    expect(runs.write).toBe(1)
  })

  it('never lists requiredScopes in tools/list', async () => {
    const { server } = filesServer()
    const { client } = await connect(server, { protocolVersion })
    const { tools } = await client.request('tools/list', {})
    expect(tools.map((t) => t.name)).toEqual(['read', 'write'])
    for (const tool of tools) expect(JSON.stringify(tool)).not.toContain('files:')
  })

  it('follows update(): scopes added later are enforced, removed ones no longer are', async () => {
    const server = new McpServer({ name: 'files', version: '1.0.0' })
    const tool = server.registerTool('admin', {}, () => text('done'))
    const { client } = await connect(server, { protocolVersion, messageInfo: { authInfo: as('files:read') } })
    expect(await client.request('tools/call', { name: 'admin', arguments: {} })).toMatchObject({ content: [{ text: 'done' }] })
    tool.update({ requiredScopes: ['admin'] })
    expect(await failure(client.request('tools/call', { name: 'admin', arguments: {} }))).toMatchObject({ data: { requiredScopes: ['admin'] } })
    tool.update({ requiredScopes: [] })
    expect(await client.request('tools/call', { name: 'admin', arguments: {} })).toMatchObject({ content: [{ text: 'done' }] })
  })
})

describe('ctx.auth', () => {
  it('is the verified principal, the same object as ctx.authInfo, and undefined without an auth layer', async () => {
    const seen: Array<{ auth: AuthInfo | undefined; same: boolean }> = []
    const server = new McpServer({ name: 'who', version: '1.0.0' })
    server.registerTool('whoami', {}, (_args, ctx) => (seen.push({ auth: ctx.auth, same: ctx.auth === ctx.authInfo }), text(ctx.auth?.clientId ?? 'nobody')))
    const authInfo: AuthInfo = { ...as('files:read'), cnf: { jkt: 'thumbprint' } }
    const authed = await connect(server, { messageInfo: { authInfo } })
    expect(await authed.client.request('tools/call', { name: 'whoami', arguments: {} })).toMatchObject({ content: [{ text: 'app' }] })
    const anonymous = await connect(server)
    expect(await anonymous.client.request('tools/call', { name: 'whoami', arguments: {} })).toMatchObject({ content: [{ text: 'nobody' }] })
    expect(seen).toEqual([
      { auth: authInfo, same: true },
      { auth: undefined, same: true },
    ])
  })
})

describe('InsufficientScopeError', () => {
  it('round-trips through its JSON-RPC error object, and recognizes nothing else', () => {
    const error = new InsufficientScopeError(['files:write'])
    expect(error).toBeInstanceOf(McpError)
    expect(error.toJSON()).toEqual({ code: ErrorCode.InvalidRequest, message: 'Insufficient scope: this request needs the scopes files:write', data: { requiredScopes: ['files:write'] } })
    expect(InsufficientScopeError.from(error.toJSON())?.requiredScopes).toEqual(['files:write'])
    expect(InsufficientScopeError.from({ code: ErrorCode.InvalidRequest, message: 'x' })).toBeUndefined()
    expect(InsufficientScopeError.from({ code: ErrorCode.InvalidParams, message: 'x', data: { requiredScopes: ['a'] } })).toBeUndefined()
    expect(InsufficientScopeError.from({ code: ErrorCode.InvalidRequest, message: 'x', data: { requiredScopes: [1] } })).toBeUndefined()
    expect(InsufficientScopeError.from({ code: ErrorCode.InvalidRequest, message: 'x', data: { requiredScopes: [] } })).toBeUndefined()
  })
})
