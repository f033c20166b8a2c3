// The ceiling: hand-written JSON-RPC with no SDK and no validation beyond "is `arguments` an object"
// (`wide` counts its keys). stdio is newline-delimited JSON; HTTP is node:http answering one JSON
// body (or one SSE event in `sse` mode), with the least session bookkeeping S6/S11 need: an id per
// `initialize` kept in a Map (with the client's capabilities, as a real session would), dropped on DELETE.
import { randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import { announce, bigText, parseArgs, serveIpc, wideText } from './common.mjs'

const TOOLS = [
  { name: 'echo', inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] } },
  { name: 'big', inputSchema: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] } },
  { name: 'wide', inputSchema: { type: 'object' } },
]

/** Answers one message: a response object, or undefined for a notification. */
function answer(message) {
  if (message.id === undefined) return undefined
  const { id, method, params } = message
  switch (method) {
    case 'initialize':
      return { jsonrpc: '2.0', id, result: { protocolVersion: params?.protocolVersion ?? '2025-11-25', capabilities: { tools: {} }, serverInfo: { name: 'bench-raw', version: '1.0.0' } } }
    case 'ping':
      return { jsonrpc: '2.0', id, result: {} }
    case 'tools/list':
      return { jsonrpc: '2.0', id, result: { tools: TOOLS } }
    case 'tools/call': {
      const args = params?.arguments
      if (typeof args !== 'object' || args === null) return { jsonrpc: '2.0', id, error: { code: -32602, message: 'arguments must be an object' } }
      const text = params.name === 'echo' ? String(args.text) : params.name === 'big' ? bigText(args.n) : params.name === 'wide' ? wideText(args) : undefined
      if (text === undefined) return { jsonrpc: '2.0', id, error: { code: -32602, message: `Unknown tool ${params.name}` } }
      return { jsonrpc: '2.0', id, result: { content: [{ type: 'text', text }] } }
    }
    default:
      return { jsonrpc: '2.0', id, error: { code: -32601, message: `Method not found: ${method}` } }
  }
}

const { transport, mode } = parseArgs()
if (transport === 'stdio') {
  // Keep the chunks and scan only new bytes for '\n', so a 5 MB line is read in linear time.
  let chunks = []
  process.stdin.on('data', (chunk) => {
    let start = 0
    let nl = chunk.indexOf(10)
    while (nl !== -1) {
      chunks.push(chunk.subarray(start, nl))
      const line = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)
      chunks = []
      if (line.length > 0) {
        const response = answer(JSON.parse(line.toString('utf8')))
        if (response) process.stdout.write(JSON.stringify(response) + '\n')
      }
      start = nl + 1
      nl = chunk.indexOf(10, start)
    }
    if (start < chunk.length) chunks.push(chunk.subarray(start))
  })
  process.stdin.once('end', () => process.exit(0))
  serveIpc()
} else {
  const sessions = new Map()
  const listener = createServer((req, res) => {
    if (req.method === 'DELETE') {
      sessions.delete(req.headers['mcp-session-id'])
      return void res.writeHead(200).end()
    }
    if (req.method !== 'POST') return void res.writeHead(405).end()
    const chunks = []
    req.on('data', (chunk) => chunks.push(chunk))
    req.on('end', () => {
      const message = JSON.parse(Buffer.concat(chunks).toString('utf8'))
      const headers = {}
      if (message.method === 'initialize' && mode !== 'stateless') {
        const id = randomUUID()
        sessions.set(id, { capabilities: message.params?.capabilities, clientInfo: message.params?.clientInfo, protocolVersion: message.params?.protocolVersion })
        headers['mcp-session-id'] = id
      } else if (mode !== 'stateless' && !sessions.has(req.headers['mcp-session-id'])) {
        return void res.writeHead(404).end()
      }
      const response = answer(message)
      if (!response) return void res.writeHead(202, headers).end()
      const body = JSON.stringify(response)
      if (mode === 'sse') {
        res.writeHead(200, { ...headers, 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
        res.end(`event: message\ndata: ${body}\n\n`)
      } else {
        res.writeHead(200, { ...headers, 'content-type': 'application/json' })
        res.end(body)
      }
    })
  }).listen(0, '127.0.0.1', () => announce(listener))
  serveIpc(async () => {
    listener.closeAllConnections()
    listener.close()
  })
}
