import {
  ErrorCode,
  McpError,
  SUBSCRIPTION_ID_META_KEY,
  TASKS_EXTENSION_ID,
  existsIn,
  hasCapability,
  methods,
  tasksExtension,
  type RequestId,
  type Session,
  type SubscriptionFilter,
  type Task,
} from '@plugboard/protocol'
import type { ClientEvents, Emitter, Listener } from '../events.js'
import { intersect, isEmpty, normalize, same, supported, union, type Flag } from './subscription-filter.js'
import type { TaskState } from './tasks.js'

/** Listeners of one subscription: called for the notifications its filter asked for (the client's events fire too). */
export interface SubscriptionHandlers {
  toolListChanged?: Listener<ClientEvents['toolListChanged']>
  promptListChanged?: Listener<ClientEvents['promptListChanged']>
  resourceListChanged?: Listener<ClientEvents['resourceListChanged']>
  resourceUpdated?: Listener<ClientEvents['resourceUpdated']>
  /** `notifications/tasks` of a task named in the filter's `taskIds` (the tasks extension): the whole task, as `tasks/get` shows it. */
  task?: Listener<TaskState>
}

/** What `Client.listen` resolves with. */
export interface Subscription {
  /** What was asked for. */
  readonly filter: SubscriptionFilter
  /** What the server agreed to send: the part of `filter` it supports. */
  readonly acknowledged: SubscriptionFilter
  /** Ends the subscription (the last one ending cancels the stream, or unsubscribes the URIs). */
  close(): Promise<void>
}

/** Options of `listen`: `timeout` and `signal` bound the wait for the server's acknowledgement. */
export interface ListenOptions {
  signal?: AbortSignal
  timeout?: number
}

interface Entry {
  readonly filter: SubscriptionFilter
  readonly handlers: SubscriptionHandlers
}

/** One `subscriptions/listen` request: long-lived, its id is the subscription id. */
interface Stream {
  readonly filter: SubscriptionFilter
  readonly controller: AbortController
  readonly openedAt: number
  id?: RequestId
  acknowledged?: SubscriptionFilter
  ended?: boolean
}

const EVENT_FLAG = { toolListChanged: 'toolsListChanged', promptListChanged: 'promptsListChanged', resourceListChanged: 'resourcesListChanged' } as const
const MAX_RELISTENS = 5
const listenEntry = methods['subscriptions/listen']

// `taskIds` (SEP-2663 task status notifications) rides beside the core filter keys: sorted, unique.
const taskIdsOf = (filter: SubscriptionFilter): string[] => (Array.isArray(filter.taskIds) ? filter.taskIds.filter((id): id is string => typeof id === 'string') : [])
function withTaskIds(filter: SubscriptionFilter, ids: string[]): SubscriptionFilter {
  return ids.length ? { ...filter, taskIds: [...new Set(ids)].sort() } : filter
}

// The subscriptions of each client's session, for a task handle to follow its task on the shared stream.
const bySession = new WeakMap<Session, Subscriptions>()

/**
 * Follows one task over `subscriptions/listen` (`notifications.taskIds`), when the connection's
 * revision has listen streams and the server offers the tasks extension; `undefined` when it
 * cannot (the caller polls instead) or the server did not acknowledge the task.
 */
export async function followTask(session: Session, taskId: string, onTask: (task: TaskState) => void, options: ListenOptions = {}): Promise<Subscription | undefined> {
  const subscriptions = bySession.get(session)
  if (!subscriptions || !existsIn(listenEntry, session.state.protocolVersion) || !offersTasks(session)) return undefined
  const subscription = await subscriptions.listen({ taskIds: [taskId] }, { task: (task) => task.taskId === taskId && onTask(task) }, options).catch(() => undefined)
  if (!subscription || taskIdsOf(subscription.acknowledged).includes(taskId)) return subscription
  await subscription.close()
  return undefined
}

/**
 * Hands `onStatus` each `notifications/tasks/status` of one 2025-11-25 task, which a server may send
 * on the connection unasked; returns the remover. The method table checked the notification.
 */
export function watchTaskStatus(session: Session, taskId: string, onStatus: (task: Task) => void): () => void {
  return bySession.get(session)?.watchStatus(taskId, onStatus) ?? (() => {})
}

const offersTasks = (session: Session) => (session.state.peer.capabilities as { extensions?: Record<string, unknown> } | undefined)?.extensions?.[TASKS_EXTENSION_ID] !== undefined

/**
 * Change notifications a client asked for, kept on the wire whatever the revision: where
 * `subscriptions/listen` exists (modern era) one long-lived listen request carries the union of
 * every subscription's filter — replaced by a new one (acknowledged first) when that union
 * changes, and sent again with backoff when it is cut — and elsewhere `resources/subscribe` per
 * URI, list changes arriving on the connection anyway. Reconnecting restores them.
 * @see https://modelcontextprotocol.io/specification/latest/basic/patterns/subscriptions
 */
export class Subscriptions {
  readonly #session: Session
  readonly #timeout: () => number
  readonly #report: (error: Error) => void
  readonly #active = new Set<Entry>()
  readonly #byUri = new Map<string, Subscription>()
  /** Listeners of each list-changed event, and the subscription that keeps it coming. */
  readonly #followers = new Map<Flag, number>()
  readonly #following = new Map<Flag, Promise<Subscription | undefined>>()
  #queue: Promise<unknown> = Promise.resolve()
  #stream: Stream | undefined
  #awaiting: { stream: Stream; resolve: (filter: SubscriptionFilter) => void; reject: (error: unknown) => void } | undefined
  /** Legacy: the URIs subscribed on this connection. */
  readonly #subscribed = new Set<string>()
  /** 2025-11-25: who watches the status notifications of each task. */
  readonly #statusWatchers = new Map<string, Set<(task: Task) => void>>()
  #relistens = 0
  #timer: ReturnType<typeof setTimeout> | undefined

  constructor(session: Session, events: Emitter<ClientEvents>, options: { timeout: () => number; report: (error: Error) => void }) {
    this.#session = session
    this.#timeout = options.timeout
    this.#report = options.report
    bySession.set(session, this)
    session.setNotificationHandler('notifications/subscriptions/acknowledged', (params) => {
      const waiting = this.#awaiting
      const id = (params._meta as Record<string, unknown> | undefined)?.[SUBSCRIPTION_ID_META_KEY] as RequestId | undefined
      // The acknowledgement of a stream already acknowledged (the one being replaced) is not the awaited one.
      if (!waiting || (id !== undefined && id === this.#stream?.id)) return
      waiting.stream.id = id
      waiting.stream.acknowledged = withTaskIds(normalize(params.notifications), taskIdsOf(params.notifications))
      waiting.resolve(params.notifications)
    })
    for (const event of Object.keys(EVENT_FLAG) as (keyof typeof EVENT_FLAG)[]) {
      events.on(event, (params) => this.#deliver(event, params, (entry) => entry.filter[EVENT_FLAG[event]] === true))
    }
    session.setNotificationHandler('notifications/tasks', (params) => {
      // Not in the core method table, so checked here, against the extension's own: a bad one is reported and dropped, as the router does.
      const parsed = tasksExtension.TaskStatusNotificationParamsSchema.safeParse(params)
      if (!parsed.success) return this.#report(new McpError(ErrorCode.InvalidParams, `Invalid params for notifications/tasks: ${parsed.error.message}`))
      const { _meta: _, ...task } = parsed.data
      this.#deliver('task', task as TaskState, (entry) => taskIdsOf(entry.filter).includes(task.taskId))
    })
    session.setNotificationHandler('notifications/tasks/status', (params) => {
      const { _meta: _, ...task } = params
      for (const watcher of this.#statusWatchers.get(task.taskId) ?? []) {
        try {
          watcher(task)
        } catch (error) {
          this.#report(asError(error))
        }
      }
    })
    events.on('resourceUpdated', (params) => this.#deliver('resourceUpdated', params, (entry) => entry.filter.resourceSubscriptions?.includes(params.uri) === true))
  }

  #deliver<K extends keyof SubscriptionHandlers>(event: K, params: Parameters<NonNullable<SubscriptionHandlers[K]>>[0], wanted: (entry: Entry) => boolean): void {
    for (const entry of this.#active) {
      const handler = entry.handlers[event] as Listener<typeof params> | undefined
      if (!handler || !wanted(entry)) continue
      try {
        handler(params)
      } catch (error) {
        this.#report(error instanceof Error ? error : new Error(String(error)))
      }
    }
  }

  /** 2025-11-25: calls `onStatus` with each status notification of `taskId` until the returned remover runs. */
  watchStatus(taskId: string, onStatus: (task: Task) => void): () => void {
    const watchers = this.#statusWatchers.get(taskId) ?? new Set()
    watchers.add(onStatus)
    this.#statusWatchers.set(taskId, watchers)
    return () => {
      watchers.delete(onStatus)
      if (watchers.size === 0 && this.#statusWatchers.get(taskId) === watchers) this.#statusWatchers.delete(taskId)
    }
  }

  /** Adds a subscription and resolves once the server acknowledged it. */
  async listen(filter: SubscriptionFilter, handlers: SubscriptionHandlers = {}, options: ListenOptions = {}): Promise<Subscription> {
    const entry: Entry = { filter: withTaskIds(normalize(filter), taskIdsOf(filter)), handlers }
    this.#active.add(entry)
    let wire: SubscriptionFilter
    try {
      wire = await this.#enqueue(options)
    } catch (error) {
      this.#active.delete(entry)
      void this.#enqueue({}).catch(this.#report)
      throw error
    }
    let closed = false
    return {
      filter: entry.filter,
      acknowledged: withTaskIds(intersect(entry.filter, wire), taskIdsOf(entry.filter).filter((id) => taskIdsOf(wire).includes(id))),
      close: async () => {
        if (closed) return
        closed = true
        this.#active.delete(entry)
        await this.#enqueue({})
      },
    }
  }

  /**
   * A listener was added to a list-changed event: keep that notification coming for as long as
   * one listens (legacy servers send it anyway; modern ones only on a listen stream that asked).
   * Returns the release to call when the listener goes.
   */
  follow(event: string): (() => void) | undefined {
    if (!Object.hasOwn(EVENT_FLAG, event)) return undefined
    const flag = EVENT_FLAG[event as keyof typeof EVENT_FLAG]
    const count = (this.#followers.get(flag) ?? 0) + 1
    this.#followers.set(flag, count)
    if (count === 1) this.#following.set(flag, this.listen({ [flag]: true }).catch((error: unknown) => (this.#report(asError(error)), undefined)))
    let released = false
    return () => {
      if (released) return
      released = true
      const left = this.#followers.get(flag)! - 1
      this.#followers.set(flag, left)
      if (left > 0) return
      const subscription = this.#following.get(flag)
      this.#following.delete(flag)
      void subscription?.then((s) => s?.close()).catch((error: unknown) => this.#report(asError(error)))
    }
  }

  /** `subscribeResource`: a subscription to one URI, kept until `unsubscribe(uri)`; needs the server's `resources.subscribe`. */
  async subscribe(uri: string, options?: ListenOptions): Promise<void> {
    if (!hasCapability(this.#session.state.peer.capabilities, 'resources.subscribe')) {
      throw new McpError(ErrorCode.CapabilityNotSupported, 'Server did not declare the resources.subscribe capability', { capability: 'resources.subscribe' })
    }
    if (!this.#byUri.has(uri)) this.#byUri.set(uri, await this.listen({ resourceSubscriptions: [uri] }, {}, options))
  }

  async unsubscribe(uri: string): Promise<void> {
    const subscription = this.#byUri.get(uri)
    this.#byUri.delete(uri)
    await subscription?.close()
  }

  /** After a (re)connect: puts every subscription back on the new connection. */
  restore(): Promise<void> {
    this.#relistens = 0
    return this.#active.size === 0 ? Promise.resolve() : this.#enqueue({}).then(() => undefined)
  }

  /** The connection closed: nothing of it is on the wire any more. */
  closed(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
    this.#stream = undefined
    this.#subscribed.clear()
  }

  #enqueue(options: ListenOptions): Promise<SubscriptionFilter> {
    const run = this.#queue.then(() => this.#sync(options))
    this.#queue = run.catch(() => {})
    return run
  }

  /** Makes the wire carry the union of the active filters; resolves with what the server acknowledged. */
  async #sync(options: ListenOptions): Promise<SubscriptionFilter> {
    const session = this.#session
    if (!session.transport) return {}
    // Only what the server can send: a filter it would acknowledge empty opens no stream.
    const core = supported(union([...this.#active].map((entry) => entry.filter)), session.state.peer.capabilities)
    if (!existsIn(listenEntry, session.state.protocolVersion)) return this.#syncSubscribe(core, options)
    const desired = withTaskIds(core, offersTasks(session) ? [...this.#active].flatMap((entry) => taskIdsOf(entry.filter)) : [])
    const current = this.#stream
    if (current?.acknowledged && same(current.filter, desired)) return current.acknowledged
    if (isEmpty(desired)) {
      this.#stream = undefined
      current?.controller.abort('no subscriptions left')
      return {}
    }
    // The new stream is the one whose cut counts from now on; the old one serves until it is acknowledged.
    const next: Stream = { filter: desired, controller: new AbortController(), openedAt: Date.now() }
    this.#stream = next
    try {
      await this.#open(next, options)
    } catch (error) {
      if (this.#stream === next) this.#stream = current?.ended ? undefined : current
      throw error
    }
    current?.controller.abort('replaced by a new subscriptions/listen')
    return next.acknowledged!
  }

  async #syncSubscribe(desired: SubscriptionFilter, options: ListenOptions): Promise<SubscriptionFilter> {
    const session = this.#session
    const want = new Set(desired.resourceSubscriptions)
    for (const uri of want) {
      if (this.#subscribed.has(uri)) continue
      await session.request('resources/subscribe', { uri }, options)
      this.#subscribed.add(uri)
    }
    for (const uri of [...this.#subscribed]) {
      if (want.has(uri)) continue
      this.#subscribed.delete(uri)
      await session.request('resources/unsubscribe', { uri }, options)
    }
    return desired
  }

  /** Sends `subscriptions/listen` (no timeout: it lasts until cancelled) and waits for its acknowledgement. */
  async #open(stream: Stream, options: ListenOptions): Promise<void> {
    const acknowledged = new Promise<SubscriptionFilter>((resolve, reject) => (this.#awaiting = { stream, resolve, reject }))
    const request = this.#session.request('subscriptions/listen', { notifications: stream.filter }, { signal: stream.controller.signal, timeout: Infinity })
    request.then(
      () => this.#ended(stream, undefined),
      (error: unknown) => this.#ended(stream, error),
    )
    const timeout = options.timeout ?? this.#timeout()
    const timer = setTimeout(() => this.#awaiting?.stream === stream && this.#awaiting.reject(new McpError(ErrorCode.RequestTimeout, `subscriptions/listen was not acknowledged within ${timeout} ms`)), timeout)
    const onAbort = () => this.#awaiting?.stream === stream && this.#awaiting.reject(new McpError(ErrorCode.RequestCancelled, 'listen was cancelled', { reason: String(options.signal?.reason) }))
    options.signal?.addEventListener('abort', onAbort, { once: true })
    if (options.signal?.aborted) onAbort()
    try {
      await acknowledged
    } catch (error) {
      stream.controller.abort('not acknowledged')
      throw error
    } finally {
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
      if (this.#awaiting?.stream === stream) this.#awaiting = undefined
    }
  }

  /**
   * A listen request ended. Cancelled by us: nothing to do. Answered with a result: the server
   * closed it on purpose (shutdown), so it is not sent again. Cut otherwise (a dropped stream, an
   * error) while connected after its acknowledgement: listened to again after a backoff.
   */
  #ended(stream: Stream, error: unknown): void {
    stream.ended = true
    if (this.#awaiting?.stream === stream) this.#awaiting.reject(error ?? new McpError(ErrorCode.InternalError, 'subscriptions/listen ended before it was acknowledged'))
    if (stream !== this.#stream) return
    this.#stream = undefined
    if (!stream.acknowledged || stream.controller.signal.aborted || error === undefined || !this.#session.transport) return
    // A stream that served a while resets the count of cuts in a row.
    if (Date.now() - stream.openedAt >= 60_000) this.#relistens = 0
    this.#relisten(error)
  }

  /** Listens again after a backoff with jitter (0.5–1 s, 1–2 s, … capped at 30 s), a few times at most. */
  #relisten(error: unknown): void {
    if (this.#relistens >= MAX_RELISTENS) {
      this.#report(new McpError(ErrorCode.ConnectionClosed, `subscriptions/listen was cut ${this.#relistens + 1} times in a row; gave up: ${(error as Error)?.message ?? error}`))
      return
    }
    const delay = Math.min(1000 * 2 ** this.#relistens++, 30_000) * (0.5 + Math.random() / 2)
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      this.#enqueue({}).catch((e: unknown) => {
        if (this.#session.transport && !this.#stream && this.#active.size > 0) this.#relisten(e)
      })
    }, delay)
    this.#timer.unref?.()
  }
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)))
