// Our Client and StreamableHTTPClientTransport against the reference "everything" server
// (@modelcontextprotocol/server-everything, on the official SDK's Streamable HTTP transport with
// an event store) running as a child process in its `streamableHttp` mode: every tool it lists,
// its resources, templates, prompts and completions, with our client answering its sampling,
// elicitation (form and URL) and roots requests — some on a tool call's own SSE stream, some on
// the standalone GET stream. What we send is checked against the official JSON Schema. Each test
// ends with the server's process group gone and no socket or timer left in this process.
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
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
import { StreamableHTTPClientTransport } from '@plugboard/transport-http'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { expectNoLeaks, resourceBaseline } from '../../packages/transport-http/test/client/helpers.js'
import { expectGone } from '../interop/children.js'

// The package has no `exports`: find its bin through package.json. Its CLI takes the transport
// as first argument (`streamableHttp`) and the port from $PORT (default 3001); it serves /mcp.
const pkgJson = createRequire(import.meta.url).resolve('@modelcontextprotocol/server-everything/package.json')
const pkg = JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string; bin: Record<string, string> }
const SERVER_EVERYTHING_BIN = join(dirname(pkgJson), pkg.bin['mcp-server-everything']!)

const ROOTS = [
  { uri: 'file:///srv/one', name: 'one' },
  { uri: 'file:///srv/two', name: 'two' },
]
const ROOTS_SYNCED = { level: 'info', logger: 'everything-server', data: 'Roots updated: 2 root(s) received from client' }

interface Connection {
  client: Client
  transport: StreamableHTTPClientTransport
  checked: ReturnType<typeof withSchemaCheck<StreamableHTTPClientTransport>>
  port: number
  sampled: CreateMessageRequestParams[]
  forms: ElicitRequestFormParams[]
  urls: ElicitRequestURLParams[]
  logs: LoggingMessageNotificationParams[]
  updated: string[]
}

/** A port nobody listens on right now (the kernel's pick for port 0). */
async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as { port: number }
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return port
}

/** Starts the server in its own process group and resolves once it says it listens. */
async function startEverything(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [SERVER_EVERYTHING_BIN, 'streamableHttp'], {
    env: { PATH: process.env.PATH ?? '', PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  })
  let stderr = ''
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      stderr += chunk.toString()
      if (stderr.includes(`listening on port ${port}`)) {
        child.stderr!.off('data', onData)
        child.stderr!.resume()
        resolve()
      }
    }
    child.stderr!.on('data', onData)
    child.once('exit', (code) => reject(new Error(`server-everything exited (${code}) before listening:\n${stderr}`)))
    child.once('error', reject)
  })
  return child
}

/** SIGTERM to the whole process group, then wait for the leader's exit. */
async function stopEverything(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  process.kill(-child.pid!, 'SIGTERM')
  await exited
}

let baseline: Record<string, number>
let child: ChildProcess | undefined
let conn: Connection

beforeEach(async () => {
  baseline = resourceBaseline()
  const port = await freePort()
  child = await startEverything(port)
  const c = { port, sampled: [], forms: [], urls: [], logs: [], updated: [] } as unknown as Connection
  c.transport = new StreamableHTTPClientTransport(`http://127.0.0.1:${port}/mcp`)
  c.client = new Client(
    { name: 'plugboard-http-interop', version: '0.0.0' },
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
  // It asks roots/list 350 ms after notifications/initialized, on the standalone GET stream, and
  // logs what it got there too: this proves that stream works both ways before any test runs.
  await vi.waitFor(() => expect(c.logs).toContainEqual(ROOTS_SYNCED), { timeout: 5000 })
})

afterEach(async () => {
  await conn?.client.close()
  const pid = child?.pid
  if (child) await stopEverything(child)
  child = undefined
  await expectGone(pid)
  expect(conn.checked.violations).toEqual([])
  await expectNoLeaks(baseline)
})

const textOf = (result: CallToolResult, index = 0): string => {
  const block = result.content?.[index]
  if (block?.type !== 'text') throw new Error(`content[${index}] is ${block?.type}, not text`)
  return block.text
}

describe(`our client against @modelcontextprotocol/server-everything ${pkg.version} over Streamable HTTP`, () => {
  it('connects with a session, and the server lists our roots over the GET stream', () => {
    expect(conn.client.getNegotiatedProtocolVersion()).toBe('2025-11-25')
    expect(conn.transport.sessionId).toMatch(/^[0-9a-f-]{36}$/)
    expect(conn.client.getServerVersion()).toMatchObject({ name: 'mcp-servers/everything', title: 'Everything Reference Server' })
    expect(conn.client.getServerCapabilities()).toMatchObject({ tools: { listChanged: true }, resources: { subscribe: true }, prompts: {}, logging: {} })
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
    'get-env': async ({ client, port }) => {
      const env = JSON.parse(textOf(await client.callTool({ name: 'get-env' }))) as Record<string, string>
      expect(env.PORT).toBe(String(port))
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
      // Sent on the standalone GET stream: one at once (random level, so match the shape), then one every 5 s.
      await vi.waitFor(() => expect(logs.some((log) => /-level message|level-message/.test(String(log.data)))).toBe(true), { timeout: 5000 })
      expect(textOf(await client.callTool({ name: 'toggle-simulated-logging' }))).toMatch(/^Stopped simulated logging/)
    },
    'toggle-subscriber-updates': async ({ client, updated }) => {
      await client.subscribeResource({ uri: 'demo://resource/dynamic/text/1' })
      expect(textOf(await client.callTool({ name: 'toggle-subscriber-updates' }))).toMatch(/^Started simulated resource updated notifications/)
      await vi.waitFor(() => expect(updated).toContain('demo://resource/dynamic/text/1'), { timeout: 5000 })
      expect(textOf(await client.callTool({ name: 'toggle-subscriber-updates' }))).toMatch(/^Stopped simulated resource updates/)
      await client.unsubscribeResource({ uri: 'demo://resource/dynamic/text/1' })
    },
    'trigger-long-running-operation': async ({ client }) => {
      const progress: unknown[] = []
      const result = await client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 0.3, steps: 3 } }, { onprogress: (p) => void progress.push(p) })
      expect(textOf(result)).toBe('Long running operation completed. Duration: 0.3 seconds, Steps: 3.')
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
      expect(textOf(result, 0)).toBe('✅ User provided the requested information!')
      expect(textOf(result, 1)).toContain('- Name: Ada')
      expect(textOf(result, 1)).toContain('- Favorite Integer: 7')
    },
    'trigger-url-elicitation': async ({ client, urls }) => {
      const args = { url: 'https://example.com/consent', elicitationId: 'e-1' }
      const result = await client.callTool({ name: 'trigger-url-elicitation', arguments: args })
      expect(urls).toEqual([expect.objectContaining({ mode: 'url', url: 'https://example.com/consent', elicitationId: 'e-1' })])
      expect(textOf(result)).toContain('✅ User completed the URL elicitation flow.')
      const error = await client.callTool({ name: 'trigger-url-elicitation', arguments: { ...args, errorPath: true } }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(McpError)
      expect(error).toMatchObject({ code: ErrorCode.URLElicitationRequired, data: { elicitations: [expect.objectContaining({ mode: 'url' })] } })
    },
    'trigger-sampling-request': async ({ client, sampled }) => {
      const result = await client.callTool({ name: 'trigger-sampling-request', arguments: { prompt: 'capital of France?', maxTokens: 30 } })
      expect(sampled).toEqual([expect.objectContaining({ maxTokens: 30, messages: [{ role: 'user', content: { type: 'text', text: 'Resource trigger-sampling-request context: capital of France?' } }] })])
      expect(textOf(result)).toMatch(/^LLM sampling result: /)
    },
    'simulate-research-query': async ({ client }) => {
      // Task-only (`execution.taskSupport: 'required'`); our client does not run tasks, so the SDK refuses it as a tool error.
      const result = await client.callTool({ name: 'simulate-research-query', arguments: { topic: 'python' } })
      expect(result.isError).toBe(true)
      expect(textOf(result)).toContain('requires task augmentation')
    },
  }

  it.each(Object.keys(TOOL_CASES))('calls the %s tool and gets the result its source documents', async (name) => {
    await TOOL_CASES[name]!(conn)
  })

  it('reads every listed resource (the first two pages) and the dynamic templates', async () => {
    const page = await conn.client.listResources()
    const uris = page.resources.map((r) => r.uri)
    if (page.nextCursor) uris.push(...(await conn.client.listResources({ cursor: page.nextCursor })).resources.map((r) => r.uri))
    expect(uris).toContain('demo://resource/static/document/instructions.md')
    for (const uri of uris) expect((await conn.client.readResource({ uri })).contents[0]).toMatchObject({ uri, text: expect.any(String) })
    const { resourceTemplates } = await conn.client.listResourceTemplates()
    expect(resourceTemplates.map((t) => t.uriTemplate).sort()).toEqual(['demo://resource/dynamic/blob/{resourceId}', 'demo://resource/dynamic/text/{resourceId}'])
    const text = await conn.client.readResource({ uri: 'demo://resource/dynamic/text/5' })
    expect(text.contents[0]).toMatchObject({ mimeType: 'text/plain', text: expect.stringMatching(/^Resource 5: This is a plaintext resource/) })
  })

  it('gets every prompt with arguments it accepts, and completes their arguments', async () => {
    const { prompts } = await conn.client.listPrompts()
    expect(prompts.map((p) => p.name)).toEqual(['simple-prompt', 'args-prompt', 'completable-prompt', 'resource-prompt'])
    expect((await conn.client.getPrompt({ name: 'simple-prompt' })).messages[0]!.content).toEqual({ type: 'text', text: 'This is a simple prompt without arguments.' })
    const args = await conn.client.getPrompt({ name: 'args-prompt', arguments: { city: 'Paris', state: 'TX' } })
    expect(args.messages[0]!.content).toEqual({ type: 'text', text: "What's weather in Paris, TX?" })
    const team = await conn.client.getPrompt({ name: 'completable-prompt', arguments: { department: 'Sales', name: 'Eve' } })
    expect(team.messages[0]!.content).toEqual({ type: 'text', text: 'Please promote Eve to the head of the Sales team.' })
    const resource = await conn.client.getPrompt({ name: 'resource-prompt', arguments: { resourceType: 'Text', resourceId: '2' } })
    expect(resource.messages[1]!.content).toMatchObject({ type: 'resource', resource: { uri: 'demo://resource/dynamic/text/2' } })
    const departments = await conn.client.complete({ ref: { type: 'ref/prompt', name: 'completable-prompt' }, argument: { name: 'department', value: 'S' } })
    expect(departments.completion.values).toEqual(['Sales', 'Support'])
  })

  it('ends the session with DELETE on close: the server then answers that session id with an error', async () => {
    const sessionId = conn.transport.sessionId!
    await conn.client.close()
    const after = await fetch(`http://127.0.0.1:${conn.port}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': sessionId },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    })
    await after.body?.cancel()
    // server-everything answers an unknown session with 400 (the spec prefers 404).
    expect(after.status).toBe(400)
  })
})
