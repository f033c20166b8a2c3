/**
 * The challenges of a `WWW-Authenticate` header (RFC 9110 §11.6.1): what an MCP client reads after
 * a 401 or 403 to find the protected resource metadata, the scope to ask for and the error.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-11.6.1
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization#protected-resource-metadata-discovery
 */
export interface AuthChallengeHeader {
  /** The auth-scheme, lower-cased (`bearer`). */
  scheme: string
  /** The auth-params, names lower-cased, values unquoted and unescaped. Empty for a token68 challenge. */
  params: Record<string, string>
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/
const TOKEN68 = /[A-Za-z0-9\-._~+/]+=*(?=[ \t]*(?:,|$))/y

/**
 * Parses a `WWW-Authenticate` header into its challenges: `Bearer error="insufficient_scope",
 * scope="files:read"` → `[{ scheme: 'bearer', params: { error: 'insufficient_scope', scope: 'files:read' } }]`.
 * Several challenges in one header are split; quoted values may hold commas and `\"`; a token68
 * credential (`Basic abc==`) gives a challenge with no params. Never throws: a malformed challenge is
 * dropped with whatever follows it, so garbage gives `[]`.
 */
export function parseWWWAuthenticate(header: string): AuthChallengeHeader[] {
  const challenges: AuthChallengeHeader[] = []
  let current: { scheme: string; params: Map<string, string>; token68: boolean } | undefined
  const finish = () => {
    if (current) challenges.push({ scheme: current.scheme, params: Object.fromEntries(current.params) })
    current = undefined
  }
  let pos = 0
  const skip = (chars: string) => {
    while (pos < header.length && chars.includes(header[pos]!)) pos++
  }
  const token = () => {
    const start = pos
    while (pos < header.length && TCHAR.test(header[pos]!)) pos++
    return header.slice(start, pos)
  }
  // A quoted-string with its backslash escapes undone, or `undefined` when it never closes.
  const quoted = () => {
    let out = ''
    for (pos++; pos < header.length; pos++) {
      const c = header[pos]!
      if (c === '"') {
        pos++
        return out
      }
      if (c === '\\') pos++
      if (pos < header.length) out += header[pos]
    }
    return undefined
  }
  // Lenient about unquoted values: servers do send `resource_metadata=https://…` without quotes.
  const bare = () => {
    const start = pos
    while (pos < header.length && !' \t,"'.includes(header[pos]!)) pos++
    return header.slice(start, pos)
  }

  for (;;) {
    skip(' \t,')
    if (pos >= header.length) break
    const name = token()
    if (!name) return challenges
    skip(' \t')
    if (header[pos] === '=' && current) {
      if (current.token68) return challenges
      pos++
      skip(' \t')
      const value = header[pos] === '"' ? quoted() : bare()
      if (value === undefined || (value === '' && header[pos - 1] !== '"')) return challenges
      const key = name.toLowerCase()
      // RFC 9110: each parameter name occurs once per challenge; the first one counts.
      if (!current.params.has(key)) current.params.set(key, value)
      continue
    }
    if (header[pos] === '=') return challenges
    finish()
    current = { scheme: name.toLowerCase(), params: new Map(), token68: false }
    TOKEN68.lastIndex = pos
    if (TOKEN68.test(header)) {
      pos = TOKEN68.lastIndex
      current.token68 = true
    }
  }
  finish()
  return challenges
}
