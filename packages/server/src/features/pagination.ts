import { ErrorCode, McpError } from '@plugboard/protocol'

/** One page of a list result; `nextCursor` is absent on the last page. */
export interface Page<T> {
  items: T[]
  nextCursor?: string
}

/**
 * Cuts one page out of a list. The cursor is opaque to clients (pagination: "clients MUST treat
 * cursors as opaque tokens"): base64url of the offset, so it survives any transport and reveals
 * nothing worth parsing. A cursor we did not issue answers -32602, as the spec recommends.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/server/utilities/pagination
 */
export function paginate<T>(items: readonly T[], cursor: string | undefined, pageSize: number): Page<T> {
  const start = cursor === undefined ? 0 : decodeCursor(cursor)
  const end = start + pageSize
  const page: Page<T> = { items: items.slice(start, end) }
  if (end < items.length) page.nextCursor = encodeCursor(end)
  return page
}

/**
 * One page of a list result keyed as the method's result is (`tools`, `prompts`, …), with
 * `nextCursor` only when more follow: `listPage('tools', tools, cursor, 100, (t) => t.listing)`.
 */
export function listPage<K extends string, T, R>(key: K, items: readonly T[], cursor: string | undefined, pageSize: number, map: (item: T) => R): { [P in K]: R[] } & { nextCursor?: string } {
  const page = paginate(items, cursor, pageSize)
  const result = { [key]: page.items.map(map) } as { [P in K]: R[] } & { nextCursor?: string }
  if (page.nextCursor) result.nextCursor = page.nextCursor
  return result
}

function encodeCursor(offset: number): string {
  return btoa(String(offset)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function decodeCursor(cursor: string): number {
  let text = ''
  if (/^[A-Za-z0-9_-]{1,16}$/.test(cursor)) {
    try {
      text = atob(cursor.replace(/-/g, '+').replace(/_/g, '/'))
    } catch {
      // not base64: falls through to the error below
    }
  }
  if (!/^(0|[1-9]\d{0,9})$/.test(text)) throw new McpError(ErrorCode.InvalidParams, 'Invalid cursor', { cursor })
  return Number(text)
}
