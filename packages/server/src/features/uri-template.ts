/**
 * RFC 6570 URI templates: expansion (levels 1–4, without associative arrays) and the inverse, matching,
 * which routes `resources/read` URIs to registered resource templates.
 * @see https://www.rfc-editor.org/rfc/rfc6570
 */

/** Templates are written by server authors, URIs arrive from clients: both are bounded. */
const MAX_TEMPLATE_LENGTH = 8 * 1024
const MAX_EXPRESSIONS = 256
const MAX_URI_LENGTH = 64 * 1024

/** One operator's expansion rules (RFC 6570 Appendix A); `stops`: characters a matched value never contains. */
type Operator = { first: string; sep: string; named: boolean; ifEmpty: string; reserved: boolean; stops: string }

const OPERATORS: Record<string, Operator> = {
  '': { first: '', sep: ',', named: false, ifEmpty: '', reserved: false, stops: '/?#' },
  '+': { first: '', sep: ',', named: false, ifEmpty: '', reserved: true, stops: '' },
  '#': { first: '#', sep: ',', named: false, ifEmpty: '', reserved: true, stops: '' },
  '.': { first: '.', sep: '.', named: false, ifEmpty: '', reserved: false, stops: '/?#' },
  '/': { first: '/', sep: '/', named: false, ifEmpty: '', reserved: false, stops: '/?#' },
  ';': { first: ';', sep: ';', named: true, ifEmpty: '', reserved: false, stops: '/?#;' },
  '?': { first: '?', sep: '&', named: true, ifEmpty: '=', reserved: false, stops: '#&' },
  '&': { first: '&', sep: '&', named: true, ifEmpty: '=', reserved: false, stops: '#&' },
}

type VarSpec = { name: string; explode: boolean; prefix: number | undefined }
type Expression = { op: Operator; vars: VarSpec[] }
/** Literals are stored already encoded, as expansion emits them. */
type Part = string | Expression

const VARSPEC = /^((?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2})(?:\.?(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2}))*)(\*|:[1-9][0-9]{0,3})?$/

/**
 * A parsed RFC 6570 URI template, e.g. `file:///{+path}` or `users://{id}/posts{?limit,cursor}`.
 * @example
 * const t = new UriTemplate('users://{id}/posts{?limit}')
 * t.expand({ id: '42', limit: '10' }) // 'users://42/posts?limit=10'
 * t.match('users://42/posts?limit=10') // { id: '42', limit: '10' }
 */
export class UriTemplate {
  /** Every variable the template mentions, once each, in order of appearance. */
  readonly variableNames: string[]
  readonly #template: string
  readonly #parts: Part[]
  #matcher: Matcher | undefined

  /** @throws TypeError when the template is malformed or exceeds the size limits. */
  constructor(template: string) {
    this.#template = template
    this.#parts = parse(template)
    const names = new Set<string>()
    for (const part of this.#parts) if (typeof part !== 'string') for (const v of part.vars) names.add(v.name)
    this.variableNames = [...names]
  }

  /** Substitutes variables; undefined ones and empty lists expand to nothing (RFC 6570 §3.2.1). */
  expand(variables: Record<string, string | string[] | undefined>): string {
    let out = ''
    for (const part of this.#parts) out += typeof part === 'string' ? part : expandExpression(part, variables)
    return out
  }

  /**
   * The inverse of {@link expand}: the variables that produce `uri`, or `undefined` when it does not fit.
   * Values are percent-decoded; exploded variables (`{/segments*}`, `{?tag*}`) give arrays. Query
   * parameters may come in any order, may be absent, and unknown ones are ignored. Runs in time linear
   * in the URI's length (a Pike VM, not a backtracking regex); URIs over 64 KiB never match.
   */
  match(uri: string): Record<string, string | string[]> | undefined {
    if (uri.length > MAX_URI_LENGTH) return undefined
    this.#matcher ??= compile(this.#parts)
    return this.#matcher(uri)
  }

  /** The template as written. */
  toString(): string {
    return this.#template
  }
}

function parse(template: string): Part[] {
  const fail = (why: string): never => {
    const shown = template.length > 80 ? `${template.slice(0, 80)}…` : template
    throw new TypeError(`Invalid URI template "${shown}": ${why}`)
  }
  if (template.length > MAX_TEMPLATE_LENGTH) fail(`longer than ${MAX_TEMPLATE_LENGTH} characters`)
  const parts: Part[] = []
  let expressions = 0
  let at = 0
  while (at < template.length) {
    const open = template.indexOf('{', at)
    const literal = template.slice(at, open < 0 ? template.length : open)
    const stray = literal.indexOf('}')
    if (stray >= 0) fail(`"}" without "{" at ${at + stray}`)
    if (literal) parts.push(encode(literal, true))
    if (open < 0) break
    const close = template.indexOf('}', open)
    if (close < 0) fail(`unclosed "{" at ${open}`)
    const body = template.slice(open + 1, close)
    if (body.includes('{')) fail(`nested "{" in expression at ${open}`)
    if (++expressions > MAX_EXPRESSIONS) fail(`more than ${MAX_EXPRESSIONS} expressions`)
    parts.push(parseExpression(body, (why) => fail(`${why} in expression at ${open}`)))
    at = close + 1
  }
  return parts
}

function parseExpression(body: string, fail: (why: string) => never): Expression {
  if (!body) fail('empty expression')
  if ('=,!@|'.includes(body[0]!)) fail(`operator "${body[0]}" is reserved for future extensions`)
  const op = OPERATORS[body[0]!]
  const vars = (op ? body.slice(1) : body).split(',').map((spec): VarSpec => {
    const m = VARSPEC.exec(spec)
    if (!m) fail(`invalid variable "${spec}"`)
    const modifier = m![2]
    return { name: m![1]!, explode: modifier === '*', prefix: modifier?.startsWith(':') ? Number(modifier.slice(1)) : undefined }
  })
  return { op: op ?? OPERATORS['']!, vars }
}

// ---- expansion ------------------------------------------------------------------------------------

/** 1 = unreserved (always kept), 2 = reserved (kept by `+` and `#`), 0 = percent-encoded. RFC 3986 §2. */
const CHAR_CLASS = new Uint8Array(128)
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~') CHAR_CLASS[c.charCodeAt(0)] = 1
for (const c of ":/?#[]@!$&'()*+,;=") CHAR_CLASS[c.charCodeAt(0)] = 2

const isHex = (code: number): boolean => (code >= 48 && code <= 57) || ((code | 32) >= 97 && (code | 32) <= 102)

function encode(value: string, allowReserved: boolean): string {
  let out = ''
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i)
    const kind = code < 128 ? CHAR_CLASS[code]! : 0
    if (kind === 1 || (kind === 2 && allowReserved)) out += value[i]
    else if (allowReserved && code === 37 && isHex(value.charCodeAt(i + 1)) && isHex(value.charCodeAt(i + 2))) {
      // §3.2.3: reserved expansion passes existing pct-encoded triplets through unchanged.
      out += value.slice(i, i + 3)
      i += 2
    } else if (code < 128) out += `%${code < 16 ? '0' : ''}${code.toString(16).toUpperCase()}`
    else if (code < 0xd800 || code > 0xdfff) out += encodeURIComponent(value[i]!)
    else if (code <= 0xdbff && (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      out += encodeURIComponent(value.slice(i, i + 2))
      i++
    } else out += '%EF%BF%BD' // a lone surrogate has no UTF-8 form: U+FFFD
  }
  return out
}

/** §2.4.1: the prefix length counts characters (code points), not UTF-16 units. */
function prefixOf(value: string, length: number): string {
  let end = 0
  for (let n = 0; end < value.length && n < length; n++) end += value.codePointAt(end)! > 0xffff ? 2 : 1
  return value.slice(0, end)
}

function expandExpression({ op, vars }: Expression, variables: Record<string, unknown>): string {
  let out = ''
  let first = true
  for (const v of vars) {
    // hasOwn: a variable named `constructor` must not read Object.prototype.
    const value = Object.hasOwn(variables, v.name) ? variables[v.name] : undefined
    if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) continue
    out += first ? op.first : op.sep
    first = false
    if (!Array.isArray(value)) {
      const text = v.prefix === undefined ? String(value) : prefixOf(String(value), v.prefix)
      if (op.named) out += v.name + (text === '' ? op.ifEmpty : '=')
      out += encode(text, op.reserved)
    } else if (!v.explode) {
      // §2.4.1: a prefix modifier does not apply to lists.
      out += (op.named ? `${v.name}=` : '') + value.map((item) => encode(String(item), op.reserved)).join(',')
    } else if (op.named) {
      out += value.map((item) => v.name + (String(item) === '' ? op.ifEmpty : `=${encode(String(item), op.reserved)}`)).join(op.sep)
    } else out += value.map((item) => encode(String(item), op.reserved)).join(op.sep)
  }
  return out
}

// ---- matching: a Pike VM over a tiny instruction set (Cox, "Regular Expression Matching: the Virtual
// Machine Approach"). A backtracking RegExp for `{a}.{b}` took 2 s on 64 KiB of dots; this is O(uri × template).

type Inst =
  | { k: 'char'; c: string }
  | { k: 'class'; stops: string }
  | { k: 'split'; x: number; y: number }
  | { k: 'jmp'; x: number }
  | { k: 'save'; slot: number }
  | { k: 'match' }

type Matcher = (uri: string) => Record<string, string | string[]> | undefined
/** A capture group: one variable, or (for `?`/`&`) one whole query region parsed afterwards. */
type Group = { op: Operator; spec: VarSpec } | 'query'

function compile(parts: Part[]): Matcher {
  const prog: Inst[] = []
  const groups: Group[] = []
  const queryVars = new Map<string, VarSpec>()
  const literal = (text: string) => {
    for (const c of text) prog.push({ k: 'char', c }) // literals are stored encoded, hence ASCII
  }
  // Priority order is what a backtracking engine would try first: greedy takes the body, lazy skips it.
  const optional = (body: () => void, lazy = false) => {
    const at = prog.push({ k: 'jmp', x: 0 }) - 1
    body()
    prog[at] = lazy ? { k: 'split', x: prog.length, y: at + 1 } : { k: 'split', x: at + 1, y: prog.length }
  }
  const repeat = (body: () => void, lazy = false) => {
    const at = prog.length
    optional(() => {
      body()
      prog.push({ k: 'jmp', x: at })
    }, lazy)
  }
  const capture = (group: Group, body: () => void) => {
    const slot = groups.push(group) * 2 - 2
    prog.push({ k: 'save', slot })
    body()
    prog.push({ k: 'save', slot: slot + 1 })
  }

  parts.forEach((part, index) => {
    if (typeof part === 'string') return literal(part)
    const { op, vars } = part
    if (op.named && op.sep === '&') {
      for (const v of vars) queryVars.set(v.name, v)
      return capture('query', () =>
        optional(() => {
          literal(op.first)
          repeat(() => prog.push({ k: 'class', stops: '#' }))
        }),
      )
    }
    // A value may hold the separator only when nothing needs splitting on it.
    const stops = op.stops + (vars.length > 1 || vars.some((v) => v.explode) ? op.sep : '')
    // Values are greedy, except where that would starve what follows: reserved values may contain anything,
    // and `{name}{.ext}` should fill `ext` from `report.pdf`; those take as little as the rest allows.
    const lazy = op.reserved || typeof parts[index + 1] === 'object'
    const value = (min: 0 | 1) => {
      if (min) prog.push({ k: 'class', stops })
      repeat(() => prog.push({ k: 'class', stops }), lazy)
    }
    const assignment = () => optional(() => (literal('='), value(0))) // `;x=1` or bare `;x`
    const body = (spec: VarSpec) => {
      if (!op.named) return capture({ op, spec }, () => (value(1), spec.explode && repeat(() => (literal(op.sep), value(1)), lazy)))
      if (!spec.explode) return (literal(spec.name), capture({ op, spec }, assignment))
      const item = () => (literal(spec.name), assignment())
      capture({ op, spec }, () => (item(), repeat(() => (literal(op.sep), item()))))
    }
    // Expansion skips undefined variables; we recover the common case, where they are the trailing ones.
    const from = (i: number): void => {
      literal(i === 0 ? op.first : op.sep)
      body(vars[i]!)
      if (i + 1 < vars.length) optional(() => from(i + 1))
    }
    if (op.first) optional(() => from(0))
    else from(0)
  })
  prog.push({ k: 'match' })
  const firstExpression = parts.findIndex((part) => typeof part !== 'string')
  const head = parts.slice(0, firstExpression < 0 ? parts.length : firstExpression).join('')

  return (uri) => {
    if (!uri.startsWith(head)) return undefined // cheap rejection when routing across many templates
    const caps = run(prog, uri, groups.length * 2)
    if (!caps) return undefined
    const result: Record<string, string | string[]> = Object.create(null) // a variable may be named __proto__
    groups.forEach((group, g) => {
      const [start, end] = [caps[g * 2]!, caps[g * 2 + 1]!]
      if (start < 0 || end < 0) return
      const raw = uri.slice(start, end)
      if (group === 'query') return parseQuery(raw, queryVars, result)
      const { op, spec } = group
      if (!op.named) result[spec.name] = spec.explode ? raw.split(op.sep).map(decode) : decode(raw)
      else if (!spec.explode) result[spec.name] = decode(raw.slice(1))
      else result[spec.name] = raw.split(op.sep).map((item) => decode(item.slice(spec.name.length + 1)))
    })
    return result
  }
}

/** Runs threads in lockstep over the input; the first thread (in priority order) to match at the end wins. */
function run(prog: Inst[], input: string, slots: number): number[] | undefined {
  const seen = new Int32Array(prog.length).fill(-1) // which step last queued each pc: one thread per pc
  let step = 0
  let current: Array<{ pc: number; caps: number[] }> = []
  let next: typeof current = []
  const add = (list: typeof current, pc: number, caps: number[], pos: number): void => {
    if (seen[pc] === step) return
    seen[pc] = step
    const inst = prog[pc]!
    if (inst.k === 'jmp') return add(list, inst.x, caps, pos)
    if (inst.k === 'split') return (add(list, inst.x, caps, pos), add(list, inst.y, caps, pos))
    if (inst.k !== 'save') return void list.push({ pc, caps })
    const copy = caps.slice()
    copy[inst.slot] = pos
    add(list, pc + 1, copy, pos)
  }
  add(current, 0, new Array<number>(slots).fill(-1), 0)
  for (let pos = 0; current.length > 0; pos++) {
    step++
    const ch = input[pos]
    for (const { pc, caps } of current) {
      const inst = prog[pc]!
      if (ch === undefined) {
        if (inst.k === 'match') return caps
      } else if (inst.k === 'char' ? inst.c === ch : inst.k === 'class' && !inst.stops.includes(ch)) {
        add(next, pc + 1, caps, pos + 1)
      }
    }
    if (ch === undefined) return undefined
    ;[current, next] = [next, []]
  }
  return undefined
}

function parseQuery(raw: string, vars: Map<string, VarSpec>, result: Record<string, string | string[]>): void {
  for (const pair of raw.slice(1).split('&')) {
    const eq = pair.indexOf('=')
    const spec = vars.get(decode(eq < 0 ? pair : pair.slice(0, eq)))
    if (!spec) continue
    const value = eq < 0 ? '' : decode(pair.slice(eq + 1))
    const seen = result[spec.name]
    if (spec.explode) Array.isArray(seen) ? seen.push(value) : (result[spec.name] = [value])
    else if (seen === undefined) result[spec.name] = value
  }
}

/** Decodes each run of percent-encoded bytes; a run that is not valid UTF-8 is kept as written rather than failing. */
function decode(value: string): string {
  if (!value.includes('%')) return value
  return value.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run)
    } catch {
      return run
    }
  })
}
