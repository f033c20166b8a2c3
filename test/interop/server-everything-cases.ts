// What the interop tests of our Client against the reference "everything" server
// (@modelcontextprotocol/server-everything) share whatever the transport: where its bin is, how our
// client connects and answers its sampling, elicitation and roots requests, and the checks per tool,
// resource and prompt. Each test file starts the transport, ends it, and checks what only it can.
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
  Transport,
} from '@plugboard/protocol'
import { withSchemaCheck, type SchemaCheckedTransport } from '@plugboard/protocol/testing'
import { expect, vi } from 'vitest'

// The package has no `exports`: find its bin through package.json.
const pkgJson = createRequire(import.meta.url).resolve('@modelcontextprotocol/server-everything/package.json')
const pkg = JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string; bin: Record<string, string> }

/** The installed version of @modelcontextprotocol/server-everything. */
export const SERVER_EVERYTHING_VERSION = pkg.version
/** Its `mcp-server-everything` bin, to run with `node`; its first argument names the transport. */
export const SERVER_EVERYTHING_BIN = join(dirname(pkgJson), pkg.bin['mcp-server-everything']!)

/** The roots our client offers. */
export const ROOTS = [
  { uri: 'file:///srv/one', name: 'one' },
  { uri: 'file:///srv/two', name: 'two' },
]
/** The log message the server sends once it has listed {@link ROOTS} from our client. */
export const ROOTS_SYNCED = { level: 'info', logger: 'everything-server', data: 'Roots updated: 2 root(s) received from client' }

/** A connected client, its (schema-checked) transport, and what the server sent or asked of it. */
export interface Connection<T extends Transport = Transport> {
  client: Client
  transport: T
  checked: SchemaCheckedTransport<T>
  /** Every sampling request, in order; each is answered "Paris" by model `scripted`. */
  sampled: CreateMessageRequestParams[]
  /** Every form elicitation, in order; each is accepted with Ada's details. */
  forms: ElicitRequestFormParams[]
  /** Every URL elicitation, in order; each is accepted. */
  urls: ElicitRequestURLParams[]
  /** Every `notifications/message`. */
  logs: LoggingMessageNotificationParams[]
  /** The URI of every `notifications/resources/updated`. */
  updated: string[]
  /** Why the server may outlive its stdin (then our close() ends it with SIGTERM): set by a case that leaves it so. */
  lingers?: string
}

/**
 * Connects a new Client named `clientName` through `transport`, with a scripted answer for
 * sampling and for form and URL elicitation, {@link ROOTS} as its roots, and log and
 * resource-updated notifications collected. What goes over `transport` is checked against the
 * official JSON Schema of the negotiated revision (see `checked.violations`).
 */
export async function connectEverythingClient<T extends Transport>(transport: T, clientName: string): Promise<Connection<T>> {
  const c = { transport, sampled: [], forms: [], urls: [], logs: [], updated: [] } as unknown as Connection<T>
  c.client = new Client(
    { name: clientName, version: '0.0.0' },
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
  return c
}

/** The text of `result.content[index]`; throws if that block is not text. */
export const textOf = (result: CallToolResult, index = 0): string => {
  const block = result.content?.[index]
  if (block?.type !== 'text') throw new Error(`content[${index}] is ${block?.type}, not text`)
  return block.text
}

/** Calls one tool over the connection and checks the result its source documents. */
export type ToolCase<C extends Connection = Connection> = (c: C) => Promise<void>

/**
 * The case table: one entry per tool the server lists for a client with our capabilities, in the
 * order the tests run. `own` holds what a transport checks its own way: `get-env` (the server's
 * environment depends on how the transport started it), and any other entry replaces the shared
 * case of that name.
 */
export function toolCases<C extends Connection>(own: { 'get-env': ToolCase<C> } & Record<string, ToolCase<C>>): Record<string, ToolCase<C>> {
  const cases: Record<string, ToolCase<C>> = {
    echo: async ({ client }) => {
      expect(textOf(await client.callTool({ name: 'echo', arguments: { message: 'hello' } }))).toBe('Echo: hello')
    },
    'get-annotated-message': async ({ client }) => {
      const result = await client.callTool({ name: 'get-annotated-message', arguments: { messageType: 'success', includeImage: true } })
      expect(result.content?.[0]).toMatchObject({ type: 'text', text: 'Operation completed successfully', annotations: { priority: 0.7, audience: ['user'] } })
      expect(result.content?.[1]).toMatchObject({ type: 'image', mimeType: 'image/png', annotations: { priority: 0.5 } })
    },
    'get-env': own['get-env'],
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
    'simulate-research-query': async (conn) => {
      const { client } = conn
      // Registered with `execution.taskSupport: 'required'`: it only runs as a task (2025-11-25's
      // experimental tasks). "Clients MUST invoke the tool as a task": called plainly, our client sends
      // tools/call with `task`, follows it with tasks/get, and takes its result from tasks/result.
      const result = await client.callTool({ name: 'simulate-research-query', arguments: { topic: 'python' } })
      expect(result.isError).toBeFalsy()
      expect(textOf(result)).toMatch(/^# Research Report: python/)
      expect(result._meta?.['io.modelcontextprotocol/related-task']).toEqual({ taskId: expect.any(String) })
      // Asked for as a task explicitly, it comes back as a handle on the same kind of task.
      const task = await client.callTool({ name: 'simulate-research-query', arguments: { topic: 'rust' } }, { task: true })
      expect(task.taskId).toEqual(expect.any(String))
      expect(textOf(await task.result())).toMatch(/^# Research Report: rust/)
      // Its task store keeps each finished task for the fixed 5 minutes the tool asks for, on timers
      // that hold the process: it no longer exits on stdin EOF, and our close() escalates to SIGTERM.
      conn.lingers = 'its task store holds finished tasks for 5 minutes'
    },
  }
  return { ...cases, ...own }
}

/** The name of every tool `tools/list` gives, all pages. */
export async function listedToolNames(client: Client): Promise<string[]> {
  const names: string[] = []
  for await (const tool of client.iterate('tools/list')) names.push(tool.name)
  return names
}

/** The URIs of the first two pages of `resources/list`, which must include the static instructions. */
export async function expectListedResources(client: Client): Promise<string[]> {
  const page = await client.listResources()
  const uris = page.resources.map((r) => r.uri)
  if (page.nextCursor) uris.push(...(await client.listResources({ cursor: page.nextCursor })).resources.map((r) => r.uri))
  expect(uris).toContain('demo://resource/static/document/instructions.md')
  return uris
}

/** Checks the two dynamic resource templates are listed, and reads text resource 5 through one. */
export async function expectDynamicTemplates(client: Client): Promise<void> {
  const { resourceTemplates } = await client.listResourceTemplates()
  expect(resourceTemplates.map((t) => t.uriTemplate).sort()).toEqual(['demo://resource/dynamic/blob/{resourceId}', 'demo://resource/dynamic/text/{resourceId}'])
  const text = await client.readResource({ uri: 'demo://resource/dynamic/text/5' })
  expect(text.contents[0]).toMatchObject({ mimeType: 'text/plain', text: expect.stringMatching(/^Resource 5: This is a plaintext resource/) })
}

/** Checks the four prompts are listed, and gets the three whose first message is plain text. */
export async function expectTextPrompts(client: Client): Promise<void> {
  const { prompts } = await client.listPrompts()
  expect(prompts.map((p) => p.name)).toEqual(['simple-prompt', 'args-prompt', 'completable-prompt', 'resource-prompt'])
  const simple = await client.getPrompt({ name: 'simple-prompt' })
  expect(simple.messages[0]!.content).toEqual({ type: 'text', text: 'This is a simple prompt without arguments.' })
  const args = await client.getPrompt({ name: 'args-prompt', arguments: { city: 'Paris', state: 'TX' } })
  expect(args.messages[0]!.content).toEqual({ type: 'text', text: "What's weather in Paris, TX?" })
  const team = await client.getPrompt({ name: 'completable-prompt', arguments: { department: 'Sales', name: 'Eve' } })
  expect(team.messages[0]!.content).toEqual({ type: 'text', text: 'Please promote Eve to the head of the Sales team.' })
}
