import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { request } from 'node:http'
import { fileURLToPath } from 'node:url'
import { Client } from '@plugboard/client'
import { StreamableHTTPClientTransport, type FetchLike } from '@plugboard/transport-http'
import { expect } from 'vitest'

export const root = fileURLToPath(new URL('../../', import.meta.url))
export const exampleDir = `${root}apps/examples/http-quickstart`

/** Both eras a client may speak: `initialize` and a session, or 2026-07-28 requests that each stand alone. */
export const ERAS = ['legacy', 'modern'] as const
export type EraMode = (typeof ERAS)[number]

/** Our Client over Streamable HTTP, pinned to one era; `fetch` carries the requests when given. */
export async function connect(url: string, mode: EraMode, fetch?: FetchLike): Promise<Client> {
  const client = new Client({ name: 'runtimes-test', version: '1.0.0' }, { versionNegotiation: { mode } })
  await client.connect(new StreamableHTTPClientTransport(new URL(url), fetch ? { fetch } : {}))
  return client
}

/** The text of a tool result's first content block. */
export const textOf = (result: { content?: unknown }): string => ((result.content as Array<{ text?: string }> | undefined)?.[0]?.text ?? '')

/**
 * A POST with headers `fetch` will not send as given (`Host`), on its own connection; resolves
 * with the status and the body.
 */
export function rawPost(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers, agent: false }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (text += chunk))
      res.on('end', () => resolve({ status: res.statusCode!, body: text }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** The headers of a JSON-RPC POST. */
export const POST_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }

/** A legacy initialize request body. */
export const INITIALIZE = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } })

const KINDS = ['TCPSocketWrap', 'TCPServerWrap', 'ProcessWrap']
/** Open sockets, servers and child processes of this test process. */
export function resourceCounts(): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(KINDS.map((k) => [k, 0]))
  for (const kind of process.getActiveResourcesInfo()) if (kind in out) out[kind]!++
  return out
}

/** Passes once the sockets, servers and child processes are back to `baseline` (a closed socket goes a tick later). */
export async function expectNoLeaks(baseline: Record<string, number>): Promise<void> {
  const deadline = Date.now() + 5000
  while (Date.now() < deadline && JSON.stringify(resourceCounts()) !== JSON.stringify(baseline)) await new Promise((resolve) => setTimeout(resolve, 20))
  expect(resourceCounts(), 'sockets, servers or child processes left open').toEqual(baseline)
}

/** A built example running as its own process on a free port. */
export interface RunningExample {
  /** The MCP endpoint it printed. */
  url: string
  child: ChildProcess
  /** Sends SIGINT (the examples close their handler on it) and waits for the exit; resolves with its code. */
  stop(): Promise<number | null>
}

/** Runs `node dist/<file>` of the http-quickstart example with PORT=0 and waits for the endpoint it prints. */
export function runExample(file: string): Promise<RunningExample> {
  return startListening({ command: process.execPath, args: [`dist/${file}`], cwd: exampleDir, env: { ...process.env, PORT: '0' } })
}

/**
 * Spawns a program that prints `MCP endpoint: <url>` once it listens, and waits for that line; rejects
 * (with its stderr) if it exits first, or after `timeoutMs`, and then leaves no process behind.
 */
export async function startListening(options: { command: string; args: string[]; cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<RunningExample> {
  const child = spawn(options.command, options.args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit')
      child.kill('SIGINT')
      await exited
    }
    return child.exitCode
  }
  const label = options.args.join(' ')
  let timer: NodeJS.Timeout | undefined
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let stdout = ''
      child.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString()
        const match = /MCP endpoint: (http:\/\/\S+)/.exec(stdout)
        if (match) resolve(match[1]!)
      })
      child.once('exit', (code) => reject(new Error(`${label} exited with ${code} before listening: ${stderr}`)))
      timer = setTimeout(() => reject(new Error(`${label} printed no endpoint in ${options.timeoutMs ?? 15_000} ms: ${stderr}`)), options.timeoutMs ?? 15_000)
    })
    return { url, child, stop }
  } catch (error) {
    await stop()
    throw error
  } finally {
    clearTimeout(timer)
  }
}
