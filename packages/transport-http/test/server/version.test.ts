import { ErrorCode } from '@plugboard/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { callTool, closeAndCheck, initializeRequest, openSession, post, recordHandles, responses, serve, toolText } from './harness.js'

beforeEach(recordHandles)
afterEach(closeAndCheck)

const servedUnder = async (response: Response) => JSON.parse(toolText((await responses(response))[0])).protocolVersion as string

describe('the MCP-Protocol-Version header', () => {
  it('answers an unsupported version with 400 on POST, GET and DELETE, and the session survives', async () => {
    const { url } = await serve()
    const { headers } = await openSession(url)
    const bad = { ...headers, 'mcp-protocol-version': '1999-01-01' }
    for (const response of [
      await post(url, callTool(1, 'echo', { text: 'x' }), bad),
      await fetch(url, { headers: { ...bad, accept: 'text/event-stream' } }),
      await fetch(url, { method: 'DELETE', headers: bad }),
    ]) {
      expect(response.status).toBe(400)
      expect(await response.json()).toMatchObject({ error: { code: ErrorCode.InvalidRequest, message: expect.stringContaining('1999-01-01') } })
    }
    expect(await servedUnder(await post(url, callTool(2, 'whoami'), headers))).toBe('2025-11-25')
  })

  it('serves a session under its negotiated revision when the header is absent', async () => {
    const { url } = await serve()
    const { headers } = await openSession(url, { protocolVersion: '2025-06-18' })
    const { 'mcp-protocol-version': _, ...withoutVersion } = headers
    expect(await servedUnder(await post(url, callTool(1, 'whoami'), withoutVersion))).toBe('2025-06-18')
  })

  it('ignores the header on initialize: negotiation decides', async () => {
    const { url } = await serve()
    const [answer] = await responses(await post(url, initializeRequest('2025-03-26'), { 'mcp-protocol-version': '2025-11-25' }))
    expect(answer).toMatchObject({ result: { protocolVersion: '2025-03-26' } })
  })

  it('serves a stateless request under the header\'s revision, or 2025-03-26 without one', async () => {
    const { url } = await serve({ stateless: true })
    expect(await servedUnder(await post(url, callTool(1, 'whoami'), { 'mcp-protocol-version': '2025-06-18' }))).toBe('2025-06-18')
    expect(await servedUnder(await post(url, callTool(1, 'whoami')))).toBe('2025-03-26')
    expect((await post(url, callTool(1, 'whoami'), { 'mcp-protocol-version': '2026-99-99' })).status).toBe(400)
  })

  it('accepts a stateless batch only under 2025-03-26', async () => {
    const { url } = await serve({ stateless: true, enableJsonResponse: true })
    const batch = [callTool(1, 'echo', { text: 'a' }), callTool(2, 'echo', { text: 'b' })]
    expect(((await (await post(url, batch)).json()) as unknown[]).length).toBe(2)
    expect((await post(url, batch, { 'mcp-protocol-version': '2025-11-25' })).status).toBe(400)
  })
})
