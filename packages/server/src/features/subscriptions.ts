import { ErrorCode, McpError, SUBSCRIPTION_ID_META_KEY, hasCapability, type EmptyResult, type NotificationMethod, type RequestId, type SubscriptionFilter } from '@plugboard/protocol'
import type { ServerContext } from '../context.js'
import type { ServerSession } from '../server-session.js'
import type { Resources } from './resources.js'

/**
 * `resources/subscribe`: remembered per connection, so that `sendResourceUpdated()` reaches only
 * the clients that asked. A URI no resource or template answers to is -32002, like a read of it.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/server/resources#subscriptions
 */
export function subscribe(resources: Resources, session: ServerSession | undefined, uri: string): EmptyResult {
  if (!session) throw new McpError(ErrorCode.InvalidRequest, 'resources/subscribe needs a session to remember the subscription on')
  if (!resources.exists(uri)) throw new McpError(ErrorCode.ResourceNotFound, 'Resource not found', { uri })
  session.subscribe(uri)
  return {}
}

/** `resources/unsubscribe`: forgetting a URI that was never subscribed is not an error. */
export function unsubscribe(session: ServerSession | undefined, uri: string): EmptyResult {
  session?.unsubscribe(uri)
  return {}
}

/** Sends `notifications/resources/updated` to every connection subscribed to `uri`. */
export async function notifyUpdated(sessions: Iterable<ServerSession>, uri: string, report: (error: Error) => void): Promise<void> {
  const sends: Promise<void>[] = []
  for (const session of sessions) {
    if (session.subscriptions.has(uri)) sends.push(session.notify('notifications/resources/updated', { uri }).catch(report))
  }
  await Promise.all(sends)
}

type ListChanged = 'notifications/tools/list_changed' | 'notifications/prompts/list_changed' | 'notifications/resources/list_changed'
const FILTER_OF: Record<ListChanged, 'toolsListChanged' | 'promptsListChanged' | 'resourcesListChanged'> = {
  'notifications/tools/list_changed': 'toolsListChanged',
  'notifications/prompts/list_changed': 'promptsListChanged',
  'notifications/resources/list_changed': 'resourcesListChanged',
}
// What each opt-in needs the server to have declared.
const NEEDS: Record<string, string> = { toolsListChanged: 'tools.listChanged', promptsListChanged: 'prompts.listChanged', resourcesListChanged: 'resources.listChanged', resourceSubscriptions: 'resources.subscribe' }

/** How a listen stream's notifications are sent, each stamped with its subscription id. */
export type ListenSend = (method: string, params: Record<string, unknown>) => Promise<void>

/**
 * A filter key an extension serves on one listen stream (the tasks extension's `taskIds`): what it
 * agreed to, echoed in the acknowledgement, and how it starts sending — `attach` runs before the
 * acknowledgement is written and returns how to stop when the stream ends.
 */
export interface ListenClaim {
  readonly key: string
  readonly agreed: unknown
  attach(send: ListenSend): () => void
}

// Claims made by extension middleware on a listen request, by that request's signal.
const claims = new WeakMap<AbortSignal, ListenClaim[]>()

/**
 * Lets an extension serve a filter key of the `subscriptions/listen` request whose signal this is,
 * from its middleware, before the request reaches the handler. Keys nobody claims are left out of
 * the acknowledgement, so a client can tell what the server will send.
 */
export function claimListen(signal: AbortSignal, claim: ListenClaim): void {
  const list = claims.get(signal)
  if (list) list.push(claim)
  else claims.set(signal, [claim])
}

interface Listener {
  readonly filter: SubscriptionFilter
  readonly uris: ReadonlySet<string>
  send(method: NotificationMethod, params: Record<string, unknown>): Promise<void>
  /** The listen request, to wait for its graceful answer to be written before a connection closes. */
  readonly request: { readonly session: ServerSession | undefined; readonly id: RequestId }
  end(): void
}

/**
 * `subscriptions/listen` streams (2026-07-28): each is one long-lived request whose response stream
 * carries the change notifications its client opted into, each stamped with the subscription id
 * (the request's id). The request ends when the client cancels it or closes the stream, or —
 * gracefully, with a result — when the server closes.
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/patterns/subscriptions
 */
export class Listeners {
  readonly #listeners = new Set<Listener>()

  get size(): number {
    return this.#listeners.size
  }

  async listen(requested: SubscriptionFilter, ctx: ServerContext, declared: Record<string, unknown>): Promise<Record<string, unknown>> {
    const id: RequestId = ctx.requestId
    const meta = { [SUBSCRIPTION_ID_META_KEY]: id }
    // The acknowledgement says what we honour: only what we declared.
    const filter: SubscriptionFilter = {}
    for (const key of ['toolsListChanged', 'promptsListChanged', 'resourcesListChanged'] as const) {
      if (requested[key] === true && hasCapability(declared, NEEDS[key]!)) filter[key] = true
    }
    if (Array.isArray(requested.resourceSubscriptions) && hasCapability(declared, NEEDS.resourceSubscriptions!)) {
      filter.resourceSubscriptions = requested.resourceSubscriptions
    }
    const send = (method: NotificationMethod, params: Record<string, unknown>) => ctx.sendNotification(method, { ...params, _meta: meta } as never)
    const signal = ctx.signal
    const claimed = claims.get(signal) ?? []
    claims.delete(signal)
    for (const claim of claimed) filter[claim.key] = claim.agreed
    if (signal.aborted) return { _meta: meta }
    let detach: Array<() => void> = []
    let end!: () => void
    const ended = new Promise<Record<string, unknown>>((resolve) => (end = () => resolve({ _meta: meta })))
    const listener: Listener = {
      filter,
      uris: new Set(filter.resourceSubscriptions ?? []),
      send,
      request: { session: ctx.session, id },
      end: () => {
        this.#listeners.delete(listener)
        for (const stop of detach) stop()
        detach = []
        end()
      },
    }
    // Registered before the acknowledgement is written, in the same tick: a change made as soon as
    // the client reads the acknowledgement is not lost, and nothing can be sent ahead of it.
    this.#listeners.add(listener)
    detach = claimed.map((claim) => claim.attach(send as ListenSend))
    // Cancelled (stdio notifications/cancelled) or the stream closed (HTTP): no response is sent.
    signal.addEventListener('abort', listener.end, { once: true })
    try {
      await send('notifications/subscriptions/acknowledged', { notifications: filter })
    } catch (error) {
      listener.end()
      throw error
    }
    return ended
  }

  /** Sends a list-changed notification to every stream that opted into it. */
  async listChanged(method: ListChanged, report: (error: Error) => void): Promise<void> {
    const key = FILTER_OF[method]
    const sends: Promise<void>[] = []
    for (const listener of this.#listeners) if (listener.filter[key]) sends.push(listener.send(method, {}).catch(report))
    await Promise.all(sends)
  }

  /** Sends `notifications/resources/updated` to every stream subscribed to `uri`. */
  async updated(uri: string, report: (error: Error) => void): Promise<void> {
    const sends: Promise<void>[] = []
    for (const listener of this.#listeners) if (listener.uris.has(uri)) sends.push(listener.send('notifications/resources/updated', { uri }).catch(report))
    await Promise.all(sends)
  }

  /** Ends every stream with its graceful result (server shutdown); resolves once those results are written on their connections. */
  async close(): Promise<void> {
    const ending = [...this.#listeners]
    for (const listener of ending) listener.end()
    await Promise.all(ending.map(({ request }) => request.session?.session.answered(request.id)))
  }
}
