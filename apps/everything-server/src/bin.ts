#!/usr/bin/env node
import { parseArgs } from 'node:util'
import { StdioServerTransport } from '@plugboard/transport-stdio'
import { createEverythingServer } from './server.js'

// Diagnostics go to stderr: on stdio, stdout carries protocol messages and nothing else.
const USAGE = `Usage: plugboard-everything-server [--transport stdio|http] [--port N] [--host H] [--conformance]

  --transport    stdio (default) or http
  --port         HTTP port (default 3000; 0 picks a free one)
  --host         HTTP host to bind (default 127.0.0.1)
  --conformance  also serve the official conformance referee's test_* fixtures
  --help         show this help
`

function fail(message: string, code: number): never {
  process.stderr.write(`plugboard-everything-server: ${message}\n`)
  process.exit(code)
}

let flags
try {
  flags = parseArgs({
    options: {
      transport: { type: 'string', default: 'stdio' },
      port: { type: 'string', default: '3000' },
      host: { type: 'string', default: '127.0.0.1' },
      conformance: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  }).values
} catch (error) {
  fail(`${(error as Error).message}\n\n${USAGE}`, 2)
}

if (flags.help) {
  process.stderr.write(USAGE)
  process.exit(0)
}

const port = Number(flags.port)
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be an integer from 0 to 65535, got ${flags.port}`, 2)

switch (flags.transport) {
  case 'stdio': {
    const server = createEverythingServer({ conformance: flags.conformance })
    const transport = new StdioServerTransport()
    // No explicit exit: when the client closes stdin the transport detaches, in-flight handlers
    // are cancelled, and the process ends on an empty event loop (spec: stdio shutdown is EOF first).
    await server.connect(transport)
    process.stderr.write('plugboard-everything-server: serving MCP on stdio\n')
    break
  }
  case 'http': {
    // Loaded only here: stdio, the common case, starts without the HTTP stack.
    const { serveHttp } = await import('./http.js')
    let serving
    try {
      serving = await serveHttp({ host: flags.host, port, conformance: flags.conformance })
    } catch (error) {
      fail(`cannot listen on ${flags.host}:${port}: ${(error as Error).message}`, 1)
    }
    process.stderr.write(`plugboard-everything-server: serving MCP on ${serving.url.href}\n`)
    const stop = (signal: NodeJS.Signals) => {
      process.stderr.write(`plugboard-everything-server: ${signal}, closing\n`)
      // A second signal, or a close that hangs, ends the process at once.
      process.once(signal, () => process.exit(1))
      setTimeout(() => process.exit(1), 5000).unref()
      serving.close().then(
        () => process.stderr.write('plugboard-everything-server: closed\n'),
        (error: unknown) => {
          process.stderr.write(`plugboard-everything-server: close failed: ${(error as Error).message}\n`)
          process.exitCode = 1
        },
      )
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
    break
  }
  default:
    fail(`unknown --transport ${JSON.stringify(flags.transport)}; expected stdio or http\n\n${USAGE}`, 2)
}
