// The benchmark's adapters answer correctly: each server (Plugboard, official v2, official v1,
// raw), driven by its own SDK's client, over stdio and every HTTP mode it is benchmarked in.
// bench/smoke.mjs does the calls in child processes against the built packages; no timing here.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'

const SMOKE = fileURLToPath(new URL('../../bench/smoke.mjs', import.meta.url))
let results: Record<string, Record<string, string>> = {}

beforeAll(async () => {
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, [SMOKE], { timeout: 18_000 }, (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out))),
  )
  results = JSON.parse(stdout.trim().split('\n').pop()!)
})

describe('benchmark adapters', () => {
  it.each([
    ['plugboard', ['stdio', 'http-json', 'http-sse', 'http-stateless']],
    ['v2', ['stdio', 'http-json', 'http-sse', 'http-stateless']],
    ['v1', ['stdio', 'http-json', 'http-sse']],
    ['raw', ['stdio', 'http-json', 'http-sse', 'http-stateless']],
  ])('%s lists echo, big and wide and answers each of them correctly over %j', (adapter, transports) => {
    expect(results[adapter]).toEqual(Object.fromEntries(transports.map((transport) => [transport, 'ok'])))
  })
})
