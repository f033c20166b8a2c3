import type {
  ElicitationCompleteNotificationParams,
  LoggingMessageNotificationParams,
  NotificationParams,
  ResourceUpdatedNotificationParams,
} from '@plugboard/protocol'

/** What a `Client` emits: event name → what its listeners receive. */
export interface ClientEvents {
  /** `notifications/message`: a log message from the server (see `setLoggingLevel`). */
  log: LoggingMessageNotificationParams
  /** `notifications/resources/updated`: a resource we subscribed to changed. */
  resourceUpdated: ResourceUpdatedNotificationParams
  /** `notifications/tools/list_changed` (the client has already dropped its cached tool list). */
  toolListChanged: NotificationParams
  /** `notifications/resources/list_changed`. */
  resourceListChanged: NotificationParams
  /** `notifications/prompts/list_changed`. */
  promptListChanged: NotificationParams
  /** `notifications/elicitation/complete`: a URL-mode elicitation finished out of band. */
  elicitationComplete: ElicitationCompleteNotificationParams
  /** The connection closed. */
  close: void
  /** An error with no caller to reject: a transport error, a crashed handler or listener, a stray response. */
  error: Error
}

/** A listener of one event. */
export type Listener<T> = (event: T) => void

/**
 * A tiny typed event emitter (no `node:events`, so the client runs in any runtime). A listener
 * that throws does not stop the others; its error goes to `onListenerError`.
 */
export class Emitter<Events extends object> {
  readonly #listeners = new Map<keyof Events, Set<Listener<never>>>()
  readonly #onListenerError: ((error: Error, event: keyof Events) => void) | undefined

  constructor(onListenerError?: (error: Error, event: keyof Events) => void) {
    this.#onListenerError = onListenerError
  }

  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    let set = this.#listeners.get(event)
    if (!set) this.#listeners.set(event, (set = new Set()))
    set.add(listener)
    return () => void set.delete(listener)
  }

  /** Calls every listener of `event` with `value`, in the order they were added. */
  emit<K extends keyof Events>(event: K, value: Events[K]): void {
    const set = this.#listeners.get(event)
    if (!set) return
    for (const listener of [...set] as Listener<Events[K]>[]) {
      try {
        listener(value)
      } catch (error) {
        this.#onListenerError?.(error instanceof Error ? error : new Error(String(error)), event)
      }
    }
  }

  /** How many listeners `event` has. */
  listenerCount(event: keyof Events): number {
    return this.#listeners.get(event)?.size ?? 0
  }
}
