import type { Writable } from 'node:stream'

/**
 * The default cap on one stdio message: 16 MiB of UTF-8, newline excluded. Large enough for a
 * big `resources/read` blob, small enough that a peer writing garbage without newlines cannot
 * make us buffer without bound.
 */
export const DEFAULT_MAX_MESSAGE_SIZE = 16 * 1024 * 1024

/** Most ids past 2^53 remembered while their requests await an answer; the oldest are forgotten first. */
const MAX_NUMERIC_IDS = 1024

/** Remembers ids past 2^53 (see `parseMessage`) until answered, within {@link MAX_NUMERIC_IDS}. */
export function keepNumericIds(kept: Set<string>, ids: string[]): void {
  for (const id of ids) kept.add(id)
  for (const id of kept) {
    if (kept.size <= MAX_NUMERIC_IDS) break
    kept.delete(id)
  }
}

const LF = 0x0a
const CR = 0x0d

/** What a {@link ReadBuffer} calls as lines complete. */
export interface ReadBufferHandlers {
  /** A complete line, decoded as UTF-8, without its `\n` or `\r\n`. Blank lines are skipped. */
  line(text: string): void
  /** A line grew past `maxMessageSize`; it is dropped and reading resumes after its next `\n`. */
  oversize(bytes: number): void
}

/**
 * Splits a byte stream into newline-delimited messages in linear time.
 *
 * Chunks are kept as received and only new bytes are scanned for `\n`: the official SDK's
 * concatenate-and-rescan made a 5 MB message 2.5× slower than needed (STYLE §8). Lines are
 * decoded only once complete, so a UTF-8 character split across chunks survives. A line over
 * `maxMessageSize` is never buffered whole: it is reported once and skipped to its end.
 *
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#stdio
 */
export class ReadBuffer {
  private chunks: Buffer[] = []
  private buffered = 0
  /** Bytes of an oversize line dropped so far; -1 when not discarding. */
  private discarded = -1

  constructor(
    private readonly handlers: ReadBufferHandlers,
    readonly maxMessageSize: number = DEFAULT_MAX_MESSAGE_SIZE,
  ) {}

  /** Feeds one chunk; calls `line`/`oversize` for every line it completes. */
  push(chunk: Buffer): void {
    let start = 0
    for (let end = chunk.indexOf(LF); end !== -1; end = chunk.indexOf(LF, start)) {
      const piece = chunk.subarray(start, end)
      start = end + 1
      if (this.discarded >= 0) {
        this.discarded = -1
        continue
      }
      const size = this.buffered + piece.length
      const parts = this.chunks
      this.chunks = []
      this.buffered = 0
      // +1: the last byte may be the \r of a CRLF ending; checked again below.
      if (size > this.maxMessageSize + 1) {
        this.handlers.oversize(size)
        continue
      }
      const whole = parts.length === 0 ? piece : Buffer.concat([...parts, piece], size)
      const length = size > 0 && whole[size - 1] === CR ? size - 1 : size
      if (length > this.maxMessageSize) this.handlers.oversize(length)
      else if (length > 0) this.emit(whole, length)
    }
    if (start < chunk.length) this.keep(chunk.subarray(start))
  }

  /** Flushes an unterminated last line at end of stream (a peer may omit the final `\n`). */
  end(): void {
    if (this.discarded < 0 && this.buffered > 0) this.push(Buffer.from([LF]))
    this.clear()
  }

  /** Drops anything buffered. */
  clear(): void {
    this.chunks = []
    this.buffered = 0
    this.discarded = -1
  }

  private keep(rest: Buffer): void {
    if (this.discarded >= 0) {
      this.discarded += rest.length
      return
    }
    this.buffered += rest.length
    if (this.buffered <= this.maxMessageSize + 1) {
      this.chunks.push(rest)
      return
    }
    const dropped = this.buffered
    this.chunks = []
    this.buffered = 0
    this.discarded = dropped
    this.handlers.oversize(dropped)
  }

  private emit(whole: Buffer, length: number): void {
    // Skip whitespace-only lines (a stray blank line is not a message).
    let i = 0
    while (i < length && (whole[i] === 0x20 || whole[i] === 0x09)) i++
    if (i < length) this.handlers.line(whole.toString('utf8', 0, length))
  }
}

interface Pending {
  text: string
  resolve(): void
  reject(error: Error): void
}

/**
 * Writes newline-delimited messages to a stream, honouring backpressure.
 *
 * Writes in the same tick are corked into one `writev` (one syscall, not one per message).
 * When `write()` returns false, later lines wait in order for `'drain'` instead of piling into
 * the stream's buffer. Each `write` resolves once its bytes were written (the stream's write
 * callback), so a broken pipe rejects the send that hit it.
 */
export class LineWriter {
  private queue: Pending[] = []
  private waiting = false
  private corked = false
  private failure: Error | undefined

  /**
   * @param stream where lines go.
   * @param wrapError turns a stream's write error (EPIPE…) into the error `write` rejects with.
   */
  constructor(
    private readonly stream: Writable,
    private readonly wrapError: (error: Error) => Error = (error) => error,
  ) {}

  /** Writes one serialized line (it must already end with `\n`). */
  write(text: string): Promise<void> {
    if (this.failure) return Promise.reject(this.failure)
    return new Promise<void>((resolve, reject) => {
      const item = { text, resolve, reject }
      if (this.waiting) this.queue.push(item)
      else this.hand(item)
    })
  }

  /** Rejects queued and future writes with `error`, and stops listening to the stream. */
  fail(error: Error): void {
    if (this.failure) return
    this.failure = error
    this.stream.removeListener('drain', this.onDrain)
    this.waiting = false
    const queued = this.queue
    this.queue = []
    for (const item of queued) item.reject(error)
    this.uncork()
  }

  private hand(item: Pending): void {
    if (!this.corked) {
      this.corked = true
      this.stream.cork()
      process.nextTick(this.uncork)
    }
    const ok = this.stream.write(item.text, (error) => {
      if (error) item.reject(this.failure ?? this.wrapError(error))
      else item.resolve()
    })
    if (!ok) {
      this.waiting = true
      this.stream.once('drain', this.onDrain)
    }
  }

  private readonly uncork = (): void => {
    if (!this.corked) return
    this.corked = false
    this.stream.uncork()
  }

  private readonly onDrain = (): void => {
    this.waiting = false
    while (!this.waiting && this.queue.length > 0) this.hand(this.queue.shift()!)
  }
}
