import { ErrorCode, McpError } from '@plugboard/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import * as z from 'zod'
import { McpServer, clientExtension, isExtensionId, type ServerExtension } from '../src/index.js'
import { ERAS, closeAll, connect, isModern } from './harness.js'

// The extension API: a package adds an MCP extension without touching the engine — it declares its
// id and settings under capabilities.extensions, adds methods (params checked, cache hints added),
// wraps requests with middleware, and reads what the client declared. Unknown extensions a client
// offers are ignored. https://modelcontextprotocol.io/extensions/overview

afterEach(closeAll)

const ECHO = 'com.example/echo'

/** A small third-party extension: a method, a setting, a middleware that marks tool results, and a tool it registers. */
function echoExtension(seen: Array<Record<string, unknown> | undefined> = []): ServerExtension {
  return {
    id: ECHO,
    settings: { loud: true },
    capabilities: { tools: {} },
    methods: {
      'echo/say': {
        params: z.object({ text: z.string() }),
        cache: { ttlMs: 60_000, cacheScope: 'public' },
        handler: (params, ctx) => {
          seen.push(clientExtension(ctx, ECHO))
          return { said: String(params.text).toUpperCase() }
        },
      },
    },
    middleware: async (call, next) => {
      const result = await next()
      return call.method === 'tools/call' ? { ...result, _meta: { ...(result._meta as object), [`${ECHO}/seen`]: true } } : result
    },
    setup(server) {
      return server.setRequestHandler('echo/version', () => ({ version: '1' }))
    },
  }
}

describe('McpServer.extend()', () => {
  it.each(ERAS)('%s: declares the extension with its settings, serves its methods, runs its middleware, and sees what the client declared', async (protocolVersion) => {
    const seen: Array<Record<string, unknown> | undefined> = []
    const server = new McpServer({ name: 'ext', version: '1.0.0' }, { extensions: [echoExtension(seen)] })
    server.registerTool('noop', {}, () => ({ content: [] }))
    const { client, hello } = await connect(server, {
      protocolVersion,
      capabilities: { extensions: { [ECHO]: { whisper: true }, 'org.unknown/thing': { anything: 1 } } },
    })
    expect((hello.capabilities as { extensions?: unknown }).extensions).toEqual({ [ECHO]: { loud: true } })
    const said = await client.request('echo/say', { text: 'hi' })
    expect(said).toMatchObject({ said: 'HI' })
    if (isModern(protocolVersion)) expect(said).toMatchObject({ ttlMs: 60_000, cacheScope: 'public' })
    expect(seen).toEqual([{ whisper: true }])
    expect(await client.request('echo/version', {})).toMatchObject({ version: '1' })
    const called = await client.request('tools/call', { name: 'noop', arguments: {} })
    expect((called._meta as Record<string, unknown>)[`${ECHO}/seen`]).toBe(true)
    await expect(client.request('echo/say', { text: 3 })).rejects.toMatchObject({ code: ErrorCode.InvalidParams, message: expect.stringContaining('text') })
  })

  it('a client that did not declare the extension is seen as such (undefined), and the method still answers', async () => {
    const seen: Array<Record<string, unknown> | undefined> = []
    const server = new McpServer({ name: 'ext', version: '1.0.0' }, { extensions: [echoExtension(seen)] })
    const { client } = await connect(server, { protocolVersion: '2026-07-28' })
    await client.request('echo/say', { text: 'x' })
    expect(seen).toEqual([undefined])
  })

  it('declares the core capabilities an extension needs, under what the server declares itself', async () => {
    const bare = new McpServer({ name: 'ext', version: '1.0.0' })
    bare.extend({ id: 'com.example/files', capabilities: { resources: { listChanged: false } } })
    expect((await connect(bare)).hello.capabilities).toMatchObject({ resources: { listChanged: false }, extensions: { 'com.example/files': {} } })
    const own = new McpServer({ name: 'ext', version: '1.0.0' }, { capabilities: { resources: { subscribe: false } } })
    own.extend({ id: 'com.example/files', capabilities: { resources: { listChanged: false, subscribe: true } } })
    expect((await connect(own)).hello.capabilities).toMatchObject({ resources: { subscribe: false, listChanged: true }, extensions: { 'com.example/files': {} } })
  })

  it('uninstalling removes the declaration, the methods and the middleware', async () => {
    const server = new McpServer({ name: 'ext', version: '1.0.0' })
    const remove = server.extend(echoExtension())
    remove()
    const { client, hello } = await connect(server)
    expect((hello.capabilities as { extensions?: unknown }).extensions).toBeUndefined()
    await expect(client.request('echo/say', { text: 'x' })).rejects.toMatchObject({ code: ErrorCode.MethodNotFound })
    await expect(client.request('echo/version', {})).rejects.toMatchObject({ code: ErrorCode.MethodNotFound })
  })

  it('refuses a malformed id and a second install of one id', () => {
    const server = new McpServer({ name: 'ext', version: '1.0.0' })
    expect(() => server.extend({ id: 'no-prefix' })).toThrow(TypeError)
    expect(() => server.extend({ id: 'com.example/' })).toThrow(TypeError)
    server.extend({ id: 'com.example/a' })
    expect(() => server.extend({ id: 'com.example/a' })).toThrow(/already installed/)
    expect(isExtensionId('io.modelcontextprotocol/tasks')).toBe(true)
    expect(isExtensionId('io.modelcontextprotocol/skills')).toBe(true)
    expect(isExtensionId('com.example.mcp/my-extension-v2')).toBe(true)
    expect(isExtensionId('-bad.example/x')).toBe(false)
  })

  it('an error thrown by an extension method reaches the client as that McpError', async () => {
    const server = new McpServer({ name: 'ext', version: '1.0.0' })
    server.extend({ id: 'com.example/fail', methods: { 'fail/now': { handler: () => { throw new McpError(ErrorCode.InvalidParams, 'No such thing') } } } })
    const { client } = await connect(server, { protocolVersion: '2026-07-28' })
    await expect(client.request('fail/now', {})).rejects.toMatchObject({ code: ErrorCode.InvalidParams, message: 'No such thing' })
  })
})
