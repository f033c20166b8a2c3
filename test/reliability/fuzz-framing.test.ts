// stdio framing and the JSON-RPC parser under fast-check: chunks split anywhere, several messages
// per chunk, invalid UTF-8, deep nesting, huge numbers and ids, prototype keys, duplicate keys.
import { parseMessage, serializeMessage, type JSONRPCMessage } from '@plugboard/protocol'
import { ReadBuffer } from '@plugboard/transport-stdio'
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'

const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort()
afterEach(() => {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_KEYS)
  expect(({} as Record<string, unknown>).polluted).toBeUndefined()
})

/** Feeds `bytes` to a ReadBuffer in pieces cut at `cuts`, and returns the lines it emitted. */
function frame(bytes: Buffer, cuts: number[], maxMessageSize?: number): { lines: string[]; oversize: number } {
  const lines: string[] = []
  let oversize = 0
  const reader = new ReadBuffer({ line: (l) => lines.push(l), oversize: () => void oversize++ }, maxMessageSize)
  let start = 0
  for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
    reader.push(bytes.subarray(start, cut))
    start = cut
  }
  reader.push(bytes.subarray(start))
  reader.end()
  return { lines, oversize }
}

const id = fc.oneof(fc.integer(), fc.string({ maxLength: 10 }), fc.constantFrom(2 ** 53 - 1, -(2 ** 53) + 1))
const params = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 })
const message: fc.Arbitrary<JSONRPCMessage> = fc.oneof(
  fc.record({ jsonrpc: fc.constant('2.0' as const), id, method: fc.string({ maxLength: 12 }), params }),
  fc.record({ jsonrpc: fc.constant('2.0' as const), method: fc.string({ maxLength: 12 }), params }),
  fc.record({ jsonrpc: fc.constant('2.0' as const), id, result: params }),
  fc.record({ jsonrpc: fc.constant('2.0' as const), id, error: fc.record({ code: fc.integer(), message: fc.string() }) }),
)

describe('stdio framing with the parser', () => {
  it('yields the same messages however the byte stream is cut, several per chunk or one split across many', () => {
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 12 }), fc.boolean(), (messages, cuts, crlf) => {
        const text = messages.map((m) => serializeMessage(m).replace(/\n$/, crlf ? '\r\n' : '\n')).join('')
        const { lines } = frame(Buffer.from(text, 'utf8'), cuts)
        expect(lines.map((l) => parseMessage(l))).toEqual(messages.map((m) => ({ ok: true, payload: JSON.parse(JSON.stringify(m)) })))
      }),
      { numRuns: 300, seed: 7 },
    )
  })

  it('never throws on arbitrary bytes, and answers every line with a message or -32700/-32600', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(), { maxLength: 6 }), (bytes, cuts) => {
        const { lines } = frame(Buffer.from(bytes), cuts, 128)
        for (const line of lines) {
          const out = parseMessage(line)
          if (!out.ok) expect([-32700, -32600]).toContain(out.error.error.code)
        }
      }),
      { numRuns: 500, seed: 7 },
    )
  })

  it('decodes invalid UTF-8 inside a message to U+FFFD rather than failing the stream', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 8 }).map((b) => Buffer.from(b.map((x) => x | 0x80))), fc.array(fc.nat(), { maxLength: 4 }), (bad, cuts) => {
        const bytes = Buffer.concat([Buffer.from('{"jsonrpc":"2.0","id":1,"method":"x","params":{"s":"'), bad, Buffer.from('"}}\n{"jsonrpc":"2.0","id":2,"method":"y"}\n')])
        const { lines } = frame(bytes, cuts)
        expect(lines).toHaveLength(2)
        const first = parseMessage(lines[0]!)
        if (first.ok) expect(first.payload).toMatchObject({ id: 1 })
        else expect(first.error.error.code).toBe(-32700)
        expect(parseMessage(lines[1]!)).toMatchObject({ ok: true, payload: { id: 2 } })
      }),
      { numRuns: 200, seed: 7 },
    )
  })

  it('answers deep nesting without a stack overflow: a message if it is one, -32600/-32700 if not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200_000 }), fc.constantFrom('[', '{"a":'), fc.boolean(), (depth, open, closed) => {
        const close = open === '[' ? ']' : '}'
        const nested = open.repeat(depth) + '1' + (closed ? close.repeat(depth) : '')
        const out = parseMessage(`{"jsonrpc":"2.0","id":1,"method":"x","params":{"deep":${nested}}}`)
        if (closed) expect(out).toMatchObject({ ok: true })
        else expect(out).toMatchObject({ ok: false, error: { error: { code: -32700 } } })
        expect(parseMessage(nested)).toMatchObject({ ok: false })
      }),
      { numRuns: 40, seed: 7 },
    )
  })

  it('keeps integer ids of any size exactly, refuses ids that are not numbers JSON-RPC allows', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }), (big) => {
        const out = parseMessage(`{"jsonrpc":"2.0","id":${big},"method":"ping"}`)
        expect(out.ok).toBe(true)
        if (!out.ok) return
        const answer = serializeMessage({ jsonrpc: '2.0', id: (out.payload as { id: string | number }).id, result: {} }, new Set(out.numericIds))
        expect(JSON.parse(answer.replace(/"id":(-?\d+)/, '"id":"$1"')).id).toBe(String(big))
      }),
      { numRuns: 300, seed: 7 },
    )
    for (const bad of ['1e400', '-1e400', '{}', '[1]', 'true']) {
      expect(parseMessage(`{"jsonrpc":"2.0","id":${bad},"method":"ping"}`)).toMatchObject({ ok: false, error: { id: null, error: { code: -32600 } } })
    }
  })

  it('takes __proto__, constructor and duplicate keys as plain data, polluting nothing', () => {
    const attack = fc.constantFrom('__proto__', 'constructor', 'prototype')
    fc.assert(
      fc.property(attack, fc.jsonValue({ maxDepth: 2 }), fc.jsonValue({ maxDepth: 2 }), (key, a, b) => {
        const text = `{"jsonrpc":"2.0","id":1,"id":2,"method":"x","params":{${JSON.stringify(key)}:{"polluted":${JSON.stringify(a)}},"k":${JSON.stringify(a)},"k":${JSON.stringify(b)}}}`
        const out = parseMessage(text)
        expect(out).toMatchObject({ ok: true, payload: { id: 2 } })
        const p = (out as { payload: { params: Record<string, unknown> } }).payload.params
        expect(Object.getPrototypeOf(p)).toBe(Object.prototype)
        expect(Object.prototype.hasOwnProperty.call(p, key)).toBe(true)
        expect(p.k).toEqual(b)
        // A message whose top level is the attack is refused, not merged into anything.
        expect(parseMessage(`{${JSON.stringify(key)}:{"jsonrpc":"2.0","id":1,"method":"x"}}`)).toMatchObject({ ok: false, error: { error: { code: -32600 } } })
      }),
      { numRuns: 200, seed: 7 },
    )
  })
})
