import { fileURLToPath } from 'node:url'
import { isJSONRPCResponse, type JSONRPCMessage, type JSONRPCPayload } from '@plugboard/protocol'
import { StdioClientTransport, type StdioClientTransportOptions } from '../src/index.js'

export const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))

/** Short but real grace for each shutdown step, so tests exercise every step quickly. */
export const GRACE_MS = 200

export { isRunning } from '../../../test/fixtures/processes.js'

const started: StdioClientTransport[] = []

/** Closes every transport a test started, so a failing test leaves no process behind either. */
export async function closeAll(): Promise<void> {
  await Promise.all(started.splice(0).map((t) => t.close()))
}

/** A started client transport on a fixture, with what it received, reported and how it ended. */
export async function spawnFixture(script: string | string[], options: Partial<StdioClientTransportOptions> = {}) {
  const args = Array.isArray(script) ? script.map(fixture) : [fixture(script)]
  const transport = new StdioClientTransport({ command: process.execPath, args, closeGraceMs: GRACE_MS, ...options })
  const messages: JSONRPCPayload[] = []
  const errors: Error[] = []
  let closes = 0
  const waiters = new Map<string | number, (m: JSONRPCMessage) => void>()
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => {
      closes++
      resolve()
    }
  })
  transport.onerror = (e) => errors.push(e)
  transport.onmessage = (payload) => {
    messages.push(payload)
    const m = payload as JSONRPCMessage
    if (!Array.isArray(payload) && isJSONRPCResponse(m) && m.id !== null) waiters.get(m.id)?.(m)
  }
  started.push(transport)
  await transport.start()
  let nextId = 1
  /** Sends a request to the fixture and resolves with its result. */
  const request = async (method: string, params?: Record<string, unknown>): Promise<any> => {
    const id = nextId++
    const reply = new Promise<JSONRPCMessage>((resolve) => waiters.set(id, resolve))
    await transport.send({ jsonrpc: '2.0', id, method, params })
    return ((await reply) as { result: unknown }).result
  }
  return { transport, messages, errors, closed, request, closes: () => closes, pid: transport.pid! }
}
