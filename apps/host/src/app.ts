import {
  Catalog,
  ConsentPolicy,
  SamplingPolicy,
  ServerManager,
  type AuthorizationOptions,
  type ConsentPolicyConfig,
  type ConsentStore,
  type HostConfig,
  type SamplingPolicyOptions,
  type ServerManagerOptions,
  type ServerStatus,
} from '@plugboard/host'
import type { Root } from '@plugboard/protocol'
import { runTurn, type AgentOptions, type TurnResult } from './agent.js'
import type { ChatMessage, ModelProvider } from './providers/provider.js'
import { createSamplingHandler } from './sampling.js'
import type { HostUi } from './ui/host-ui.js'

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
  agent?: Pick<AgentOptions, 'maxSteps' | 'system' | 'model' | 'toolTimeoutMs'>
  clientInfo?: { name: string; version: string }
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
  /** The conversation so far (`/clear` empties it). */
  readonly history: ChatMessage[] = []
  readonly #options: HostAppOptions
  #roots: Root[]
  readonly #off: Array<() => void> = []

  constructor(options: HostAppOptions) {
    this.#options = options
    const { config, provider, ui } = options
    this.provider = provider
    this.#roots = config.roots
    const samplingPolicy = new SamplingPolicy(options.sampling)
    this.manager = new ServerManager({
      ...options.manager,
      servers: config.servers,
      roots: config.roots,
      clientInfo: options.clientInfo ?? { name: 'plugboard-host', version: '0.0.0' },
      authorization: {
        open: ({ server, url }) => {
          ui.emit({ type: 'authorization', server, url: url.href })
          void options.openUrl?.(url.href).catch(() => undefined)
        },
        ...options.authorization,
      },
      client: (server) => ({
        sampling: createSamplingHandler({ server, provider, policy: samplingPolicy, ui }),
        elicitation: {
          form: async (params) => this.#elicited(server, 'form', await ui.elicitForm({ server, params })),
          url: async (params) => this.#elicited(server, 'url', await ui.elicitUrl({ server, params })),
        },
      }),
    })
    this.catalog = new Catalog(this.manager)
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
    )
  }

  /** Starts every server and lists what the ready ones offer. Resolves with each server's status. */
  async start(): Promise<ServerStatus[]> {
    const statuses = await this.manager.start()
    await this.catalog.refresh()
    return statuses
  }

  /** Runs one user message through the model and the tools. `signal` cancels it (Ctrl-C). */
  send(input: string, signal: AbortSignal = new AbortController().signal): Promise<TurnResult> {
    const { provider, ui } = this.#options
    return runTurn(this.history, input, { ...this.#options.agent, provider, catalog: this.catalog, consent: this.consent, emit: (e) => ui.emit(e) }, signal)
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
    this.catalog.close()
    await this.manager.close()
  }

  #toolName(server: string, tool: string): string | undefined {
    return this.catalog.tools().find((t) => t.server === server && t.tool.name === tool)?.name
  }

  #elicited<T extends { action: 'accept' | 'decline' | 'cancel' }>(server: string, mode: 'form' | 'url', result: T): T {
    this.#options.ui.emit({ type: 'elicitation', server, mode, action: result.action })
    return result
  }
}
