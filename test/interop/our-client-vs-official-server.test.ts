// Our Client and StdioClientTransport against a server built on the official TypeScript SDK
// (test/fixtures/official-server.mjs): a tool with an output schema, a resource, a template with
// completion, a prompt with a completable argument, and a tool that asks us to sample. What our
// client sends is checked against the official JSON Schema (withSchemaCheck).
import { Client, McpError } from '@plugboard/client'
import type { CreateMessageRequestParams, LoggingMessageNotificationParams } from '@plugboard/protocol'
import { withSchemaCheck } from '@plugboard/protocol/testing'
import { StdioClientTransport } from '@plugboard/transport-stdio'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { expectGone, fixture } from './children.js'

interface Connection {
  client: Client
  transport: StdioClientTransport
  checked: ReturnType<typeof withSchemaCheck<StdioClientTransport>>
  sampled: CreateMessageRequestParams[]
  logs: LoggingMessageNotificationParams[]
}

let conn: Connection

beforeEach(async () => {
  const sampled: CreateMessageRequestParams[] = []
  const logs: LoggingMessageNotificationParams[] = []
  const transport = new StdioClientTransport({ command: process.execPath, args: [fixture('official-server.mjs')] })
  const client = new Client(
    { name: 'plugboard-interop', version: '0.0.0' },
    {
      sampling: async (params) => {
        sampled.push(params)
        return { role: 'assistant', model: 'scripted', stopReason: 'endTurn', content: { type: 'text', text: 'forty-two' } }
      },
    },
  )
  client.on('log', (params) => void logs.push(params))
  const checked = withSchemaCheck(transport, () => client.getNegotiatedProtocolVersion())
  await client.connect(checked)
  conn = { client, transport, checked, sampled, logs }
})

afterEach(async () => {
  await conn.client.close()
  // The SDK's stdio server ends on stdin EOF, the first step of our close().
  expect(conn.transport.exitCode).toBe(0)
  await expectGone(conn.transport.pid)
  expect(conn.checked.violations).toEqual([])
})

describe('our client against an official-SDK server over stdio', () => {
  it('negotiates 2025-11-25 and reads the server info, instructions and capabilities', () => {
    const { client } = conn
    expect(client.getNegotiatedProtocolVersion()).toBe('2025-11-25')
    expect(client.getServerVersion()).toEqual({ name: 'official-fixture', version: '1.2.3' })
    expect(client.getInstructions()).toBe('Official SDK fixture')
    expect(client.getServerCapabilities()).toMatchObject({ tools: {}, resources: {}, prompts: {}, completions: {}, logging: {} })
  })

  it('lists the tools and calls one whose structuredContent matches its outputSchema', async () => {
    const { tools } = await conn.client.listTools()
    expect(tools.map((t) => t.name)).toEqual(['multiply', 'ask-model'])
    expect(tools[0]!.outputSchema).toMatchObject({ type: 'object', properties: { product: { type: 'number' } } })
    const result = await conn.client.callTool({ name: 'multiply', arguments: { a: 6, b: 7 } })
    expect(result.structuredContent).toEqual({ product: 42 })
    expect(result.content?.[0]).toEqual({ type: 'text', text: '6 × 7 = 42' })
  })

  it('gets an isError result when the SDK server rejects the arguments', async () => {
    const result = await conn.client.callTool({ name: 'multiply', arguments: { a: 'six', b: 7 } })
    expect(result.isError).toBe(true)
    expect(result.content?.[0]).toMatchObject({ type: 'text', text: expect.stringContaining('Input validation error') })
  })

  it('answers the server’s sampling request from inside a tool call, and receives its log message', async () => {
    const result = await conn.client.callTool({ name: 'ask-model', arguments: { question: 'meaning of life?' } })
    expect(conn.sampled).toEqual([expect.objectContaining({ maxTokens: 50, messages: [{ role: 'user', content: { type: 'text', text: 'meaning of life?' } }] })])
    expect(result.content?.[0]).toEqual({ type: 'text', text: 'model scripted answered: forty-two' })
    expect(conn.logs).toEqual([{ level: 'info', logger: 'ask-model', data: 'asking: meaning of life?' }])
  })

  it('lists and reads the static resource and the template’s resources', async () => {
    const { resources } = await conn.client.listResources()
    expect(resources.map((r) => r.uri)).toEqual(['fixture://greeting', 'fixture://colors/red', 'fixture://colors/green', 'fixture://colors/blue', 'fixture://colors/black'])
    const greeting = await conn.client.readResource({ uri: 'fixture://greeting' })
    expect(greeting.contents).toEqual([{ uri: 'fixture://greeting', mimeType: 'text/plain', text: 'Hello from the official SDK' }])
    const { resourceTemplates } = await conn.client.listResourceTemplates()
    expect(resourceTemplates).toEqual([expect.objectContaining({ name: 'color', uriTemplate: 'fixture://colors/{name}' })])
    const blue = await conn.client.readResource({ uri: 'fixture://colors/blue' })
    expect(blue.contents[0]).toMatchObject({ text: 'the color blue' })
  })

  it('gets an McpError for a resource the server does not have', async () => {
    const error = await conn.client.readResource({ uri: 'fixture://nothing' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpError)
    expect((error as McpError).message).toMatch(/not found/i)
  })

  it('completes a template variable and a prompt argument', async () => {
    const colors = await conn.client.complete({ ref: { type: 'ref/resource', uri: 'fixture://colors/{name}' }, argument: { name: 'name', value: 'bl' } })
    expect(colors.completion.values).toEqual(['blue', 'black'])
    const language = await conn.client.complete({ ref: { type: 'ref/prompt', name: 'review' }, argument: { name: 'language', value: 'ty' } })
    expect(language.completion.values).toEqual(['typescript'])
  })

  it('lists and gets the prompt', async () => {
    const { prompts } = await conn.client.listPrompts()
    expect(prompts).toEqual([expect.objectContaining({ name: 'review', title: 'Review code', arguments: [expect.objectContaining({ name: 'language', required: true }), expect.objectContaining({ name: 'code', required: true })] })])
    const prompt = await conn.client.getPrompt({ name: 'review', arguments: { language: 'go', code: 'x := 1' } })
    expect(prompt.messages).toEqual([{ role: 'user', content: { type: 'text', text: 'Review this go:\nx := 1' } }])
  })

  it('walks every list with iterate() and pings', async () => {
    const names: string[] = []
    for await (const tool of conn.client.iterate('tools/list')) names.push(tool.name)
    expect(names).toEqual(['multiply', 'ask-model'])
    await expect(conn.client.ping()).resolves.toEqual({})
  })

  it('sets the logging level, which the SDK server then applies', async () => {
    await conn.client.setLoggingLevel('error')
    await conn.client.callTool({ name: 'ask-model', arguments: { question: 'quiet please' } })
    expect(conn.logs).toEqual([])
  })

  it('gets the SDK’s isError result for an unknown tool', async () => {
    // SDK 1.32 wraps "tool not found" in a tool result rather than answering a protocol error.
    const result = await conn.client.callTool({ name: 'nope' })
    expect(result).toEqual({ isError: true, content: [{ type: 'text', text: 'MCP error -32602: Tool nope not found' }] })
  })
})
