import { describe, expect, it } from 'vitest'
import { ErrorCode } from '../errors.js'
import { RequestStateCodec, canonicalJson } from './request-state.js'

const bind = { m: 'tools/call', d: 'digest-1', p: 'client-a' }
const payload = { ...bind, a: { 'elicit-0': { action: 'accept' } } }

describe('requestState', () => {
  it('round-trips what it signed, for the same request and principal', async () => {
    const codec = new RequestStateCodec({ keys: ['k1'] })
    const state = await codec.sign(payload)
    await expect(codec.verify(state, bind)).resolves.toMatchObject({ a: payload.a })
  })

  it('refuses a state with one character changed, in the payload or the signature', async () => {
    const codec = new RequestStateCodec({ keys: ['k1'] })
    const state = await codec.sign(payload)
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1)
    for (const i of [3, state.length - 3]) {
      await expect(codec.verify(flip(state, i), bind)).rejects.toMatchObject({ code: ErrorCode.InvalidParams, message: expect.stringMatching(/Invalid requestState/) })
    }
    await expect(codec.verify('garbage', bind)).rejects.toMatchObject({ code: ErrorCode.InvalidParams })
  })

  it('refuses a state issued for another request, another principal, or past its expiry', async () => {
    const codec = new RequestStateCodec({ keys: ['k1'], ttlMs: 1000 })
    const state = await codec.sign(payload, 0)
    await expect(codec.verify(state, { ...bind, d: 'digest-2' }, 10)).rejects.toThrow(/different request/)
    await expect(codec.verify(state, { ...bind, m: 'prompts/get' }, 10)).rejects.toThrow(/different request/)
    await expect(codec.verify(state, { ...bind, p: 'client-b' }, 10)).rejects.toThrow(/different principal/)
    await expect(codec.verify(state, bind, 1000)).rejects.toThrow(/expired/)
    await expect(codec.verify(state, bind, 999)).resolves.toBeDefined()
  })

  it('verifies with every key it holds and signs with the first (rotation); a stranger key fails', async () => {
    const old = new RequestStateCodec({ keys: ['old'] })
    const rotated = new RequestStateCodec({ keys: ['new', 'old'] })
    const stranger = new RequestStateCodec()
    const state = await old.sign(payload)
    await expect(rotated.verify(state, bind)).resolves.toBeDefined()
    await expect(stranger.verify(state, bind)).rejects.toThrow(/signature/)
    await expect(old.verify(await rotated.sign(payload), bind)).rejects.toThrow(/signature/)
  })

  it('digests params canonically: key order does not matter, values do', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(canonicalJson({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }))
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: '1' }))
  })
})
