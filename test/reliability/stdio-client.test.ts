// StdioClientTransport and Client against servers that crash, hang or flood stderr, and a host
// killed mid-call. Real processes on the built packages; every pid is checked gone after each test.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { Client, ErrorCode, McpError } from '@plugboard/client'
import { StdioClientTransport, DEFAULT_MAX_STDERR_BUFFER } from '@plugboard/transport-stdio'
import { afterEach, describe, expect, it } from 'vitest'
import { expectGone, RELIABLE_SERVER } from './fixtures/raw-child.js'

const CALLING_CLIENT = fileURLToPath(new URL('./fixtures/calling-client.mjs', import.meta.url))
const GRACE_MS = 200

const pids: number[] = []
const clients: Client[] = []
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => {})))
  for (const pid of pids.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {}
    await expectGone(pid)
  }
})

async function connect(options: { env?: Record<string, string>; maxStderrBuffer?: number } = {}) {
  const transport = new StdioClientTransport({ command: process.execPath, args: [RELIABLE_SERVER], closeGraceMs: GRACE_MS, env: options.env, maxStderrBuffer: options.maxStderrBuffer })
  const client = new Client({ name: 'reliability', version: '0.0.0' }, { versionNegotiation: { mode: { pin: '2025-11-25' } } })
  clients.push(client)
  await client.connect(transport)
  pids.push(transport.pid!)
  return { client, transport, pid: transport.pid! }
}

describe('a stdio server that misbehaves', () => {
  it('crashes mid-call: the call rejects with ConnectionClosed naming exit code 3, and no process is left', async () => {
    const { client, pid } = await connect()
    const error = await client.callTool({ name: 'crash', arguments: {} }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpError)
    expect(error).toMatchObject({ code: ErrorCode.ConnectionClosed })
    expect((error as Error).message).toMatch(/code 3/)
    await expectGone(pid)
  })

  it('hangs: the call times out with RequestTimeout, and close() ends the server', async () => {
    const { client, pid } = await connect()
    await expect(client.callTool({ name: 'hang', arguments: {} }, { timeout: 300 })).rejects.toMatchObject({ code: ErrorCode.RequestTimeout })
    await client.close()
    await expectGone(pid)
  })

  it('floods stderr: what the client keeps of it stays within maxStderrBuffer and the 64 KiB tail, and calls go on', async () => {
    const { client, transport, pid } = await connect({ maxStderrBuffer: 256 * 1024 })
    // Nobody reads transport.stderr: the worst case for a buffer.
    expect(await client.callTool({ name: 'flood', arguments: { mib: 8 } })).toMatchObject({ content: [{ text: 'flooded 8' }] })
    const stderr = transport.stderr!
    expect(stderr.readableLength + (stderr as unknown as { writableLength: number }).writableLength).toBeLessThanOrEqual(256 * 1024)
    expect(Buffer.byteLength(transport.stderrTail)).toBeLessThanOrEqual(64 * 1024)
    expect(await client.callTool({ name: 'echo', arguments: { text: 'after' } })).toMatchObject({ content: [{ text: 'after' }] })
    await client.close()
    await expectGone(pid)
  })

  it('keeps the default stderr buffer at 1 MiB', () => {
    expect(DEFAULT_MAX_STDERR_BUFFER).toBe(1024 * 1024)
  })
})

describe('a host killed mid-call', () => {
  const killHost = async (tool: string, args: Record<string, unknown>, env: Record<string, string> = {}) => {
    const host = spawn(process.execPath, [CALLING_CLIENT, tool, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } })
    pids.push(host.pid!)
    const serverPid = await new Promise<number>((resolve, reject) => {
      host.stdout.on('data', (chunk: Buffer) => resolve((JSON.parse(String(chunk).split('\n')[0]!) as { serverPid: number }).serverPid))
      host.once('exit', () => reject(new Error('the host exited before the tool started')))
    })
    pids.push(serverPid)
    host.kill('SIGKILL')
    return serverPid
  }

  it('leaves no server behind: it finishes the call, finds nobody to answer, and exits', async () => {
    const serverPid = await killHost('slow', { ms: 200 })
    await expectGone(serverPid)
  })

  it('leaves no server behind even when the call never ends (drainGraceMs)', async () => {
    const serverPid = await killHost('hang', {}, { RELIABLE_DRAIN_GRACE_MS: '200' })
    await expectGone(serverPid)
  })
})
