import { SamplingPolicy } from '@plugboard/host'
import { McpError, type CreateMessageRequestParams } from '@plugboard/protocol'
import { describe, expect, it } from 'vitest'
import type { HostEvent } from '../src/events.js'
import type { ModelProvider, ModelRequest } from '../src/providers/provider.js'
import { createSamplingHandler, USER_REJECTED } from '../src/sampling.js'
import { PolicyUi } from '../src/ui/policy-ui.js'

/** A provider with a cheap-and-fast and a capable model, recording what it is asked. */
function recordingProvider(): ModelProvider & { requests: ModelRequest[] } {
  const requests: ModelRequest[] = []
  return {
    name: 'test',
    scripted: false,
    models: [
      { name: 'small-fast', cost: 0.1, speed: 0.9, intelligence: 0.3 },
      { name: 'big-smart', aliases: ['claude-sonnet'], cost: 0.9, speed: 0.3, intelligence: 0.95 },
    ],
    requests,
    async complete(request) {
      requests.push(request)
      return { model: request.model ?? 'none', text: 'ok', toolCalls: [], stopReason: 'endTurn' }
    },
  }
}

const ctx = { signal: new AbortController().signal } as Parameters<ReturnType<typeof createSamplingHandler>>[1]
const params = (extra: Partial<CreateMessageRequestParams> = {}): CreateMessageRequestParams => ({
  messages: [{ role: 'user', content: { type: 'text', text: 'Hi' } }],
  maxTokens: 50,
  ...extra,
})

describe('the sampling handler', () => {
  it.each([
    ['a hint naming an alias', { hints: [{ name: 'sonnet' }] }, 'big-smart'],
    ['intelligence first', { intelligencePriority: 1 }, 'big-smart'],
    ['cost and speed first', { costPriority: 0.8, speedPriority: 0.8, intelligencePriority: 0.1 }, 'small-fast'],
    ['no preferences', undefined, 'small-fast'],
  ])("maps the server's model preferences (%s) onto a configured model", async (_, modelPreferences, expected) => {
    const provider = recordingProvider()
    const handler = createSamplingHandler({ server: 's', provider, policy: new SamplingPolicy(), ui: new PolicyUi('all', () => {}) })
    const result = await handler(params({ modelPreferences }), ctx)
    expect(provider.requests[0]!.model).toBe(expected)
    expect(result).toMatchObject({ role: 'assistant', model: expected, content: { type: 'text', text: 'ok' } })
  })

  it('passes the system prompt, maxTokens, temperature and stop sequences through, and describes images in words', async () => {
    const provider = recordingProvider()
    const handler = createSamplingHandler({ server: 's', provider, policy: new SamplingPolicy(), ui: new PolicyUi('all', () => {}) })
    await handler(
      params({
        systemPrompt: 'Be terse.',
        temperature: 0.2,
        stopSequences: ['END'],
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image', data: 'AAAA', mimeType: 'image/png' }] },
          { role: 'assistant', content: { type: 'text', text: 'A picture.' } },
        ],
      }),
      ctx,
    )
    expect(provider.requests[0]).toMatchObject({ system: 'Be terse.', maxTokens: 50, temperature: 0.2, stopSequences: ['END'] })
    expect(provider.requests[0]!.messages).toEqual([
      { role: 'user', content: 'What is this?\n[image image/png omitted: this host sends text only]' },
      { role: 'assistant', content: 'A picture.' },
    ])
  })

  it('rejects with code -1 and never calls the model when the user (here the policy) says no', async () => {
    const provider = recordingProvider()
    const events: HostEvent[] = []
    const handler = createSamplingHandler({ server: 's', provider, policy: new SamplingPolicy(), ui: new PolicyUi('none', (e) => events.push(e)) })
    const error = await Promise.resolve(handler(params(), ctx)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpError)
    expect((error as McpError).code).toBe(USER_REJECTED)
    expect(provider.requests).toHaveLength(0)
    expect(events.map((e) => e.type === 'sampling' && e.stage)).toEqual(['requested', 'rejected'])
  })

  it('answers -32603 with the reason when the model fails', async () => {
    const provider = recordingProvider()
    provider.complete = async () => {
      throw new Error('upstream 503')
    }
    const handler = createSamplingHandler({ server: 's', provider, policy: new SamplingPolicy(), ui: new PolicyUi('all', () => {}) })
    await expect(Promise.resolve(handler(params(), ctx))).rejects.toMatchObject({ code: -32603, message: expect.stringContaining('upstream 503') })
  })

  it('limits each server on its own', async () => {
    const provider = recordingProvider()
    const policy = new SamplingPolicy({ rateLimit: { burst: 1, perMinute: 1 } })
    const ui = new PolicyUi('all', () => {})
    const a = createSamplingHandler({ server: 'a', provider, policy, ui })
    const b = createSamplingHandler({ server: 'b', provider, policy, ui })
    await a(params(), ctx)
    await expect(Promise.resolve(a(params(), ctx))).rejects.toMatchObject({ code: USER_REJECTED, message: expect.stringMatching(/rate limit/) })
    await expect(Promise.resolve(b(params(), ctx))).resolves.toMatchObject({ model: 'small-fast' })
  })
})
