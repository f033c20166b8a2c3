#!/usr/bin/env node
import { runDemo } from './run-demo.js'

// `… | head` closes our stdout early: stop quietly (the server sees stdin EOF and exits too).
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error
  process.exit(0)
})

// Commands are added here as the client grows (the conformance referee's client target is next).
const USAGE = `Usage: plugboard-everything-client [command]

Commands:
  demo   spawn the everything-server over stdio and walk through every MCP feature (default)
  help   show this help
`

const [command = 'demo', ...rest] = process.argv.slice(2)
switch (command) {
  case 'demo':
    if (rest.length > 0) {
      process.stderr.write(`plugboard-everything-client: demo takes no arguments\n\n${USAGE}`)
      process.exitCode = 2
      break
    }
    process.exitCode = await runDemo()
    break
  case 'help':
  case '--help':
  case '-h':
    process.stdout.write(USAGE)
    break
  default:
    process.stderr.write(`plugboard-everything-client: unknown command ${JSON.stringify(command)}\n\n${USAGE}`)
    process.exitCode = 2
}
