import { ErrorCode, McpError, type PaginatedRequestParams, type Prompt, type Resource, type ResourceTemplate, type Tool } from '@plugboard/protocol'

/** The list methods `Client.iterate` walks, and the item each yields. */
export interface PaginatedItems {
  'tools/list': Tool
  'resources/list': Resource
  'resources/templates/list': ResourceTemplate
  'prompts/list': Prompt
}

/** A method whose result is paginated with `cursor`/`nextCursor`. */
export type PaginatedMethod = keyof PaginatedItems

/** Where each list result keeps its items. */
export const ITEMS_KEY = {
  'tools/list': 'tools',
  'resources/list': 'resources',
  'resources/templates/list': 'resourceTemplates',
  'prompts/list': 'prompts',
} as const satisfies Record<PaginatedMethod, string>

/**
 * Yields every item of a paginated list, fetching one page at a time as the consumer pulls.
 * Stops with McpError(InternalError) when the server hands back a cursor it already gave: a
 * server that loops would otherwise keep the caller fetching forever.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/server/utilities/pagination
 */
export async function* paginate<T>(
  fetchPage: (cursor: string | undefined) => Promise<{ nextCursor?: string | undefined } & Record<string, unknown>>,
  key: string,
  cursor?: string,
): AsyncGenerator<T, void, undefined> {
  const seen = new Set<string>()
  if (cursor !== undefined) seen.add(cursor)
  for (;;) {
    const page = await fetchPage(cursor)
    yield* (page[key] ?? []) as T[]
    const next = page.nextCursor
    if (next === undefined) return
    if (seen.has(next)) {
      throw new McpError(ErrorCode.InternalError, `Server repeated the pagination cursor ${JSON.stringify(next)}; stopped to avoid an endless listing`, { cursor: next })
    }
    seen.add(next)
    cursor = next
  }
}

/** Every item of the list `list` answers page by page, starting from `params.cursor` if given. */
export function iterateList<T>(list: (page: PaginatedRequestParams) => Promise<{ nextCursor?: string | undefined } & Record<string, unknown>>, key: string, params?: PaginatedRequestParams): AsyncIterable<T> {
  const fetchPage = (cursor: string | undefined) => {
    const page: PaginatedRequestParams = { ...params }
    if (cursor === undefined) delete page.cursor
    else page.cursor = cursor
    return list(page)
  }
  return paginate<T>(fetchPage, key, params?.cursor)
}
