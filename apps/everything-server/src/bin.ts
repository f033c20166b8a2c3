#!/usr/bin/env node
import { parseArgs } from 'node:util'
import { StdioServerTransport } from '@plugboard/transport-stdio'
import { createEverythingServer } from './server.js'

// Diagnostics go to stderr: on stdio, stdout carries protocol messages and nothing else.
const USAGE = `Usage: plugboard-everything-server [--transport stdio|http] [--port N] [--host H]

  --transport  stdio (default) or http
  --port       HTTP port (default 3000)
  --host       HTTP host to bind (default 127.0.0.1)
  --help       show this help
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
    const server = createEverythingServer()
    const transport = new StdioServerTransport()
    // No explicit exit: when the client closes stdin the transport detaches, in-flight handlers
    // are cancelled, and the process ends on an empty event loop (spec: stdio shutdown is EOF first).
    await server.connect(transport)
    process.stderr.write('plugboard-everything-server: serving MCP on stdio\n')
    break
  }
  case 'http':
    fail(`HTTP transport arrives with @plugboard/transport-http; it is not built yet (asked for ${flags.host}:${port}). Use --transport stdio.`, 2)
  default:
    fail(`unknown --transport ${JSON.stringify(flags.transport)}; expected stdio or http\n\n${USAGE}`, 2)
}
