import type * as z from 'zod'
import { rev20251125, rev20260728 } from '../revisions/index.js'

/**
 * Exact shortcuts past zod for the messages that dominate a busy session: `tools/call` params on
 * the server, their results on the client (STYLE §8, "validate what matters, once").
 *
 * A zod object parse copies the value and allocates per field — on a plain `tools/call` that was a
 * fifth of the engine's garbage, and on a 200-field call the generic `arguments` record alone was an
 * eighth of the server's time, though the tool's own schema checks those arguments anyway. Each
 * predicate here accepts only values its schema certainly accepts unchanged (no defaults, no
 * transforms, same keys), and is deliberately narrow: anything unusual (`annotations`, a `task`, a
 * non-text block) returns false and goes through zod, which also words the errors.
 */
const predicates = new WeakMap<z.ZodType, (value: unknown) => boolean>()

/** `value` itself when `schema`'s shortcut accepts it (zod would hand back an equal copy), else undefined. */
export function acceptedAsIs(schema: z.ZodType, value: unknown): Record<string, unknown> | undefined {
  const accepts = predicates.get(schema)
  return accepts?.(value) ? (value as Record<string, unknown>) : undefined
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

const isRequestMeta = (meta: unknown): boolean => {
  if (meta === undefined) return true
  if (!isObject(meta)) return false
  const token = meta.progressToken
  return token === undefined || typeof token === 'string' || Number.isInteger(token)
}

// 2025-11-25 params, which every legacy revision's `tools/call` is parsed with: name, optional
// `arguments` record, optional `_meta` (only `progressToken` is typed), no `task`.
predicates.set(rev20251125.CallToolRequestParamsSchema, (value) => {
  if (!isObject(value) || typeof value.name !== 'string' || value.task !== undefined) return false
  const args = value.arguments
  return (args === undefined || isObject(args)) && isRequestMeta(value._meta)
})

/** Text blocks only, without annotations: what nearly every tool answers with. */
function isPlainTextContent(content: unknown): boolean {
  if (!Array.isArray(content)) return false
  for (const block of content) {
    if (!isObject(block) || block.type !== 'text' || typeof block.text !== 'string' || block.annotations !== undefined) return false
    if (block._meta !== undefined && !isObject(block._meta)) return false
  }
  return true
}

const isToolResult = (value: unknown, meta: 'record' | 'absent'): boolean => {
  if (!isObject(value) || !isPlainTextContent(value.content)) return false
  const { isError, structuredContent, _meta } = value
  if (isError !== undefined && typeof isError !== 'boolean') return false
  if (structuredContent !== undefined && !isObject(structuredContent)) return false
  return _meta === undefined || (meta === 'record' && isObject(_meta))
}

predicates.set(rev20251125.CallToolResultSchema, (value) => isToolResult(value, 'record'))
// 2026-07-28 types its result `_meta` and adds `resultType`: only the plainest results take the shortcut.
predicates.set(rev20260728.CallToolResultSchema, (value) => isToolResult(value, 'absent') && (value as Record<string, unknown>).resultType === undefined)
