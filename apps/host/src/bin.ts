#!/usr/bin/env node
import { main } from './cli.js'

// Output goes through `main`'s io; the exit code says how the run ended (see `main`).
const code = await main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env })
process.exitCode = code
// Readline and undici may keep handles a little longer than needed; nothing of ours is left to finish.
setTimeout(() => process.exit(code), 100).unref()
