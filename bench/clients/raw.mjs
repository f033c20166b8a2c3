// The ceiling's client: newline-delimited JSON-RPC over a child's pipes, and undici keep-alive
// POSTs (the same HTTP stack Plugboard's client uses on Node). It checks ids and errors, nothing else.
import { spawn } from 'node:child_process'
import { Agent, request } from 'undici'
import { LEGACY, MODERN } from './sdk.mjs'

const initialize = (id) => ({ jsonrpc: '2.0', id, method: 'initialize', params: { protocolVersion: LEGACY, capabilities: {}, clientInfo: { name: 'bench-raw', version: '1.0.0' } } })
const textOf = (message) => {
  if (message.error) throw new Error(message.error.message)
  return message.result.content?.[0]?.text
}

export async function connectStdio({ command, args }) {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] })
  const pending = new Map()
  let nextId = 1
  let chunks = []
  child.stdout.on('data', (chunk) => {
    let start = 0
    let nl = chunk.indexOf(10)
    while (nl !== -1) {
      chunks.push(chunk.subarray(start, nl))
      const line = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)
      chunks = []
      if (line.length > 0) {
        const message = JSON.parse(line.toString('utf8'))
        const resolve = pending.get(message.id)
        pending.delete(message.id)
        resolve?.(message)
      }
      start = nl + 1
      nl = chunk.indexOf(10, start)
    }
    if (start < chunk.length) chunks.push(chunk.subarray(start))
  })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const send = (message) => new Promise((resolve) => {
    pending.set(message.id, resolve)
    child.stdin.write(JSON.stringify(message) + '\n')
  })
  const rpc = (method, params) => send({ jsonrpc: '2.0', id: nextId++, method, params })
  const init = await send(initialize(nextId++))
  if (init.error) throw new Error(init.error.message)
  child.stdin.write(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) + '\n')
  return {
    call: async (name, args) => textOf(await rpc('tools/call', { name, arguments: args })),
    listTools: async () => (await rpc('tools/list', {})).result.tools,
    close: async () => {
      child.stdin.end()
      await exited
    },
  }
}

export async function connectHttp(url, { modern = false } = {}) {
  const dispatcher = new Agent()
  let sessionId
  let nextId = 1
  const headers = () => ({
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': modern ? MODERN : LEGACY,
    ...(sessionId ? { 'mcp-session-id': sessionId } : {}),
  })
  const post = async (message) => {
    const response = await request(url, { method: 'POST', headers: headers(), body: JSON.stringify(message), dispatcher })
    if (response.headers['mcp-session-id']) sessionId = response.headers['mcp-session-id']
    const text = await response.body.text()
    if (message.id === undefined) return undefined
    if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}: ${text}`)
    if (String(response.headers['content-type']).startsWith('text/event-stream')) {
      const data = text.split('\n').find((line) => line.startsWith('data: '))
      return JSON.parse(data.slice(6))
    }
    return JSON.parse(text)
  }
  const rpc = (method, params) => post({ jsonrpc: '2.0', id: nextId++, method, params })
  if (!modern) {
    const init = await post(initialize(nextId++))
    if (init.error) throw new Error(init.error.message)
    await post({ jsonrpc: '2.0', method: 'notifications/initialized' })
  }
  return {
    call: async (name, args) => textOf(await rpc('tools/call', { name, arguments: args })),
    listTools: async () => (await rpc('tools/list', {})).result.tools,
    close: async () => {
      if (sessionId) await request(url, { method: 'DELETE', headers: headers(), dispatcher }).then((r) => r.body.dump())
      await dispatcher.close()
    },
  }
}
