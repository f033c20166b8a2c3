import { ErrorCode, McpError } from '@plugboard/protocol'
import { toStandardJsonSchema } from '@valibot/to-json-schema'
import * as v from 'valibot'
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as z from 'zod'
import { McpServer } from '../src/index.js'
import { ERAS, LEGACY_ERAS, MODERN, closeAll, connect, failure, listen } from './harness.js'

afterEach(async () => {
  vi.restoreAllMocks()
  await closeAll()
})

const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] })

describe.each(ERAS)('tools (negotiated %s)', (protocolVersion) => {
  it('lists enabled tools with their compiled input schema, and { type: object } for a tool without one', async () => {
    const server = new McpServer({ name: 't', version: '1' })
    server.registerTool(
      'add',
      { title: 'Add', description: 'Adds', inputSchema: { a: z.number().describe('first'), b: z.number().optional() }, annotations: { readOnlyHint: true } },
      ({ a, b }) => text(String(a + (b ?? 0))),
    )
    server.registerTool('ping', { description: 'no arguments' }, () => text('pong'))
    server.registerTool('hidden', {}, () => text('x')).disable()
    const { client } = await connect(server, { protocolVersion })

    const { tools, nextCursor } = await client.request('tools/list', {})
    expect(nextCursor).toBeUndefined()
    expect(tools.map((t) => t.name)).toEqual(['add', 'ping'])
    expect(tools[0]).toMatchObject({
      name: 'add',
      title: 'Add',
      description: 'Adds',
      annotations: { readOnlyHint: true },
      inputSchema: { type: 'object', properties: { a: { type: 'number', description: 'first' }, b: { type: 'number' } }, required: ['a'] },
    })
    expect(tools[1]!.inputSchema).toEqual({ type: 'object' })
    expect(tools[1]).not.toHaveProperty('outputSchema')
  })

  it('calls a tool with the arguments its schema parsed', async () => {
    const server = new McpServer({ name: 't', version: '1' })
    const seen: unknown[] = []
    server.registerTool('greet', { inputSchema: z.object({ name: z.string(), times: z.coerce.number().default(1) }) }, (args) => {
      seen.push(args)
      return text(`hi ${args.name}`.repeat(args.times))
    })
    const { client } = await connect(server, { protocolVersion })
    const result = await client.request('tools/call', { name: 'greet', arguments: { name: 'ada', times: '2' } })
    expect(result.content).toEqual([{ type: 'text', text: 'hi adahi ada' }])
    expect(result.isError).toBeUndefined()
    expect(seen).toEqual([{ name: 'ada', times: 2 }])
  })

  it('validates arguments with any Standard Schema (valibot) and with raw JSON Schema', async () => {
    const server = new McpServer({ name: 't', version: '1' })
    server.registerTool('echo', { inputSchema: toStandardJsonSchema(v.object({ word: v.string() })) }, ({ word }) => text(word))
    server.registerTool('raw', { inputSchema: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] } }, (args) => text(String(args.n)))
    const { client } = await connect(server, { protocolVersion })
    expect((await client.request('tools/call', { name: 'echo', arguments: { word: 'ok' } })).content).toEqual([{ type: 'text', text: 'ok' }])
    expect((await client.request('tools/call', { name: 'raw', arguments: { n: 3 } })).content).toEqual([{ type: 'text', text: '3' }])
    const bad = await client.request('tools/call', { name: 'raw', arguments: { n: 'three' } })
    expect(bad.isError).toBe(true)
    expect(bad.content[0]).toMatchObject({ type: 'text', text: expect.stringContaining('n:') })
  })

  it('answers a tools/call for an unknown tool with -32602 and keeps the session open', async () => {
    const server = new McpServer({ name: 't', version: '1' })
    server.registerTool('known', {}, () => text('ok'))
    const { client } = await connect(server, { protocolVersion })
    const error = await failure(client.request('tools/call', { name: 'nope', arguments: {} }))
    expect(error).toBeInstanceOf(McpError)
    expect(error).toMatchObject({ code: ErrorCode.InvalidParams, message: expect.stringContaining('nope') })
    await expect(client.request('tools/call', { name: 'known' })).resolves.toMatchObject({ content: [{ text: 'ok' }] })
  })

  it('treats a disabled tool as unknown until it is enabled again', async () => {
    const server = new McpServer({ name: 't', version: '1' })
    const tool = server.registerTool('flip', {}, () => text('on'))
    tool.disable()
    expect(tool.enabled).toBe(false)
    const { client } = await connect(server, { protocolVersion })
    expect(await failure(client.request('tools/call', { name: 'flip' }))).toMatchObject({ code: ErrorCode.InvalidParams })
    tool.enable()
    await expect(client.request('tools/call', { name: 'flip' })).resolves.toMatchObject({ content: [{ text: 'on' }] })
  })

  it('answers invalid arguments with an isError result naming the field, without calling the handler', async () => {
    const server = new McpServer({ name: 't', version: '1' })
    const handler = vi.fn(() => text('never'))
    server.registerTool('add', { inputSchema: { a: z.number(), b: z.number() } }, handler)
    const { client } = await connect(server, { protocolVersion })
    const result = await client.request('tools/call', { name: 'add', arguments: { a: 'one' } })
    expect(result.isError).toBe(true)
    const message = (result.content[0] as { text: string }).text
    expect(message).toContain('Invalid arguments for tool add')
    expect(message).toMatch(/a: /)
    expect(message).toMatch(/b: /)
    expect(handler).not.toHaveBeenCalled()
  })

  it('turns a throwing handler into an isError result with its message', async () => {
    const server = new McpServer({ name: 't', version: '1' })
    server.registerTool('boom', {}, () => {
      throw new Error('disk full')
    })
    const { client } = await connect(server, { protocolVersion })
    const result = await client.request('tools/call', { name: 'boom' })
    expect(result).toMatchObject({ isError: true, content: [{ type: 'text', text: 'disk full' }] })
  })

  it('sends an McpError thrown by the handler as a protocol error with its code and data', async () => {
    const server = new McpServer({ name: 't', version: '1' })
    server.registerTool('strict', {}, () => {
      throw new McpError(ErrorCode.InvalidRequest, 'not now', { retry: true })
    })
    const { client } = await connect(server, { protocolVersion })
    expect(await failure(client.request('tools/call', { name: 'strict' }))).toMatchObject({ code: ErrorCode.InvalidRequest, message: 'not now', data: { retry: true } })
  })

  it('validates structuredContent against outputSchema and adds its JSON as a text block', async () => {
    const server = new McpServer({ name: 't', version: '1' })
    server.registerTool('stats', { outputSchema: { count: z.number(), label: z.string() } }, () => ({ structuredContent: { count: 2, label: 'two' } }))
    server.registerTool('both', { outputSchema: { count: z.number() } }, () => ({ content: [{ type: 'text', text: 'custom' }], structuredContent: { count: 1 } }))
    const { client } = await connect(server, { protocolVersion })
    const { tools } = await client.request('tools/list', {})
    expect(tools[0]!.outputSchema).toMatchObject({ type: 'object', properties: { count: { type: 'number' } }, required: ['count', 'label'] })
    const result = await client.request('tools/call', { name: 'stats' })
    expect(result.structuredContent).toEqual({ count: 2, label: 'two' })
    expect(result.content).toEqual([{ type: 'text', text: JSON.stringify({ count: 2, label: 'two' }) }])
    expect((await client.request('tools/call', { name: 'both' })).content).toEqual([{ type: 'text', text: 'custom' }])
  })

  it('answers structuredContent that breaks outputSchema, or is missing, with an isError result', async () => {
    const server = new McpServer({ name: 't', version: '1' })
    server.registerTool('wrong', { outputSchema: { count: z.number() } }, () => ({ structuredContent: { count: 'many' as unknown as number } }))
    server.registerTool('missing', { outputSchema: { count: z.number() } }, () => text('no structure'))
    server.registerTool('failed', { outputSchema: { count: z.number() } }, () => ({ ...text('it broke'), isError: true }))
    const { client } = await connect(server, { protocolVersion })
    const wrong = await client.request('tools/call', { name: 'wrong' })
    expect(wrong.isError).toBe(true)
    expect(wrong.structuredContent).toBeUndefined()
    expect((wrong.content[0] as { text: string }).text).toContain('does not match its output schema')
    const missing = await client.request('tools/call', { name: 'missing' })
    expect(missing).toMatchObject({ isError: true, content: [{ text: expect.stringContaining('no structuredContent') }] })
    // A failed run needs no structured result.
    expect(await client.request('tools/call', { name: 'failed' })).toMatchObject({ isError: true, content: [{ text: 'it broke' }] })
  })

  it('renames a tool and swaps its schema and handler through update()', async () => {
    const server = new McpServer({ name: 't', version: '1' })
    const tool = server.registerTool('old', { inputSchema: { a: z.number() } }, ({ a }) => text(String(a)))
    const { client } = await connect(server, { protocolVersion })
    tool.update({ name: 'new', inputSchema: { s: z.string() }, callback: ({ s }: { s: string }) => text(s.toUpperCase()) })
    expect(tool.name).toBe('new')
    expect(await failure(client.request('tools/call', { name: 'old', arguments: { a: 1 } }))).toMatchObject({ code: ErrorCode.InvalidParams })
    expect((await client.request('tools/call', { name: 'new', arguments: { s: 'x' } })).content).toEqual([{ type: 'text', text: 'X' }])
    const { tools } = await client.request('tools/list', {})
    expect(tools[0]!.inputSchema).toMatchObject({ properties: { s: { type: 'string' } } })
  })

  it('pages tools/list with pageSize 2 and opaque cursors, and rejects a bad cursor with -32602', async () => {
    const server = new McpServer({ name: 't', version: '1' }, { pageSize: 2 })
    for (const name of ['a', 'b', 'c', 'd', 'e']) server.registerTool(name, {}, () => text(name))
    const { client } = await connect(server, { protocolVersion })
    const pages: string[][] = []
    let cursor: string | undefined
    do {
      const page = await client.request('tools/list', cursor === undefined ? {} : { cursor })
      pages.push(page.tools.map((t) => t.name))
      cursor = page.nextCursor
      if (cursor !== undefined) expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/)
    } while (cursor !== undefined)
    expect(pages).toEqual([['a', 'b'], ['c', 'd'], ['e']])
    for (const bad of ['not a cursor', 'eHl6', '']) {
      expect(await failure(client.request('tools/list', { cursor: bad }))).toMatchObject({ code: ErrorCode.InvalidParams })
    }
  })
})

describe.each(LEGACY_ERAS)('tools/list_changed on the connection (negotiated %s)', (protocolVersion) => {
  it('sends tools/list_changed on register, enable, disable, update and remove after connect', async () => {
    const server = new McpServer({ name: 't', version: '1' })
    const tool = server.registerTool('a', {}, () => text('a'))
    const { client, received } = await connect(server, { protocolVersion })
    const changes = () => received('notifications/tools/list_changed').length

    tool.disable()
    await vi.waitFor(() => expect(changes()).toBe(1))
    expect((await client.request('tools/list', {})).tools).toEqual([])
    tool.enable()
    await vi.waitFor(() => expect(changes()).toBe(2))
    tool.update({ description: 'now described' })
    await vi.waitFor(() => expect(changes()).toBe(3))
    expect((await client.request('tools/list', {})).tools[0]).toMatchObject({ name: 'a', description: 'now described' })
    server.registerTool('b', {}, () => text('b'))
    await vi.waitFor(() => expect(changes()).toBe(4))
    tool.remove()
    await vi.waitFor(() => expect(changes()).toBe(5))
    expect((await client.request('tools/list', {})).tools.map((t) => t.name)).toEqual(['b'])
  })

  it('coalesces changes made in one tick into one tools/list_changed', async () => {
    const server = new McpServer({ name: 't', version: '1' })
    server.registerTool('first', {}, () => text('1'))
    const { client, received } = await connect(server, { protocolVersion })
    for (let i = 0; i < 10; i++) server.registerTool(`tool_${i}`, {}, () => text(String(i)))
    await client.request('ping')
    await vi.waitFor(() => expect(received('notifications/tools/list_changed')).toHaveLength(1))
    await client.request('ping')
    expect(received('notifications/tools/list_changed')).toHaveLength(1)
  })
})

describe('tools/list_changed on a subscriptions/listen stream (negotiated 2026-07-28)', () => {
  it('sends tools/list_changed on register, enable, disable, update and remove to a stream that asked for toolsListChanged', async () => {
    const server = new McpServer({ name: 't', version: '1' })
    const tool = server.registerTool('a', {}, () => text('a'))
    const c = await connect(server, { protocolVersion: MODERN })
    const stream = await listen(c, { toolsListChanged: true })
    const changes = () => stream.received('notifications/tools/list_changed').length

    tool.disable()
    await vi.waitFor(() => expect(changes()).toBe(1))
    expect((await c.client.request('tools/list', {})).tools).toEqual([])
    tool.enable()
    await vi.waitFor(() => expect(changes()).toBe(2))
    tool.update({ description: 'now described' })
    await vi.waitFor(() => expect(changes()).toBe(3))
    server.registerTool('b', {}, () => text('b'))
    await vi.waitFor(() => expect(changes()).toBe(4))
    tool.remove()
    await vi.waitFor(() => expect(changes()).toBe(5))
    expect((await c.client.request('tools/list', {})).tools.map((t) => t.name)).toEqual(['b'])
    // Every one of them on the stream: none went to the connection outside it.
    expect(c.received('notifications/tools/list_changed')).toHaveLength(5)
  })

  it('coalesces changes made in one tick into one tools/list_changed on the stream', async () => {
    const server = new McpServer({ name: 't', version: '1' })
    server.registerTool('first', {}, () => text('1'))
    const c = await connect(server, { protocolVersion: MODERN })
    const stream = await listen(c, { toolsListChanged: true })
    for (let i = 0; i < 10; i++) server.registerTool(`tool_${i}`, {}, () => text(String(i)))
    await vi.waitFor(() => expect(stream.received('notifications/tools/list_changed')).toHaveLength(1))
    await c.roundTrip()
    expect(stream.received('notifications/tools/list_changed')).toHaveLength(1)
  })

  it('sends nothing to a modern client that is not listening: there is no connection-level list_changed', async () => {
    const server = new McpServer({ name: 't', version: '1' })
    const tool = server.registerTool('a', {}, () => text('a'))
    const c = await connect(server, { protocolVersion: MODERN })
    tool.disable()
    await server.sendToolListChanged()
    await c.roundTrip()
    expect(c.received('notifications/tools/list_changed')).toEqual([])
  })
})

describe('tool registration', () => {
  it('throws on a duplicate name and on an empty one', () => {
    const server = new McpServer({ name: 't', version: '1' })
    server.registerTool('dup', {}, () => text(''))
    expect(() => server.registerTool('dup', {}, () => text(''))).toThrow(/already registered/)
    expect(() => server.registerTool('', {}, () => text(''))).toThrow(TypeError)
  })

  it('warns about a name outside the spec guidance (1-128 of A-Z a-z 0-9 _ - .) but registers it', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const server = new McpServer({ name: 't', version: '1' })
    server.registerTool('get.weather_v2-beta', {}, () => text(''))
    expect(warn).not.toHaveBeenCalled()
    server.registerTool('get weather', {}, () => text(''))
    server.registerTool('x'.repeat(129), {}, () => text(''))
    expect(warn).toHaveBeenCalledTimes(2)
  })

  it('infers handler arguments from the schema (compile-time check)', () => {
    const server = new McpServer({ name: 't', version: '1' })
    server.registerTool('typed', { inputSchema: { a: z.number(), tag: z.string().optional() }, outputSchema: { sum: z.number() } }, (args) => {
      const a: number = args.a
      const tag: string | undefined = args.tag
      // @ts-expect-error -- not in the schema
      void args.missing
      return { structuredContent: { sum: a + (tag ? 1 : 0) } }
    })
    // @ts-expect-error -- structuredContent must match outputSchema
    server.registerTool('typed2', { outputSchema: { sum: z.number() } }, () => ({ structuredContent: { sum: 'no' } }))
    expect(true).toBe(true)
  })
})
