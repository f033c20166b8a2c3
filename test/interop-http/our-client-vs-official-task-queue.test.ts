// Our Client against the official SDK's interactive task example (@modelcontextprotocol/sdk's
// examples/server/simpleTaskInteractive, 2025-11-25 tasks over Streamable HTTP, run as a child
// process): its tools run only as tasks, and what they ask of the client — an elicitation, a
// sampling request — waits in the server's task message queue until the client calls `tasks/result`,
// which is what the spec tells a requestor to do once a task is `input_required`. A client that only
// polls `tasks/get` never sees the question and the task never ends.
// https://modelcontextprotocol.io/specification/2025-11-25/basic/utilities/tasks
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { Client } from '@plugboard/client'
import type { CreateMessageRequestParams, ElicitRequestParams } from '@plugboard/protocol'
import { StreamableHTTPClientTransport } from '@plugboard/transport-http'
import { afterEach, describe, expect, it } from 'vitest'
import { expectGone, freePort } from '../interop/children.js'

// The package's root: its `exports` map some subpaths into dist/cjs, so go by a module's path.
const someModule = createRequire(import.meta.url).resolve('@modelcontextprotocol/sdk/server/index.js')
const SDK = someModule.slice(0, someModule.lastIndexOf('/dist/'))
const EXAMPLE = join(SDK, 'dist/esm/examples/server/simpleTaskInteractive.js')
const SDK_VERSION = (JSON.parse(readFileSync(join(SDK, 'package.json'), 'utf8')) as { version: string }).version

let child: ChildProcess | undefined
let client: Client | undefined

afterEach(async () => {
  await client?.close()
  client = undefined
  const pid = child?.pid
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child!.once('exit', () => resolve()))
    process.kill(-child.pid!, 'SIGTERM')
    await exited
  }
  child = undefined
  await expectGone(pid)
})

/** Starts the example on a free port and connects our client, which answers with `elicit` and `sample`. */
async function connect(handlers: { elicit: (params: ElicitRequestParams) => unknown; sample: (params: CreateMessageRequestParams) => unknown }) {
  const port = await freePort()
  child = spawn(process.execPath, [EXAMPLE], { env: { PATH: process.env.PATH ?? '', PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  let out = ''
  await new Promise<void>((resolve, reject) => {
    child!.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (out.includes(`http://localhost:${port}/mcp`)) resolve()
    })
    let err = ""
    child!.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString()))
    child!.once('exit', (code) => reject(new Error(`the example exited (${code}) before listening:\n${out}\n${err}`)))
  })
  const asked: string[] = []
  client = new Client(
    { name: 'plugboard-task-queue-interop', version: '1.0.0' },
    {
      capabilities: { elicitation: { form: {} }, sampling: {} },
      elicitation: { form: async (params) => (asked.push('elicitation'), handlers.elicit(params) as never) },
      sampling: async (params) => (asked.push('sampling'), handlers.sample(params) as never),
    },
  )
  await client.connect(new StreamableHTTPClientTransport(`http://127.0.0.1:${port}/mcp`))
  return { client, asked }
}

describe(`our client against the official SDK ${SDK_VERSION}'s interactive task server (task message queue)`, () => {
  it('calls its task-only tools as tasks, and gets the elicitation and the sampling request the tasks queue, through tasks/result', async () => {
    const { client, asked } = await connect({
      elicit: (params) => {
        expect(params.message).toBe("Are you sure you want to delete 'notes.txt'?")
        return { action: 'accept', content: { confirm: true } }
      },
      sample: (params) => {
        expect(JSON.stringify(params.messages)).toContain('pipes')
        return { role: 'assistant', content: { type: 'text', text: 'Bytes flow down the pipe' }, model: 'scripted' }
      },
    })
    expect(client.getNegotiatedProtocolVersion()).toBe('2025-11-25')
    const { tools } = await client.listTools()
    expect(tools.map((t) => [t.name, t.execution?.taskSupport])).toEqual([
      ['confirm_delete', 'required'],
      ['write_haiku', 'required'],
    ])
    // A `required` tool called plainly runs as a task (the spec's MUST); its question reaches our handler.
    const deleted = await client.callTool({ name: 'confirm_delete', arguments: { filename: 'notes.txt' } })
    expect(deleted.content).toEqual([{ type: 'text', text: "Deleted 'notes.txt'" }])
    const haiku = await client.callTool({ name: 'write_haiku', arguments: { topic: 'pipes' } }, { task: true })
    expect(haiku.taskId).toMatch(/^[0-9a-f]{32}$/)
    expect((await haiku.result()).content).toEqual([{ type: 'text', text: 'Haiku:\nBytes flow down the pipe' }])
    expect(haiku.status).toBe('completed')
    expect(asked).toEqual(['elicitation', 'sampling'])
  })

  it('passes on what the user answered: a declined deletion is the tool’s own answer', async () => {
    const { client } = await connect({ elicit: () => ({ action: 'decline' }), sample: () => ({ role: 'assistant', content: { type: 'text', text: 'x' }, model: 'm' }) })
    const declined = await client.callTool({ name: 'confirm_delete', arguments: { filename: 'notes.txt' } })
    expect(declined.content).toEqual([{ type: 'text', text: expect.stringMatching(/not|cancel/i) }])
  })
})
