import { isDeepStrictEqual } from 'node:util'
import { parse } from 'yaml'

// A leading `---` line, the YAML, a closing `---` line; what the Agent Skills format and the
// conformance referee both read as frontmatter.
const FENCE = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/

/**
 * Splits a SKILL.md into its YAML frontmatter (parsed with `yaml`, YAML 1.2 core schema, so
 * `2024-01-01` stays a string as it does in JSON) and the Markdown body; `undefined` when the file
 * has no frontmatter, it is not valid YAML, or it is not a mapping. A leading BOM is skipped here
 * only: digests cover the file as served.
 */
export function parseFrontmatter(text: string): { frontmatter: Record<string, unknown>; body: string } | undefined {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text
  const match = FENCE.exec(source)
  if (!match) return undefined
  let value: unknown
  try {
    value = parse(match[1]!)
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  return { frontmatter: value as Record<string, unknown>, body: source.slice(match[0].length) }
}

/**
 * The fields on which two frontmatters differ, compared field by field over the union of their
 * keys with an absent field equal to `null` (JSON has no `undefined`); empty when identical.
 */
export function frontmatterDifferences(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)])
  return [...keys].filter((key) => !isDeepStrictEqual(a[key] ?? null, b[key] ?? null))
}
