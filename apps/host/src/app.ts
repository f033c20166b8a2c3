import {
  Catalog,
  ConsentPolicy,
  SamplingPolicy,
  ServerManager,
  TaskList,
  type AuthorizationOptions,
  type ConsentPolicyConfig,
  type ConsentStore,
  type HostConfig,
  type SamplingPolicyOptions,
  type ServerManagerOptions,
  type ServerStatus,
  type HostTask,
} from '@plugboard/host'
import { TASKS_EXTENSION_ID, type CallToolResult, type ContentBlock, type CreateMessageRequestParams, type CreateMessageResult, type Root } from '@plugboard/protocol'
import { SKILLS_EXTENSION_ID } from '@plugboard/skills/client'
import { DEFAULT_SYSTEM_PROMPT, resultText, runTurn, type AgentOptions, type TurnResult } from './agent.js'
import type { ChatMessage, ModelProvider, ToolCall } from './providers/provider.js'
import { createSamplingHandler } from './sampling.js'
import { loadServerSkill, withSkills, type ContextSkill } from './skills.js'
import type { HostUi } from './ui/host-ui.js'

/** The longest context one MCP App view may give the model, in characters. */
export const MAX_MODEL_CONTEXT = 20_000
/** Views whose contexts are kept at once; the oldest is forgotten past it. */
const MAX_CONTEXT_SOURCES = 20

/** Options of {@link HostApp}. */
export interface HostAppOptions {
  config: HostConfig
  provider: ModelProvider
  ui: HostUi
  /** Where "allow always" answers are kept; without one they last until the process ends. */
  consentStore?: ConsentStore
  /** Overrides the config's `policy` fields (the `--approve` flag sets `autoApproveReadOnly`). */
  policy?: ConsentPolicyConfig
  sampling?: SamplingPolicyOptions
  /** Restart and health settings of the server manager. */
  manager?: Pick<ServerManagerOptions, 'restart' | 'pingIntervalMs' | 'pingTimeoutMs' | 'connectTimeoutMs' | 'closeGraceMs'>
  /**
   * Signing in to servers that ask for OAuth: the token store (default
   * `~/.config/plugboard/tokens.json`) and more. Without an `open`, each sign-in URL is reported
   * as an `authorization` event and handed to `openUrl`.
   */
  authorization?: AuthorizationOptions
  /** Opens a sign-in URL in the browser (the CLI's desktop opener); a failure leaves the printed URL to the user. */
  openUrl?: (url: string) => Promise<void>
  agent?: Pick<AgentOptions, 'maxSteps' | 'system' | 'model' | 'toolTimeoutMs' | 'taskWaitMs'>
  clientInfo?: { name: string; version: string }
  /**
   * The interface renders MCP Apps (the web host): servers are told so (the UI extension) and may
   * link their tools to views.
   */
  apps?: boolean
}

/**
 * The host: every configured server behind one catalog, a model, and the user in the loop for
 * tool calls (consent), sampling (review of request and answer), elicitation (forms, URLs) and
 * roots. Interfaces (terminal chat, one-shot, demo) drive it through `send()` and answer it
 * through their {@link HostUi}.
 */
export class HostApp {
  readonly manager: ServerManager
  readonly catalog: Catalog
  readonly consent: ConsentPolicy
  readonly provider: ModelProvider
  /** The consent policy in force: the config's, with the options' overrides. */
  readonly policy: ConsentPolicyConfig
  /** Tool calls running as tasks (SEP-2663): `/tasks` lists them, `/cancel` stops one. */
  readonly tasks: TaskList
  /** The conversation so far (`/clear` empties it). */
  readonly history: ChatMessage[] = []
  /** Skills added to the conversation's context (`/skills add`): the model reads them with the system prompt. */
  readonly skills: ContextSkill[] = []
  /**
   * Gets each tool call's whole result as the model's call got it (`structuredContent` included,
   * which events leave out), with the call's `id` (the `tool_call` event's): the web host hands it
   * to the tool's MCP App view.
   */
  onToolResult: ((call: ToolCall, result: CallToolResult) => void) | undefined
  /** Results of tasks that ended after their turn, for the model's next turn. */
  readonly #taskResults: string[] = []
  /** What MCP App views told the model (`ui/update-model-context`), by source; `sent` once the model has this version. */
  readonly #contexts = new Map<string, { label: string; text: string; sent: boolean }>()
  readonly #detached = new Set<string>()
  readonly #options: HostAppOptions
  #samplingPolicy: SamplingPolicy
  #roots: Root[]
  readonly #off: Array<() => void> = []

  constructor(options: HostAppOptions) {
    this.#options = options
    const { config, provider, ui } = options
    this.provider = provider
    this.#roots = config.roots
    const samplingPolicy = (this.#samplingPolicy = new SamplingPolicy(options.sampling))
    this.manager = new ServerManager({
      ...options.manager,
      servers: config.servers,
      roots: config.roots,
      apps: options.apps,
      clientInfo: options.clientInfo ?? { name: 'plugboard-host', version: '0.0.0' },
      authorization: {
        open: ({ server, url }) => {
          ui.emit({ type: 'authorization', server, url: url.href })
          void options.openUrl?.(url.href).catch(() => undefined)
        },
        ...options.authorization,
      },
      client: (server) => ({
        // Tasks let a long call outlive its turn; skills are offered to every client that declares the extension.
        capabilities: { extensions: { [TASKS_EXTENSION_ID]: {}, [SKILLS_EXTENSION_ID]: {} } },
        sampling: createSamplingHandler({ server, provider, policy: samplingPolicy, ui }),
        elicitation: {
          form: async (params) => this.#elicited(server, 'form', await ui.elicitForm({ server, params })),
          url: async (params) => this.#elicited(server, 'url', await ui.elicitUrl({ server, params })),
        },
      }),
    })
    this.catalog = new Catalog(this.manager)
    this.tasks = new TaskList(this.catalog, this.manager)
    this.policy = { ...config.policy, ...options.policy }
    this.consent = new ConsentPolicy({
      policy: this.policy,
      store: options.consentStore,
      ask: (prompt) => ui.askConsent({ ...prompt, name: this.#toolName(prompt.server, prompt.tool) }),
      onerror: (error) => ui.emit({ type: 'error', message: `Could not save the consent answer: ${error.message}` }),
    })
    this.#off.push(
      this.manager.on('state', (s) => ui.emit({ type: 'server', name: s.name, state: s.state, pid: s.pid, error: s.error?.message, retryInMs: s.retryInMs })),
      this.manager.on('log', ({ server, params }) => ui.emit({ type: 'log', server, level: params.level, logger: params.logger, data: params.data })),
      this.manager.on('error', ({ server, error }) => ui.emit({ type: 'error', message: server ? `${server}: ${error.message}` : error.message })),
      this.catalog.on('error', ({ server, error }) => ui.emit({ type: 'error', message: `${server}: listing failed: ${error.message}` })),
      this.tasks.on('task', (task) => this.#taskChanged(task)),
      this.tasks.on('error', ({ error }) => ui.emit({ type: 'error', message: error.message })),
    )
  }

  /** Starts every server and lists what the ready ones offer. Resolves with each server's status. */
  async start(): Promise<ServerStatus[]> {
    const statuses = await this.manager.start()
    await this.catalog.refresh()
    return statuses
  }

  /**
   * Runs one user message through the model and the tools. `signal` cancels it (Ctrl-C). Results of
   * tasks that ended since the last turn go into the conversation first; the skills in context go
   * with the system prompt.
   */
  send(input: string, signal: AbortSignal = new AbortController().signal): Promise<TurnResult> {
    const { provider, ui, agent } = this.#options
    if (this.#taskResults.length > 0) this.history.push({ role: 'user', content: this.#taskResults.splice(0).join('\n\n') })
    const contexts = [...this.#contexts.values()].filter((c) => !c.sent)
    if (contexts.length > 0) {
      for (const context of contexts) {
        context.sent = true
        ui.emit({ type: 'model_context', source: context.label, text: context.text })
      }
      this.history.push({ role: 'user', content: contexts.map((c) => `[${c.label} updated what the model should know of it (sent by the app, not typed by the user):]\n${c.text}`).join('\n\n') })
    }
    return runTurn(
      this.history,
      input,
      {
        ...agent,
        system: withSkills(agent?.system ?? DEFAULT_SYSTEM_PROMPT, this.skills),
        provider,
        catalog: this.catalog,
        onToolResult: (call, result) => this.onToolResult?.(call, result),
        consent: this.consent,
        tasks: this.tasks,
        onTaskDetached: (task) => this.#detach(task),
        emit: (e) => ui.emit(e),
      },
      signal,
    )
  }

  /**
   * Loads the skill `name` of `server`, its SKILL.md verified against the server's manifest, into
   * the conversation's context (replacing an earlier copy). Rejects with a `SkillVerificationError`
   * when the file does not match, or an Error naming what is missing; the context is then unchanged.
   */
  async addSkill(server: string, name: string): Promise<ContextSkill> {
    const skill = await loadServerSkill(this.manager, server, name)
    const index = this.skills.findIndex((s) => s.server === server && s.name === skill.name)
    if (index === -1) this.skills.push(skill)
    else this.skills[index] = skill
    return skill
  }

  /**
   * Sets what the model should know of `source` (an MCP App view's `ui/update-model-context`: each
   * update replaces the last), given to the model with the next user message — once per version,
   * announced to the interface as a `model_context` event so the user sees what the app told the
   * model. `undefined` forgets the source (its view was closed). Text blocks are kept as text,
   * other blocks described, `structuredContent` as JSON; at most {@link MAX_MODEL_CONTEXT} characters.
   */
  setModelContext(source: string, label: string, context: { content?: ContentBlock[]; structuredContent?: Record<string, unknown> } | undefined): void {
    if (context === undefined) return void this.#contexts.delete(source)
    let text = resultText({ content: context.content ?? [], ...(context.structuredContent !== undefined && { structuredContent: context.structuredContent }) })
    if (context.content?.length && context.structuredContent !== undefined) text += `\n${JSON.stringify(context.structuredContent)}`
    if (text.length > MAX_MODEL_CONTEXT) text = `${text.slice(0, MAX_MODEL_CONTEXT)}… (cut at ${MAX_MODEL_CONTEXT} characters)`
    const known = this.#contexts.get(source)
    if (known?.text === text) return
    // Re-inserted: the newest context goes last.
    this.#contexts.delete(source)
    this.#contexts.set(source, { label, text, sent: false })
    if (this.#contexts.size > MAX_CONTEXT_SOURCES) this.#contexts.delete(this.#contexts.keys().next().value!)
  }

  /**
   * Answers a `sampling/createMessage` that comes from elsewhere than a server's connection — an MCP
   * App view of `server` (`label` names it for the user) — exactly as the server's own would be: the
   * server's rate limit, the request and then the model's answer shown for review. Rejects with
   * McpError(-1) when the user declines either.
   */
  sample(server: string, label: string, params: CreateMessageRequestParams, signal: AbortSignal): Promise<CreateMessageResult> {
    const handler = createSamplingHandler({ server, label, provider: this.provider, policy: this.#samplingPolicy, ui: this.#options.ui })
    return handler(params, { signal } as never) as Promise<CreateMessageResult>
  }

  /** Forgets the conversation: its messages, the skills added to it, the task results and app contexts not yet given to the model. */
  clear(): void {
    this.history.length = 0
    this.skills.length = 0
    this.#taskResults.length = 0
    // The model's memory of every view is gone with the messages: a later turn gives it each view's context again.
    for (const context of this.#contexts.values()) context.sent = false
  }

  /** The model the agent uses: `agent.model`, else the provider's first. */
  get model(): string | undefined {
    return this.#options.agent?.model ?? this.provider.models[0]?.name
  }

  get roots(): readonly Root[] {
    return this.#roots
  }

  /** Replaces the roots offered to servers; connected ones are told the list changed. */
  async setRoots(roots: Root[]): Promise<void> {
    this.#roots = roots
    await this.manager.setRoots(roots)
  }

  /** Stops every server (no process left behind) and every listener. */
  async close(): Promise<void> {
    for (const off of this.#off.splice(0)) off()
    this.tasks.close()
    this.catalog.close()
    await this.manager.close()
  }

  /**
   * A task outlived its turn: its end is reported with the result, which the model gets on the next
   * turn. (The agent hands it over in the same tick it saw it still running, so its end comes later.)
   */
  #detach(task: HostTask): void {
    this.#detached.add(task.taskId)
  }

  #taskChanged(task: HostTask): void {
    const { taskId, server, tool, status, statusMessage } = task
    const delivered = task.result !== undefined && this.#detached.delete(taskId)
    const result = delivered ? { isError: task.result!.isError === true, text: resultText(task.result!) } : undefined
    this.#options.ui.emit({ type: 'task', taskId, server, tool, status, ...(statusMessage === undefined ? {} : { statusMessage }), ...(result ? { result } : {}) })
    if (result) this.#taskResults.push(`[Task ${taskId} (tool "${tool}" of server "${server}") ended: ${status}. Its result:]\n${result.text}`)
  }

  #toolName(server: string, tool: string): string | undefined {
    return this.catalog.tools().find((t) => t.server === server && t.tool.name === tool)?.name
  }

  #elicited<T extends { action: 'accept' | 'decline' | 'cancel' }>(server: string, mode: 'form' | 'url', result: T): T {
    this.#options.ui.emit({ type: 'elicitation', server, mode, action: result.action })
    return result
  }
}
