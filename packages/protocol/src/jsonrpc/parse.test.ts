import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseMessage, serializeMessage } from './parse.js'

describe('parseMessage', () => {
  it('answers bad JSON with -32700 and a null id', () => {
    const out = parseMessage('{"jsonrpc":"2.0","id":1,')
    expect(out).toMatchObject({ ok: false, error: { id: null, error: { code: -32700 } } })
  })

  it('answers JSON that is not JSON-RPC with -32600, keeping the id when it can read one', () => {
    expect(parseMessage('{"jsonrpc":"1.0","id":4,"method":"ping"}')).toMatchObject({ ok: false, error: { id: 4, error: { code: -32600 } } })
    expect(parseMessage('{"jsonrpc":"2.0","id":{},"method":"ping"}')).toMatchObject({ ok: false, error: { id: null, error: { code: -32600 } } })
    expect(parseMessage('{"jsonrpc":"2.0","method":"x","params":[1]}')).toMatchObject({ ok: false, error: { error: { code: -32600 } } })
    expect(parseMessage('[]')).toMatchObject({ ok: false, error: { error: { code: -32600 } } })
    expect(parseMessage('42')).toMatchObject({ ok: false, error: { error: { code: -32600 } } })
  })

  it('accepts requests, notifications, results, errors and batches of them', () => {
    expect(parseMessage('{"jsonrpc":"2.0","id":"a","method":"ping"}')).toMatchObject({ ok: true })
    expect(parseMessage('{"jsonrpc":"2.0","method":"notifications/initialized"}')).toMatchObject({ ok: true })
    expect(parseMessage('{"jsonrpc":"2.0","id":1,"result":{}}')).toMatchObject({ ok: true })
    expect(parseMessage('{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"x"}}')).toMatchObject({ ok: true })
    expect(parseMessage('{"jsonrpc":"2.0","error":{"code":-32700,"message":"no id at all (2025-11-25)"}}')).toMatchObject({ ok: true })
    const batch = parseMessage('[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"n"}]')
    expect(batch.ok && Array.isArray(batch.payload) && batch.payload.length).toBe(2)
  })

  it('never throws, whatever the input, and always yields a message or a JSON-RPC error', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify(v))), (text) => {
        const out = parseMessage(text)
        if (!out.ok) {
          expect([-32700, -32600]).toContain(out.error.error.code)
          expect(out.error.jsonrpc).toBe('2.0')
        }
      }),
      { numRuns: 2000 },
    )
  })

  it('round-trips every well-formed request through serialize and parse', () => {
    const id = fc.oneof(fc.string(), fc.integer())
    const params = fc.dictionary(fc.string().filter((k) => k !== '__proto__'), fc.jsonValue())
    fc.assert(
      fc.property(id, fc.string(), params, (i, method, p) => {
        const message = { jsonrpc: '2.0' as const, id: i, method, params: p }
        const line = serializeMessage(message)
        expect(line.endsWith('\n')).toBe(true)
        expect(line.slice(0, -1)).not.toContain('\n')
        const out = parseMessage(line)
        expect(out.ok && out.payload).toEqual(JSON.parse(JSON.stringify(message)))
      }),
      { numRuns: 500 },
    )
  })
})

describe('ids and text JSON.parse alone gets wrong', () => {
  it('keeps an integer id past 2^53 exactly and answers with it as the same number', () => {
    const out = parseMessage('{"jsonrpc":"2.0","id":12345678901234567890,"method":"ping"}')
    expect(out).toMatchObject({ ok: true, payload: { id: '12345678901234567890' }, numericIds: ['12345678901234567890'] })
    const ids = new Set(out.ok ? out.numericIds : [])
    expect(serializeMessage({ jsonrpc: '2.0', id: '12345678901234567890', result: {} }, ids)).toBe('{"id":12345678901234567890,"jsonrpc":"2.0","result":{}}\n')
    // Answered once: the id leaves the set, and a string id of the same digits stays a string.
    expect(ids.size).toBe(0)
    expect(serializeMessage({ jsonrpc: '2.0', id: '12345678901234567890', result: {} }, ids)).toContain('"id":"12345678901234567890"')
  })

  it('finds the id among nested "id" members and keeps negative ones, in batches too', () => {
    const out = parseMessage('[{"jsonrpc":"2.0","method":"x","params":{"id":1},"id":-98765432109876543210},{"jsonrpc":"2.0","id":3,"method":"y"}]')
    expect(out).toMatchObject({ ok: true, payload: [{ id: '-98765432109876543210' }, { id: 3 }], numericIds: ['-98765432109876543210'] })
    const text = serializeMessage([{ jsonrpc: '2.0', id: '-98765432109876543210', result: {} }, { jsonrpc: '2.0', id: 3, result: {} }], new Set(out.ok ? out.numericIds : []))
    expect(text).toBe('[{"id":-98765432109876543210,"jsonrpc":"2.0","result":{}},{"jsonrpc":"2.0","id":3,"result":{}}]\n')
  })

  it('leaves ids JSON.parse reads exactly alone, and costs nothing for them', () => {
    expect(parseMessage('{"jsonrpc":"2.0","id":9007199254740991,"method":"ping"}')).toEqual({ ok: true, payload: { jsonrpc: '2.0', id: 9007199254740991, method: 'ping' } })
  })

  it('accepts a message that starts with a UTF-8 byte order mark', () => {
    expect(parseMessage('\uFEFF{"jsonrpc":"2.0","id":1,"method":"ping"}')).toEqual({ ok: true, payload: { jsonrpc: '2.0', id: 1, method: 'ping' } })
  })
})
