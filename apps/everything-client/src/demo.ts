#!/usr/bin/env node
// `bash scripts/demo.sh client` runs this file: our Client drives the everything-server over stdio.
import { runDemo } from './run-demo.js'

// `… | head` closes our stdout early: stop quietly (the server sees stdin EOF and exits too).
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error
  process.exit(0)
})

process.exitCode = await runDemo()
