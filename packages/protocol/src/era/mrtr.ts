import { ErrorCode, McpError } from '../errors.js'
import { hasCapability, methodEntry, type RequestEntry } from '../methods.js'
import type { Session } from '../session/session.js'
import type { EraCall, RequestScope } from './era.js'
import { legacyEra } from './legacy.js'
import { canonicalJson, digest, type RequestStateCodec } from './request-state.js'

/**
 * Multi round-trip requests (2026-07-28), the server's half, as **re-execution with answers looked
 * up by key**: a handler runs from the top on every round. Its n-th ask (`ctx.elicit`,
 * `ctx.sample`, `ctx.listRoots`) has the key `<kind>-<n>`; if the answer to that key came with
 * the request (in `inputResponses`, or carried from earlier rounds in the signed `requestState`),
 * the ask resolves with it, else the round ends in `input_required` listing every unanswered ask.
 * A handler may name an ask's key instead (`ctx.elicit(params, { inputKey: 'user_name' })`).
 *
 * So code before an ask runs once per round: keep side effects after the last ask, or make them
 * idempotent. Asks must come in the same order each round (decide them from the arguments and the
 * answers, not from time or randomness).
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/patterns/mrtr
 */
export interface InputRoundOptions {}

type Binding = { m: string; d: string; p?: string }

const KIND: Record<string, string> = { 'elicitation/create': 'elicit', 'sampling/createMessage': 'sample', 'roots/list': 'roots' }

/** Thrown into a handler by an unanswered ask: the round ends in `input_required` whatever the handler does with it. */
export class InputRequired extends McpError {
  constructor(key: string) {
    super(ErrorCode.InternalError, `Input required from the client (${key}); the request continues when it is retried with the answer`)
  }
}

export class InputRound {
  /** A protocol error in the client's answers (bad `inputResponses`); answered instead of any result. */
  error: McpError | undefined
  readonly #answers: Record<string, unknown>
  readonly #asked: Record<string, { method: string; params: Record<string, unknown> }> = {}
  readonly #scope: RequestScope
  readonly #codec: RequestStateCodec
  readonly #bind: () => Promise<Binding>
  #next = 0

  private constructor(scope: RequestScope, codec: RequestStateCodec, bind: () => Promise<Binding>, answers: Record<string, unknown>) {
    this.#scope = scope
    this.#codec = codec
    this.#bind = bind
    this.#answers = answers
  }

  /** The round of one request: its earlier answers from a verified `requestState`, and this round's `inputResponses`. */
  static async resume(call: EraCall, scope: RequestScope, codec: RequestStateCodec, _options: InputRoundOptions): Promise<InputRound> {
    const { _meta, inputResponses, requestState, ...salient } = (call.request.params ?? {}) as Record<string, unknown>
    void _meta
    const auth = call.inbound.info?.authInfo
    // What a requestState is bound to (method, params digest, principal) costs two SHA-256 digests:
    // computed only for a request that brings a state or a round that issues one, not for every call.
    let binding: Promise<Binding> | undefined
    const bind = (): Promise<Binding> =>
      (binding ??= (async () => {
        const principal = auth?.clientId ?? (auth?.token ? await digest(auth.token) : undefined)
        return { m: call.request.method, d: await digest(canonicalJson(salient)), ...(principal === undefined ? {} : { p: principal }) }
      })())
    const answers: Record<string, unknown> = {}
    if (requestState !== undefined) {
      if (typeof requestState !== 'string') throw new McpError(ErrorCode.InvalidParams, 'Invalid requestState: it must be a string')
      Object.assign(answers, (await codec.verify(requestState, await bind())).a)
    }
    if (inputResponses !== undefined) {
      if (typeof inputResponses !== 'object' || inputResponses === null || Array.isArray(inputResponses)) {
        throw new McpError(ErrorCode.InvalidParams, 'Invalid inputResponses: it must be an object keyed by input request')
      }
      // Every answer comes from the client, signed state or not; only those the handler asks for
      // are read (and checked), so unknown keys are ignored, as the spec asks.
      Object.assign(answers, inputResponses)
    }
    return new InputRound(scope, codec, bind, answers)
  }

  /** Whether this round asked something it has no answer to. */
  get pending(): boolean {
    for (const _ in this.#asked) return true
    return false
  }

  ask(method: string, params: Record<string, unknown>, options: { requiredCapability?: string; inputKey?: string } = {}): Promise<Record<string, unknown>> {
    const entry = methodEntry(method) as RequestEntry | undefined
    const kind = KIND[method]
    if (!entry || !kind) return Promise.reject(new McpError(ErrorCode.InternalError, `${method} cannot be asked of a client in protocol revision ${this.#scope.protocolVersion}`))
    // "Servers MUST NOT send an inputRequests that the client has not declared support for."
    for (const path of [entry.capability, options.requiredCapability]) {
      if (path && !hasCapability(this.#scope.peer.capabilities, path)) {
        const requiredCapabilities: Record<string, unknown> = {}
        let node = requiredCapabilities
        for (const key of path.split('.')) node = node[key] = {} as Record<string, unknown>
        return Promise.reject(new McpError(ErrorCode.MissingRequiredClientCapability, `Client did not declare the ${path} capability needed for ${method}`, { requiredCapabilities }))
      }
    }
    const key = options.inputKey ?? `${kind}-${this.#next}`
    this.#next++
    if (Object.hasOwn(this.#answers, key)) {
      const parsed = entry.result.safeParse(this.#answers[key])
      if (parsed.success) return Promise.resolve(parsed.data as Record<string, unknown>)
      this.error ??= new McpError(ErrorCode.InvalidParams, `Invalid inputResponses.${key}: not a ${method} result: ${parsed.error.message}`, { key })
      return Promise.reject(this.error)
    }
    this.#asked[key] = { method, params }
    return Promise.reject(new InputRequired(key))
  }

  /** The `input_required` result of this round: every unanswered ask, and the state to resume with. */
  async inputRequired(): Promise<Record<string, unknown>> {
    const requestState = await this.#codec.sign({ ...(await this.#bind()), a: this.#answers })
    return { resultType: 'input_required', inputRequests: this.#asked, requestState }
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * The client's half: while the server answers `input_required`, fulfil each input request with
 * this client's own handlers (sampling, elicitation, roots, through its router and middleware),
 * then retry the request with a new id, the answers, and `requestState` echoed untouched.
 */
export async function settleInputRequired(
  session: Session,
  request: { method: string; params: Record<string, unknown> },
  first: Record<string, unknown>,
  resend: (params: Record<string, unknown>) => Promise<Record<string, unknown>>,
  maxRounds: number,
  signal?: AbortSignal,
): Promise<Record<string, unknown>> {
  let result = first
  let round = 1
  for (; result.resultType === 'input_required'; round++) {
    if (round > maxRounds) throw new McpError(ErrorCode.InternalError, `${request.method} still required input after ${maxRounds} rounds; giving up`, { maxInputRounds: maxRounds })
    const inputRequests = isObject(result.inputRequests) ? result.inputRequests : {}
    const answering = Promise.all(
      Object.entries(inputRequests).map(async ([key, input]) => {
        if (!isObject(input) || typeof input.method !== 'string') throw new McpError(ErrorCode.InternalError, `Server sent a malformed input request ${JSON.stringify(key)}`)
        // Our own handlers answer, under the connection's plain scope (no era rules apply to a local call).
        const scope = { era: legacyEra, protocolVersion: session.state.protocolVersion, peer: session.state.peer, localCapabilities: session.state.localCapabilities, logLevel: undefined }
        const response = await session.router.handle(
          { jsonrpc: '2.0', id: `input:${key}`, method: input.method, params: isObject(input.params) ? input.params : {} },
          { connection: session, reply: () => Promise.resolve(), signal: signal ?? new AbortController().signal },
          scope,
        )
        if ('error' in response) throw McpError.fromError(response.error)
        return [key, response.result] as const
      }),
    )
    // The caller giving up must not wait for a user who never answers the form.
    const entries = signal ? await untilAborted(answering, signal, request.method) : await answering
    const params: Record<string, unknown> = { ...request.params, inputResponses: Object.fromEntries(entries) }
    if (typeof result.requestState === 'string') params.requestState = result.requestState
    else delete params.requestState
    result = await resend(params)
  }
  // Any other type is an extension's (SEP-2663 "task"): it goes to the caller as it came, resultType
  // included, for the extension that asked for it to handle (and anyone else to refuse).
  if (result.resultType === undefined || result.resultType !== 'complete') return result
  // `resultType` steers this loop; callers get the result itself, as from a legacy server. A result
  // reached through rounds depends on answers no cache key holds: it "MUST NOT be cached" (caching.mdx),
  // so its caching hints go too.
  const { resultType: _, ...complete } = result
  if (round > 1) {
    delete complete.ttlMs
    delete complete.cacheScope
  }
  return complete
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal, method: string): Promise<T> {
  const cancelled = () => new McpError(ErrorCode.RequestCancelled, `Request ${method} was cancelled`, { reason: String(signal.reason) })
  if (signal.aborted) return Promise.reject(cancelled())
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled())
    signal.addEventListener('abort', onAbort, { once: true })
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}
