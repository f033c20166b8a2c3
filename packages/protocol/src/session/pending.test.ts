import { describe, expect, it } from 'vitest'
import { ErrorCode, McpError } from '../errors.js'
import { PendingRequests } from './pending.js'

describe('PendingRequests', () => {
  it('gives up on the oldest request when one more than max is added, and tells whoever sent it', () => {
    const pending = new PendingRequests(2)
    const outcomes: string[] = []
    const givenUp: string[] = []
    const add = (id: number) =>
      pending.add(
        { id, method: 'ping', resolve: () => outcomes.push(`${id} resolved`), reject: (e: McpError) => outcomes.push(`${id} ${e.code} ${JSON.stringify(e.data)}`) },
        { timeout: Infinity, onGiveUp: (reason) => givenUp.push(`${id}: ${reason}`) },
      )
    add(1)
    add(2)
    add(3)
    expect(pending.size).toBe(2)
    expect(outcomes).toEqual([`1 ${ErrorCode.RequestCancelled} {"maxPendingRequests":2}`])
    expect(givenUp).toEqual(['1: too many requests pending'])
    expect(pending.resolve(1, {})).toBe(false)
    expect(pending.resolve(2, {})).toBe(true)
    expect(pending.resolve(3, {})).toBe(true)
    expect(outcomes.slice(1)).toEqual(['2 resolved', '3 resolved'])
  })
})
