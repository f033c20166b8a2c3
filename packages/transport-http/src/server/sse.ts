/** Where an open SSE response's bytes go: a `ReadableStream` controller, or node's `ServerResponse`. */
export interface SseSink {
  /** Writes a chunk; false when the client is not keeping up (node's `write()` false, a full stream queue): wait for `drain()`. */
  write(chunk: string): boolean
  end(): void
  /** Drops the connection now, discarding what the client has not read. */
  destroy(): void
}

/** Default of the handler's `maxSseBufferedBytes`: what one SSE connection may hold for a client that does not read. */
export const DEFAULT_MAX_SSE_BUFFERED = 8 * 1024 * 1024

/** Headers of every SSE response; `no-transform` and `X-Accel-Buffering` keep proxies from buffering events. */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
}

/**
 * A serialized JSON-RPC message as an SSE `message` event. `JSON.stringify` escapes every line
 * break, so the data is always one line.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export function messageEvent(data: string, id?: string): string {
  return id === undefined ? `event: message\ndata: ${data}\n\n` : `event: message\nid: ${id}\ndata: ${data}\n\n`
}

/**
 * The 2025-11-25 priming event: an id and empty data, so the client holds a `Last-Event-ID`
 * before anything else arrives; `retry` tells it how long to wait before reconnecting.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#sending-messages-to-the-server
 */
export function primingEvent(id: string, retryMs?: number): string {
  return retryMs === undefined ? `id: ${id}\ndata: \n\n` : `id: ${id}\nretry: ${retryMs}\ndata: \n\n`
}

/** A `retry` field on its own: sent before the server closes a connection it wants the client to poll again. */
export function retryField(retryMs: number): string {
  return `retry: ${retryMs}\n\n`
}

/** The 2024-11-05 `endpoint` event: where the client POSTs its messages. */
export function endpointEvent(uri: string): string {
  return `event: endpoint\ndata: ${uri}\n\n`
}

/**
 * One open SSE response. The handler writes to it before the adapter has attached its sink
 * (the response object exists only after the handler returns), so early chunks wait in a buffer.
 * Once the sink says the client is not keeping up, chunks wait here until it drains; past
 * `maxBufferedBytes` waiting (UTF-16 code units, as the event store counts) the connection is
 * dropped, so a reader that never reads costs a bounded amount. With an event store, its client
 * resumes with `Last-Event-ID` and misses nothing.
 */
export class SseConnection {
  /** Called once, when the connection ends, whichever side ended it. */
  onclose?: () => void
  /** Called once, when the connection ends: the keep-alive timer's forgetting. */
  untrack?: () => void
  readonly #maxBuffered: number
  #sink: SseSink | undefined
  /** Chunks waiting: for the sink to be attached, or for a congested one to drain. */
  #pending: string[] = []
  #pendingSize = 0
  #congested = false
  #open = true
  #aborted = false

  constructor(maxBufferedBytes: number = DEFAULT_MAX_SSE_BUFFERED) {
    this.#maxBuffered = maxBufferedBytes
  }

  get open(): boolean {
    return this.#open
  }

  /** Bytes (UTF-16 code units) waiting for the client. */
  get buffered(): number {
    return this.#pendingSize
  }

  attach(sink: SseSink): void {
    const pending = this.#pending
    this.#pending = []
    this.#pendingSize = 0
    // Ended before the adapter attached (a stream closed at once): what was written still goes out.
    if (pending.length > 0 && !this.#aborted) this.#congested = !sink.write(pending.join(''))
    if (this.#open) this.#sink = sink
    else if (!this.#aborted) sink.end()
  }

  /** Writes a chunk; false once the connection has ended (or was just dropped for a client not reading). */
  write(chunk: string): boolean {
    if (!this.#open) return false
    if (this.#sink && !this.#congested) {
      this.#congested = !this.#sink.write(chunk)
      return true
    }
    this.#pending.push(chunk)
    this.#pendingSize += chunk.length
    if (this.#pendingSize <= this.#maxBuffered) return true
    // The client reads slower than the server writes (or not at all): drop it rather than grow.
    this.#sink?.destroy()
    this.abort()
    return false
  }

  /** The sink can take more: what waited goes out. */
  drain(): void {
    this.#congested = false
    const sink = this.#sink
    if (!sink || this.#pending.length === 0) return
    const pending = this.#pending
    this.#pending = []
    this.#pendingSize = 0
    this.#congested = !sink.write(pending.join(''))
  }

  /** Ends the response (what was written is flushed first, even if the adapter attaches later). */
  end(): void {
    if (!this.#open) return
    this.#open = false
    if (this.#sink) {
      if (this.#pending.length > 0) this.#sink.write(this.#pending.join(''))
      this.#pending = []
      this.#pendingSize = 0
      this.#sink.end()
    }
    this.#closed()
  }

  /** The client went away: nothing more can be written. */
  abort(): void {
    this.#aborted = true
    this.#pending = []
    this.#pendingSize = 0
    if (!this.#open) return
    this.#open = false
    this.#closed()
  }

  #closed(): void {
    const onclose = this.onclose
    this.onclose = undefined
    const untrack = this.untrack
    this.untrack = undefined
    untrack?.()
    onclose?.()
  }
}

/**
 * Writes an SSE comment to every open connection now and then, so proxies and idle timeouts do
 * not cut a quiet stream. One timer for all connections, running only while one is open and
 * never keeping the process alive.
 */
export class KeepAlive {
  readonly #connections = new Set<SseConnection>()
  readonly #intervalMs: number
  readonly #maxBuffered: number
  #timer: ReturnType<typeof setInterval> | undefined

  constructor(intervalMs: number, maxBufferedBytes: number = DEFAULT_MAX_SSE_BUFFERED) {
    this.#intervalMs = intervalMs
    this.#maxBuffered = maxBufferedBytes
  }

  /** A new SSE connection, bounded as the handler is configured, kept alive from now on. */
  open(): SseConnection {
    const connection = new SseConnection(this.#maxBuffered)
    this.add(connection)
    return connection
  }

  /** Connections written to now and then; each leaves as soon as it ends. */
  get size(): number {
    return this.#connections.size
  }

  add(connection: SseConnection): void {
    if (!(this.#intervalMs > 0) || !connection.open) return
    this.#connections.add(connection)
    // Forgotten the moment it ends, not at the next tick: a busy server would otherwise hold every
    // finished response for up to an interval.
    connection.untrack = () => {
      this.#connections.delete(connection)
      if (this.#connections.size === 0) this.close()
    }
    if (this.#timer) return
    this.#timer = setInterval(() => {
      for (const c of this.#connections) c.write(': keep-alive\n\n')
    }, this.#intervalMs)
    ;(this.#timer as { unref?: () => void }).unref?.()
  }

  close(): void {
    clearInterval(this.#timer)
    this.#timer = undefined
    this.#connections.clear()
  }
}
