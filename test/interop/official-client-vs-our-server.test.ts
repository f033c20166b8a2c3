// The official TypeScript SDK's Client, over its own StdioClientTransport, against our
// everything-server running as a child process: every tool, resource, prompt, completion,
// logging and subscription, with the SDK answering sampling, elicitation and roots. Everything
// our server sends is checked against the official JSON Schema on arrival (SpecTap).
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ErrorCode,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
  McpError,
  ResourceUpdatedNotificationSchema,
  type CallToolResult,
  type CreateMessageRequest,
  type ElicitRequest,
  type LoggingMessageNotification,
} from '@modelcontextprotocol/sdk/types.js'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EVERYTHING_SERVER_BIN, expectGone } from './children.js'
import { SpecTap } from './spec-tap.js'

const ROOTS = [
  { uri: 'file:///work/alpha', name: 'alpha' },
  { uri: 'file:///work/beta', name: 'beta' },
]

interface Connection {
  client: Client
  tap: SpecTap
  pid: number | undefined
  sampled: CreateMessageRequest['params'][]
  elicited: ElicitRequest['params'][]
  logs: LoggingMessageNotification['params'][]
  updated: string[]
}

let conn: Connection

async function connect(): Promise<Connection> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [EVERYTHING_SERVER_BIN], stderr: 'pipe' })
  const tap = new SpecTap(transport)
  const client = new Client(
    { name: 'official-sdk-client', version: '1.32.2' },
    // applyDefaults: the SDK fills fields the user left empty from requestedSchema's defaults.
    { capabilities: { sampling: {}, elicitation: { form: { applyDefaults: true } }, roots: { listChanged: true } } },
  )
  const c: Connection = { client, tap, pid: undefined, sampled: [], elicited: [], logs: [], updated: [] }
  client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
    c.sampled.push(request.params)
    return { role: 'assistant', model: 'test-model', stopReason: 'endTurn', content: { type: 'text', text: 'four' } }
  })
  client.setRequestHandler(ElicitRequestSchema, async (request) => {
    c.elicited.push(request.params)
    return { action: 'accept', content: { name: 'Ada' } }
  })
  client.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: ROOTS }))
  client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => void c.logs.push(notification.params))
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => void c.updated.push(notification.params.uri))
  await client.connect(tap)
  c.pid = transport.pid ?? undefined
  return c
}

beforeEach(async () => {
  conn = await connect()
})

afterEach(async () => {
  await conn.client.close()
  await expectGone(conn.pid)
  expect(conn.tap.violations).toEqual([])
})

const text = (result: CallToolResult | Awaited<ReturnType<Client['callTool']>>, index = 0): string => {
  const block = (result as CallToolResult).content[index]
  if (block?.type !== 'text') throw new Error(`content[${index}] is ${block?.type}, not text`)
  return block.text
}

describe('the official SDK client against the everything-server over stdio', () => {
  it('negotiates 2025-11-25 and sees our server info, instructions and capabilities', () => {
    const { client, tap } = conn
    expect(client.getServerVersion()).toMatchObject({ name: 'plugboard-everything-server', version: '0.0.0', title: 'Plugboard everything-server' })
    expect(client.getInstructions()).toMatch(/test server/)
    expect(client.getServerCapabilities()).toMatchObject({
      tools: { listChanged: true },
      resources: { subscribe: true, listChanged: true },
      prompts: { listChanged: true },
      completions: {},
      logging: {},
    })
    const initialize = tap.received.find((m) => 'result' in m && 'protocolVersion' in (m.result as object)) as unknown as { result: { protocolVersion: string } }
    expect(initialize.result.protocolVersion).toBe('2025-11-25')
  })

  it('lists every tool with a JSON Schema input, and add with an output schema', async () => {
    const { tools } = await conn.client.listTools()
    expect(tools.map((t) => t.name).sort()).toEqual(Object.keys(TOOL_CASES).sort())
    for (const tool of tools) expect(tool.inputSchema.type).toBe('object')
    const add = tools.find((t) => t.name === 'add')!
    expect(add.inputSchema).toMatchObject({ properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] })
    expect(add.outputSchema).toMatchObject({ type: 'object', properties: { sum: { type: 'number' } } })
    expect(add.annotations).toMatchObject({ readOnlyHint: true })
  })

  // One entry per tool the server lists (the test above fails if a tool is added without one).
  const TOOL_CASES: Record<string, (c: Connection) => Promise<void>> = {
    echo: async ({ client }) => {
      expect(text(await client.callTool({ name: 'echo', arguments: { message: 'hi there' } }))).toBe('Echo: hi there')
    },
    add: async ({ client }) => {
      const result = await client.callTool({ name: 'add', arguments: { a: 2, b: 40 } })
      expect(result.structuredContent).toEqual({ sum: 42 })
      expect(text(result)).toBe('2 + 40 = 42')
    },
    'get-tiny-image': async ({ client }) => {
      const result = (await client.callTool({ name: 'get-tiny-image' })) as CallToolResult
      const image = result.content.find((block) => block.type === 'image')
      expect(image).toMatchObject({ type: 'image', mimeType: 'image/png' })
      const bytes = Buffer.from((image as { data: string }).data, 'base64')
      expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG')
    },
    'get-resource-link': async ({ client }) => {
      const result = (await client.callTool({ name: 'get-resource-link', arguments: { id: '4' } })) as CallToolResult
      const links = result.content.filter((block) => block.type === 'resource_link')
      expect(links.map((link) => link.uri)).toEqual(['everything://static/readme', 'everything://items/4'])
      // A link is only useful if it resolves.
      for (const link of links) expect((await client.readResource({ uri: link.uri })).contents[0]?.uri).toBe(link.uri)
    },
    'get-embedded-resource': async ({ client }) => {
      const result = (await client.callTool({ name: 'get-embedded-resource' })) as CallToolResult
      expect(result.content[1]).toMatchObject({ type: 'resource', resource: { uri: 'everything://static/readme', mimeType: 'text/plain', text: expect.stringContaining('everything-server') } })
    },
    'annotated-message': async ({ client }) => {
      const result = (await client.callTool({ name: 'annotated-message', arguments: { messageType: 'error', includeImage: true } })) as CallToolResult
      expect(result.content[0]).toMatchObject({ type: 'text', annotations: { priority: 1, audience: ['user', 'assistant'] } })
      expect(result.content[1]).toMatchObject({ type: 'image', annotations: { priority: 0.5, audience: ['user'] } })
      const debug = (await client.callTool({ name: 'annotated-message', arguments: { messageType: 'debug' } })) as CallToolResult
      expect(debug.content).toHaveLength(1)
      expect(debug.content[0]).toMatchObject({ annotations: { audience: ['assistant'] } })
    },
    fail: async ({ client }) => {
      const result = await client.callTool({ name: 'fail', arguments: { reason: 'on purpose' } })
      expect(result.isError).toBe(true)
      expect(text(result)).toBe('Intentional failure: on purpose')
    },
    'long-running-operation': async ({ client, tap }) => {
      const progress: Array<{ progress: number; total?: number; message?: string }> = []
      const result = await client.callTool({ name: 'long-running-operation', arguments: { durationMs: 400, steps: 4 } }, undefined, { onprogress: (p) => void progress.push(p) })
      expect(text(result)).toMatch(/finished 4 steps/)
      const expected = [1, 2, 3, 4].map((step) => ({ progress: step, total: 4, message: `step ${step} of 4` }))
      // On the wire: all four notifications, each before the result.
      const sent = tap.received.filter((m) => 'method' in m && m.method === 'notifications/progress').map((m) => {
        const { progressToken: _, ...rest } = (m as unknown as { params: { progressToken: unknown } }).params
        return rest
      })
      expect(sent).toEqual(expected)
      // The SDK runs notification handlers a microtask late (shared/protocol.js `_onnotification`)
      // but handles responses at once, so a last notification read in the same chunk as the result
      // finds its progress handler already gone. What it did deliver is an in-order prefix; steps
      // 100 ms apart arrive in reads of their own.
      expect(progress.length).toBeGreaterThanOrEqual(1)
      expect(progress).toEqual(expected.slice(0, progress.length))
    },
    slow: async ({ client }) => {
      expect(text(await client.callTool({ name: 'slow', arguments: { durationMs: 10 } }))).toMatch(/^Waited \d+ ms$/)
      const controller = new AbortController()
      const pending = client.callTool({ name: 'slow', arguments: { durationMs: 60_000 } }, undefined, { signal: controller.signal })
      setTimeout(() => controller.abort('changed my mind'), 50)
      await expect(pending).rejects.toThrow()
      // The server dropped the cancelled call and goes on serving.
      await expect(client.ping()).resolves.toEqual({})
    },
    log: async ({ client, logs }) => {
      await client.setLoggingLevel('warning')
      await client.callTool({ name: 'log', arguments: { message: 'careful' } })
      // Notifications related to a call arrive before its result on stdio.
      expect(logs).toEqual([
        { level: 'warning', logger: 'everything', data: 'warning: careful' },
        { level: 'error', logger: 'everything', data: 'error: careful' },
      ])
    },
    'sample-llm': async (c) => {
      const result = await c.client.callTool({ name: 'sample-llm', arguments: { prompt: 'What is 2 + 2?', maxTokens: 20 } })
      expect(c.sampled).toHaveLength(1)
      expect(c.sampled[0]).toMatchObject({ maxTokens: 20, systemPrompt: expect.any(String), messages: [{ role: 'user', content: { type: 'text', text: 'What is 2 + 2?' } }] })
      expect(text(result)).toBe('test-model says: four')
      expect(result.structuredContent).toEqual({ model: 'test-model', text: 'four', stopReason: 'endTurn' })
    },
    'elicit-input': async (c) => {
      const result = await c.client.callTool({ name: 'elicit-input' })
      const schema = (c.elicited[0] as { requestedSchema: unknown }).requestedSchema as { properties: Record<string, { type: string; default?: unknown; enum?: string[] }>; required: string[] }
      expect(schema.required).toEqual(['name'])
      expect(schema.properties).toMatchObject({
        name: { type: 'string' },
        age: { type: 'number', default: 30 },
        subscribe: { type: 'boolean', default: false },
        color: { type: 'string', enum: ['red', 'green', 'blue'], default: 'blue' },
      })
      // The user typed only a name; the SDK filled the rest from our defaults.
      expect(result.structuredContent).toEqual({ action: 'accept', content: { name: 'Ada', age: 30, subscribe: false, color: 'blue' } })
    },
    'elicit-url': async ({ client }) => {
      // This client declares form-mode elicitation only, so the server must not send URL mode.
      const result = await client.callTool({ name: 'elicit-url' })
      expect(result.isError).toBe(true)
      expect(text(result)).toMatch(/elicitation\.url/)
    },
    'list-roots': async ({ client }) => {
      const result = await client.callTool({ name: 'list-roots' })
      expect(text(result)).toBe('2 root(s): alpha file:///work/alpha; beta file:///work/beta')
      expect(result.structuredContent).toEqual({ roots: ROOTS })
    },
    'update-item': async (c) => {
      await c.client.subscribeResource({ uri: 'everything://items/5' })
      expect(text(await c.client.callTool({ name: 'update-item', arguments: { id: '5' } }))).toMatch(/^Item 5 is now at revision \d+$/)
      expect(c.updated).toEqual(['everything://items/5'])
      await c.client.unsubscribeResource({ uri: 'everything://items/5' })
      await c.client.callTool({ name: 'update-item', arguments: { id: '5' } })
      expect(c.updated).toEqual(['everything://items/5'])
      const missing = await c.client.callTool({ name: 'update-item', arguments: { id: '99' } })
      expect(missing.isError).toBe(true)
    },
    // MCP Apps: this client declares no io.modelcontextprotocol/ui, so the view is not for it and the text stands alone.
    'show-counter': async ({ client }) => {
      const result = await client.callTool({ name: 'show-counter', arguments: {} })
      expect(text(result)).toBe('The counter is at 0.')
      expect(result.structuredContent).toEqual({ count: 0 })
    },
    // App-only (visibility ['app']): a host keeps it from the model, but the server serves it to any caller.
    'counter-increment': async ({ client }) => {
      expect((await client.callTool({ name: 'counter-increment', arguments: { by: 2 } })).structuredContent).toEqual({ count: 2 })
      expect(text(await client.callTool({ name: 'counter-increment', arguments: {} }))).toBe('The counter is at 3.')
    },
  }

  it.each(Object.keys(TOOL_CASES))('calls the %s tool and gets the documented result', async (name) => {
    await TOOL_CASES[name]!(conn)
  })

  it('answers a tools/call with arguments that break the input schema with an isError result', async () => {
    const result = await conn.client.callTool({ name: 'add', arguments: { a: 'two', b: 3 } })
    expect(result.isError).toBe(true)
    expect(text(result)).toMatch(/a/)
  })

  it('reads every listed resource: text, blob and templated items', async () => {
    const { resources } = await conn.client.listResources()
    expect(resources.map((r) => r.uri)).toEqual(['everything://static/readme', 'everything://static/tiny.png', 'ui://everything/counter.html', ...Array.from({ length: 12 }, (_, i) => `everything://items/${i + 1}`)])
    for (const resource of resources) {
      const { contents } = await conn.client.readResource({ uri: resource.uri })
      expect(contents).toHaveLength(1)
      expect(contents[0]).toMatchObject({ uri: resource.uri, mimeType: resource.mimeType })
    }
    const blob = (await conn.client.readResource({ uri: 'everything://static/tiny.png' })).contents[0] as { blob: string }
    expect(Buffer.from(blob.blob, 'base64').subarray(1, 4).toString('latin1')).toBe('PNG')
    const item = (await conn.client.readResource({ uri: 'everything://items/7' })).contents[0] as { text: string }
    expect(JSON.parse(item.text)).toMatchObject({ id: '7', name: 'Item 7' })
  })

  it('lists the item template and answers an unknown item with -32002', async () => {
    const { resourceTemplates } = await conn.client.listResourceTemplates()
    expect(resourceTemplates).toEqual([expect.objectContaining({ name: 'item', uriTemplate: 'everything://items/{id}', mimeType: 'application/json' })])
    const error = await conn.client.readResource({ uri: 'everything://items/99' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpError)
    expect(error).toMatchObject({ code: -32002, data: { uri: 'everything://items/99' } })
    await expect(conn.client.readResource({ uri: 'everything://nowhere' })).rejects.toMatchObject({ code: -32002 })
  })

  it('gets every prompt: no arguments, arguments, and an embedded resource with an image', async () => {
    const { prompts } = await conn.client.listPrompts()
    expect(prompts.map((p) => p.name)).toEqual(['simple', 'complex', 'item-context'])
    expect(prompts[1]!.arguments).toEqual([
      expect.objectContaining({ name: 'temperature', required: true }),
      expect.objectContaining({ name: 'style', required: false }),
    ])
    const simple = await conn.client.getPrompt({ name: 'simple' })
    expect(simple.messages).toEqual([{ role: 'user', content: { type: 'text', text: 'This is a simple prompt without arguments.' } }])
    const complex = await conn.client.getPrompt({ name: 'complex', arguments: { temperature: '0.2', style: 'pirate' } })
    expect(complex.messages.map((m) => m.content.type)).toEqual(['text', 'text', 'image'])
    expect(complex.messages[0]!.content).toMatchObject({ text: 'Answer at temperature 0.2, in a pirate style.' })
    const item = await conn.client.getPrompt({ name: 'item-context', arguments: { id: '7' } })
    expect(item.messages[1]!.content).toMatchObject({ type: 'resource', resource: { uri: 'everything://items/7' } })
    expect(item.messages[2]!.content).toMatchObject({ type: 'image', mimeType: 'image/png' })
  })

  it('refuses a prompt whose required argument is missing with -32602', async () => {
    await expect(conn.client.getPrompt({ name: 'complex', arguments: {} })).rejects.toMatchObject({ code: ErrorCode.InvalidParams })
  })

  it('completes the template variable and prompt arguments', async () => {
    const items = await conn.client.complete({ ref: { type: 'ref/resource', uri: 'everything://items/{id}' }, argument: { name: 'id', value: '1' } })
    expect(items.completion).toMatchObject({ values: ['1', '10', '11', '12'] })
    const style = await conn.client.complete({ ref: { type: 'ref/prompt', name: 'complex' }, argument: { name: 'style', value: 'f' } })
    expect(style.completion.values).toEqual(['formal'])
    const id = await conn.client.complete({ ref: { type: 'ref/prompt', name: 'item-context' }, argument: { name: 'id', value: '' } })
    expect(id.completion.values).toHaveLength(12)
  })

  it('sends every log level when no level was set, and none below the set level', async () => {
    await conn.client.callTool({ name: 'log' })
    expect(conn.logs.map((l) => l.level)).toEqual(['debug', 'info', 'warning', 'error'])
    await conn.client.setLoggingLevel('error')
    await conn.client.callTool({ name: 'log' })
    expect(conn.logs.map((l) => l.level)).toEqual(['debug', 'info', 'warning', 'error', 'error'])
  })
})
