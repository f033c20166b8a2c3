import { ErrorCode, type JSONRPCPayload } from '@plugboard/protocol'
import { stringify } from '../numeric-ids.js'
import { messageEvent, primingEvent, retryField, type SseConnection } from './sse.js'

export type StreamId = string
export type EventId = string

/**
 * Keeps the SSE events a server sent, so a client that lost its connection can resume with
 * `Last-Event-ID` and miss nothing. The shape is the official SDK's, so stores written for it
 * (Redis, a database) plug in as they are; the handler never awaits a store it does not have to.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#resumability-and-redelivery
 */
export interface EventStore {
  /**
   * Records `message` as the next event of `streamId` and returns its id, unique across all
   * streams. `size` is the length of its JSON (already computed for the wire), for stores that
   * bound their memory.
   */
  storeEvent(streamId: StreamId, message: JSONRPCPayload, size?: number): EventId | Promise<EventId>
  /**
   * Sends, in order, every event stored after `lastEventId` on the same stream, and returns that
   * stream's id — or `undefined` (or `''`, or a throw) for an id it does not know.
   */
  replayEventsAfter(lastEventId: EventId, options: { send: (eventId: EventId, message: JSONRPCPayload) => Promise<void> }): StreamId | undefined | Promise<StreamId | undefined>
  /** The stream an event belongs to; lets the handler check who owns it before replaying anything. */
  getStreamIdForEventId?(eventId: EventId): StreamId | undefined | Promise<StreamId | undefined>
  /** Forgets a stream nobody can resume any more (its session ended). */
  deleteStream?(streamId: StreamId): void | Promise<void>
  /**
   * Forgets every stream of a session that ended (deleted, expired, or the handler closed);
   * stream ids are `<session id>.<n>`. Without it, only the session's open streams are deleted.
   */
  deleteSession?(sessionId: string): void | Promise<void>
}

/** Options of {@link InMemoryEventStore}. */
export interface InMemoryEventStoreOptions {
  /** The most events kept, across all streams; the oldest go first. Default 10 000. */
  maxEvents?: number
  /** The most JSON kept, in UTF-16 code units, across all streams; the oldest go first. Default 64 Mi. */
  maxBytes?: number
  /** The most events one session keeps; past it, that session's oldest go first, not a neighbour's. Default 1 000. */
  maxEventsPerSession?: number
  /** The most JSON one session keeps, in UTF-16 code units; past it, that session's oldest go first. Default 8 Mi. */
  maxBytesPerSession?: number
}

interface StoredEvent {
  streamId: StreamId
  session: Quota
  message: JSONRPCPayload
  size: number
}

/** Event ids in the order they were stored, with a moving head (shifting an array is linear). */
interface Queue {
  ids: EventId[]
  head: number
}

/** One session's share of the store. */
interface Quota extends Queue {
  id: string
  count: number
  bytes: number
  streams: Set<StreamId>
}

/** The session a stream belongs to: the handler names streams `<session id>.<n>`. */
export function sessionOfStream(streamId: StreamId): string {
  const dot = streamId.lastIndexOf('.')
  return dot < 0 ? streamId : streamId.slice(0, dot)
}

/**
 * The default {@link EventStore}: events in memory, bounded by count and size, the oldest evicted
 * first — per session first, so one busy session evicts its own events rather than its
 * neighbours', then across all. Events outlive their stream's end on purpose: a connection that
 * silently died (no FIN) looked healthy when the response was written, and its client resumes
 * later. A session's events are all dropped when it ends (deleted, expired, or the handler closed).
 */
export class InMemoryEventStore implements EventStore {
  readonly #events = new Map<EventId, StoredEvent>()
  readonly #streams = new Map<StreamId, Queue>()
  readonly #sessions = new Map<string, Quota>()
  readonly #maxEvents: number
  readonly #maxBytes: number
  readonly #maxSessionEvents: number
  readonly #maxSessionBytes: number
  #bytes = 0
  // Distinguishes this store's ids from a previous process's, whose clients may still resume.
  readonly #prefix = Math.random().toString(36).slice(2, 8) + '-'
  #seq = 0

  constructor(options: InMemoryEventStoreOptions = {}) {
    this.#maxEvents = positiveInteger('maxEvents', options.maxEvents ?? 10_000)
    this.#maxBytes = positive('maxBytes', options.maxBytes ?? 64 * 1024 * 1024)
    this.#maxSessionEvents = positiveInteger('maxEventsPerSession', options.maxEventsPerSession ?? 1000)
    this.#maxSessionBytes = positive('maxBytesPerSession', options.maxBytesPerSession ?? 8 * 1024 * 1024)
  }

  /** How many events are held. */
  get size(): number {
    return this.#events.size
  }

  /** How many sessions have events held. */
  get sessions(): number {
    return this.#sessions.size
  }

  storeEvent(streamId: StreamId, message: JSONRPCPayload, size?: number): EventId {
    const id = this.#prefix + (this.#seq++).toString(36)
    const bytes = size ?? JSON.stringify(message).length
    const sessionId = sessionOfStream(streamId)
    let session = this.#sessions.get(sessionId)
    if (!session) this.#sessions.set(sessionId, (session = { id: sessionId, ids: [], head: 0, count: 0, bytes: 0, streams: new Set() }))
    this.#events.set(id, { streamId, session, message, size: bytes })
    this.#bytes += bytes
    session.ids.push(id)
    session.count++
    session.bytes += bytes
    session.streams.add(streamId)
    let stream = this.#streams.get(streamId)
    if (!stream) this.#streams.set(streamId, (stream = { ids: [], head: 0 }))
    stream.ids.push(id)
    // The newest event stays even if it alone is over a byte bound.
    while (session.count > 1 && (session.count > this.#maxSessionEvents || session.bytes > this.#maxSessionBytes)) this.#evict(this.#oldestOf(session))
    while (this.#events.size > 1 && (this.#events.size > this.#maxEvents || this.#bytes > this.#maxBytes)) this.#evict(this.#events.keys().next().value!)
    return id
  }

  getStreamIdForEventId(eventId: EventId): StreamId | undefined {
    return this.#events.get(eventId)?.streamId
  }

  async replayEventsAfter(lastEventId: EventId, { send }: { send: (eventId: EventId, message: JSONRPCPayload) => Promise<void> }): Promise<StreamId | undefined> {
    const event = this.#events.get(lastEventId)
    const stream = event && this.#streams.get(event.streamId)
    if (!event || !stream) return undefined
    const after = stream.ids.indexOf(lastEventId, stream.head)
    // Copied first: sending may let new events (and evictions) in.
    for (const id of stream.ids.slice(after + 1)) {
      const next = this.#events.get(id)
      if (next) await send(id, next.message)
    }
    return event.streamId
  }

  deleteStream(streamId: StreamId): void {
    const stream = this.#streams.get(streamId)
    if (!stream) return
    let session: Quota | undefined
    for (let i = stream.head; i < stream.ids.length; i++) {
      const id = stream.ids[i]!
      const event = this.#events.get(id)
      if (!event) continue
      this.#events.delete(id)
      this.#bytes -= event.size
      session = event.session
      session.count--
      session.bytes -= event.size
    }
    this.#streams.delete(streamId)
    session ??= this.#sessions.get(sessionOfStream(streamId))
    session?.streams.delete(streamId)
    if (session && session.streams.size === 0) this.#sessions.delete(session.id)
  }

  /** Forgets every stream of a session (it ended): its events are of no use to anyone any more. */
  deleteSession(sessionId: string): void {
    const session = this.#sessions.get(sessionId)
    if (!session) return
    for (const streamId of [...session.streams]) this.deleteStream(streamId)
    this.#sessions.delete(sessionId)
  }

  /** The session's oldest event still held (ids of deleted streams are skipped as they come up). */
  #oldestOf(session: Quota): EventId {
    while (!this.#events.has(session.ids[session.head]!)) session.head++
    return session.ids[session.head]!
  }

  // Always the oldest event of its stream and of its session, so both queues just move their head.
  #evict(id: EventId): void {
    const event = this.#events.get(id)!
    this.#events.delete(id)
    this.#bytes -= event.size
    const session = event.session
    session.count--
    session.bytes -= event.size
    while (session.head < session.ids.length && !this.#events.has(session.ids[session.head]!)) session.head++
    compact(session)
    const stream = this.#streams.get(event.streamId)!
    stream.head++
    if (stream.head === stream.ids.length) {
      this.#streams.delete(event.streamId)
      session.streams.delete(event.streamId)
      if (session.streams.size === 0) this.#sessions.delete(session.id)
    } else compact(stream)
  }
}

function compact(queue: Queue): void {
  if (queue.head > 64 && queue.head * 2 > queue.ids.length) {
    queue.ids = queue.ids.slice(queue.head)
    queue.head = 0
  }
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`)
  return value
}

function positive(name: string, value: number): number {
  if (!(value > 0)) throw new RangeError(`${name} must be positive, got ${value}`)
  return value
}

// The priming event's payload, as the official SDK stores it: not a message, never replayed.
const PRIMING = {} as JSONRPCPayload
const isMessage = (m: JSONRPCPayload): boolean => Array.isArray(m) || 'jsonrpc' in m
// A standalone stream holds at most this many messages for a client that has not (re)connected
// yet — and at most `maxHeldBytes` of them (default: the handler's `maxSseBufferedBytes`).
const MAX_HELD = 1000
const DEFAULT_MAX_HELD_BYTES = 8 * 1024 * 1024

/**
 * A message and its JSON. What `JSON.stringify` cannot write (a BigInt, a cycle, nesting deep
 * enough to overflow the stack) must still answer its request — as JSON mode (a 500) and stdio do:
 * a response becomes a -32603 error with its id; anything else is reported and dropped. A response
 * whose id is in `numericIds` (ids past 2^53, see `parseMessage`) is written with it as a number,
 * and the id leaves the set.
 */
export function serialize(message: JSONRPCPayload, onerror: (error: Error) => void, numericIds?: Set<string>): [JSONRPCPayload, string | undefined] {
  try {
    return [message, stringify(message, numericIds)]
  } catch (error) {
    onerror(new Error(`Cannot serialize a message: ${(error as Error)?.message ?? error}`))
  }
  if (Array.isArray(message)) {
    const answers = message.map((m) => serialize(m, onerror, numericIds)).filter(([, data]) => data !== undefined)
    if (answers.length === 0) return [message, undefined]
    const batch = answers.map(([m]) => m) as JSONRPCPayload
    return [batch, `[${answers.map(([, data]) => data).join(',')}]`]
  }
  if ('method' in message || !('id' in message) || message.id === undefined || message.id === null) return [message, undefined]
  const failed = { jsonrpc: '2.0', id: message.id, error: { code: ErrorCode.InternalError, message: 'Internal error: the result could not be serialized as JSON' } } as JSONRPCPayload
  return [failed, stringify(failed, numericIds)]
}

/** Finds the stream a `Last-Event-ID` belongs to, or `undefined` if the store does not know it. */
export async function streamOfEvent(store: EventStore, eventId: EventId): Promise<StreamId | undefined> {
  try {
    if (store.getStreamIdForEventId) return (await store.getStreamIdForEventId(eventId)) || undefined
    return (await store.replayEventsAfter(eventId, { send: async () => {} })) || undefined
  } catch {
    return undefined
  }
}

/** How a connection joins a {@link Stream}. */
export interface AttachOptions {
  /** Send a priming event first (2025-11-25 clients), with this `retry` when set. */
  prime?: { retryMs: number | undefined }
  /** Resume: replay every event after this one first. */
  after?: EventId
}

/**
 * One logical SSE stream — a POST's, or a session's standalone GET stream — outliving the HTTP
 * connections that carry it: every event is stored before it is written, a cut connection loses
 * nothing, and a client resuming with `Last-Event-ID` gets the rest on a new connection. Writes
 * run in order through one queue, which is synchronous with a synchronous store (the default).
 */
export class Stream {
  readonly id: StreamId
  /** Its last message (the response) has been written; nothing more will be. */
  done = false
  /** Called once `finish()` has run. */
  onfinish?: () => void
  /** Called when a connection leaves (ended by either side). */
  ondisconnect?: () => void
  readonly #store: EventStore | undefined
  readonly #onerror: (error: Error) => void
  #conn: SseConnection | undefined
  /** Messages written while no connection was attached, kept for the next one (standalone streams). */
  #held: Array<[EventId | undefined, string]> | undefined
  #heldSize = 0
  readonly #maxHeldBytes: number
  #tail: Promise<void> | undefined
  #primed = false
  /** Ids past 2^53 of the requests this stream answers: written as numbers, on a replay too. */
  readonly #numericIds: readonly string[] | undefined

  constructor(id: StreamId, options: { store: EventStore | undefined; hold?: boolean; maxHeldBytes?: number; numericIds?: readonly string[]; onerror: (error: Error) => void }) {
    this.id = id
    this.#maxHeldBytes = options.maxHeldBytes ?? DEFAULT_MAX_HELD_BYTES
    this.#store = options.store
    this.#onerror = options.onerror
    this.#numericIds = options.numericIds
    if (options.hold) this.#held = []
  }

  /** A fresh set each time: serializing takes an answered id out, and a replay writes it again. */
  #ids(): Set<string> | undefined {
    return this.#numericIds && new Set(this.#numericIds)
  }

  /** Whether a live connection carries the stream now. */
  get connected(): boolean {
    return this.#conn?.open === true
  }

  /** Writes a message (a response, or a request or notification the server sends). */
  write(message: JSONRPCPayload): void {
    this.#enqueue(() => {
      // Serialized once: for the wire, and as the size a bounded store counts.
      const [sent, data] = serialize(message, this.#onerror, this.#ids())
      if (data === undefined) return
      message = sent
      if (!this.#store) return this.#deliver(undefined, data)
      // A store that fails costs the event its id (it cannot be replayed), never its delivery.
      const unstored = (error: unknown) => {
        this.#onerror(error instanceof Error ? error : new Error(String(error)))
        this.#deliver(undefined, data)
      }
      let id: EventId | Promise<EventId>
      try {
        id = this.#store.storeEvent(this.id, message, data.length)
      } catch (error) {
        return unstored(error)
      }
      if (typeof id === 'string') return this.#deliver(id, data)
      return id.then((eventId) => this.#deliver(eventId, data), unstored)
    })
  }

  /** Carries the stream on `conn` from now on, after a priming event or a replay; any previous connection ends. */
  attach(conn: SseConnection, options: AttachOptions = {}): void {
    this.#enqueue(() => {
      const previous = this.#conn
      this.#conn = conn
      conn.onclose = () => {
        if (this.#conn === conn) this.#conn = undefined
        this.ondisconnect?.()
      }
      if (previous !== conn) previous?.end()
      const store = this.#store
      if (options.after !== undefined && store) {
        // The replay covers what was held, and the client already has everything up to its cursor.
        if (this.#held) this.#held = []
        this.#heldSize = 0
        this.#primed = true
        const send = async (id: EventId, m: JSONRPCPayload) => void (isMessage(m) && conn.write(messageEvent(stringify(m, this.#ids()), id)))
        return Promise.resolve(store.replayEventsAfter(options.after, { send })).then(() => this.#settle(conn))
      }
      if (options.prime && store) {
        const id = store.storeEvent(this.id, PRIMING)
        const prime = (eventId: EventId) => {
          conn.write(primingEvent(eventId, options.prime!.retryMs))
          this.#primed = true
          this.#flushHeld(conn)
          this.#settle(conn)
        }
        if (typeof id === 'string') return prime(id)
        return id.then(prime)
      }
      this.#flushHeld(conn)
      this.#settle(conn)
    })
  }

  /** Marks the stream done once everything queued before is written, and ends its connection. */
  finish(): void {
    this.#enqueue(() => {
      this.done = true
      this.#conn?.end()
      this.onfinish?.()
    })
  }

  /**
   * Ends the current connection without ending the stream (2025-11-25 polling): the client
   * waits `retryMs` and resumes with `Last-Event-ID`. Only for a stream the client can resume.
   */
  disconnect(retryMs: number): boolean {
    if (!this.#primed || !this.#store) return false
    this.#enqueue(() => {
      const conn = this.#conn
      if (!conn?.open) return
      conn.write(retryField(retryMs))
      conn.end()
    })
    return true
  }

  /** Ends the stream now (its session is closing); queued writes go nowhere. */
  close(): void {
    this.done = true
    this.#held = undefined
    this.#heldSize = 0
    const conn = this.#conn
    this.#conn = undefined
    conn?.end()
  }

  #deliver(id: EventId | undefined, data: string): void {
    const conn = this.#conn
    if (conn?.open) conn.write(messageEvent(data, id))
    else if (this.#held && !this.done) {
      this.#held.push([id, data])
      this.#heldSize += data.length
      // The oldest go first; the newest stays even if it alone is over the byte bound.
      while (this.#held.length > 1 && (this.#held.length > MAX_HELD || this.#heldSize > this.#maxHeldBytes)) this.#heldSize -= this.#held.shift()![1].length
    }
  }

  #flushHeld(conn: SseConnection): void {
    const held = this.#held
    if (!held || held.length === 0) return
    this.#held = []
    this.#heldSize = 0
    for (const [id, data] of held) conn.write(messageEvent(data, id))
  }

  // A connection joining a finished stream (a resume) gets the replay, then the end.
  #settle(conn: SseConnection): void {
    if (this.done) conn.end()
  }

  #enqueue(op: () => void | Promise<void>): void {
    if (this.#tail) return this.#chain(this.#tail.then(op))
    let pending: void | Promise<void>
    try {
      pending = op()
    } catch (error) {
      return this.#onerror(error as Error)
    }
    if (pending) this.#chain(pending)
  }

  #chain(pending: Promise<void>): void {
    const tail: Promise<void> = pending
      .catch((error: unknown) => this.#onerror(error instanceof Error ? error : new Error(String(error))))
      .then(() => {
        if (this.#tail === tail) this.#tail = undefined
      })
    this.#tail = tail
  }
}
