import { existsSync, readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { basename, dirname, join, resolve, sep } from 'node:path'
import { parseEnv } from 'node:util'
import type { Root } from '@plugboard/protocol'
import * as z from 'zod'
import type { ConsentPolicyConfig } from './consent.js'
import { parseInputs, type ConfigInput, type InputPrompt } from './inputs.js'

/** A server the host spawns and talks to over its stdin/stdout. */
export interface StdioServerConfig {
  transport: 'stdio'
  command: string
  args: string[]
  /**
   * Added to the safe default environment; the host's own environment is not passed on. Holds the
   * variables of the entry's `envFile` too, its `env` entries winning over the file's.
   */
  env: Record<string, string>
  /** Absolute; a relative `cwd` in the file is resolved against the workspace folder (see {@link ParseConfigOptions.workspaceFolder}). */
  cwd?: string
}

/**
 * A server reached by URL. `'http'` (no `type`, or VS Code's `"http"`) tries Streamable HTTP and
 * falls back to the legacy HTTP+SSE transport, as VS Code and Cursor do; `'streamable-http'` and
 * `'sse'` use only that transport.
 */
export interface HttpServerConfig {
  transport: 'http' | 'streamable-http' | 'sse'
  url: string
  headers: Record<string, string>
  /**
   * How the host signs in when the server asks for OAuth authorization. Absent: it does, unless
   * `headers` has an `Authorization` header. `false`: never (a 401 is an error). `"oauth": true`
   * in the file is `{}`.
   */
  oauth?: OAuthServerConfig | false
}

/**
 * The `oauth` object of an HTTP server entry, in the spelling of Claude Code's `.mcp.json`
 * (`clientId`, `callbackPort`, `scopes`). Everything is optional: by default the host registers
 * itself (a Client ID Metadata Document, else Dynamic Client Registration) and asks for the scopes
 * the server names.
 */
export interface OAuthServerConfig {
  /** Shown by the authorization server on its consent page. Default `Plugboard host`. */
  clientName?: string
  /** A client registered beforehand with the authorization server (for one without registration). */
  clientId?: string
  /** That client's secret; write `"${MCP_CLIENT_SECRET}"` rather than the secret itself. */
  clientSecret?: string
  /** The https URL of a Client ID Metadata Document that is this host's client id. */
  clientMetadataUrl?: string
  /** Space-separated scopes to ask for when neither the server's challenge nor its metadata names any. */
  scope?: string
  /** A fixed port for the sign-in redirect (`http://127.0.0.1:<port>/callback`), for a `clientId` registered with that URL. Default: a free port. */
  callbackPort?: number
}

/** One entry of `mcpServers`, normalized. */
export type ServerConfig = StdioServerConfig | HttpServerConfig

/** A validated config file: servers in file order (those with `"disabled": true` left out), plus our sections. */
export interface HostConfig {
  /** The file it was read from, or the `source` given to `parseConfig`. */
  source: string
  servers: Record<string, ServerConfig>
  /** Roots offered to every server (`roots/list`). */
  roots: Root[]
  policy: ConsentPolicyConfig
  /** The `models` section as written: the app's provider config, not checked here. */
  models?: unknown
}

/** Where `parseConfig` looks up `${VAR}`, `${input:id}` and what relative paths are relative to. */
export interface ParseConfigOptions {
  /** Names the config in error messages (a path, or `'<inline>'`). */
  source?: string
  /** Variables for `${VAR}` expansion. Default `process.env`. */
  env?: Record<string, string | undefined>
  /** The folder the config file is in. Default: the folder of `source` if it is a path, else the current directory. */
  baseDir?: string
  /**
   * `${workspaceFolder}`, and the base of a relative `cwd` or `envFile`. Default: for a file in a
   * `.vscode` folder (VS Code's `.vscode/mcp.json`) the folder holding `.vscode`, as in VS Code;
   * else `baseDir`.
   */
  workspaceFolder?: string
  /** `${userHome}`. Default: the user's home directory. */
  home?: string
  /** Values of the config's `inputs` by id, for `${input:id}`. A used input without one is a problem. */
  inputs?: Record<string, string>
}

/** Options of {@link loadConfig}: those of {@link ParseConfigOptions}, and how to ask for inputs. */
export interface LoadConfigOptions extends Omit<ParseConfigOptions, 'source'> {
  /**
   * Asks the user for each input an enabled server uses (`${input:id}`) that `inputs` has no value
   * for, once per input, in the order of the file's `inputs`, after the rest of the config was
   * found valid. Without it, such an input is a problem.
   */
  promptInput?: InputPrompt
}

/**
 * A config that cannot be used. `problems` lists every one found, each naming its field
 * (`mcpServers.github.command: expected a string, got a number`); `message` holds them all.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`Invalid MCP config ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
  }
}

/**
 * The config files looked for when none is given, in order: `./mcp.json`, then
 * `$XDG_CONFIG_HOME/plugboard/mcp.json` (`~/.config/plugboard/mcp.json`).
 */
export function defaultConfigPaths(options: { cwd?: string; home?: string; env?: Record<string, string | undefined> } = {}): string[] {
  const env = options.env ?? process.env
  const configHome = env.XDG_CONFIG_HOME || join(options.home ?? homedir(), '.config')
  return [join(options.cwd ?? process.cwd(), 'mcp.json'), join(configHome, 'plugboard', 'mcp.json')]
}

/** The config to load: `explicit` (the `--config` flag) if given, else the first default path that exists. */
export function resolveConfigPath(explicit?: string, options: Parameters<typeof defaultConfigPaths>[0] = {}): string | undefined {
  if (explicit) return resolve(options.cwd ?? process.cwd(), explicit)
  return defaultConfigPaths(options).find((path) => existsSync(path))
}

/**
 * Reads and validates a config file (JSON, comments and trailing commas allowed as in VS Code's
 * `mcp.json`). Without a path, uses {@link resolveConfigPath}. The `${input:id}` values it needs
 * come from `options.inputs`, else from `options.promptInput`, asked once each and only once the
 * rest of the file is valid. Rejects with a {@link ConfigError} naming every problem (never an
 * input's value); nothing is half-loaded.
 * @example
 * const config = await loadConfig(flags.config) // ./mcp.json, else ~/.config/plugboard/mcp.json
 */
export async function loadConfig(path?: string, options: LoadConfigOptions = {}): Promise<HostConfig> {
  const file = resolveConfigPath(path)
  if (!file) throw new ConfigError('(none)', [`no config file given, and none found at ${defaultConfigPaths().join(' or ')}`])
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new ConfigError(file, [`cannot read the file: ${(error as Error).message}`])
  }
  const { promptInput, ...rest } = options
  const settings: ParseConfigOptions = { baseDir: dirname(file), ...rest, source: file }
  if (!promptInput) return parseConfig(text, settings)
  const data = parseData(text, file)
  // First without the missing inputs, so a broken file is reported before anyone types a secret.
  const first = build(data, settings, { values: settings.inputs ?? {}, collect: true })
  if (first.problems.length > 0) throw new ConfigError(file, first.problems)
  const values: Record<string, string> = { ...settings.inputs }
  for (const input of first.inputs.values()) {
    const servers = first.used.get(input.id)
    if (!servers || values[input.id] !== undefined) continue
    const value = await promptInput(input, { servers: [...servers] })
    if (input.type === 'pickString' && !input.options.some((o) => o.value === value)) {
      throw new ConfigError(file, [`inputs.${input.id}: ${JSON.stringify(value)} is not one of ${input.options.map((o) => JSON.stringify(o.value)).join(', ')}`])
    }
    values[input.id] = value
  }
  return parseConfig(data, { ...settings, inputs: values })
}

/**
 * Validates an `mcpServers` config — Claude Desktop's and Cursor's `mcpServers`, or VS Code's
 * `servers` — given as JSON text (comments allowed) or as a parsed value. Every problem is
 * collected into one {@link ConfigError}.
 */
export function parseConfig(json: unknown, options: ParseConfigOptions | string = {}): HostConfig {
  const settings = typeof options === 'string' ? { source: options } : options
  const { config, problems } = build(parseData(json, settings.source ?? '<inline>'), settings, { values: settings.inputs ?? {}, collect: false })
  if (problems.length > 0) throw new ConfigError(settings.source ?? '<inline>', problems)
  return config
}

/** The config as a JSON object: text is parsed (comments allowed); anything but an object is an error. */
function parseData(json: unknown, source: string): Record<string, unknown> {
  let data = json
  if (typeof json === 'string') {
    const parsed = parseJsonc(json)
    if (!parsed.ok) throw new ConfigError(source, [parsed.error])
    data = parsed.value
  }
  if (!isObject(data)) throw new ConfigError(source, ['expected a JSON object with an "mcpServers" object'])
  return data
}

/**
 * Validates and expands the config. With `collect`, an input without a value is not a problem:
 * it is only recorded in `used`, and problems of the fields it is in are left out, as they may be
 * the missing value's (a URL made of an input).
 */
function build(
  data: Record<string, unknown>,
  options: ParseConfigOptions,
  inputValues: { values: Record<string, string>; collect: boolean },
): { config: HostConfig; problems: string[]; inputs: Map<string, ConfigInput>; used: Map<string, Set<string>> } {
  const { source = '<inline>', env = process.env } = options
  const problems: string[] = []
  const top = TopSchema.safeParse(data, { error: describeIssue })
  if (!top.success) for (const issue of top.error.issues) problems.push(`${formatPath(issue.path)}: ${issue.message}`)
  if (data.mcpServers === undefined && data.servers === undefined) problems.push('mcpServers: required: expected an object of servers by name')
  const inputs = parseInputs(data.inputs, problems, { formatPath, describeIssue })

  // No prototype: a server may be called "constructor" (or "__proto__").
  const servers: Record<string, ServerConfig> = Object.create(null)
  const baseDir = options.baseDir ?? (source.startsWith('<') ? process.cwd() : dirname(resolve(source)))
  const workspaceFolder = options.workspaceFolder ?? (basename(baseDir) === '.vscode' ? dirname(baseDir) : baseDir)
  const context: Context = {
    env,
    workspaceFolder,
    predefined: { workspaceFolder, workspaceFolderBasename: basename(workspaceFolder), userHome: options.home ?? homedir(), pathSeparator: sep, '/': sep },
    inputs,
    inputValues,
    used: new Map(),
    pending: new Set(),
    secret: new Set(),
    problems,
  }
  for (const key of ['mcpServers', 'servers'] as const) {
    const section = data[key]
    if (!isObject(section)) continue
    for (const [name, raw] of Object.entries(section)) {
      const path = formatPath([key, name])
      if (name.trim() === '') problems.push(`${path}: a server name must not be empty`)
      else if (key === 'servers' && isObject(data.mcpServers) && Object.hasOwn(data.mcpServers, name)) {
        problems.push(`${path}: "${name}" is also defined under mcpServers`)
      }
      const server = parseServer(raw, [key, name], context)
      if (server) servers[name] = server
    }
  }

  const roots = (top.data?.roots ?? []).map((root, i) => ({ ...root, uri: expand(root.uri, ['roots', i, 'uri'], context) }))
  const config: HostConfig = { source, servers, roots, policy: top.data?.policy ?? {} }
  if (data.models !== undefined) config.models = data.models
  const pending = [...context.pending]
  const kept = problems.filter((problem) => !pending.some((path) => problem.startsWith(`${path}:`) || problem.startsWith(`${path}.`) || problem.startsWith(`${path}[`)))
  return { config, problems: kept, inputs, used: context.used }
}

const stringArray = z.array(z.string())
const TopSchema = z.looseObject({
  mcpServers: z.record(z.string(), z.unknown()).optional(),
  servers: z.record(z.string(), z.unknown()).optional(),
  // Checked by parseInputs, so each entry's problem is named by its own fields.
  inputs: z.unknown().optional(),
  roots: z.array(z.object({ uri: z.string().startsWith('file://'), name: z.string().optional() })).optional(),
  policy: z.strictObject({ deny: stringArray.optional(), alwaysAllow: stringArray.optional(), autoApproveReadOnly: z.boolean().optional() }).optional(),
})

// Loose: entries often carry other clients' keys (Cline's `autoApprove`, VS Code's `envFile`…).
const common = { disabled: z.boolean().optional() }
const StdioSchema = z.looseObject({
  ...common,
  type: z.literal('stdio').optional(),
  command: z.string().min(1),
  args: stringArray.optional(),
  env: z.record(z.string(), z.string()).optional(),
  envFile: z.string().min(1).optional(),
  cwd: z.string().min(1).optional(),
})
// Strict: a misspelt `clientID` must not silently fall back to registration.
const OAuthSchema = z.strictObject({
  clientName: z.string().min(1).optional(),
  clientId: z.string().min(1).optional(),
  clientSecret: z.string().min(1).optional(),
  clientMetadataUrl: z.string().min(1).optional(),
  scope: z.string().min(1).optional(),
  // Claude Code's spelling: one space-separated string; a list is read too.
  scopes: z.string().min(1).or(stringArray).optional(),
  callbackPort: z.number().int().min(1).max(65535).optional(),
})
const HttpSchema = z.looseObject({
  ...common,
  type: z.enum(['http', 'streamable-http', 'sse']).optional(),
  url: z.string().min(1),
  headers: z.record(z.string(), z.string()).optional(),
  // Checked by parseOAuth, so a bad field is named rather than lost in a union's error.
  oauth: z.unknown().optional(),
})
const TYPES = ['stdio', 'http', 'streamable-http', 'sse']

interface Context {
  env: Record<string, string | undefined>
  workspaceFolder: string
  /** VS Code's predefined variables we have a meaning for: `${workspaceFolder}`, `${userHome}`… */
  predefined: Record<string, string>
  inputs: Map<string, ConfigInput>
  inputValues: { values: Record<string, string>; collect: boolean }
  /** Input id → the servers (or `roots`) using it. */
  used: Map<string, Set<string>>
  /** Fields holding an input whose value is not known yet (when collecting). */
  pending: Set<string>
  /** Fields holding a password input's value: never echoed in a problem. */
  secret: Set<string>
  problems: string[]
}

function parseServer(raw: unknown, at: PropertyKey[], context: Context): ServerConfig | undefined {
  const { problems } = context
  const path = formatPath(at)
  if (!isObject(raw)) return void problems.push(`${path}: expected an object with "command" (stdio) or "url" (HTTP)`)
  if (raw.type !== undefined && !TYPES.includes(raw.type as string)) {
    return void problems.push(`${path}.type: expected one of ${TYPES.map((t) => `"${t}"`).join(', ')}, got ${JSON.stringify(raw.type)}`)
  }
  if ('command' in raw && 'url' in raw) return void problems.push(`${path}: has both "command" and "url"; a server is either stdio (command) or HTTP (url)`)
  const stdio = raw.type === 'stdio' || (raw.type === undefined && 'command' in raw)
  if (!stdio && raw.type === undefined && !('url' in raw)) return void problems.push(`${path}: expected "command" (a stdio server) or "url" (an HTTP server)`)

  const report = (issues: z.core.$ZodIssue[]) => void problems.push(...issues.map((issue) => `${formatPath([...at, ...issue.path])}: ${issue.message}`))
  const ex = (value: string, ...rest: PropertyKey[]) => expand(value, [...at, ...rest], context)
  const values = (record: Record<string, string> | undefined, key: string) =>
    Object.fromEntries(Object.entries(record ?? {}).map(([k, v]) => [k, ex(v, key, k)]))
  if (stdio) {
    const parsed = StdioSchema.safeParse(raw, { error: describeIssue })
    if (!parsed.success) return report(parsed.error.issues)
    if (parsed.data.disabled) return undefined
    const { command, args = [], env, envFile, cwd } = parsed.data
    const fromFile = envFile === undefined ? {} : readEnvFile(ex(envFile, 'envFile'), [...at, 'envFile'], context)
    const server: StdioServerConfig = { transport: 'stdio', command: ex(command, 'command'), args: args.map((a, i) => ex(a, 'args', i)), env: { ...fromFile, ...values(env, 'env') } }
    if (cwd !== undefined) server.cwd = resolve(context.workspaceFolder, ex(cwd, 'cwd'))
    return server
  }
  const parsed = HttpSchema.safeParse(raw, { error: describeIssue })
  if (!parsed.success) return report(parsed.error.issues)
  if (parsed.data.disabled) return undefined
  const { type, headers } = parsed.data
  // Checked once expanded: `"url": "${MCP_URL}"` is fine.
  const url = ex(parsed.data.url, 'url')
  if (!/^https?:$/.test(URL.parse(url)?.protocol ?? '')) problems.push(`${formatPath([...at, 'url'])}: expected an http(s) URL, got ${shown(url, parsed.data.url, [...at, 'url'], context)}`)
  // The URL is the OAuth resource: kept in the token store, sent to the authorization server, shown in errors.
  if (context.secret.has(formatPath([...at, 'url']))) problems.push(`${path}: a password input cannot be part of "url", where it would be stored and shown; send it in "headers"`)
  const server: HttpServerConfig = { transport: type ?? 'http', url, headers: values(headers, 'headers') }
  const oauth = parseOAuth(parsed.data.oauth, [...at, 'oauth'], context)
  if (oauth !== undefined) server.oauth = oauth
  return server
}

/** The `oauth` of an HTTP server: `false`, `true` (= `{}`), or the object; `undefined` when absent or bad. */
function parseOAuth(value: unknown, at: PropertyKey[], context: Context): OAuthServerConfig | false | undefined {
  const { problems } = context
  if (value === undefined) return undefined
  if (typeof value === 'boolean') return value && {}
  if (!isObject(value)) return void problems.push(`${formatPath(at)}: expected true, false or an object, got ${describeValue(value)}`)
  const parsed = OAuthSchema.safeParse(value, { error: describeIssue })
  if (!parsed.success) return void problems.push(...parsed.error.issues.map((issue) => `${formatPath([...at, ...issue.path])}: ${issue.message}`))
  const raw = parsed.data
  const out: OAuthServerConfig = {}
  for (const key of ['clientName', 'clientId', 'clientSecret', 'clientMetadataUrl', 'scope'] as const) {
    if (raw[key] !== undefined) out[key] = expand(raw[key], [...at, key], context)
  }
  if (raw.scopes !== undefined) {
    if (raw.scope !== undefined) problems.push(`${formatPath(at)}: has both "scope" and "scopes"; give one`)
    out.scope = typeof raw.scopes === 'string' ? expand(raw.scopes, [...at, 'scopes'], context) : raw.scopes.join(' ')
  }
  if (raw.callbackPort !== undefined) out.callbackPort = raw.callbackPort
  if (out.clientSecret !== undefined && out.clientId === undefined) problems.push(`${formatPath([...at, 'clientSecret'])}: a client secret needs its "clientId"`)
  const metadata = out.clientMetadataUrl === undefined ? undefined : URL.parse(out.clientMetadataUrl)
  if (out.clientMetadataUrl !== undefined && (metadata?.protocol !== 'https:' || metadata.pathname === '/')) {
    problems.push(`${formatPath([...at, 'clientMetadataUrl'])}: expected an https URL with a path, got ${shown(out.clientMetadataUrl, raw.clientMetadataUrl!, [...at, 'clientMetadataUrl'], context)}`)
  }
  return out
}

const VARIABLE = /\$\{([^}]*)\}/g
const NAME = /^(?:env:)?([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s
const SUPPORTED = '${VAR}, ${env:VAR}, ${VAR:-default}, ${input:id}, ${workspaceFolder} or ${userHome}'

/**
 * Expands `${VAR}`, `${env:VAR}` (VS Code's and Cursor's spelling) and `${VAR:-default}` (the
 * default also replaces an empty value, as in the shell), VS Code's `${input:id}` and its
 * predefined `${workspaceFolder}`, `${workspaceFolderBasename}`, `${userHome}`, `${pathSeparator}`
 * (`${/}`). An unset variable without a default is a problem: a server started with a literal
 * `${GITHUB_TOKEN}` fails in confusing ways later.
 */
function expand(value: string, at: PropertyKey[], context: Context): string {
  const { env, problems } = context
  return value.replace(VARIABLE, (whole, inner: string) => {
    if (inner.startsWith('input:')) return inputValue(inner.slice('input:'.length), whole, at, context)
    if (Object.hasOwn(context.predefined, inner)) return context.predefined[inner]!
    const match = NAME.exec(inner)
    if (!match) {
      problems.push(`${formatPath(at)}: unsupported variable ${whole}; use ${SUPPORTED}`)
      return whole
    }
    const [, name, fallback] = match as unknown as [string, string, string | undefined]
    const set = env[name]
    if (fallback !== undefined) return set ? set : fallback
    if (set === undefined) problems.push(`${formatPath(at)}: ${whole} is not set in the environment`)
    return set ?? ''
  })
}

/** The value of `${input:id}` at `at`, noting which server uses it (the second key of a server's path). */
function inputValue(id: string, whole: string, at: PropertyKey[], context: Context): string {
  const path = formatPath(at)
  const input = context.inputs.get(id)
  if (!input) {
    const declared = [...context.inputs.keys()]
    context.problems.push(`${path}: ${whole} is not declared in "inputs"${declared.length ? ` (declared: ${declared.join(', ')})` : ''}`)
    return ''
  }
  const user = at[0] === 'roots' ? 'roots' : String(at[1])
  const users = context.used.get(id) ?? new Set<string>()
  context.used.set(id, users.add(user))
  if (input.type === 'promptString' && input.password) context.secret.add(path)
  const value = context.inputValues.values[id]
  if (value !== undefined) return value
  if (context.inputValues.collect) context.pending.add(path)
  else context.problems.push(`${path}: no value was given for ${whole}`)
  return ''
}

/** How a problem shows a field's expanded value: as written in the file when it holds a password input. */
function shown(expanded: string, raw: string, at: PropertyKey[], context: Context): string {
  return JSON.stringify(context.secret.has(formatPath(at)) ? raw : expanded)
}

/**
 * The variables of a server's `envFile` (dotenv format, read with Node's `util.parseEnv`: no
 * expansion inside the file), relative to the workspace folder. A missing file is a problem:
 * a server started without its credentials fails later and less clearly.
 */
function readEnvFile(path: string, at: PropertyKey[], context: Context): Record<string, string> {
  // Its name is not known yet (made of an input): read on the second pass.
  if (context.pending.has(formatPath(at))) return {}
  const file = resolve(context.workspaceFolder, path)
  try {
    return parseEnv(readFileSync(file, 'utf8')) as Record<string, string>
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException
    context.problems.push(`${formatPath(at)}: cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : message}`)
    return {}
  }
}

/** One zod issue in words a user of the config file understands. */
function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type': {
      const expected = EXPECTED[issue.expected] ?? issue.expected
      return issue.input === undefined ? `required: expected ${expected}` : `expected ${expected}, got ${describeValue(issue.input)}`
    }
    case 'invalid_value':
      return `expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${JSON.stringify(issue.input)}`
    case 'too_small':
      return issue.origin === 'string' || issue.origin === 'array' ? 'must not be empty' : undefined
    case 'invalid_format':
      if (issue.format === 'starts_with') return `expected a file:// URI, got ${JSON.stringify(issue.input)}`
      return undefined
    case 'unrecognized_keys':
      return `unknown ${issue.keys.length === 1 ? 'key' : 'keys'} ${issue.keys.map((k) => `"${k}"`).join(', ')}`
    default:
      return undefined
  }
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  array: 'an array',
  object: 'an object',
  record: 'an object',
}

function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}

/** `mcpServers.github.args[1]`; keys that are not plain words are quoted: `mcpServers["my server"]`. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`
    else if (/^[\w-]+$/.test(String(key))) out += out ? `.${String(key)}` : String(key)
    else out += `[${JSON.stringify(String(key))}]`
  }
  return out || '(root)'
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * JSON with `//` and `/* *\/` comments and trailing commas, which VS Code's `mcp.json` allows.
 * Comments and those commas become spaces, so the parser's positions still match the text.
 */
function parseJsonc(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const source = text.replace(/^\uFEFF/, ' ')
  const chars = source.split('')
  scan(chars, (i) => {
    if (chars[i] !== '/' || (chars[i + 1] !== '/' && chars[i + 1] !== '*')) return i
    const closer = chars[i + 1] === '/' ? '\n' : '*/'
    const found = source.indexOf(closer, i + 2)
    const end = found === -1 ? chars.length : closer === '\n' ? found : found + 2
    for (let j = i; j < end; j++) if (chars[j] !== '\n') chars[j] = ' '
    return end - 1
  })
  scan(chars, (i) => {
    if (chars[i] !== ',') return i
    let j = i + 1
    while (j < chars.length && /\s/.test(chars[j]!)) j++
    if (chars[j] === '}' || chars[j] === ']') chars[i] = ' '
    return i
  })
  const cleaned = chars.join('')
  try {
    return { ok: true, value: JSON.parse(cleaned) }
  } catch (error) {
    const message = (error as Error).message.replace(/, ".*" is not valid JSON$/s, '')
    const at = /at position (\d+)/.exec(message)
    if (!at) return { ok: false, error: `malformed JSON: ${message}` }
    const lines = cleaned.slice(0, Number(at[1])).split('\n')
    return { ok: false, error: `malformed JSON at line ${lines.length}, column ${lines.at(-1)!.length + 1}: ${message.replace(/ in JSON at position \d+/, '')}` }
  }
}

/** Calls `visit` at each index outside string literals; it returns the index it consumed up to. */
function scan(chars: string[], visit: (i: number) => number): void {
  let inString = false
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]
    if (inString) {
      if (c === '\\') i++
      else if (c === '"') inString = false
    } else if (c === '"') inString = true
    else i = visit(i)
  }
}
