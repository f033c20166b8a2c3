import { afterEach, expect, it } from 'vitest'
import { McpServer } from '../src/index.js'
import { closeAll, connectRaw, modernMeta } from './harness.js'

afterEach(closeAll)

// A 2026-07-28 tools/call has its scope decided asynchronously (its requestState, if any, is verified
// first): a cancellation can arrive in between. Its handler must then not run at all — a handler
// that only listens for 'abort' would never hear of a signal aborted before it started.
it('runs no handler for a 2026-07-28 request cancelled before its handler started, and answers nothing', async () => {
  const server = new McpServer({ name: 'cancel', version: '1.0.0' })
  let ran = 0
  server.registerTool('work', {}, () => {
    ran++
    return { content: [{ type: 'text', text: 'done' }] }
  })
  const raw = await connectRaw(server)
  let answered = false
  void raw.request('tools/call', { name: 'work', arguments: {}, _meta: modernMeta() }, { id: 7 }).then(() => (answered = true))
  await raw.notify('notifications/cancelled', { requestId: 7, reason: 'changed my mind' })
  // A later request is answered: the server went on, and the cancelled one had its turn first.
  const after = await raw.request('tools/list', { _meta: modernMeta() })
  expect(after).toHaveProperty('result')
  expect(ran).toBe(0)
  expect(answered).toBe(false)
})
