// fuzz-dispatch.test.ts for 2026-07-28: every request carries the revision, the client's
// capabilities and info in `_meta` (no initialize), with arbitrary params around them.
import { CLIENT_CAPABILITIES_META_KEY, CLIENT_INFO_META_KEY, methods, PROTOCOL_VERSION_META_KEY } from '@plugboard/protocol'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fuzzServer } from './fixtures/fuzz-server.js'
import { guardEachTest, paramsText } from './fixtures/fuzz-params.js'

guardEachTest()

const requestMethods = Object.entries(methods).filter(([, entry]) => entry.kind === 'request').map(([name]) => name)
/** The codes a request may be refused with: JSON-RPC's, and 2026-07-28's missing capability (-32021). */
const CODES = [-32600, -32601, -32602, -32603, -32021]
const META = JSON.stringify({ [PROTOCOL_VERSION_META_KEY]: '2026-07-28', [CLIENT_CAPABILITIES_META_KEY]: {}, [CLIENT_INFO_META_KEY]: { name: 'fuzz', version: '0' } })
/** Object params with a valid modern `_meta` last (a duplicate `_meta` key in the fuzzed text loses). */
const modern = (params: string | undefined) => (params === undefined ? `{"_meta":${META}}` : /^\{/.test(params) ? `${params.slice(0, -1)}${params === '{}' ? '' : ','}"_meta":${META}}` : params)

let fuzz: Awaited<ReturnType<typeof fuzzServer>>
let nextId = 0

beforeAll(async () => {
  fuzz = await fuzzServer()
  // Served as 2026-07-28 indeed: the result says its type.
  expect(await call('tools/list', '{}')).toMatchObject({ result: { resultType: 'complete', tools: [{ name: 'echo' }, { name: 'bare' }] } })
})
afterAll(async () => {
  await fuzz.close()
})

/** Sends one request as text and returns its answer. */
async function call(method: string, fuzzed: string | undefined): Promise<{ result?: unknown; error?: { code: number } }> {
  const params = modern(fuzzed)
  const id = `r${nextId++}`
  fuzz.write(`{"jsonrpc":"2.0","id":${JSON.stringify(id)},"method":${JSON.stringify(method)}${params === undefined ? '' : `,"params":${params}`}}\n`)
  return fuzz.answerTo(JSON.stringify(id))
}

describe('dispatch of every method in the table, 2026-07-28, with arbitrary params', () => {
  it.each(requestMethods)('%s: answers every request with a result or a correct error', async (method) => {
    const entry = methods[method as keyof typeof methods]
    // Whether the server serves this method at all is a property of the method, never of its params.
    const notFound = (await call(method, '{}')).error?.code === -32601
    await fc.assert(
      fc.asyncProperty(paramsText, async (fuzzed) => {
        const params = modern(fuzzed)
        const answer = await call(method, fuzzed)
        if (params !== undefined && !/^\{/.test(params)) {
          // Params that are not an object: the envelope is refused before any method is looked up.
          expect(answer.error?.code).toBe(-32600)
          return
        }
        if (method === 'initialize') {
          // 2026-07-28 has no initialize: it is refused, valid or not (-32022 names the revisions spoken).
          expect([-32600, -32601, -32602, -32022]).toContain(answer.error?.code)
          return
        }
        if (notFound) {
          expect(answer.error?.code).toBe(-32601)
          return
        }
        const valid = entry.params.safeParse(JSON.parse(params)).success
        if (!valid) expect(answer.error?.code).toBe(-32602)
        else if (answer.error) expect(CODES).toContain(answer.error.code)
        else expect(answer.result).toBeTypeOf('object')
      }),
      { numRuns: 40, seed: 12 },
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
})
