import { ErrorCode, McpError } from '../errors.js'
import type { JSONRPCPayload } from '../jsonrpc/messages.js'
import type { MessageInfo, SendOptions, Transport } from '../transport.js'

/**
 * A transport linked in memory to its twin: what one sends, the other receives on a later
 * microtask, as structured clones (so no test passes by sharing objects). For fast tests.
 *
 * @example
 * const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair()
 * await Promise.all([server.connect(serverTransport), client.connect(clientTransport)])
 */
export class InMemoryTransport implements Transport {
  onmessage?: (message: JSONRPCPayload, info?: MessageInfo) => void
  onclose?: () => void
  onerror?: (error: Error) => void
  /** Passed with every message this transport delivers (to fake auth or session info). */
  messageInfo?: MessageInfo
  #peer?: InMemoryTransport
  #queue: JSONRPCPayload[] = []
  #started = false
  #closed = false

  /** Two linked transports: `[clientSide, serverSide]`. */
  static createLinkedPair(): [InMemoryTransport, InMemoryTransport] {
    const a = new InMemoryTransport()
    const b = new InMemoryTransport()
    a.#peer = b
    b.#peer = a
    return [a, b]
  }

  async start(): Promise<void> {
    if (this.#started) throw new Error('InMemoryTransport already started')
    this.#started = true
    const queued = this.#queue
    this.#queue = []
    for (const message of queued) this.#deliver(message)
  }

  async send(message: JSONRPCPayload, _options?: SendOptions): Promise<void> {
    const peer = this.#peer
    if (this.#closed || !peer || peer.#closed) throw new McpError(ErrorCode.ConnectionClosed, 'InMemoryTransport is closed')
    const copy = structuredClone(message)
    if (peer.#started) queueMicrotask(() => peer.#deliver(copy))
    else peer.#queue.push(copy)
  }

  #deliver(message: JSONRPCPayload): void {
    if (!this.#closed) this.onmessage?.(message, this.messageInfo)
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    const peer = this.#peer
    this.#peer = undefined
    this.onclose?.()
    await peer?.close()
  }
}
