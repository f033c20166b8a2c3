import { createServer, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ErrorCode, McpError, type JSONRPCMessage } from '@plugboard/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { StreamableHTTPClientTransport } from '../../packages/transport-http/src/index.js'

const MiB = 1024 * 1024
const servers: Server[] = []

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})

/** A hostile server on 127.0.0.1 that answers every POST with `answer`. */
async function hostile(answer: (res: ServerResponse) => void): Promise<string> {
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => answer(res))
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`
}

const initialize = { jsonrpc: '2.0' as const, id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'c', version: '1' } } }
const huge = (bytes: number) => JSON.stringify({ jsonrpc: '2.0', id: 1, result: { pad: 'x'.repeat(bytes) } })

describe.each([
  ['undici', undefined],
  ['fetch', globalThis.fetch],
])('the HTTP client bounds what it reads (%s)', (_name, fetch) => {
  it('fails a request whose JSON response is over maxResponseBytes with an McpError naming the option', async () => {
    for (const chunked of [false, true]) {
      const url = await hostile((res) => {
        const body = huge(2 * MiB)
        res.writeHead(200, chunked ? { 'content-type': 'application/json' } : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) })
        res.end(body)
      })
      const transport = new StreamableHTTPClientTransport(url, { fetch, maxResponseBytes: MiB })
      await transport.start()
      const error = await transport.send(initialize).then(() => undefined, (e: unknown) => e)
      expect(error, chunked ? 'chunked' : 'with Content-Length').toBeInstanceOf(McpError)
      expect((error as McpError).message).toMatch(/maxResponseBytes/)
      await transport.close()
    }
  })

  it('ends an SSE stream whose event is over maxResponseBytes, answering its request with an error', async () => {
    const url = await hostile((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write(`event: message\ndata: ${huge(2 * MiB)}\n\n`)
    })
    const transport = new StreamableHTTPClientTransport(url, { fetch, maxResponseBytes: MiB })
    const received: JSONRPCMessage[] = []
    transport.onmessage = (m) => void received.push(m as JSONRPCMessage)
    await transport.start()
    await transport.send(initialize)
    await expect.poll(() => received.length).toBe(1)
    expect(received[0]).toMatchObject({ id: 1, error: { code: ErrorCode.ConnectionClosed, message: expect.stringMatching(/maxResponseBytes/) } })
    await transport.close()
  })
})
