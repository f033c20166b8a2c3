import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { Client } from '@plugboard/client'
import { StreamableHTTPClientTransport } from '@plugboard/transport-http'

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url))

const children: ChildProcess[] = []
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
})

/** Starts the built bin over HTTP on a free port; resolves once it has logged its URL. */
async function serve(...flags: string[]): Promise<{ child: ChildProcess; url: URL; stderr: () => string }> {
  const child = spawn(process.execPath, [BIN, '--transport', 'http', '--port', '0', ...flags], { stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => void (stderr += chunk.toString()))
  const url = await vi.waitFor(
    () => {
      const found = /serving MCP on (http:\/\/\S+)/.exec(stderr)
      if (!found) throw new Error(`no URL logged yet: ${stderr}`)
      return new URL(found[1]!)
    },
    { timeout: 10_000, interval: 20 },
  )
  return { child, url, stderr: () => stderr }
}

const exited = (child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve({ code: child.exitCode, signal: child.signalCode })
    : new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))

describe('the everything-server over Streamable HTTP', () => {
  it('serves MCP at the 127.0.0.1 /mcp URL it logs, and exits 0 on SIGTERM with its client gone', async () => {
    const { child, url, stderr } = await serve()
    expect(url.hostname).toBe('127.0.0.1')
    expect(url.pathname).toBe('/mcp')
    const client = new Client({ name: 'http-test', version: '1.0.0' })
    await client.connect(new StreamableHTTPClientTransport(url))
    const result = await client.callTool({ name: 'echo', arguments: { message: 'over http' } })
    expect(result.content).toEqual([{ type: 'text', text: 'Echo: over http' }])
    const { tools } = await client.listTools()
    expect(tools.some((tool) => tool.name.startsWith('test_'))).toBe(false)
    await client.close()
    child.kill('SIGTERM')
    expect(await exited(child)).toEqual({ code: 0, signal: null })
    expect(stderr()).toContain('closed')
  })

  it('closes cleanly on SIGINT while a client still holds a session open', async () => {
    const { child, url } = await serve()
    const client = new Client({ name: 'http-test', version: '1.0.0' })
    await client.connect(new StreamableHTTPClientTransport(url))
    child.kill('SIGINT')
    expect(await exited(child)).toEqual({ code: 0, signal: null })
    await client.close()
  })

  it('serves the conformance fixtures with --conformance', async () => {
    const { child, url } = await serve('--conformance')
    const client = new Client({ name: 'http-test', version: '1.0.0' })
    await client.connect(new StreamableHTTPClientTransport(url))
    const result = await client.callTool({ name: 'test_simple_text' })
    expect(result.content).toEqual([{ type: 'text', text: 'This is a simple text response for testing.' }])
    await client.close()
    child.kill('SIGTERM')
    expect((await exited(child)).code).toBe(0)
  })

  it('serves a 2026-07-28 request without a session: an input_required round, then the answer (--conformance)', async () => {
    const { child, url } = await serve('--conformance')
    const meta = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': { elicitation: {} } }
    const post = async (id: number, params: Record<string, unknown>) => {
      const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'test_input_required_result_elicitation' }
      const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { ...params, _meta: meta } }) })
      expect(response.headers.get('mcp-session-id')).toBeNull()
      const text = await response.text()
      // JSON, or SSE whose last data line is the response.
      return JSON.parse(response.headers.get('content-type')?.includes('text/event-stream') ? text.split('\n').filter((l) => l.startsWith('data:')).at(-1)!.slice(5) : text)
    }
    const first = await post(1, { name: 'test_input_required_result_elicitation', arguments: {} })
    expect(first.result).toMatchObject({ resultType: 'input_required', requestState: expect.any(String) })
    const [key] = Object.keys(first.result.inputRequests)
    const second = await post(2, { name: 'test_input_required_result_elicitation', arguments: {}, inputResponses: { [key!]: { action: 'accept', content: { name: 'Ada' } } }, requestState: first.result.requestState })
    expect(second.result).toMatchObject({ resultType: 'complete', content: [{ type: 'text', text: 'Hello, Ada!' }] })
    child.kill('SIGTERM')
    expect((await exited(child)).code).toBe(0)
  })

  it('exits with code 1 and says why when the port is taken', async () => {
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    const { port } = blocker.address() as { port: number }
    const child = spawn(process.execPath, [BIN, '--transport', 'http', '--port', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] })
    children.push(child)
    let stderr = ''
    child.stderr!.on('data', (chunk: Buffer) => void (stderr += chunk.toString()))
    expect((await exited(child)).code).toBe(1)
    expect(stderr).toContain(`cannot listen on 127.0.0.1:${port}`)
    await new Promise<void>((resolve) => blocker.close(() => resolve()))
  })
})
