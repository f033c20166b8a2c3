#!/usr/bin/env node
import { runConformanceScenario } from './run-conformance.js'
import { runDemo } from './run-demo.js'

// `… | head` closes our stdout early: stop quietly (the server sees stdin EOF and exits too).
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error
  process.exit(0)
})

const USAGE = `Usage: plugboard-everything-client [command]
       MCP_CONFORMANCE_SCENARIO=<scenario> plugboard-everything-client <server-url>

Commands:
  demo   spawn the everything-server over stdio and walk through every MCP feature (default)
  help   show this help

With a URL as the last argument and MCP_CONFORMANCE_SCENARIO set, it is the client target of the
official conformance referee (@modelcontextprotocol/conformance): it runs that scenario against
the URL over Streamable HTTP and exits 0 on success.
`

const args = process.argv.slice(2)
const last = args.at(-1)
const scenario = process.env.MCP_CONFORMANCE_SCENARIO

if (last !== undefined && /^https?:\/\//.test(last)) {
  if (!scenario) {
    process.stderr.write(`plugboard-everything-client: a server URL needs MCP_CONFORMANCE_SCENARIO set\n\n${USAGE}`)
    process.exitCode = 2
  } else {
    // No process.exit(): the process ends when the closed client leaves nothing behind, and a
    // leaked socket or timer shows up as the referee's 30 s timeout instead of passing unseen.
    process.exitCode = await runConformanceScenario(scenario, last)
  }
} else {
  const [command = 'demo', ...rest] = args
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
}
