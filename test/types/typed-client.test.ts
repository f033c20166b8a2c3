// End-to-end types (STYLE §3): a Client<typeof server> over a server built with withTool()/withPrompt()
// checks tool names, arguments and structuredContent at compile time. Each `@ts-expect-error` below is
// checked by `tsc -p test/tsconfig.json`; the typed client's calls also run against a real server, so the
// test shows that what the compiler refuses would really have failed.
import { Client, ErrorCode, McpError, type ToolTask } from '@plugboard/client'
import type { CallToolRequestParams, CallToolResult, GetPromptRequestParams } from '@plugboard/protocol'
import { InMemoryTransport, withSchemaCheck } from '@plugboard/protocol/testing'
import { McpServer } from '@plugboard/server'
import { toStandardJsonSchema } from '@valibot/to-json-schema'
import * as v from 'valibot'
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest'
import * as z from 'zod'

function calculator() {
  return new McpServer({ name: 'calculator', version: '1.0.0' })
    .withTool('add', { description: 'Adds two numbers', inputSchema: { a: z.number(), b: z.number() }, outputSchema: { sum: z.number() } }, ({ a, b }) => ({
      structuredContent: { sum: a + b },
    }))
    .withTool('greet', { inputSchema: { name: z.string(), loud: z.boolean().optional() } }, ({ name, loud }) => ({ content: [{ type: 'text', text: loud ? `HELLO ${name}!` : `hello ${name}` }] }))
    .withTool('shout', { inputSchema: toStandardJsonSchema(v.object({ text: v.string() })), outputSchema: toStandardJsonSchema(v.object({ upper: v.string(), length: v.number() })) }, ({ text }) => ({
      structuredContent: { upper: text.toUpperCase(), length: text.length },
    }))
    .withTool('now', { description: 'No arguments at all' }, () => ({ structuredContent: { at: 'noon' } }))
    .withPrompt('review', { argsSchema: { code: z.string(), language: z.string().optional() } }, ({ code, language }) => ({
      messages: [{ role: 'user', content: { type: 'text', text: `Review this ${language ?? 'code'}: ${code}` } }],
    }))
}
type CalculatorServer = ReturnType<typeof calculator>

const REVISIONS = ['2025-11-25', '2026-07-28'] as const
const open: Client<unknown>[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((client) => client.close()))
})

describe.each(REVISIONS)('a typed client on %s', (revision) => {
  async function connect() {
    const server = calculator()
    const client = new Client<CalculatorServer>({ name: 'host', version: '1.0.0' }, { versionNegotiation: { mode: { pin: revision } } })
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
    await server.connect(serverSide)
    const checked = withSchemaCheck(clientSide, revision)
    await client.connect(checked)
    open.push(client)
    return { client, violations: () => checked.violations }
  }

  it('calls a tool of the server and gets its structuredContent typed by the output schema', async () => {
    const { client, violations } = await connect()
    const result = await client.callTool({ name: 'add', arguments: { a: 2, b: 40 } })
    expectTypeOf(result.structuredContent).toEqualTypeOf<{ sum: number } | undefined>()
    expect(result.structuredContent?.sum).toBe(42)
    expectTypeOf(result.content).toEqualTypeOf<CallToolResult['content']>()
    expectTypeOf(result.isError).toEqualTypeOf<boolean | undefined>()
    expect(violations()).toEqual([])
  })

  it('types a valibot tool as well, from the Standard Schema types', async () => {
    const { client } = await connect()
    const { structuredContent } = await client.callTool({ name: 'shout', arguments: { text: 'hi' } })
    expectTypeOf(structuredContent).toEqualTypeOf<{ upper: string; length: number } | undefined>()
    expect(structuredContent).toEqual({ upper: 'HI', length: 2 })
  })

  it('takes optional arguments as optional, and no arguments for a tool without an input schema', async () => {
    const { client } = await connect()
    expect((await client.callTool({ name: 'greet', arguments: { name: 'Ada' } })).content).toEqual([{ type: 'text', text: 'hello Ada' }])
    expectTypeOf<Parameters<typeof client.callTool<'greet'>>[0]['arguments']>().toEqualTypeOf<{ name: string; loud?: boolean | undefined }>()
    const now = await client.callTool({ name: 'now' })
    // A tool without an output schema returns whatever record it likes.
    expectTypeOf(now.structuredContent).toEqualTypeOf<Record<string, unknown> | undefined>()
    expect(now.structuredContent).toEqual({ at: 'noon' })
  })

  it('rejects a misspelt tool name at compile time; the server would answer -32602', async () => {
    const { client } = await connect()
    // @ts-expect-error 'ad' is not a tool of CalculatorServer
    const call = client.callTool({ name: 'ad', arguments: { a: 1, b: 2 } })
    await expect(call).rejects.toSatisfy((error: unknown) => error instanceof McpError && error.code === ErrorCode.InvalidParams)
  })

  it('rejects a wrong argument type and a missing required argument at compile time; the server would answer isError', async () => {
    const { client } = await connect()
    // @ts-expect-error `a` must be a number
    const wrongType = await client.callTool({ name: 'add', arguments: { a: 'one', b: 2 } })
    expect(wrongType).toMatchObject({ isError: true })
    // @ts-expect-error `b` is required
    const missing = await client.callTool({ name: 'add', arguments: { a: 1 } })
    expect(missing).toMatchObject({ isError: true })
    // @ts-expect-error `arguments` is required when the tool has a required argument
    const none = await client.callTool({ name: 'add' })
    expect(none).toMatchObject({ isError: true })
    // @ts-expect-error `c` is not an argument of add
    const extra = await client.callTool({ name: 'add', arguments: { a: 1, b: 2, c: 3 } })
    expect(extra).toMatchObject({ structuredContent: { sum: 3 } }) // a shape ignores unknown keys, as zod objects do
  })

  it('rejects reading a structuredContent field the output schema does not have', async () => {
    const { client } = await connect()
    const result = await client.callTool({ name: 'add', arguments: { a: 1, b: 1 } })
    // @ts-expect-error `total` is not in add's output schema
    expect(result.structuredContent?.total).toBeUndefined()
    expect(result.structuredContent?.sum).toBe(2)
  })

  it('types the task form too: result() resolves with the typed result', async () => {
    const { client } = await connect()
    const task = await client.callTool({ name: 'add', arguments: { a: 3, b: 4 } }, { task: true })
    expect(task).toBeInstanceOf(Object)
    expectTypeOf(task).toMatchTypeOf<ToolTask>()
    // This server has no tasks: it answered at once, so the handle is already settled.
    expect(task.taskId).toBeUndefined()
    const result = await task.result()
    expectTypeOf(result.structuredContent).toEqualTypeOf<{ sum: number } | undefined>()
    expect(result.structuredContent?.sum).toBe(7)
    // @ts-expect-error the task form checks arguments as well
    await expect(client.callTool({ name: 'add', arguments: { a: '3', b: 4 } }, { task: true }).then((t) => t.result())).resolves.toMatchObject({ isError: true })
  })

  it('checks getPrompt names and arguments against the prompts the server defines', async () => {
    const { client } = await connect()
    const prompt = await client.getPrompt({ name: 'review', arguments: { code: 'let x = 1', language: 'ts' } })
    expect(prompt.messages[0]?.content).toEqual({ type: 'text', text: 'Review this ts: let x = 1' })
    // @ts-expect-error `code` is required
    await expect(client.getPrompt({ name: 'review', arguments: { language: 'ts' } })).rejects.toBeInstanceOf(McpError)
    // @ts-expect-error 'reveiw' is not a prompt of CalculatorServer
    await expect(client.getPrompt({ name: 'reveiw', arguments: { code: 'x' } })).rejects.toBeInstanceOf(McpError)
  })
})

// Only types here: the calls sit in functions never run, as these clients are never connected.
describe('an untyped client', () => {
  it('takes any tool name and record of arguments, and returns a plain CallToolResult, as before', () => {
    expectTypeOf<Parameters<Client['callTool']>[0]>().toEqualTypeOf<CallToolRequestParams>()
    expectTypeOf<Awaited<ReturnType<Client['callTool']>>>().toEqualTypeOf<CallToolResult>()
    expectTypeOf<Parameters<Client['getPrompt']>[0]>().toEqualTypeOf<GetPromptRequestParams>()
    const client = new Client({ name: 'host', version: '1.0.0' })
    expectTypeOf(() => client.callTool({ name: 'anything', arguments: { x: 1 } })).returns.resolves.toEqualTypeOf<CallToolResult>()
    expectTypeOf(() => client.callTool({ name: 'anything' }, { task: true })).returns.resolves.toEqualTypeOf<ToolTask>()
  })

  it('is what Client<typeof server> is for a server built with registerTool only (its type does not change)', () => {
    const server = new McpServer({ name: 'plain', version: '1.0.0' })
    server.registerTool('add', { inputSchema: { a: z.number() } }, ({ a }) => ({ structuredContent: { a } }))
    const client = new Client<typeof server>({ name: 'host', version: '1.0.0' })
    expectTypeOf<Parameters<typeof client.callTool>[0]>().toEqualTypeOf<CallToolRequestParams>()
    expectTypeOf(() => client.callTool({ name: 'whatever' })).returns.resolves.toEqualTypeOf<CallToolResult>()
  })

  it('withTool registers on the server it is called on and returns that server, refusing a duplicate as registerTool does', () => {
    const server = new McpServer({ name: 'plain', version: '1.0.0' })
    const typed = server.withTool('echo', { inputSchema: { text: z.string() } }, ({ text }) => ({ content: [{ type: 'text', text }] }))
    expect(typed).toBe(server)
    expect(server.getTool('echo')?.name).toBe('echo')
    expect(() => typed.withTool('echo', {}, () => ({}))).toThrow(/already registered/)
  })

  it('keeps the types of tools a function of another module adds to the server it is given', () => {
    const mathTools = <T extends object, P extends object>(server: McpServer<T, P>) =>
      server.withTool('mul', { inputSchema: { a: z.number(), b: z.number() }, outputSchema: { product: z.number() } }, ({ a, b }) => ({ structuredContent: { product: a * b } }))
    const server = mathTools(new McpServer({ name: 'modular', version: '1.0.0' })).withTool('neg', { inputSchema: { a: z.number() } }, ({ a }) => ({ content: [{ type: 'text', text: String(-a) }] }))
    const client = new Client<typeof server>({ name: 'host', version: '1.0.0' })
    expectTypeOf<Parameters<typeof client.callTool>[0]['name']>().toEqualTypeOf<'mul' | 'neg'>()
    expectTypeOf(() => client.callTool({ name: 'mul', arguments: { a: 2, b: 3 } })).returns.resolves.toHaveProperty('structuredContent').toEqualTypeOf<{ product: number } | undefined>()
    expect([server.getTool('mul')?.name, server.getTool('neg')?.name]).toEqual(['mul', 'neg'])
  })

  it('accepts a typed client where a Client is expected, and a typed server where an McpServer is', () => {
    const server = calculator()
    expectTypeOf(server).toMatchTypeOf<McpServer>()
    expectTypeOf(new Client<CalculatorServer>({ name: 'host', version: '1.0.0' })).toMatchTypeOf<Client>()
    const plain: McpServer = server
    expect(plain.getTool('add')?.name).toBe('add')
  })
})
