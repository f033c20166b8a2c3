// typed.ts — run with `node typed.ts` beside calculator.ts: a client that knows the calculator's tools at compile time.
import { Client } from '@plugboard/client'
import { StdioClientTransport } from '@plugboard/transport-stdio'
import { join } from 'node:path'
import type { CalculatorServer } from './calculator.js'

const client = new Client<CalculatorServer>({ name: 'my-host', version: '1.0.0' })
const calculator = join(import.meta.dirname, import.meta.filename.endsWith('.ts') ? 'calculator.ts' : 'calculator.js')
await client.connect(new StdioClientTransport({ command: process.execPath, args: [...process.execArgv, calculator] }))

const { structuredContent } = await client.callTool({ name: 'add', arguments: { a: 2, b: 40 } })
console.log(structuredContent?.sum) // 42, typed number

const divided = await client.callTool({ name: 'divide', arguments: { a: 1, b: 0 } })
console.log(divided.isError ? 'error' : divided.structuredContent?.quotient) // error

// Compile errors: client.callTool({ name: 'sub' }), arguments: { a: '2', b: 40 }, structuredContent?.total
await client.close()
