// Our Client and StreamableHTTPClientTransport against the reference "everything" server
// (@modelcontextprotocol/server-everything, on the official SDK's Streamable HTTP transport with
// an event store) running as a child process in its `streamableHttp` mode: every tool it lists,
// its resources, templates, prompts and completions, with our client answering its sampling,
// elicitation (form and URL) and roots requests — some on a tool call's own SSE stream, some on
// the standalone GET stream. What we send is checked against the official JSON Schema. Each test
// ends with the server's process group gone and no socket or timer left in this process.
import { spawn, type ChildProcess } from 'node:child_process'
import { StreamableHTTPClientTransport } from '@plugboard/transport-http'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { expectNoLeaks, resourceBaseline } from '../../packages/transport-http/test/client/helpers.js'
import { expectGone, freePort } from '../interop/children.js'
import {
  connectEverythingClient,
  expectDynamicTemplates,
  expectListedResources,
  expectTextPrompts,
  listedToolNames,
  ROOTS_SYNCED,
  SERVER_EVERYTHING_BIN,
  SERVER_EVERYTHING_VERSION,
  textOf,
  toolCases,
  type Connection,
} from '../interop/server-everything-cases.js'

interface HttpConnection extends Connection<StreamableHTTPClientTransport> {
  /** Where the server listens (on 127.0.0.1, path /mcp). */
  port: number
}

/** Starts the server in its own process group and resolves once it says it listens. */
async function startEverything(port: number): Promise<ChildProcess> {
  // Its CLI takes the transport as first argument (`streamableHttp`) and the port from $PORT
  // (default 3001); it serves /mcp.
  const child = spawn(process.execPath, [SERVER_EVERYTHING_BIN, 'streamableHttp'], {
    env: { PATH: process.env.PATH ?? '', PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  })
  let stderr = ''
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      stderr += chunk.toString()
      if (stderr.includes(`listening on port ${port}`)) {
        child.stderr!.off('data', onData)
        child.stderr!.resume()
        resolve()
      }
    }
    child.stderr!.on('data', onData)
    child.once('exit', (code) => reject(new Error(`server-everything exited (${code}) before listening:\n${stderr}`)))
    child.once('error', reject)
  })
  return child
}

/** SIGTERM to the whole process group, then wait for the leader's exit. */
async function stopEverything(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  process.kill(-child.pid!, 'SIGTERM')
  await exited
}

let baseline: Record<string, number>
let child: ChildProcess | undefined
let conn: HttpConnection

beforeEach(async () => {
  baseline = resourceBaseline()
  const port = await freePort()
  child = await startEverything(port)
  const transport = new StreamableHTTPClientTransport(`http://127.0.0.1:${port}/mcp`)
  conn = Object.assign(await connectEverythingClient(transport, 'plugboard-http-interop'), { port })
  // It asks roots/list 350 ms after notifications/initialized, on the standalone GET stream, and
  // logs what it got there too: this proves that stream works both ways before any test runs.
  await vi.waitFor(() => expect(conn.logs).toContainEqual(ROOTS_SYNCED), { timeout: 5000 })
})

afterEach(async () => {
  await conn?.client.close()
  const pid = child?.pid
  if (child) await stopEverything(child)
  child = undefined
  await expectGone(pid)
  expect(conn.checked.violations).toEqual([])
  await expectNoLeaks(baseline)
})

describe(`our client against @modelcontextprotocol/server-everything ${SERVER_EVERYTHING_VERSION} over Streamable HTTP`, () => {
  it('connects with a session, and the server lists our roots over the GET stream', () => {
    expect(conn.client.getNegotiatedProtocolVersion()).toBe('2025-11-25')
    expect(conn.transport.sessionId).toMatch(/^[0-9a-f-]{36}$/)
    expect(conn.client.getServerVersion()).toMatchObject({ name: 'mcp-servers/everything', title: 'Everything Reference Server' })
    expect(conn.client.getServerCapabilities()).toMatchObject({ tools: { listChanged: true }, resources: { subscribe: true }, prompts: {}, logging: {} })
  })

  it('lists every tool, including those registered for our sampling, elicitation and roots capabilities', async () => {
    expect((await listedToolNames(conn.client)).sort()).toEqual(Object.keys(TOOL_CASES).sort())
  })

  // Only get-env differs from stdio; the other cases are the shared ones (toggle-simulated-logging's
  // messages and the server's own requests come on the standalone GET stream here).
  const TOOL_CASES = toolCases<HttpConnection>({
    'get-env': async ({ client, port }) => {
      const env = JSON.parse(textOf(await client.callTool({ name: 'get-env' }))) as Record<string, string>
      expect(env.PORT).toBe(String(port))
    },
  })

  it.each(Object.keys(TOOL_CASES))('calls the %s tool and gets the result its source documents', async (name) => {
    await TOOL_CASES[name]!(conn)
  })

  it('reads every listed resource (the first two pages) and the dynamic templates', async () => {
    const uris = await expectListedResources(conn.client)
    for (const uri of uris) expect((await conn.client.readResource({ uri })).contents[0]).toMatchObject({ uri, text: expect.any(String) })
    await expectDynamicTemplates(conn.client)
  })

  it('gets every prompt with arguments it accepts, and completes their arguments', async () => {
    await expectTextPrompts(conn.client)
    const resource = await conn.client.getPrompt({ name: 'resource-prompt', arguments: { resourceType: 'Text', resourceId: '2' } })
    expect(resource.messages[1]!.content).toMatchObject({ type: 'resource', resource: { uri: 'demo://resource/dynamic/text/2' } })
    const departments = await conn.client.complete({ ref: { type: 'ref/prompt', name: 'completable-prompt' }, argument: { name: 'department', value: 'S' } })
    expect(departments.completion.values).toEqual(['Sales', 'Support'])
  })

  it('ends the session with DELETE on close: the server then answers that session id with an error', async () => {
    const sessionId = conn.transport.sessionId!
    await conn.client.close()
    const after = await fetch(`http://127.0.0.1:${conn.port}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': sessionId },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    })
    await after.body?.cancel()
    // server-everything answers an unknown session with 400 (the spec prefers 404).
    expect(after.status).toBe(400)
  })
})
