import type { Tool } from '@plugboard/protocol'

/** The `x-mcp-header` annotations of one tool: header name → path of `properties` keys to the value. */
export type HeaderPaths = ReadonlyMap<string, readonly string[]>

// RFC 9110 token: 1*tchar.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const PRIMITIVE = new Set(['string', 'integer', 'boolean'])
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * The `x-mcp-header` annotations of a tool's `inputSchema` (modern era), or why they make the tool
 * invalid: a name that is empty, not an HTTP token or not unique (case-insensitively); a property
 * that is not a string, integer or boolean; or an annotation not reachable from the root through
 * `properties` alone. The spec has clients exclude such a tool from `tools/list`.
 * @see https://modelcontextprotocol.io/specification/latest/basic/transports/streamable-http#custom-headers-from-tool-parameters
 */
export function headerPaths(tool: Tool): { paths: HeaderPaths } | { invalid: string } {
  const paths = new Map<string, readonly string[]>()
  const names = new Set<string>()
  const reachable = new Set<object>()
  // First the properties chains, from the root: only annotations found there may stand.
  const walk = (schema: Record<string, unknown>, path: string[]): string | undefined => {
    reachable.add(schema)
    if ('x-mcp-header' in schema) {
      const name = schema['x-mcp-header']
      const where = path.join('.') || 'the root'
      if (typeof name !== 'string' || !TOKEN.test(name)) return `x-mcp-header ${JSON.stringify(name)} of ${where} is not an HTTP header name`
      if (names.has(name.toLowerCase())) return `x-mcp-header ${JSON.stringify(name)} is used twice`
      if (typeof schema.type !== 'string' || !PRIMITIVE.has(schema.type)) return `x-mcp-header ${name} is on ${where}, of type ${JSON.stringify(schema.type)}; only string, integer and boolean may be mirrored`
      names.add(name.toLowerCase())
      paths.set(name, path)
    }
    if (!isObject(schema.properties)) return undefined
    for (const [key, property] of Object.entries(schema.properties)) {
      if (!isObject(property)) continue
      const problem = walk(property, [...path, key])
      if (problem) return problem
    }
    return undefined
  }
  const root = tool.inputSchema as Record<string, unknown>
  const problem = walk(root, [])
  if (problem) return { invalid: problem }
  // Then everything else: an annotation under items, anyOf, $defs, $ref'd parts… is not allowed.
  const stray = (value: unknown, key: string): string | undefined => {
    if (Array.isArray(value)) {
      for (const item of value) {
        const found = stray(item, key)
        if (found) return found
      }
      return undefined
    }
    if (!isObject(value)) return undefined
    if (!reachable.has(value) && 'x-mcp-header' in value) return `x-mcp-header ${JSON.stringify(value['x-mcp-header'])} under ${key} is not reachable through properties alone`
    for (const [k, v] of Object.entries(value)) {
      const found = stray(v, k)
      if (found) return found
    }
    return undefined
  }
  const found = stray(root, 'inputSchema')
  return found ? { invalid: found } : { paths }
}

/** The header values of one call: each annotated argument present (and not null) at its path. */
export function headerParams(paths: HeaderPaths, args: Record<string, unknown> | undefined): Record<string, string | number | boolean> | undefined {
  let params: Record<string, string | number | boolean> | undefined
  for (const [name, path] of paths) {
    let value: unknown = args
    for (const key of path) value = isObject(value) ? value[key] : undefined
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') (params ??= {})[name] = value
  }
  return params
}
