import { createHash } from 'node:crypto'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import type { CallToolResult, ToolAnnotations } from '@plugboard/protocol'

/** The `policy` section of the config. */
export interface ConsentPolicyConfig {
  /** `server/tool` globs (`*` any run of characters, `?` one) never allowed; they win over everything. A glob without `/` names a whole server. */
  deny?: string[]
  /** `server/tool` globs allowed without asking. */
  alwaysAllow?: string[]
  /**
   * Allow without asking the tools whose server says `readOnlyHint: true`. Off by default: an
   * annotation is the server's claim, and only a user who trusts the server should act on it.
   */
  autoApproveReadOnly?: boolean
}

/** A tool call waiting for consent. */
export interface ConsentRequest {
  server: string
  /** The tool's own name, as the server knows it. */
  tool: string
  arguments?: Record<string, unknown>
  /** The tool's annotations, as the server declared them (hints, not facts). */
  annotations?: ToolAnnotations
}

/** What the policy says of a call: go ahead, refuse, or ask the user. */
export type ConsentDecision = 'allow' | 'deny' | 'ask'

/** A decision and, for the UI and the logs, why. */
export interface ConsentVerdict {
  decision: ConsentDecision
  reason: string
}

/** The user's answer: allow this call, allow this tool from now on, or refuse. */
export type ConsentAnswer = 'once' | 'always' | 'deny'

/** What the `ask` callback gets: the call, why the policy asks, and the annotations labelled as claims. */
export interface ConsentPrompt extends ConsentRequest {
  reason: string
  hints: AnnotationDescription
}

/** How a call ended up: allowed, or refused with the result to hand the model instead. */
export type ConsentOutcome = { allowed: true; reason: string } | { allowed: false; reason: string; result: CallToolResult }

/** Options of {@link ConsentPolicy}. */
export interface ConsentPolicyOptions {
  policy?: ConsentPolicyConfig
  /** Asks the user. Without it, every call the policy would ask about is denied. */
  ask?: (prompt: ConsentPrompt) => ConsentAnswer | Promise<ConsentAnswer>
  /** Where "allow always" answers are kept; without one they last until the process ends. */
  store?: ConsentStore
  /** Gets errors that do not change the outcome (a store that cannot be written). */
  onerror?: (error: Error) => void
}

/**
 * Decides whether a tool call may run, from the config's `policy`, the user's remembered
 * "allow always" answers, and — when it cannot decide — the user, through `ask`. Order: a `deny`
 * glob refuses; an `alwaysAllow` glob or a remembered answer allows; with `autoApproveReadOnly`,
 * a tool whose server claims `readOnlyHint: true` is allowed; anything else is asked.
 *
 * `check()` is pure and synchronous; `authorize()` asks when needed, remembers "always" answers,
 * and never rejects — a refusal comes back as the `isError` result to give the model.
 *
 * @example
 * const consent = new ConsentPolicy({ policy: config.policy, store: await ConsentStore.open({ configPath: config.source }), ask: ui.askToolConsent })
 * const outcome = await consent.authorize({ server, tool: tool.name, arguments: args, annotations: tool.annotations })
 * const result = outcome.allowed ? await catalog.callTool(name, args) : outcome.result
 */
export class ConsentPolicy {
  readonly #policy: ConsentPolicyConfig
  readonly #options: ConsentPolicyOptions
  readonly #remembered: Set<string>

  constructor(options: ConsentPolicyOptions = {}) {
    this.#options = options
    this.#policy = options.policy ?? {}
    this.#remembered = new Set(options.store?.allowed.map(key) ?? [])
  }

  /** What the policy says of this call, without asking anyone. */
  check(request: ConsentRequest): ConsentVerdict {
    return decideConsent(this.#policy, request, (server, tool) => this.#remembered.has(key({ server, tool })))
  }

  /** Decides, asking the user if the policy says to. Never rejects. */
  async authorize(request: ConsentRequest): Promise<ConsentOutcome> {
    const verdict = this.check(request)
    if (verdict.decision === 'allow') return { allowed: true, reason: verdict.reason }
    if (verdict.decision === 'deny') return refuse(request, verdict.reason)
    if (!this.#options.ask) return refuse(request, 'no one is there to ask for consent')
    let answer: ConsentAnswer
    try {
      answer = await this.#options.ask({ ...request, reason: verdict.reason, hints: describeAnnotations(request.annotations, request.server) })
    } catch (error) {
      return refuse(request, `asking for consent failed: ${(error as Error).message}`)
    }
    if (answer === 'once') return { allowed: true, reason: 'the user allowed this call' }
    if (answer === 'always') {
      await this.remember(request)
      return { allowed: true, reason: 'the user allowed this tool from now on' }
    }
    return refuse(request, 'the user declined')
  }

  /** Allows this server's tool from now on ("allow always"), in the store if there is one. Never rejects. */
  async remember(request: Pick<ConsentRequest, 'server' | 'tool'>): Promise<void> {
    this.#remembered.add(key(request))
    await this.#options.store?.add({ server: request.server, tool: request.tool }).catch((error: Error) => this.#options.onerror?.(error))
  }

  /** Forgets an "allow always" answer. Never rejects. */
  async forget(request: Pick<ConsentRequest, 'server' | 'tool'>): Promise<void> {
    this.#remembered.delete(key(request))
    await this.#options.store?.remove({ server: request.server, tool: request.tool }).catch((error: Error) => this.#options.onerror?.(error))
  }
}

/**
 * The pure decision: `deny` globs first, then `alwaysAllow` globs, then `isRemembered`, then
 * (opt-in) `readOnlyHint: true`, else `ask`.
 */
export function decideConsent(policy: ConsentPolicyConfig, request: ConsentRequest, isRemembered: (server: string, tool: string) => boolean = () => false): ConsentVerdict {
  const { server, tool } = request
  const denied = policy.deny?.find((glob) => matchesToolGlob(glob, server, tool))
  if (denied !== undefined) return { decision: 'deny', reason: `the policy denies "${denied}"` }
  const allowed = policy.alwaysAllow?.find((glob) => matchesToolGlob(glob, server, tool))
  if (allowed !== undefined) return { decision: 'allow', reason: `the policy always allows "${allowed}"` }
  if (isRemembered(server, tool)) return { decision: 'allow', reason: 'the user allowed this tool before' }
  if (policy.autoApproveReadOnly && request.annotations?.readOnlyHint === true) {
    return { decision: 'allow', reason: `server "${server}" says the tool is read-only, and the policy trusts such hints` }
  }
  return { decision: 'ask', reason: request.annotations?.readOnlyHint === true ? 'read-only hints are not trusted (autoApproveReadOnly is off)' : 'no rule covers this tool' }
}

/**
 * Whether a `server/tool` glob covers the call: `*` matches any run of characters, `?` one, the
 * rest literally (case-sensitive). A glob without `/` covers every tool of the servers it matches.
 */
export function matchesToolGlob(glob: string, server: string, tool: string): boolean {
  const slash = glob.indexOf('/')
  const [serverGlob, toolGlob] = slash === -1 ? [glob, '*'] : [glob.slice(0, slash), glob.slice(slash + 1)]
  return globToRegExp(serverGlob).test(server) && globToRegExp(toolGlob).test(tool)
}

function globToRegExp(glob: string): RegExp {
  const source = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')
  return new RegExp(`^${source}$`, 's')
}

/** The annotations as a UI should show them: each hint in words, and a reminder of who made the claim. */
export interface AnnotationDescription {
  /** Always `false`: annotations come from the server and nothing checks them. */
  verified: false
  /** One line for the UI, e.g. `Server "fs" says: read-only. These are the server's claims, not checked.` */
  summary: string
  hints: Array<{ hint: 'readOnlyHint' | 'destructiveHint' | 'idempotentHint' | 'openWorldHint'; value: boolean; text: string }>
}

const HINT_TEXT = {
  readOnlyHint: ['read-only: does not modify its environment', 'may modify its environment'],
  destructiveHint: ['may delete or overwrite data', 'only adds, never deletes or overwrites'],
  idempotentHint: ['repeating a call with the same arguments has no further effect', 'repeating a call may have further effects'],
  openWorldHint: ['reaches outside systems (the web, other services)', 'works within a closed set of data'],
} as const

/**
 * Labels a tool's annotations for the consent UI as what they are: hints the server declared,
 * which nothing verifies (spec: clients must treat them as untrusted unless the server is
 * trusted). Missing hints are left out rather than filled with the spec's defaults.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/server/tools#tool-annotations
 */
export function describeAnnotations(annotations: ToolAnnotations | undefined, server?: string): AnnotationDescription {
  const hints: AnnotationDescription['hints'] = []
  for (const hint of Object.keys(HINT_TEXT) as Array<keyof typeof HINT_TEXT>) {
    const value = annotations?.[hint]
    if (typeof value === 'boolean') hints.push({ hint, value, text: HINT_TEXT[hint][value ? 0 : 1] })
  }
  const who = server === undefined ? 'The server' : `Server "${server}"`
  const summary = hints.length === 0 ? `${who} gives no hints about this tool.` : `${who} says: ${hints.map((h) => h.text).join('; ')}. These are the server's claims, not checked.`
  return { verified: false, summary, hints }
}

/** The result handed to the model instead of running a refused call: `isError`, saying why. */
export function deniedResult(request: Pick<ConsentRequest, 'server' | 'tool'>, reason = 'the user declined'): CallToolResult {
  return {
    content: [{ type: 'text', text: `The call to tool "${request.tool}" of server "${request.server}" was not run: ${reason}. Do not retry it unless the user asks.` }],
    isError: true,
  }
}

function refuse(request: ConsentRequest, reason: string): ConsentOutcome {
  return { allowed: false, reason, result: deniedResult(request, reason) }
}

const key = ({ server, tool }: { server: string; tool: string }) => JSON.stringify([server, tool])

/** A remembered "allow always": this tool of this server. */
export interface RememberedTool {
  server: string
  tool: string
}

interface StoreFile {
  version: 1
  configs: Record<string, { config: string; allowed: RememberedTool[] }>
}

/**
 * The "allow always" answers for one config file, kept in a JSON file shared by all configs
 * (`$XDG_CONFIG_HOME/plugboard/consent.json` by default) under a hash of the config's absolute
 * path, so allowing a tool in one project does not allow it in another. Writes go through a
 * temporary file and a rename, re-reading the file first so two hosts do not undo each other.
 */
export class ConsentStore {
  readonly #path: string
  readonly #id: string
  readonly #configPath: string
  #allowed: RememberedTool[]

  private constructor(path: string, configPath: string, allowed: RememberedTool[]) {
    this.#path = path
    this.#configPath = configPath
    this.#id = createHash('sha256').update(configPath).digest('hex').slice(0, 16)
    this.#allowed = allowed
  }

  /** The default store file: `$XDG_CONFIG_HOME/plugboard/consent.json`, else `~/.config/plugboard/consent.json`. */
  static defaultPath(env: Record<string, string | undefined> = process.env): string {
    return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'plugboard', 'consent.json')
  }

  /** Loads the answers remembered for `configPath`. A missing file is empty; a corrupt one too, reported to `onerror` and rewritten on the next change. */
  static async open(options: { configPath: string; path?: string; onerror?: (error: Error) => void }): Promise<ConsentStore> {
    const configPath = resolve(options.configPath)
    const path = options.path ?? ConsentStore.defaultPath()
    const store = new ConsentStore(path, configPath, [])
    try {
      store.#allowed = (await store.#read()).configs[store.#id]?.allowed ?? []
    } catch (error) {
      options.onerror?.(error as Error)
    }
    return store
  }

  /** Where the answers are kept. */
  get path(): string {
    return this.#path
  }

  /** The remembered tools of this config. */
  get allowed(): RememberedTool[] {
    return [...this.#allowed]
  }

  /** Remembers a tool and saves. */
  add(tool: RememberedTool): Promise<void> {
    return this.#update((allowed) => (allowed.some((t) => key(t) === key(tool)) ? allowed : [...allowed, { server: tool.server, tool: tool.tool }]))
  }

  /** Forgets a tool and saves. */
  remove(tool: RememberedTool): Promise<void> {
    return this.#update((allowed) => allowed.filter((t) => key(t) !== key(tool)))
  }

  async #update(change: (allowed: RememberedTool[]) => RememberedTool[]): Promise<void> {
    this.#allowed = change(this.#allowed)
    const file = await this.#read().catch((): StoreFile => ({ version: 1, configs: {} }))
    const allowed = change(file.configs[this.#id]?.allowed ?? [])
    file.configs[this.#id] = { config: this.#configPath, allowed }
    this.#allowed = allowed
    await mkdir(dirname(this.#path), { recursive: true })
    const temporary = `${this.#path}.${process.pid}.tmp`
    await writeFile(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 })
    await rename(temporary, this.#path)
  }

  async #read(): Promise<StoreFile> {
    let text: string
    try {
      text = await readFile(this.#path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, configs: {} }
      throw error
    }
    const file = JSON.parse(text) as StoreFile
    if (file?.version !== 1 || typeof file.configs !== 'object' || file.configs === null) throw new Error(`${this.#path} is not a Plugboard consent file`)
    return file
  }
}
