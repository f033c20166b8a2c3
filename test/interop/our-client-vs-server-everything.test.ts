// Our Client and StdioClientTransport against the reference "everything" server
// (@modelcontextprotocol/server-everything, built on the official SDK): every tool it lists,
// its resources, templates, prompts and completions, with our client answering its sampling,
// elicitation (form and URL) and roots requests. What we send is checked against the official
// JSON Schema.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { Client, ErrorCode, McpError } from '@plugboard/client'
import type {
  CallToolResult,
  CreateMessageRequestParams,
  ElicitRequestFormParams,
  ElicitRequestURLParams,
  LoggingMessageNotificationParams,
} from '@plugboard/protocol'
import { withSchemaCheck } from '@plugboard/protocol/testing'
import { StdioClientTransport } from '@plugboard/transport-stdio'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { expectGone } from './children.js'

// The package has no `exports`: find its bin through package.json. Its CLI takes the transport
// as first argument and defaults to stdio; we pass it anyway.
const pkgJson = createRequire(import.meta.url).resolve('@modelcontextprotocol/server-everything/package.json')
const pkg = JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string; bin: Record<string, string> }
const SERVER_EVERYTHING_BIN = join(dirname(pkgJson), pkg.bin['mcp-server-everything']!)

const ROOTS = [
  { uri: 'file:///srv/one', name: 'one' },
  { uri: 'file:///srv/two', name: 'two' },
]
const ROOTS_SYNCED = { level: 'info', logger: 'everything-server', data: 'Roots updated: 2 root(s) received from client' }
/** Set in this process only: the child must not see it (our transport passes a minimal environment). */
const SECRET = 'PLUGBOARD_INTEROP_SECRET'

interface Connection {
  client: Client
  transport: StdioClientTransport
  checked: ReturnType<typeof withSchemaCheck<StdioClientTransport>>
  sampled: CreateMessageRequestParams[]
  forms: ElicitRequestFormParams[]
  urls: ElicitRequestURLParams[]
  logs: LoggingMessageNotificationParams[]
  updated: string[]
}

let conn: Connection

beforeEach(async () => {
  process.env[SECRET] = 'must-not-leak'
  const c = { sampled: [], forms: [], urls: [], logs: [], updated: [] } as unknown as Connection
  c.transport = new StdioClientTransport({ command: process.execPath, args: [SERVER_EVERYTHING_BIN, 'stdio'] })
  c.client = new Client(
    { name: 'plugboard-interop', version: '0.0.0' },
    {
      sampling: async (params) => {
        c.sampled.push(params)
        return { role: 'assistant', model: 'scripted', stopReason: 'endTurn', content: { type: 'text', text: 'Paris' } }
      },
      elicitation: {
        form: async (params) => {
          c.forms.push(params)
          return { action: 'accept', content: { name: 'Ada', check: true, email: 'ada@example.com', integer: 7, legacyTitledEnum: 'pet-2' } }
        },
        url: async (params) => {
          c.urls.push(params)
          return { action: 'accept' }
        },
      },
      roots: ROOTS,
    },
  )
  c.client.on('log', (params) => void c.logs.push(params))
  c.client.on('resourceUpdated', ({ uri }) => void c.updated.push(uri))
  c.checked = withSchemaCheck(c.transport, () => c.client.getNegotiatedProtocolVersion())
  await c.client.connect(c.checked)
  conn = c
  // It asks roots/list 350 ms after notifications/initialized. Wait for that to finish: a server
  // whose stdin closes first still sends it, and the unanswerable request then keeps the process
  // alive until our close() escalates to SIGTERM.
  await vi.waitFor(() => expect(c.logs).toContainEqual(ROOTS_SYNCED), { timeout: 5000 })
})

afterEach(async () => {
  await conn.client.close()
  expect(conn.transport.exitCode, 'the server exits on stdin EOF').toBe(0)
  await expectGone(conn.transport.pid)
  expect(conn.checked.violations).toEqual([])
  delete process.env[SECRET]
})

const textOf = (result: CallToolResult, index = 0): string => {
  const block = result.content?.[index]
  if (block?.type !== 'text') throw new Error(`content[${index}] is ${block?.type}, not text`)
  return block.text
}

describe(`our client against @modelcontextprotocol/server-everything ${pkg.version} over stdio`, () => {
  it('connects, and the server lists our roots right after initialization', () => {
    expect(conn.client.getNegotiatedProtocolVersion()).toBe('2025-11-25')
    expect(conn.client.getServerVersion()).toMatchObject({ name: 'mcp-servers/everything', title: 'Everything Reference Server' })
    expect(conn.client.getInstructions()).toBeTypeOf('string')
    expect(conn.client.getServerCapabilities()).toMatchObject({ tools: { listChanged: true }, resources: { subscribe: true }, prompts: {}, logging: {} })
    expect(conn.logs).toContainEqual(ROOTS_SYNCED)
  })

  it('lists every tool, including those registered for our sampling, elicitation and roots capabilities', async () => {
    const names: string[] = []
    for await (const tool of conn.client.iterate('tools/list')) names.push(tool.name)
    expect(names.sort()).toEqual(Object.keys(TOOL_CASES).sort())
  })

  // One entry per tool it lists for a client with our capabilities (the test above checks that).
  const TOOL_CASES: Record<string, (c: Connection) => Promise<void>> = {
    echo: async ({ client }) => {
      expect(textOf(await client.callTool({ name: 'echo', arguments: { message: 'hello' } }))).toBe('Echo: hello')
    },
    'get-annotated-message': async ({ client }) => {
      const result = await client.callTool({ name: 'get-annotated-message', arguments: { messageType: 'success', includeImage: true } })
      expect(result.content?.[0]).toMatchObject({ type: 'text', text: 'Operation completed successfully', annotations: { priority: 0.7, audience: ['user'] } })
      expect(result.content?.[1]).toMatchObject({ type: 'image', mimeType: 'image/png', annotations: { priority: 0.5 } })
    },
    'get-env': async ({ client }) => {
      const env = JSON.parse(textOf(await client.callTool({ name: 'get-env' }))) as Record<string, string>
      expect(env.PATH).toBe(process.env.PATH)
      // Our StdioClientTransport passes only getDefaultEnvironment() to the child.
      expect(env).not.toHaveProperty(SECRET)
    },
    'get-resource-links': async ({ client }) => {
      const result = await client.callTool({ name: 'get-resource-links', arguments: { count: 4 } })
      expect(textOf(result)).toBe('Here are 4 resource links to resources available in this server:')
      const links = (result.content ?? []).filter((block) => block.type === 'resource_link')
      expect(links.map((link) => link.uri)).toEqual(['demo://resource/dynamic/blob/1', 'demo://resource/dynamic/text/2', 'demo://resource/dynamic/blob/3', 'demo://resource/dynamic/text/4'])
      for (const link of links) expect((await client.readResource({ uri: link.uri })).contents[0]?.uri).toBe(link.uri)
    },
    'get-resource-reference': async ({ client }) => {
      const result = await client.callTool({ name: 'get-resource-reference', arguments: { resourceType: 'Blob', resourceId: 3 } })
      const embedded = result.content?.[1]
      expect(embedded).toMatchObject({ type: 'resource', resource: { uri: 'demo://resource/dynamic/blob/3', mimeType: 'text/plain' } })
      const blob = (embedded as { resource: { blob: string } }).resource.blob
      expect(Buffer.from(blob, 'base64').toString()).toMatch(/^Resource 3: This is a base64 blob/)
    },
    'get-structured-content': async ({ client }) => {
      // Our client validates structuredContent against the listed outputSchema before resolving.
      const result = await client.callTool({ name: 'get-structured-content', arguments: { location: 'Chicago' } })
      expect(result.structuredContent).toEqual({ temperature: 36, conditions: 'Light rain / drizzle', humidity: 82 })
    },
    'get-sum': async ({ client }) => {
      expect(textOf(await client.callTool({ name: 'get-sum', arguments: { a: 19, b: 23 } }))).toBe('The sum of 19 and 23 is 42.')
    },
    'get-tiny-image': async ({ client }) => {
      const result = await client.callTool({ name: 'get-tiny-image' })
      expect(result.content?.map((block) => block.type)).toEqual(['text', 'image', 'text'])
      const image = result.content?.[1] as { data: string; mimeType: string }
      expect(image.mimeType).toBe('image/png')
      expect(Buffer.from(image.data, 'base64').subarray(1, 4).toString('latin1')).toBe('PNG')
    },
    'gzip-file-as-resource': async ({ client }) => {
      // Its default input is an https URL; this sandbox has no network, so we hand it a data: URL.
      const data = `data:text/plain;base64,${Buffer.from('hello, gzip').toString('base64')}`
      const embedded = await client.callTool({ name: 'gzip-file-as-resource', arguments: { name: 'hello.txt.gz', data, outputType: 'resource' } })
      const resource = (embedded.content?.[0] as { resource: { uri: string; mimeType: string; blob: string } }).resource
      expect(resource).toMatchObject({ uri: 'demo://resource/session/hello.txt.gz', mimeType: 'application/gzip' })
      expect(gunzipSync(Buffer.from(resource.blob, 'base64')).toString()).toBe('hello, gzip')
      const linked = await client.callTool({ name: 'gzip-file-as-resource', arguments: { name: 'again.txt.gz', data, outputType: 'resourceLink' } })
      expect(linked.content?.[0]).toMatchObject({ type: 'resource_link', uri: 'demo://resource/session/again.txt.gz' })
      const read = await client.readResource({ uri: 'demo://resource/session/again.txt.gz' })
      expect(gunzipSync(Buffer.from((read.contents[0] as { blob: string }).blob, 'base64')).toString()).toBe('hello, gzip')
    },
    'toggle-simulated-logging': async ({ client, logs }) => {
      expect(textOf(await client.callTool({ name: 'toggle-simulated-logging' }))).toMatch(/^Started simulated, random-leveled logging/)
      // It sends one message at once (random level, so match the shape), then one every 5 s.
      await vi.waitFor(() => expect(logs.some((log) => /-level message|level-message/.test(String(log.data)))).toBe(true), { timeout: 5000 })
      expect(textOf(await client.callTool({ name: 'toggle-simulated-logging' }))).toMatch(/^Stopped simulated logging/)
    },
    'toggle-subscriber-updates': async ({ client, updated, logs }) => {
      await client.subscribeResource({ uri: 'demo://resource/dynamic/text/1' })
      expect(logs).toContainEqual(expect.objectContaining({ level: 'info', data: expect.stringContaining('Received Subscribe Resource request for URI: demo://resource/dynamic/text/1') }))
      expect(textOf(await client.callTool({ name: 'toggle-subscriber-updates' }))).toMatch(/^Started simulated resource updated notifications/)
      await vi.waitFor(() => expect(updated).toContain('demo://resource/dynamic/text/1'), { timeout: 5000 })
      expect(textOf(await client.callTool({ name: 'toggle-subscriber-updates' }))).toMatch(/^Stopped simulated resource updates/)
      await client.unsubscribeResource({ uri: 'demo://resource/dynamic/text/1' })
    },
    'trigger-long-running-operation': async ({ client }) => {
      const progress: unknown[] = []
      const result = await client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 0.3, steps: 3 } }, { onprogress: (p) => void progress.push(p) })
      expect(textOf(result)).toBe('Long running operation completed. Duration: 0.3 seconds, Steps: 3.')
      // Unlike the official client, ours delivers the last progress even when it shares a read with the result.
      expect(progress).toEqual([
        { progress: 1, total: 3 },
        { progress: 2, total: 3 },
        { progress: 3, total: 3 },
      ])
    },
    'get-roots-list': async ({ client }) => {
      const text = textOf(await client.callTool({ name: 'get-roots-list' }))
      expect(text).toContain('Current MCP Roots (2 total)')
      expect(text).toContain('1. one\n   URI: file:///srv/one')
      expect(text).toContain('2. two\n   URI: file:///srv/two')
    },
    'trigger-elicitation-request': async ({ client, forms }) => {
      const result = await client.callTool({ name: 'trigger-elicitation-request' })
      expect(forms).toHaveLength(1)
      expect(forms[0]!.requestedSchema.required).toEqual(['name'])
      expect(Object.keys(forms[0]!.requestedSchema.properties)).toEqual(expect.arrayContaining(['name', 'check', 'email', 'integer', 'number', 'legacyTitledEnum', 'titledMultipleSelectEnum']))
      expect(textOf(result, 0)).toBe('✅ User provided the requested information!')
      expect(textOf(result, 1)).toContain('- Name: Ada')
      expect(textOf(result, 1)).toContain('- Email: ada@example.com')
      expect(textOf(result, 1)).toContain('- Favorite Integer: 7')
    },
    'trigger-url-elicitation': async ({ client, urls }) => {
      const args = { url: 'https://example.com/consent', elicitationId: 'e-1' }
      const result = await client.callTool({ name: 'trigger-url-elicitation', arguments: args })
      expect(urls).toEqual([expect.objectContaining({ mode: 'url', url: 'https://example.com/consent', elicitationId: 'e-1' })])
      expect(textOf(result)).toContain('✅ User completed the URL elicitation flow.')
      // The error path: -32042 carrying the URL elicitation to complete first; the retry then proceeds.
      const error = await client.callTool({ name: 'trigger-url-elicitation', arguments: { ...args, errorPath: true } }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(McpError)
      expect(error).toMatchObject({ code: ErrorCode.URLElicitationRequired, data: { elicitations: [expect.objectContaining({ mode: 'url', url: 'https://modelcontextprotocol.io' })] } })
      const retried = await client.callTool({ name: 'trigger-url-elicitation', arguments: { ...args, errorPath: true } })
      expect(textOf(retried)).toContain('✅ User completed the URL elicitation flow.')
    },
    'trigger-sampling-request': async ({ client, sampled }) => {
      const result = await client.callTool({ name: 'trigger-sampling-request', arguments: { prompt: 'capital of France?', maxTokens: 30 } })
      expect(sampled).toEqual([
        expect.objectContaining({
          maxTokens: 30,
          systemPrompt: 'You are a helpful test server.',
          messages: [{ role: 'user', content: { type: 'text', text: 'Resource trigger-sampling-request context: capital of France?' } }],
        }),
      ])
      expect(textOf(result)).toMatch(/^LLM sampling result: /)
      expect(JSON.parse(textOf(result).replace(/^LLM sampling result: \n/, ''))).toMatchObject({ model: 'scripted', content: { type: 'text', text: 'Paris' } })
    },
    'simulate-research-query': async ({ client }) => {
      // Registered with `execution.taskSupport: 'required'`: it only runs as a task (tools/call
      // with `task`, then tasks/get and tasks/result — experimental in 2025-11-25), which our
      // client does not implement. Called plainly, the SDK refuses it, as a tool error result.
      const result = await client.callTool({ name: 'simulate-research-query', arguments: { topic: 'python' } })
      expect(result).toEqual({
        isError: true,
        content: [{ type: 'text', text: "MCP error -32601: Tool simulate-research-query requires task augmentation (taskSupport: 'required')" }],
      })
    },
  }

  it.each(Object.keys(TOOL_CASES))('calls the %s tool and gets the result its source documents', async (name) => {
    await TOOL_CASES[name]!(conn)
  })

  it('reads every listed resource (the first two pages) and the dynamic templates', async () => {
    let page = await conn.client.listResources()
    const uris = page.resources.map((r) => r.uri)
    if (page.nextCursor) uris.push(...(await conn.client.listResources({ cursor: page.nextCursor })).resources.map((r) => r.uri))
    expect(uris).toContain('demo://resource/static/document/instructions.md')
    for (const uri of uris) {
      const { contents } = await conn.client.readResource({ uri })
      expect(contents[0]).toMatchObject({ uri, mimeType: 'text/markdown', text: expect.any(String) })
    }
    const { resourceTemplates } = await conn.client.listResourceTemplates()
    expect(resourceTemplates.map((t) => t.uriTemplate).sort()).toEqual(['demo://resource/dynamic/blob/{resourceId}', 'demo://resource/dynamic/text/{resourceId}'])
    const text = await conn.client.readResource({ uri: 'demo://resource/dynamic/text/5' })
    expect(text.contents[0]).toMatchObject({ mimeType: 'text/plain', text: expect.stringMatching(/^Resource 5: This is a plaintext resource/) })
    const blob = (await conn.client.readResource({ uri: 'demo://resource/dynamic/blob/5' })).contents[0] as { blob: string }
    expect(Buffer.from(blob.blob, 'base64').toString()).toMatch(/^Resource 5: This is a base64 blob/)
  })

  it('gets an McpError for a resource id the template rejects', async () => {
    const error = await conn.client.readResource({ uri: 'demo://resource/dynamic/text/zero' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpError)
    expect((error as McpError).message).toContain('Unknown resource: demo://resource/dynamic/text/zero')
  })

  it('gets every prompt with arguments it accepts', async () => {
    const { prompts } = await conn.client.listPrompts()
    expect(prompts.map((p) => p.name)).toEqual(['simple-prompt', 'args-prompt', 'completable-prompt', 'resource-prompt'])
    const simple = await conn.client.getPrompt({ name: 'simple-prompt' })
    expect(simple.messages[0]!.content).toEqual({ type: 'text', text: 'This is a simple prompt without arguments.' })
    const args = await conn.client.getPrompt({ name: 'args-prompt', arguments: { city: 'Paris', state: 'TX' } })
    expect(args.messages[0]!.content).toEqual({ type: 'text', text: "What's weather in Paris, TX?" })
    const team = await conn.client.getPrompt({ name: 'completable-prompt', arguments: { department: 'Sales', name: 'Eve' } })
    expect(team.messages[0]!.content).toEqual({ type: 'text', text: 'Please promote Eve to the head of the Sales team.' })
    const resource = await conn.client.getPrompt({ name: 'resource-prompt', arguments: { resourceType: 'Text', resourceId: '2' } })
    expect(resource.messages[1]!.content).toMatchObject({ type: 'resource', resource: { uri: 'demo://resource/dynamic/text/2', mimeType: 'text/plain' } })
  })

  it('completes prompt arguments, using already chosen ones as context, and template variables', async () => {
    const departments = await conn.client.complete({ ref: { type: 'ref/prompt', name: 'completable-prompt' }, argument: { name: 'department', value: 'S' } })
    expect(departments.completion.values).toEqual(['Sales', 'Support'])
    const names = await conn.client.complete({
      ref: { type: 'ref/prompt', name: 'completable-prompt' },
      argument: { name: 'name', value: 'B' },
      context: { arguments: { department: 'Engineering' } },
    })
    expect(names.completion.values).toEqual(['Bob'])
    const types = await conn.client.complete({ ref: { type: 'ref/prompt', name: 'resource-prompt' }, argument: { name: 'resourceType', value: 'B' } })
    expect(types.completion.values).toEqual(['Blob'])
    const ids = await conn.client.complete({ ref: { type: 'ref/resource', uri: 'demo://resource/dynamic/text/{resourceId}' }, argument: { name: 'resourceId', value: '7' } })
    expect(ids.completion.values).toEqual(['7'])
  })

  it('sets the logging level, and the server stops sending info messages', async () => {
    await conn.client.setLoggingLevel('warning')
    await conn.client.subscribeResource({ uri: 'demo://resource/dynamic/text/9' })
    expect(conn.logs.filter((log) => String(log.data).includes('demo://resource/dynamic/text/9'))).toEqual([])
  })
})
