import { ErrorCode } from '@plugboard/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import * as z from 'zod'
import { McpServer, ResourceTemplate, completable } from '../src/index.js'
import { ERAS, closeAll, connect, failure } from './harness.js'

afterEach(closeAll)

const LANGUAGES = ['python', 'pytorch', 'pyside', 'typescript', 'go']
const FRAMEWORKS: Record<string, string[]> = { python: ['flask', 'django'], typescript: ['hono', 'next'] }

function completingServer() {
  const server = new McpServer({ name: 'c', version: '1' })
  server.registerPrompt(
    'code_review',
    {
      argsSchema: {
        language: completable(z.string().describe('Language'), (value) => LANGUAGES.filter((l) => l.startsWith(value))),
        framework: z.string().optional(),
        style: z.string().optional(),
      },
      complete: { framework: (value, context) => (FRAMEWORKS[context.arguments?.language ?? ''] ?? []).filter((f) => f.startsWith(value)) },
    },
    ({ language }) => ({ messages: [{ role: 'user', content: { type: 'text', text: language } }] }),
  )
  server.registerResource(
    'repo',
    new ResourceTemplate('github://{owner}/{repo}', {
      complete: {
        owner: (value) => ['modelcontextprotocol', 'microsoft'].filter((o) => o.startsWith(value)),
        repo: (value, context) => (context.arguments?.owner === 'microsoft' ? ['vscode', 'typescript'] : ['servers']).filter((r) => r.startsWith(value)),
      },
    }),
    {},
    (uri) => ({ contents: [{ uri: uri.href, text: '' }] }),
  )
  server.registerResource('many', new ResourceTemplate('n://{n}', { complete: { n: () => Array.from({ length: 250 }, (_, i) => String(i)) } }), {}, (uri) => ({
    contents: [{ uri: uri.href, text: '' }],
  }))
  server.registerResource('static', 'mem://static', {}, (uri) => ({ contents: [{ uri: uri.href, text: '' }] }))
  return server
}

describe.each(ERAS)('completion (negotiated %s)', (protocolVersion) => {
  it('declares the completions capability because something completes', async () => {
    const { client } = await connect(completingServer(), { protocolVersion })
    expect(client.state.peer.capabilities).toHaveProperty('completions')
  })

  it('completes a prompt argument wrapped in completable(), and the wrapped schema still validates', async () => {
    const { client } = await connect(completingServer(), { protocolVersion })
    const { completion } = await client.request('completion/complete', { ref: { type: 'ref/prompt', name: 'code_review' }, argument: { name: 'language', value: 'py' } })
    expect(completion).toEqual({ values: ['python', 'pytorch', 'pyside'], total: 3, hasMore: false })
    const { prompts } = await client.request('prompts/list', {})
    expect(prompts[0]!.arguments![0]).toEqual({ name: 'language', description: 'Language', required: true })
    expect(await failure(client.request('prompts/get', { name: 'code_review', arguments: {} }))).toMatchObject({ code: ErrorCode.InvalidParams })
  })

  it('passes context.arguments to a completer given in the prompt options', async () => {
    const { client } = await connect(completingServer(), { protocolVersion })
    const { completion } = await client.request('completion/complete', {
      ref: { type: 'ref/prompt', name: 'code_review' },
      argument: { name: 'framework', value: 'fl' },
      context: { arguments: { language: 'python' } },
    })
    expect(completion.values).toEqual(['flask'])
  })

  it('completes a resource template variable, by the template as written', async () => {
    const { client } = await connect(completingServer(), { protocolVersion })
    const owner = await client.request('completion/complete', { ref: { type: 'ref/resource', uri: 'github://{owner}/{repo}' }, argument: { name: 'owner', value: 'm' } })
    expect(owner.completion.values).toEqual(['modelcontextprotocol', 'microsoft'])
    const repo = await client.request('completion/complete', {
      ref: { type: 'ref/resource', uri: 'github://{owner}/{repo}' },
      argument: { name: 'repo', value: 'v' },
      context: { arguments: { owner: 'microsoft' } },
    })
    expect(repo.completion.values).toEqual(['vscode'])
  })

  it('caps values at 100 and reports total and hasMore', async () => {
    const { client } = await connect(completingServer(), { protocolVersion })
    const { completion } = await client.request('completion/complete', { ref: { type: 'ref/resource', uri: 'n://{n}' }, argument: { name: 'n', value: '' } })
    expect(completion.values).toHaveLength(100)
    expect(completion).toMatchObject({ total: 250, hasMore: true })
  })

  it('answers an argument without a completer, or a static resource, with no values', async () => {
    const { client } = await connect(completingServer(), { protocolVersion })
    const style = await client.request('completion/complete', { ref: { type: 'ref/prompt', name: 'code_review' }, argument: { name: 'style', value: 'x' } })
    expect(style.completion.values).toEqual([])
    const fixed = await client.request('completion/complete', { ref: { type: 'ref/resource', uri: 'mem://static' }, argument: { name: 'x', value: '' } })
    expect(fixed.completion.values).toEqual([])
  })

  it('answers an unknown prompt or resource template with -32602', async () => {
    const { client } = await connect(completingServer(), { protocolVersion })
    const prompt = client.request('completion/complete', { ref: { type: 'ref/prompt', name: 'nope' }, argument: { name: 'a', value: '' } })
    expect(await failure(prompt)).toMatchObject({ code: ErrorCode.InvalidParams })
    const template = client.request('completion/complete', { ref: { type: 'ref/resource', uri: 'nope://{x}' }, argument: { name: 'x', value: '' } })
    expect(await failure(template)).toMatchObject({ code: ErrorCode.InvalidParams })
  })
})

describe('completion capability', () => {
  it('is not declared when nothing completes', async () => {
    const server = new McpServer({ name: 'c', version: '1' })
    server.registerPrompt('plain', { argsSchema: { a: z.string() } }, () => ({ messages: [] }))
    const { client } = await connect(server)
    expect(client.state.peer.capabilities).not.toHaveProperty('completions')
  })
})
