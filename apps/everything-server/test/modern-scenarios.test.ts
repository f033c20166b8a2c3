// The referee's scenarios that run on both the legacy revisions and 2026-07-28, sent in memory on
// the 2026-07-28 wire as its stateless client sends them, plus the 2026-07-28-only `caching`,
// `sep-2164-resource-not-found` and the tool `http-custom-header-server-validation` needs.
import { ErrorCode } from '@plugboard/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { JSON_SCHEMA_2020_12 } from '../src/conformance/content.js'
import { closeAll, conformanceServer, connectModern, resultOf, textOf, type ModernClient } from './harness.js'

afterEach(closeAll)

type Tool = { name: string; description?: string; inputSchema: Record<string, unknown> }
const tools = async (client: ModernClient) => resultOf(await client.send('tools/list')).tools as Tool[]
const callTool = async (client: ModernClient, name: string, extra: Record<string, unknown> = {}) => resultOf(await client.send('tools/call', { name, arguments: {}, ...extra }))

describe('tools (tools-*, json-schema-2020-12, http-custom-header-server-validation)', () => {
  it('lists every tool with a name, a description and an input schema, in the same order each time', async () => {
    const client = await connectModern(conformanceServer())
    const lists = [await tools(client), await tools(client), await tools(client)]
    const wellFormed = { name: expect.stringMatching(/^[A-Za-z0-9_.-]{1,128}$/), description: expect.any(String), inputSchema: expect.any(Object) }
    for (const tool of lists[0]!) expect(tool).toEqual(expect.objectContaining(wellFormed))
    expect(lists[1]!.map((t) => t.name)).toEqual(lists[0]!.map((t) => t.name))
    expect(lists[2]!.map((t) => t.name)).toEqual(lists[0]!.map((t) => t.name))
  })

  it.each([
    ['test_simple_text', { type: 'text', text: 'This is a simple text response for testing.' }],
    ['test_image_content', { type: 'image', mimeType: 'image/png' }],
    ['test_audio_content', { type: 'audio', mimeType: 'audio/wav' }],
    ['test_embedded_resource', { type: 'resource', resource: { uri: 'test://embedded-resource', text: 'This is an embedded resource content.' } }],
  ])('%s answers a complete result with its content', async (name, block) => {
    const client = await connectModern(conformanceServer())
    const result = await callTool(client, name)
    expect(result.resultType).toBe('complete')
    expect(result.content).toMatchObject([block])
  })

  it('test_multiple_content_types answers text, an image and a resource', async () => {
    const client = await connectModern(conformanceServer())
    expect((await callTool(client, 'test_multiple_content_types')).content).toMatchObject([{ type: 'text' }, { type: 'image' }, { type: 'resource' }])
  })

  it('test_error_handling answers an isError result carrying the message', async () => {
    const client = await connectModern(conformanceServer())
    const result = await callTool(client, 'test_error_handling')
    expect(result).toMatchObject({ isError: true, content: [{ type: 'text', text: 'This tool intentionally returns an error for testing' }] })
  })

  it('test_tool_with_progress reports 0, 50 and 100 of 100 for the request progress token', async () => {
    const client = await connectModern(conformanceServer())
    await callTool(client, 'test_tool_with_progress', { _meta: { progressToken: 'progress-test-1' } })
    const progress = client.notifications.filter((n) => n.method === 'notifications/progress').map((n) => n.params)
    expect(progress).toEqual([0, 50, 100].map((value) => expect.objectContaining({ progressToken: 'progress-test-1', progress: value, total: 100 })))
  })

  it('lists json_schema_2020_12_tool with its schema exactly as written: $schema, $defs with $anchor, allOf/anyOf, if/then/else', async () => {
    const client = await connectModern(conformanceServer())
    const tool = (await tools(client)).find((t) => t.name === 'json_schema_2020_12_tool')
    expect(tool?.inputSchema).toEqual(JSON_SCHEMA_2020_12)
  })

  it('json_schema_2020_12_tool checks its arguments with that schema: phone is required when contactMethod is phone', async () => {
    const client = await connectModern(conformanceServer())
    expect(await callTool(client, 'json_schema_2020_12_tool', { arguments: { contactMethod: 'phone', email: 'a@example.com' } })).toMatchObject({ isError: true })
    const ok = await callTool(client, 'json_schema_2020_12_tool', { arguments: { contactMethod: 'phone', phone: '555' } })
    expect(ok.isError).toBeUndefined()
  })

  it('lists one tool with a string x-mcp-header parameter, and echoes it', async () => {
    const client = await connectModern(conformanceServer())
    const annotated = (await tools(client)).filter((t) => Object.values((t.inputSchema.properties ?? {}) as Record<string, Record<string, unknown>>).some((p) => p['x-mcp-header'] !== undefined))
    expect(annotated.map((t) => t.name)).toEqual(['test_header_param'])
    expect(annotated[0]!.inputSchema).toMatchObject({ properties: { region: { type: 'string', 'x-mcp-header': 'Region' } }, required: ['region'] })
    expect(textOf(await callTool(client, 'test_header_param', { arguments: { region: 'Hello' } }))).toBe('region=Hello query=')
  })
})

describe('resources, prompts and completion', () => {
  it('lists resources and reads text, binary and templated ones (resources-*)', async () => {
    const client = await connectModern(conformanceServer())
    const listed = resultOf(await client.send('resources/list')).resources as Array<{ uri: string; name: string }>
    expect(listed.map((r) => r.uri)).toEqual(expect.arrayContaining(['test://static-text', 'test://static-binary', 'test://watched-resource']))
    const read = async (uri: string) => (resultOf(await client.send('resources/read', { uri })).contents as Array<Record<string, unknown>>)[0]
    expect(await read('test://static-text')).toEqual({ uri: 'test://static-text', mimeType: 'text/plain', text: 'This is the content of the static text resource.' })
    expect(await read('test://static-binary')).toMatchObject({ mimeType: 'image/png', blob: expect.any(String) })
    expect(await read('test://template/123/data')).toMatchObject({ uri: 'test://template/123/data', text: expect.stringContaining('123') })
  })

  it('answers a read of a URI nothing serves with -32602 carrying the uri (sep-2164-resource-not-found)', async () => {
    const client = await connectModern(conformanceServer())
    const uri = 'test://nonexistent-resource-for-conformance-testing'
    expect(await client.send('resources/read', { uri })).toMatchObject({ error: { code: ErrorCode.InvalidParams, data: { uri } } })
  })

  it('puts ttlMs and cacheScope on every cacheable result (caching)', async () => {
    const client = await connectModern(conformanceServer())
    const results = [
      ...(await Promise.all(['tools/list', 'prompts/list', 'resources/list', 'resources/templates/list'].map((method) => client.send(method)))),
      await client.send('resources/read', { uri: 'test://static-text' }),
    ]
    for (const response of results) expect(resultOf(response)).toMatchObject({ ttlMs: expect.any(Number), cacheScope: expect.stringMatching(/^(public|private)$/) })
  })

  it('gets the prompts of prompts-get-* with their arguments substituted', async () => {
    const client = await connectModern(conformanceServer())
    const get = async (name: string, args?: Record<string, string>) => resultOf(await client.send('prompts/get', { name, ...(args ? { arguments: args } : {}) })).messages
    expect(await get('test_simple_prompt')).toEqual([{ role: 'user', content: { type: 'text', text: 'This is a simple prompt for testing.' } }])
    expect(await get('test_prompt_with_arguments', { arg1: 'hello', arg2: 'world' })).toEqual([{ role: 'user', content: { type: 'text', text: "Prompt with arguments: arg1='hello', arg2='world'" } }])
    expect(await get('test_prompt_with_embedded_resource', { resourceUri: 'test://example-resource' })).toMatchObject([
      { content: { type: 'resource', resource: { uri: 'test://example-resource' } } },
      { content: { type: 'text' } },
    ])
    expect(await get('test_prompt_with_image')).toMatchObject([{ content: { type: 'image', mimeType: 'image/png' } }, { content: { type: 'text' } }])
  })

  it('completes arg1 of test_prompt_with_arguments (completion-complete)', async () => {
    const client = await connectModern(conformanceServer())
    const result = resultOf(await client.send('completion/complete', { ref: { type: 'ref/prompt', name: 'test_prompt_with_arguments' }, argument: { name: 'arg1', value: 'test' } }))
    expect(result.completion).toMatchObject({ values: ['test', 'testing', 'tested'] })
  })
})
