/** Where an open SSE response's bytes go: a `ReadableStream` controller, or node's `ServerResponse`. */
export interface SseSink {
  write(chunk: string): void
  end(): void
}

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
 */
export class SseConnection {
  /** Called once, when the connection ends, whichever side ended it. */
  onclose?: () => void
  #sink: SseSink | undefined
  #buffer: string[] | undefined = []
  #open = true
  #aborted = false

  get open(): boolean {
    return this.#open
  }

  attach(sink: SseSink): void {
    const buffered = this.#buffer
    this.#buffer = undefined
    // Ended before the adapter attached (a stream closed at once): what was written still goes out.
    if (buffered && buffered.length > 0) sink.write(buffered.join(''))
    if (this.#open) this.#sink = sink
    else if (!this.#aborted) sink.end()
  }

  /** Writes a chunk; false once the connection has ended. */
  write(chunk: string): boolean {
    if (!this.#open) return false
    if (this.#sink) this.#sink.write(chunk)
    else this.#buffer!.push(chunk)
    return true
  }

  /** Ends the response (what was written is flushed first, even if the adapter attaches later). */
  end(): void {
    if (!this.#open) return
    this.#open = false
    this.#sink?.end()
    this.#closed()
  }

  /** The client went away: nothing more can be written. */
  abort(): void {
    this.#aborted = true
    this.#buffer = undefined
    if (!this.#open) return
    this.#open = false
    this.#closed()
  }

  #closed(): void {
    const onclose = this.onclose
    this.onclose = undefined
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
  #timer: ReturnType<typeof setInterval> | undefined

  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs
  }

  add(connection: SseConnection): void {
    if (!(this.#intervalMs > 0)) return
    this.#connections.add(connection)
    if (this.#timer) return
    this.#timer = setInterval(() => {
      // Ended connections leave at the next tick: no listener per connection needed.
      for (const c of this.#connections) if (!c.write(': keep-alive\n\n')) this.#connections.delete(c)
      if (this.#connections.size === 0) this.close()
    }, this.#intervalMs)
    ;(this.#timer as { unref?: () => void }).unref?.()
  }

  close(): void {
    clearInterval(this.#timer)
    this.#timer = undefined
    this.#connections.clear()
  }
}
