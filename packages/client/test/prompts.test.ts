import { ErrorCode } from '@plugboard/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import type { Client } from '../src/index.js'
import { ERAS, connectToRawServer, expectNoViolations, withMethod } from './raw-server.js'

const open: Client[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()))
})

describe.each(ERAS)('%s era', (era) => {
  async function promptServer(capabilities: Record<string, unknown> = { prompts: {}, completions: {} }) {
    const pair = await connectToRawServer({
      era,
      capabilities,
      setup: (server) => {
        server.setRequestHandler('prompts/list', (params) =>
          params.cursor === undefined
            ? { prompts: [{ name: 'greet', arguments: [{ name: 'who', required: true }] }], nextCursor: '2' }
            : { prompts: [{ name: 'review' }] },
        )
        server.setRequestHandler('prompts/get', (params) => ({
          description: 'A greeting',
          messages: [{ role: 'user', content: { type: 'text', text: `Hello, ${params.arguments?.who}!` } }],
        }))
        server.setRequestHandler('completion/complete', (params) => ({
          completion: { values: ['alice', 'alfred'].filter((v) => v.startsWith(params.argument.value)), total: 2, hasMore: false },
        }))
      },
    })
    open.push(pair.client)
    return pair
  }

  describe('prompts', () => {
    it('lists one page of prompts and all of them with iterate', async () => {
      const { client } = await promptServer()
      const page = await client.listPrompts()
      expect(page.prompts.map((p) => p.name)).toEqual(['greet'])
      expect(page.nextCursor).toBe('2')
      const names: string[] = []
      for await (const prompt of client.iterate('prompts/list')) names.push(prompt.name)
      expect(names).toEqual(['greet', 'review'])
    })

    it('gets a prompt filled in with its arguments', async () => {
      const { client, violations } = await promptServer()
      const prompt = await client.getPrompt({ name: 'greet', arguments: { who: 'Ada' } })
      expect(prompt.messages[0]).toEqual({ role: 'user', content: { type: 'text', text: 'Hello, Ada!' } })
      expectNoViolations(violations)
    })

    it('rejects prompt calls locally on a server without prompts, with no message sent', async () => {
      const { client, sent } = await promptServer({ tools: {} })
      const before = sent.length
      await expect(client.listPrompts()).rejects.toMatchObject({ code: ErrorCode.CapabilityNotSupported })
      const iterator = client.iterate('prompts/list')[Symbol.asyncIterator]()
      await expect(iterator.next()).rejects.toMatchObject({ code: ErrorCode.CapabilityNotSupported })
      expect(sent.length).toBe(before)
      expect(withMethod(sent, 'prompts/list')).toHaveLength(0)
    })
  })

  describe('completion', () => {
    it('completes a prompt argument', async () => {
      const { client, violations } = await promptServer()
      const result = await client.complete({ ref: { type: 'ref/prompt', name: 'greet' }, argument: { name: 'who', value: 'alf' }, context: { arguments: {} } })
      expect(result.completion.values).toEqual(['alfred'])
      expectNoViolations(violations)
    })

    it('rejects complete locally when the server has no completions capability', async () => {
      const { client } = await promptServer({ prompts: {} })
      await expect(client.complete({ ref: { type: 'ref/prompt', name: 'greet' }, argument: { name: 'who', value: '' } })).rejects.toMatchObject({
        code: ErrorCode.CapabilityNotSupported,
      })
    })
  })
})
