import { serializeMessage, type JSONRPCPayload } from '@plugboard/protocol'

/** Most ids past 2^53 a connection remembers while their requests await an answer; the oldest are forgotten first. */
const MAX_NUMERIC_IDS = 1024

/**
 * Remembers ids past 2^53 (`numericIds` of `parseMessage`) of requests a connection must answer,
 * within {@link MAX_NUMERIC_IDS}: a peer that never lets them finish cannot grow the set.
 */
export function keepNumericIds(kept: Set<string>, ids: readonly string[]): void {
  for (const id of ids) kept.add(id)
  for (const id of kept) {
    if (kept.size <= MAX_NUMERIC_IDS) break
    kept.delete(id)
  }
}

/**
 * A payload's JSON, where a response whose id is in `numericIds` carries that id as the number the
 * peer sent (a JS number would round it); the id leaves the set. `JSON.stringify` when there is none.
 */
export function stringify(payload: JSONRPCPayload, numericIds: Set<string> | undefined): string {
  return numericIds?.size ? serializeMessage(payload, numericIds).slice(0, -1) : JSON.stringify(payload)
}
