import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { callTool, closeAndCheck, openSession, post, recordHandles, responses, serve, toolText } from './harness.js'

beforeEach(recordHandles)
afterEach(closeAndCheck)

/** Calls echo `count` times at once on the given sessions (round robin) and returns each answer's id and text. */
async function burst(url: string, sessions: Array<Record<string, string>>, count: number) {
  const calls = Array.from({ length: count }, async (_, i) => {
    const response = await post(url, callTool(i, 'progress', { steps: 2 }, { progressToken: `p${i}` }), sessions[i % sessions.length]!)
    const messages = await responses(response)
    const progress = messages.filter((m) => 'method' in m && m.method === 'notifications/progress').map((m) => (m as unknown as { params: { progressToken: string } }).params.progressToken)
    const answers = messages.filter((m) => 'id' in m)
    return { i, progress, answers }
  })
  return Promise.all(calls)
}

describe.each([
  ['SSE', {}, true],
  ['JSON', { enableJsonResponse: true }, false],
] as const)('concurrent POSTs (%s responses)', (_mode, options, streamsProgress) => {
  it('answers 100 parallel calls on one session, each once, on its own response', async () => {
    const { url } = await serve(options)
    const { headers } = await openSession(url)
    const results = await burst(url, [headers], 100)
    for (const { i, progress, answers } of results) {
      expect(answers).toHaveLength(1)
      expect(answers[0]).toMatchObject({ id: i })
      expect(toolText(answers[0])).toBe('did 2 steps')
      // Progress travels with its own call (a JSON body cannot carry it, and no GET stream is open).
      expect(progress).toEqual(streamsProgress ? [`p${i}`, `p${i}`] : [])
    }
  })

  it('answers 100 parallel calls spread over 10 sessions, none lost or crossed', async () => {
    const { url, server } = await serve(options)
    const sessions = await Promise.all(Array.from({ length: 10 }, () => openSession(url)))
    expect(server.sessions.size).toBe(10)
    const results = await burst(
      url,
      sessions.map((s) => s.headers),
      100,
    )
    expect(results.map((r) => (r.answers[0] as { id: number }).id)).toEqual(Array.from({ length: 100 }, (_, i) => i))
    for (const { answers } of results) expect(answers).toHaveLength(1)
  })
})

describe('concurrent stateless POSTs', () => {
  it('answers 100 parallel calls reusing the same request id, each with its own result', async () => {
    const { url, server } = await serve({ stateless: true, enableJsonResponse: true })
    const results = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        // Every client numbers its requests from 0: stateless calls must not collide on ids.
        const body = await (await post(url, callTool(0, 'echo', { text: `call ${i}` }), { 'mcp-protocol-version': '2025-11-25' })).json()
        return toolText(body)
      }),
    )
    expect(results).toEqual(Array.from({ length: 100 }, (_, i) => `call ${i}`))
    expect(server.sessions.size).toBe(0)
  })
})
