import type { Readable, Writable } from 'node:stream'
import {
  ErrorCode,
  McpError,
  parseMessage,
  serializeMessage,
  type JSONRPCErrorResponse,
  type JSONRPCMessage,
  type JSONRPCPayload,
  type MessageInfo,
  type RequestId,
  type Transport,
} from '@plugboard/protocol'
import { DEFAULT_MAX_MESSAGE_SIZE, keepNumericIds, LineWriter, ReadBuffer } from './framing.js'

/** Options of {@link StdioServerTransport}. */
export interface StdioServerTransportOptions {
  /** Where messages come from. Default `process.stdin`. */
  stdin?: Readable
  /** Where messages go. Default `process.stdout`; nothing but MCP messages is ever written to it. */
  stdout?: Writable
  /** Longest accepted message in bytes; a longer line is answered with -32600 and skipped. Default 16 MiB. */
  maxMessageSize?: number
  /**
   * After stdin ends, how long requests already received may still take to be answered before
   * the transport closes (which cancels them). Default 10 000 ms.
   */
  drainGraceMs?: number
}

/** Default {@link StdioServerTransportOptions.drainGraceMs}. */
export const DEFAULT_DRAIN_GRACE_MS = 10_000

/**
 * Serves MCP over this process's stdin and stdout: one JSON-RPC message per line, UTF-8.
 *
 * A line that is not JSON is answered with -32700, one that is not JSON-RPC with -32600, and
 * reading goes on. When stdin ends, requests already received are still answered (for up to
 * `drainGraceMs`), then the transport closes; `close()` detaches from the streams without
 * destroying them, so the process exits once nothing else holds it open. Log to stderr:
 * anything else on stdout would corrupt the stream.
 *
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#stdio
 * @example
 * import { McpServer } from '@plugboard/server'
 * import { StdioServerTransport } from '@plugboard/transport-stdio'
 *
 * const server = new McpServer({ name: 'demo', version: '1.0.0' })
 * await server.connect(new StdioServerTransport())
 */
export class StdioServerTransport implements Transport {
  onmessage?: (message: JSONRPCPayload, info?: MessageInfo) => void
  onclose?: () => void
  onerror?: (error: Error) => void

  private readonly stdin: Readable
  private readonly stdout: Writable
  private readonly reader: ReadBuffer
  private readonly writer: LineWriter
  /** 'draining': stdin ended, requests received before are still being answered. */
  private state: 'idle' | 'open' | 'draining' | 'closed' = 'idle'
  /** Requests received and not yet answered (or cancelled), by id: a count, as a peer may reuse an id. */
  private readonly unanswered = new Map<RequestId, number>()
  private readonly drainGraceMs: number
  /** Ids past 2^53 of requests not yet answered, answered as the numbers they were sent as. */
  private readonly numericIds = new Set<string>()
  private drainTimer: ReturnType<typeof setTimeout> | undefined

  constructor(options: StdioServerTransportOptions = {}) {
    this.stdin = options.stdin ?? process.stdin
    this.stdout = options.stdout ?? process.stdout
    this.reader = new ReadBuffer(
      { line: (text) => this.onLine(text), oversize: (bytes) => this.onOversize(bytes) },
      options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE,
    )
    this.writer = new LineWriter(this.stdout)
    this.drainGraceMs = options.drainGraceMs ?? DEFAULT_DRAIN_GRACE_MS
  }

  /** Starts reading stdin. Rejects if called twice. */
  async start(): Promise<void> {
    if (this.state !== 'idle') throw new Error('StdioServerTransport already started; connect() calls start() for you')
    this.state = 'open'
    this.stdin.on('data', this.onData)
    this.stdin.on('end', this.onEnd)
    this.stdin.on('close', this.onEnd)
    this.stdin.on('error', this.onStreamError)
    // EPIPE when the client went away: without a listener it would crash the process.
    this.stdout.on('error', this.onStreamError)
  }

  /**
   * Writes one message (or batch) as a line on stdout. Resolves once written; waits for
   * `'drain'` when stdout is full. Rejects with `McpError(ConnectionClosed)` after close.
   */
  send(message: JSONRPCPayload): Promise<void> {
    if (this.state !== 'open' && this.state !== 'draining') return Promise.reject(new McpError(ErrorCode.ConnectionClosed, 'Connection closed'))
    const written = this.writer.write(serializeMessage(message, this.numericIds))
    if (this.unanswered.size === 0) return written
    if (!Array.isArray(message)) this.answered(message)
    else for (const m of message) this.answered(m)
    // The last answer owed after stdin ended: close once it is written.
    if (this.state === 'draining' && this.unanswered.size === 0) return written.finally(() => void this.close())
    return written
  }

  /** Stops reading and fires `onclose` once. Leaves stdin/stdout open (they are the process's). */
  async close(): Promise<void> {
    if (this.state === 'closed') return
    const wasOpen = this.state === 'open'
    this.state = 'closed'
    if (this.drainTimer) clearTimeout(this.drainTimer)
    this.unanswered.clear()
    this.stdin.removeListener('data', this.onData)
    this.stdin.removeListener('end', this.onEnd)
    this.stdin.removeListener('close', this.onEnd)
    this.stdin.removeListener('error', this.onStreamError)
    this.stdout.removeListener('error', this.onStreamError)
    // Stop reading only if nobody else is: pausing lets the process exit on an empty loop.
    if (wasOpen && this.stdin.listenerCount('data') === 0) this.stdin.pause()
    this.reader.clear()
    this.writer.fail(new McpError(ErrorCode.ConnectionClosed, 'Connection closed'))
    this.onclose?.()
  }

  private readonly onData = (chunk: Buffer | string): void => {
    this.reader.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
  }

  private readonly onEnd = (): void => {
    if (this.state !== 'open') return
    // A last line without its newline is still a message (and was once answered by nobody).
    this.reader.end()
    if (this.unanswered.size === 0) return void this.close()
    // A client closing stdin is shutting down, not taking back what it asked: answer what was
    // started, then close. `drainGraceMs` bounds it for a request that never ends.
    this.state = 'draining'
    this.drainTimer = setTimeout(() => void this.close(), this.drainGraceMs)
    this.drainTimer.unref?.()
  }

  /** Counts an answered request out. */
  private settle(id: RequestId): void {
    const n = this.unanswered.get(id)
    if (n === undefined) return
    if (n > 1) this.unanswered.set(id, n - 1)
    else this.unanswered.delete(id)
  }

  private answered(message: JSONRPCMessage): void {
    if (!('method' in message) && message.id !== null) this.settle(message.id)
  }

  /** Counts inbound requests in, and cancelled ones out (a cancelled request is never answered). */
  private track(message: JSONRPCMessage): void {
    if (!('method' in message)) return
    if ('id' in message && message.id !== undefined) this.unanswered.set(message.id, (this.unanswered.get(message.id) ?? 0) + 1)
    else if (message.method === 'notifications/cancelled') {
      const id = message.params?.requestId
      if (typeof id === 'string' || typeof id === 'number') this.settle(id)
    }
  }

  private readonly onStreamError = (error: Error): void => {
    this.onerror?.(error)
    void this.close()
  }

  private onLine(text: string): void {
    const parsed = parseMessage(text)
    if (!parsed.ok) return this.reject(parsed.error)
    if (parsed.numericIds) keepNumericIds(this.numericIds, parsed.numericIds)
    const { payload } = parsed
    if (!Array.isArray(payload)) this.track(payload)
    else for (const m of payload) this.track(m)
    try {
      this.onmessage?.(payload)
    } catch (error) {
      this.onerror?.(error instanceof Error ? error : new Error(String(error)))
    }
  }

  private onOversize(bytes: number): void {
    const message = `Invalid Request: message of ${bytes}+ bytes exceeds maxMessageSize (${this.reader.maxMessageSize})`
    this.reject({ jsonrpc: '2.0', id: null, error: { code: ErrorCode.InvalidRequest, message } })
  }

  /** Answers a bad line so the client is not left waiting, and reports it. */
  private reject(response: JSONRPCErrorResponse): void {
    this.onerror?.(McpError.fromError(response.error))
    if (this.state === 'open' || this.state === 'draining') this.writer.write(serializeMessage(response)).catch(() => {})
  }
}
