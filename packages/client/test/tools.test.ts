import { ErrorCode, McpError, type CallToolResult, type RequestContext, type Session, type Tool } from '@plugboard/protocol'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Client } from '../src/index.js'
import { ERAS, connectToRawServer, expectNoViolations, nextCall, rawPair, withMethod } from './raw-server.js'

const open: Client[] = []
afterEach(async () => {
  vi.restoreAllMocks()
  vi.useRealTimers()
  await Promise.all(open.splice(0).map((c) => c.close()))
})

const sumSchema = { type: 'object' as const, properties: { sum: { type: 'number' } }, required: ['sum'] }
const addTool: Tool = { name: 'add', inputSchema: { type: 'object' }, outputSchema: sumSchema }

/** A raw server with `tools` whose tools/list serves `tools` (mutable) and tools/call runs `call`. */
describe.each(ERAS)('%s era', (era) => {
  async function toolServer(tools: Tool[], call: (name: string, args: Record<string, unknown>, ctx: RequestContext) => CallToolResult | Promise<CallToolResult>) {
    const pair = await connectToRawServer({
      era,
      capabilities: { tools: { listChanged: true } },
      setup: (server: Session) => {
        server.setRequestHandler('tools/list', () => ({ tools }))
        server.setRequestHandler('tools/call', (params, ctx) => call(params.name, params.arguments ?? {}, ctx))
      },
    })
    open.push(pair.client)
    return pair
  }

  describe('listing tools', () => {
    it('walks every page with iterate, sending each nextCursor back', async () => {
      const pages: Record<string, { tools: Tool[]; nextCursor?: string }> = {
        '': { tools: [{ name: 'a', inputSchema: { type: 'object' } }], nextCursor: 'p2' },
        p2: { tools: [{ name: 'b', inputSchema: { type: 'object' } }], nextCursor: 'p3' },
        p3: { tools: [{ name: 'c', inputSchema: { type: 'object' } }] },
      }
      const { client, sent, violations } = await connectToRawServer({
      era,
        capabilities: { tools: {} },
        setup: (server) => server.setRequestHandler('tools/list', (params) => pages[params.cursor ?? '']!),
      })
      open.push(client)
      const names: string[] = []
      for await (const tool of client.iterate('tools/list')) names.push(tool.name)
      expect(names).toEqual(['a', 'b', 'c'])
      expect(withMethod(sent, 'tools/list').map((m) => (m as { params?: { cursor?: string } }).params?.cursor)).toEqual([undefined, 'p2', 'p3'])
      expectNoViolations(violations)
    })

    it('returns one page from listTools with its nextCursor', async () => {
      const { client } = await connectToRawServer({
      era,
        capabilities: { tools: {} },
        setup: (server) => server.setRequestHandler('tools/list', (params) => ({ tools: [], nextCursor: params.cursor ? undefined : 'next' })),
      })
      open.push(client)
      await expect(client.listTools()).resolves.toMatchObject({ nextCursor: 'next' })
      expect((await client.listTools({ cursor: 'next' })).nextCursor).toBeUndefined()
    })
  })

  describe('calling tools', () => {
    it('resolves a result whose structuredContent matches the outputSchema', async () => {
      const { client, violations } = await toolServer([addTool], (_, args) => ({
        content: [{ type: 'text', text: String(Number(args.a) + Number(args.b)) }],
        structuredContent: { sum: Number(args.a) + Number(args.b) },
      }))
      const result = await client.callTool({ name: 'add', arguments: { a: 1, b: 2 } })
      expect(result.structuredContent).toEqual({ sum: 3 })
      expectNoViolations(violations)
    })

    it('rejects with McpError(InvalidParams) when structuredContent breaks the outputSchema, keeping the result in data', async () => {
      const { client } = await toolServer([addTool], () => ({ content: [], structuredContent: { sum: 'three' } }))
      const error = await client.callTool({ name: 'add', arguments: {} }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(McpError)
      expect(error).toMatchObject({ code: ErrorCode.InvalidParams, data: { tool: 'add', result: { structuredContent: { sum: 'three' } } } })
      expect((error as McpError).message).toMatch(/sum must be number/)
    })

    it('rejects with McpError(InvalidParams) when a tool with an outputSchema returns no structuredContent', async () => {
      const { client } = await toolServer([addTool], () => ({ content: [{ type: 'text', text: '3' }] }))
      await expect(client.callTool({ name: 'add' })).rejects.toMatchObject({ code: ErrorCode.InvalidParams, message: expect.stringMatching(/no structuredContent/) })
    })

    it('does not validate an isError result', async () => {
      const { client } = await toolServer([addTool], () => ({ content: [{ type: 'text', text: 'boom' }], isError: true }))
      await expect(client.callTool({ name: 'add' })).resolves.toMatchObject({ isError: true })
    })

    it('accepts an outputSchema that names draft-07 as its dialect', async () => {
      const draft7: Tool = { ...addTool, outputSchema: { $schema: 'http://json-schema.org/draft-07/schema#', ...sumSchema, type: 'object' } }
      const { client } = await toolServer([draft7], () => ({ content: [], structuredContent: { sum: 1 } }))
      await expect(client.callTool({ name: 'add' })).resolves.toMatchObject({ structuredContent: { sum: 1 } })
    })

    it('checks formats with ajv-formats', async () => {
      const dated: Tool = { name: 'when', inputSchema: { type: 'object' }, outputSchema: { type: 'object', properties: { at: { type: 'string', format: 'date-time' } } } }
      let at = 'yesterday'
      const { client } = await toolServer([dated], () => ({ content: [], structuredContent: { at } }))
      await expect(client.callTool({ name: 'when' })).rejects.toMatchObject({ code: ErrorCode.InvalidParams })
      at = '2025-11-25T10:00:00Z'
      await expect(client.callTool({ name: 'when' })).resolves.toMatchObject({ structuredContent: { at } })
    })

    it('compiles a tool validator once, across calls and repeated listings', async () => {
      const compile = vi.spyOn(Ajv2020.prototype, 'compile')
      const { client } = await toolServer([addTool], () => ({ content: [], structuredContent: { sum: 1 } }))
      await client.callTool({ name: 'add' })
      await client.callTool({ name: 'add' })
      await client.listTools()
      await client.callTool({ name: 'add' })
      expect(compile).toHaveBeenCalledTimes(1)
    })

    it('fetches the tool list once for a tool it has not seen, even when absent from the list', async () => {
      const { client, sent } = await toolServer([addTool], () => ({ content: [] }))
      await Promise.all([client.callTool({ name: 'ghost' }), client.callTool({ name: 'ghost' })])
      await client.callTool({ name: 'ghost' })
      await client.callTool({ name: 'add' }).catch(() => {})
      expect(withMethod(sent, 'tools/list')).toHaveLength(1)
      expect(withMethod(sent, 'tools/call')).toHaveLength(4)
    })

    it('lets a call go on when another call that started the shared tool listing aborts it', async () => {
      let release!: () => void
      let listings = 0
      const { client } = await connectToRawServer({
      era,
        capabilities: { tools: {} },
        setup: (server) => {
          server.setRequestHandler('tools/list', async () => {
            if (++listings === 1) await new Promise<void>((r) => (release = r))
            return { tools: [addTool] }
          })
          server.setRequestHandler('tools/call', () => ({ content: [], structuredContent: { sum: 'not a number' } }))
        },
      })
      open.push(client)
      const controller = new AbortController()
      const first = client.callTool({ name: 'add' }, { signal: controller.signal })
      const second = client.callTool({ name: 'add' })
      await vi.waitFor(() => expect(listings).toBe(1))
      controller.abort()
      release()
      await expect(first).rejects.toMatchObject({ code: ErrorCode.RequestCancelled })
      // Validated against the schema from the second listing: the call went on.
      await expect(second).rejects.toMatchObject({ code: ErrorCode.InvalidParams })
      expect(listings).toBe(2)
    })

    it('does not list again for a tool already seen through listTools', async () => {
      const { client, sent } = await toolServer([addTool], () => ({ content: [], structuredContent: { sum: 2 } }))
      await client.listTools()
      await client.callTool({ name: 'add' })
      expect(withMethod(sent, 'tools/list')).toHaveLength(1)
    })

    it('drops the cached tools on notifications/tools/list_changed and validates against the new schema', async () => {
      const tools = [addTool]
      const { client, server, sent } = await toolServer(tools, () => ({ content: [], structuredContent: { sum: 2 } }))
      await client.callTool({ name: 'add' })
      tools[0] = { ...addTool, outputSchema: { type: 'object', properties: { total: { type: 'number' } }, required: ['total'] } }
      const changed = nextCall()
      client.on('toolListChanged', changed.resolve)
      await server.notify('notifications/tools/list_changed')
      await changed.promise
      await expect(client.callTool({ name: 'add' })).rejects.toMatchObject({ code: ErrorCode.InvalidParams, message: expect.stringMatching(/total/) })
      expect(withMethod(sent, 'tools/list')).toHaveLength(2)
    })

    it('rejects callTool locally when the server has no tools capability, sending nothing', async () => {
      const { client, sent } = await connectToRawServer({ era, capabilities: { prompts: {} } })
      open.push(client)
      const before = sent.length
      await expect(client.callTool({ name: 'add' })).rejects.toMatchObject({ code: ErrorCode.CapabilityNotSupported })
      await expect(client.listTools()).rejects.toMatchObject({ code: ErrorCode.CapabilityNotSupported })
      expect(sent.length).toBe(before)
    })
  })

  describe('x-mcp-header', () => {
    const annotated: Tool = {
      name: 'query',
      inputSchema: { type: 'object', properties: { region: { type: 'string', 'x-mcp-header': 'Region' }, verbose: { type: 'boolean', 'x-mcp-header': 'Verbose' }, sql: { type: 'string' } } },
    }
    const broken: Tool = { name: 'broken', inputSchema: { type: 'object', properties: { score: { type: 'number', 'x-mcp-header': 'Score' } } } }

    it('leaves a tool with an invalid annotation out of tools/list and says why in an error event', async () => {
      const { client } = await toolServer([annotated, broken], () => ({ content: [] }))
      const errors: Error[] = []
      client.on('error', (e) => errors.push(e))
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['query'])
      expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/^Tool broken left out of tools\/list: .*Score/)])
    })

    it('hands the annotated argument values to the transport as headerParams', async () => {
      const pair = await rawPair({
        era,
        capabilities: { tools: {} },
        setup: (server) => {
          server.setRequestHandler('tools/list', () => ({ tools: [annotated] }))
          server.setRequestHandler('tools/call', () => ({ content: [] }))
        },
      })
      open.push(pair.client)
      const options: { method: string; headerParams?: unknown }[] = []
      const send = pair.clientTransport.send
      pair.clientTransport.send = (message, sendOptions) => {
        if (!Array.isArray(message) && 'method' in message) options.push({ method: message.method, headerParams: sendOptions?.headerParams })
        return send(message, sendOptions)
      }
      await pair.client.connect(pair.clientTransport)
      await pair.client.callTool({ name: 'query', arguments: { region: 'eu', verbose: false, sql: 'SELECT 1' } })
      await pair.client.callTool({ name: 'query', arguments: { sql: 'SELECT 2' } })
      expect(options.filter((o) => o.method === 'tools/call').map((o) => o.headerParams)).toEqual([{ Region: 'eu', Verbose: false }, undefined])
    })
  })

  describe('cancellation, progress and timeouts', () => {
    it('sends notifications/cancelled when the callTool signal aborts, and the server handler sees it', async () => {
      const reached = nextCall()
      const aborted = nextCall<unknown>()
      const { client, sent } = await toolServer([], (_, __, ctx) => {
        ctx.signal.addEventListener('abort', () => aborted.resolve(ctx.signal.reason))
        reached.resolve(undefined)
        return new Promise(() => {})
      })
      const controller = new AbortController()
      const call = client.callTool({ name: 'slow' }, { signal: controller.signal })
      await reached.promise
      controller.abort('user gave up')
      await expect(call).rejects.toMatchObject({ code: ErrorCode.RequestCancelled })
      expect(await aborted.promise).toBe('user gave up')
      const [request] = withMethod(sent, 'tools/call') as { id: number }[]
      expect(withMethod(sent, 'notifications/cancelled')).toEqual([expect.objectContaining({ params: { requestId: request!.id, reason: 'user gave up' } })])
    })

    it('rejects with RequestTimeout after the timeout and cancels the request on the server', async () => {
      const reached = nextCall()
      const { client, sent } = await toolServer([], () => {
        reached.resolve(undefined)
        return new Promise(() => {})
      })
      vi.useFakeTimers()
      const call = client.callTool({ name: 'slow' }, { timeout: 1_000 })
      const outcome = call.catch((e: unknown) => e)
      await reached.promise
      await vi.advanceTimersByTimeAsync(999)
      expect(withMethod(sent, 'notifications/cancelled')).toHaveLength(0)
      await vi.advanceTimersByTimeAsync(1)
      expect(await outcome).toMatchObject({ code: ErrorCode.RequestTimeout })
      expect(withMethod(sent, 'notifications/cancelled')).toEqual([expect.objectContaining({ params: expect.objectContaining({ reason: 'timeout' }) })])
    })

    it('delivers progress to onprogress and restarts the timeout on progress when asked', async () => {
      const reached = nextCall<RequestContext>()
      const finish = nextCall<void>()
      const { client } = await toolServer([], async (_, __, ctx) => {
        reached.resolve(ctx)
        await finish.promise
        return { content: [{ type: 'text', text: 'done' }] }
      })
      vi.useFakeTimers()
      const progress: number[] = []
      const call = client.callTool({ name: 'long' }, { timeout: 1_000, resetTimeoutOnProgress: true, onprogress: (p) => progress.push(p.progress) })
      const ctx = await reached.promise
      expect(ctx.progressToken).toBeDefined()
      for (const step of [1, 2, 3]) {
        await vi.advanceTimersByTimeAsync(800)
        await ctx.sendProgress(step, 3)
        await vi.waitFor(() => expect(progress).toHaveLength(step))
      }
      finish.resolve()
      await expect(call).resolves.toMatchObject({ content: [{ text: 'done' }] })
      expect(progress).toEqual([1, 2, 3])
    })
  })
})
