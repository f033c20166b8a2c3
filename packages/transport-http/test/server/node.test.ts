import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createMcpHandler, toNodeHandler } from '../../src/index.js'
import { ACCEPT_BOTH, callTool, closeAndCheck, initializeRequest, openSession, post, recordHandles, responses, serve, testServer, toolText } from './harness.js'

beforeEach(recordHandles)
afterEach(closeAndCheck)

describe('toNodeHandler', () => {
  it('takes a body a framework already parsed (as express.json() leaves it on req.body)', async () => {
    const server = testServer()
    const handler = createMcpHandler(server, { enableJsonResponse: true })
    const nodeHandler = toNodeHandler(handler)
    const http = createServer((req, res) => {
      let text = ''
      req.setEncoding('utf8')
      req.on('data', (chunk) => (text += chunk))
      req.on('end', () => {
        ;(req as { body?: unknown }).body = JSON.parse(text)
        nodeHandler(req, res)
      })
    })
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/`
    try {
      const { headers } = await openSession(url)
      expect(toolText(await (await post(url, callTool(1, 'echo', { text: 'pre-parsed' }), headers)).json())).toBe('pre-parsed')
    } finally {
      await handler.close()
      http.closeAllConnections()
      await new Promise((resolve) => http.close(resolve))
    }
  })

  it('answers 413 to a chunked body that grows past the limit, without reading it all', async () => {
    const { url } = await serve({ maxBodyBytes: 1000 })
    const chunk = new TextEncoder().encode(' '.repeat(600))
    let sent = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 100) controller.enqueue(chunk)
        else controller.close()
      },
    })
    const response = await fetch(url, { method: 'POST', headers: { accept: ACCEPT_BOTH, 'content-type': 'application/json' }, body, duplex: 'half' } as RequestInit)
    expect(response.status).toBe(413)
    expect(await response.json()).toMatchObject({ error: { message: expect.stringContaining('1000') } })
  })

  it('writes a hook\'s Response with every header, cookies included', async () => {
    const { url } = await serve({
      onRequest: () => {
        const headers = new Headers({ 'content-type': 'text/plain', 'x-limit': '0' })
        headers.append('set-cookie', 'a=1')
        headers.append('set-cookie', 'b=2')
        return new Response('no', { status: 429, headers })
      },
    })
    const response = await post(url, initializeRequest())
    expect(response.status).toBe(429)
    expect(response.headers.get('x-limit')).toBe('0')
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2'])
    expect(await response.text()).toBe('no')
  })

  it('passes the HTTP request (headers, URL) on in MessageInfo, as middleware sees it', async () => {
    const server = testServer()
    const seen: Array<{ headers: Record<string, unknown>; url?: string }> = []
    server.use(async (call, next) => {
      if (call.ctx?.messageInfo?.request) seen.push(call.ctx.messageInfo.request)
      return next()
    })
    const { url } = await serve({}, server)
    const { headers } = await openSession(url)
    await responses(await post(url, callTool(1, 'echo', { text: 'x' }), { ...headers, 'x-trace': 'abc' }))
    expect(seen.at(-1)).toMatchObject({ headers: { 'x-trace': 'abc', 'mcp-session-id': headers['mcp-session-id'] }, url })
  })
})
