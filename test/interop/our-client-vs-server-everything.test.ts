// Our Client and StdioClientTransport against the reference "everything" server
// (@modelcontextprotocol/server-everything, built on the official SDK): every tool it lists,
// its resources, templates, prompts and completions, with our client answering its sampling,
// elicitation (form and URL) and roots requests. What we send is checked against the official
// JSON Schema.
import { McpError } from '@plugboard/client'
import { StdioClientTransport } from '@plugboard/transport-stdio'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { expectGone } from './children.js'
import {
  connectEverythingClient,
  expectDynamicTemplates,
  expectListedResources,
  expectTextPrompts,
  listedToolNames,
  ROOTS_SYNCED,
  SERVER_EVERYTHING_BIN,
  SERVER_EVERYTHING_VERSION,
  textOf,
  toolCases,
  type Connection,
} from './server-everything-cases.js'

/** Set in this process only: the child must not see it (our transport passes a minimal environment). */
const SECRET = 'PLUGBOARD_INTEROP_SECRET'

let conn: Connection<StdioClientTransport>

beforeEach(async () => {
  process.env[SECRET] = 'must-not-leak'
  // Its CLI takes the transport as first argument and defaults to stdio; we pass it anyway.
  const transport = new StdioClientTransport({ command: process.execPath, args: [SERVER_EVERYTHING_BIN, 'stdio'] })
  conn = await connectEverythingClient(transport, 'plugboard-interop')
  // It asks roots/list 350 ms after notifications/initialized. Wait for that to finish: a server
  // whose stdin closes first still sends it, and the unanswerable request then keeps the process
  // alive until our close() escalates to SIGTERM.
  await vi.waitFor(() => expect(conn.logs).toContainEqual(ROOTS_SYNCED), { timeout: 5000 })
})

afterEach(async () => {
  await conn.client.close()
  if (conn.lingers) expect(conn.transport.exitCode, `the server outlives stdin EOF (${conn.lingers}) and is ended by our close()`).toBeNull()
  else expect(conn.transport.exitCode, 'the server exits on stdin EOF').toBe(0)
  await expectGone(conn.transport.pid)
  expect(conn.checked.violations).toEqual([])
  delete process.env[SECRET]
})

describe(`our client against @modelcontextprotocol/server-everything ${SERVER_EVERYTHING_VERSION} over stdio`, () => {
  it('connects, and the server lists our roots right after initialization', () => {
    expect(conn.client.getNegotiatedProtocolVersion()).toBe('2025-11-25')
    expect(conn.client.getServerVersion()).toMatchObject({ name: 'mcp-servers/everything', title: 'Everything Reference Server' })
    expect(conn.client.getInstructions()).toBeTypeOf('string')
    expect(conn.client.getServerCapabilities()).toMatchObject({ tools: { listChanged: true }, resources: { subscribe: true }, prompts: {}, logging: {} })
    expect(conn.logs).toContainEqual(ROOTS_SYNCED)
  })

  it('lists every tool, including those registered for our sampling, elicitation and roots capabilities', async () => {
    expect((await listedToolNames(conn.client)).sort()).toEqual(Object.keys(TOOL_CASES).sort())
  })

  const TOOL_CASES = toolCases<Connection<StdioClientTransport>>({
    'get-env': async ({ client }) => {
      const env = JSON.parse(textOf(await client.callTool({ name: 'get-env' }))) as Record<string, string>
      expect(env.PATH).toBe(process.env.PATH)
      // Our StdioClientTransport passes only getDefaultEnvironment() to the child.
      expect(env).not.toHaveProperty(SECRET)
    },
  })

  it.each(Object.keys(TOOL_CASES))('calls the %s tool and gets the result its source documents', async (name) => {
    await TOOL_CASES[name]!(conn)
  })

  it('reads every listed resource (the first two pages) and the dynamic templates', async () => {
    const uris = await expectListedResources(conn.client)
    for (const uri of uris) {
      const { contents } = await conn.client.readResource({ uri })
      expect(contents[0]).toMatchObject({ uri, mimeType: 'text/markdown', text: expect.any(String) })
    }
    await expectDynamicTemplates(conn.client)
    const blob = (await conn.client.readResource({ uri: 'demo://resource/dynamic/blob/5' })).contents[0] as { blob: string }
    expect(Buffer.from(blob.blob, 'base64').toString()).toMatch(/^Resource 5: This is a base64 blob/)
  })

  it('gets an McpError for a resource id the template rejects', async () => {
    const error = await conn.client.readResource({ uri: 'demo://resource/dynamic/text/zero' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpError)
    expect((error as McpError).message).toContain('Unknown resource: demo://resource/dynamic/text/zero')
  })

  it('gets every prompt with arguments it accepts', async () => {
    await expectTextPrompts(conn.client)
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
