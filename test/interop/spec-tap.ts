import type { Transport as OfficialTransport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js'
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js'
import type { JSONRPCPayload, Transport } from '@plugboard/protocol'
import { withSchemaCheck, type SchemaViolation } from '@plugboard/protocol/testing'

/**
 * Wraps an official-SDK transport so that every message *received* from the peer is checked
 * against the official JSON Schema: for a Plugboard server running in a child process, this is
 * where what it sends can be seen.
 *
 * It reuses `withSchemaCheck` mirrored: messages we send are fed to a sink transport as if
 * received (so it learns which request each result answers), and messages we receive are "sent"
 * through it (so each is validated against its method's or result's definition). The mirror's
 * `send` never reaches a wire; a violation is recorded and the message still delivered, so the
 * test asserts `violations` rather than hanging on a lost reply.
 */
export class SpecTap implements OfficialTransport {
  onclose?: () => void
  onerror?: (error: Error) => void
  onmessage?: OfficialTransport['onmessage']
  /** Every message received, in order. */
  readonly received: JSONRPCMessage[] = []
  readonly #inner: OfficialTransport
  readonly #mirror: Transport & { readonly violations: SchemaViolation[] }
  #revision: string | undefined

  /** `revision`: check everything against that revision (a 2026-07-28 peer has no handshake to learn it from). */
  constructor(inner: OfficialTransport, revision?: string) {
    this.#inner = inner
    this.#revision = revision
    const sink: Transport = { start: async () => {}, close: async () => {}, send: async () => {} }
    this.#mirror = withSchemaCheck(sink, () => this.#revision)
    this.#mirror.onmessage = () => {}
  }

  /** What the peer sent that breaks the spec. */
  get violations(): SchemaViolation[] {
    return this.#mirror.violations
  }

  async start(): Promise<void> {
    this.#inner.onmessage = (message, extra) => {
      this.received.push(message)
      const result = (message as { result?: { protocolVersion?: unknown; serverInfo?: unknown } }).result
      void this.#mirror.send(message as JSONRPCPayload).catch(() => {})
      // The negotiated revision decides which schema applies to everything after the handshake.
      if (typeof result?.protocolVersion === 'string' && result.serverInfo !== undefined) this.#revision = result.protocolVersion
      this.onmessage?.(message, extra)
    }
    this.#inner.onclose = () => this.onclose?.()
    this.#inner.onerror = (error) => this.onerror?.(error)
    await this.#inner.start()
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    this.#mirror.onmessage?.(message as JSONRPCPayload)
    await this.#inner.send(message, options)
  }

  close(): Promise<void> {
    return this.#inner.close()
  }

  setProtocolVersion(version: string): void {
    this.#revision = version
  }
}
