import { ErrorCode } from '@plugboard/protocol'
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as z from 'zod'
import { McpServer } from '../src/index.js'
import { ERAS, LEGACY_ERAS, MODERN, closeAll, connect, failure, listen } from './harness.js'

afterEach(closeAll)

function promptServer(options: { pageSize?: number } = {}) {
  const server = new McpServer({ name: 'p', version: '1' }, options)
  server.registerPrompt(
    'review',
    { title: 'Code review', description: 'Reviews code', argsSchema: { code: z.string().describe('The code'), language: z.string().optional() } },
    ({ code, language }) => ({
      description: 'A review request',
      messages: [{ role: 'user', content: { type: 'text', text: `Review this ${language ?? 'code'}:\n${code}` } }],
    }),
  )
  server.registerPrompt('media', { description: 'Every content type' }, (_args, ctx) => ({
    messages: [
      { role: 'user', content: { type: 'image', data: 'iVBORw0KGgo=', mimeType: 'image/png' } },
      { role: 'assistant', content: { type: 'audio', data: 'UklGRg==', mimeType: 'audio/wav' } },
      { role: 'user', content: { type: 'resource', resource: { uri: 'file:///a.txt', mimeType: 'text/plain', text: 'embedded' } } },
      // resource_link exists from 2025-06-18 on: content is the server author's to fit to the revision.
      ...(ctx.protocolVersion! >= '2025-06-18' ? [{ role: 'user' as const, content: { type: 'resource_link' as const, uri: 'file:///b.txt', name: 'b' } }] : []),
    ],
  }))
  return server
}

describe.each(ERAS)('prompts (negotiated %s)', (protocolVersion) => {
  it('lists prompts with arguments derived from argsSchema: name, description, required', async () => {
    const { client } = await connect(promptServer(), { protocolVersion })
    const { prompts } = await client.request('prompts/list', {})
    expect(prompts.map((p) => p.name)).toEqual(['review', 'media'])
    expect(prompts[0]).toEqual({
      name: 'review',
      title: 'Code review',
      description: 'Reviews code',
      arguments: [
        { name: 'code', description: 'The code', required: true },
        { name: 'language', required: false },
      ],
    })
    expect(prompts[1]).not.toHaveProperty('arguments')
  })

  it('gets a prompt with validated arguments', async () => {
    const { client } = await connect(promptServer(), { protocolVersion })
    const result = await client.request('prompts/get', { name: 'review', arguments: { code: 'x = 1', language: 'python' } })
    expect(result.description).toBe('A review request')
    expect(result.messages).toEqual([{ role: 'user', content: { type: 'text', text: 'Review this python:\nx = 1' } }])
  })

  it('passes messages of every content type through', async () => {
    const { client } = await connect(promptServer(), { protocolVersion })
    const { messages } = await client.request('prompts/get', { name: 'media' })
    const types = ['image', 'audio', 'resource', ...(protocolVersion >= '2025-06-18' ? ['resource_link'] : [])]
    expect(messages.map((m) => m.content.type)).toEqual(types)
  })

  it('answers a missing required argument with -32602 naming it', async () => {
    const { client } = await connect(promptServer(), { protocolVersion })
    const error = await failure(client.request('prompts/get', { name: 'review', arguments: { language: 'go' } }))
    expect(error).toMatchObject({ code: ErrorCode.InvalidParams, message: expect.stringMatching(/review.*code/) })
  })

  it('answers an unknown or disabled prompt with -32602', async () => {
    const server = promptServer()
    const { client } = await connect(server, { protocolVersion })
    expect(await failure(client.request('prompts/get', { name: 'nope' }))).toMatchObject({ code: ErrorCode.InvalidParams })
    const temp = server.registerPrompt('temp', {}, () => ({ messages: [] }))
    await expect(client.request('prompts/get', { name: 'temp' })).resolves.toMatchObject({ messages: [] })
    temp.disable()
    expect(await failure(client.request('prompts/get', { name: 'temp' }))).toMatchObject({ code: ErrorCode.InvalidParams })
  })

  it('pages prompts/list with pageSize 2', async () => {
    const server = promptServer({ pageSize: 2 })
    server.registerPrompt('third', {}, () => ({ messages: [] }))
    const { client } = await connect(server, { protocolVersion })
    const first = await client.request('prompts/list', {})
    expect(first.prompts).toHaveLength(2)
    const second = await client.request('prompts/list', { cursor: first.nextCursor! })
    expect(second.prompts.map((p) => p.name)).toEqual(['third'])
    expect(second.nextCursor).toBeUndefined()
  })
})

describe.each(LEGACY_ERAS)('prompts/list_changed on the connection (negotiated %s)', (protocolVersion) => {
  it('sends prompts/list_changed when a prompt is disabled or removed', async () => {
    const server = promptServer()
    const extra = server.registerPrompt('extra', {}, () => ({ messages: [] }))
    const { client, received } = await connect(server, { protocolVersion })
    extra.disable()
    await vi.waitFor(() => expect(received('notifications/prompts/list_changed')).toHaveLength(1))
    expect((await client.request('prompts/list', {})).prompts.map((p) => p.name)).toEqual(['review', 'media'])
    extra.remove()
    await vi.waitFor(() => expect(received('notifications/prompts/list_changed')).toHaveLength(2))
  })
})

describe('prompts/list_changed on a subscriptions/listen stream (negotiated 2026-07-28)', () => {
  it('sends prompts/list_changed when a prompt is disabled or removed to a stream that asked for promptsListChanged', async () => {
    const server = promptServer()
    const extra = server.registerPrompt('extra', {}, () => ({ messages: [] }))
    const c = await connect(server, { protocolVersion: MODERN })
    const stream = await listen(c, { promptsListChanged: true })
    extra.disable()
    await vi.waitFor(() => expect(stream.received('notifications/prompts/list_changed')).toHaveLength(1))
    expect((await c.client.request('prompts/list', {})).prompts.map((p) => p.name)).toEqual(['review', 'media'])
    extra.remove()
    await vi.waitFor(() => expect(stream.received('notifications/prompts/list_changed')).toHaveLength(2))
  })
})

describe('prompt registration', () => {
  it('throws on a duplicate name', () => {
    const server = promptServer()
    expect(() => server.registerPrompt('review', {}, () => ({ messages: [] }))).toThrow(/already registered/)
  })

  it('types prompt arguments from argsSchema (compile-time check)', () => {
    const server = new McpServer({ name: 'p', version: '1' })
    server.registerPrompt('typed', { argsSchema: { topic: z.string(), tone: z.string().optional() } }, (args) => {
      const topic: string = args.topic
      // @ts-expect-error -- not in the schema
      void args.other
      return { messages: [{ role: 'user', content: { type: 'text', text: topic + (args.tone ?? '') } }] }
    })
    expect(true).toBe(true)
  })
})
