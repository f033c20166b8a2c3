import { ErrorCode, McpError, existsIn, methods, type Root, type Session } from '@plugboard/protocol'

/** The roots a client exposes: a fixed list, or a function asked on each `roots/list`. */
export type RootsOption = Root[] | { list: () => Root[] | Promise<Root[]> }

/** The `roots` capability a client with roots declares: it tells the server when they change. */
export const ROOTS_CAPABILITY: Record<string, unknown> = { listChanged: true }

const listChanged = methods['notifications/roots/list_changed']

/**
 * Serves `roots/list` from the host's roots, and announces a change of them with
 * `notifications/roots/list_changed` where that exists (a modern server asks for the roots
 * each time it needs them).
 * @see https://modelcontextprotocol.io/specification/2025-11-25/client/roots
 */
export class Roots {
  readonly #session: Session
  #source: RootsOption | undefined

  constructor(session: Session) {
    this.#session = session
    session.setRequestHandler('roots/list', async () => ({ roots: await this.#list() }))
  }

  get enabled(): boolean {
    return this.#source !== undefined
  }

  async set(source: RootsOption): Promise<void> {
    this.#source = Array.isArray(source) ? [...source] : source
    const session = this.#session
    const version = session.state.protocolVersion
    // Not during the handshake: nothing but ping may precede notifications/initialized.
    if (session.transport && version !== undefined && existsIn(listChanged, version)) await session.notify('notifications/roots/list_changed')
  }

  async #list(): Promise<Root[]> {
    const source = this.#source
    if (!source) throw new McpError(ErrorCode.MethodNotFound, 'This client has no roots')
    return Array.isArray(source) ? source : await source.list()
  }
}
