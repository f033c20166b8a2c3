// Every method of the method table, with arbitrary params, against a real McpServer over the real
// stdio transport: every request is answered (a result, or the right JSON-RPC error), nothing
// crashes or rejects unhandled, and no input pollutes Object.prototype.
import { methods } from '@plugboard/protocol'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fuzzServer } from './fixtures/fuzz-server.js'
import { guardEachTest, objectText, paramsText } from './fixtures/fuzz-params.js'

guardEachTest()

const requestMethods = Object.entries(methods).filter(([, entry]) => entry.kind === 'request').map(([name]) => name)
const notificationMethods = Object.entries(methods).filter(([, entry]) => entry.kind === 'notification').map(([name]) => name)
/** The codes a request may be refused with; -32002 is MCP's unknown resource (up to 2025-11-25). */
const CODES = [-32600, -32601, -32602, -32603, -32002]

let fuzz: Awaited<ReturnType<typeof fuzzServer>>
let nextId = 0

beforeAll(async () => {
  fuzz = await fuzzServer()
  fuzz.write(JSON.stringify({ jsonrpc: '2.0', id: 'init', method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: { sampling: {}, elicitation: {}, roots: {} }, clientInfo: { name: 'fuzz', version: '0' } } }) + '\n')
  expect(await fuzz.answerTo('"init"')).toMatchObject({ result: { protocolVersion: '2025-11-25' } })
  fuzz.write('{"jsonrpc":"2.0","method":"notifications/initialized"}\n')
})
afterAll(async () => {
  await fuzz.close()
})

/** Sends one request as text and returns its answer. */
async function call(method: string, params: string | undefined): Promise<{ result?: unknown; error?: { code: number } }> {
  const id = `r${nextId++}`
  fuzz.write(`{"jsonrpc":"2.0","id":${JSON.stringify(id)},"method":${JSON.stringify(method)}${params === undefined ? '' : `,"params":${params}`}}\n`)
  return fuzz.answerTo(JSON.stringify(id))
}

describe('dispatch of every method in the table, with arbitrary params', () => {
  it.each(requestMethods)('%s: answers every request with a result or a correct error', async (method) => {
    const entry = methods[method as keyof typeof methods]
    // Whether the server serves this method at all is a property of the method, never of its params.
    const notFound = (await call(method, '{}')).error?.code === -32601
    await fc.assert(
      fc.asyncProperty(paramsText, async (params) => {
        const answer = await call(method, params)
        if (params !== undefined && !/^\{/.test(params)) {
          // Params that are not an object: the envelope is refused before any method is looked up.
          expect(answer.error?.code).toBe(-32600)
          return
        }
        if (method === 'initialize') {
          // The session is initialized already: a second initialize is refused, valid or not.
          expect([-32600, -32602]).toContain(answer.error?.code)
          return
        }
        if (notFound) {
          expect(answer.error?.code).toBe(-32601)
          return
        }
        const valid = entry.params.safeParse(params === undefined ? {} : JSON.parse(params)).success
        if (!valid) expect(answer.error?.code).toBe(-32602)
        else if (answer.error) expect(CODES).toContain(answer.error.code)
        else expect(answer.result).toBeTypeOf('object')
      }),
      { numRuns: 40, seed: 12 },
    )
  })

  it('takes every notification of the table with arbitrary params and answers only the malformed ones (-32600, id null)', async () => {
    fuzz.reset()
    let malformed = 0
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...notificationMethods), paramsText, async (method, params) => {
        if (params !== undefined && !/^\{/.test(params)) malformed++
        fuzz.write(`{"jsonrpc":"2.0","method":${JSON.stringify(method)}${params === undefined ? '' : `,"params":${params}`}}\n`)
      }),
      { numRuns: 300, seed: 12 },
    )
    expect(await call('ping', undefined)).toMatchObject({ result: {} })
    const answered = fuzz.lines().filter((l) => !l.method)
    // The ping's answer, and one -32600 per notification whose params were not an object.
    expect(answered).toHaveLength(malformed + 1)
    for (const line of answered.slice(0, -1)) expect(line).toMatchObject({ id: null, error: { code: -32600 } })
  })

  it('calls registered tools, prompts and resources with arbitrary arguments: a result or -32602/-32002', async () => {
    const target = fc.oneof(
      fc.tuple(fc.constant('tools/call'), fc.constantFrom('echo', 'bare'), objectText).map(([m, name, args]) => [m, `{"name":"${name}","arguments":${args}}`] as const),
      fc.tuple(fc.constant('prompts/get'), objectText).map(([m, args]) => [m, `{"name":"greet","arguments":${args}}`] as const),
      fc.tuple(fc.constant('resources/read'), fc.oneof(fc.string(), fc.constantFrom('mem://doc', 'mem://item/'))).map(([m, uri]) => [m, `{"uri":${JSON.stringify(uri.startsWith('mem://item/') ? uri + 'x' : uri)}}`] as const),
      fc.tuple(fc.constant('completion/complete'), fc.string()).map(([m, value]) => [m, `{"ref":{"type":"ref/prompt","name":"greet"},"argument":{"name":"who","value":${JSON.stringify(value)}}}`] as const),
    )
    await fc.assert(
      fc.asyncProperty(target, async ([method, params]) => {
        const answer = await call(method, params)
        if (answer.error) expect([-32602, -32002]).toContain(answer.error.code)
        else expect(answer.result).toBeTypeOf('object')
      }),
      { numRuns: 300, seed: 12 },
    )
  })

  it('answers params nested 100,000 deep, on every method, without a stack overflow', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000)
    for (const method of requestMethods) {
      for (const params of [`{"arguments":${deep}}`, `{"name":"echo","arguments":{"text":${deep}}}`, `{"_meta":${deep},"uri":"mem://doc"}`]) {
        const answer = await call(method, params)
        if (answer.error) expect(CODES).toContain(answer.error.code)
      }
    }
  })

  it('answers methods outside the table with -32601, whatever their params', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 20 }).filter((m) => !(m in methods) && m !== 'ping'), objectText, async (method, params) => {
        expect((await call(method, params)).error?.code).toBe(-32601)
      }),
      { numRuns: 100, seed: 12 },
    )
  })
})
