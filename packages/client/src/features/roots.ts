import { ErrorCode, McpError, type Root, type Session } from '@plugboard/protocol'

/** The roots a client exposes: a fixed list, or a function asked on each `roots/list`. */
export type RootsOption = Root[] | { list: () => Root[] | Promise<Root[]> }

/** The `roots` capability a client with roots declares: it tells the server when they change. */
export const ROOTS_CAPABILITY: Record<string, unknown> = { listChanged: true }

/**
 * Serves `roots/list` from the host's roots. Changes are announced by the client
 * (`notifications/roots/list_changed`, see `Client.setRoots`).
 * @see https://modelcontextprotocol.io/specification/2025-11-25/client/roots
 */
export class Roots {
  #source: RootsOption | undefined

  constructor(session: Session) {
    session.setRequestHandler('roots/list', async () => ({ roots: await this.#list() }))
  }

  get enabled(): boolean {
    return this.#source !== undefined
  }

  set(source: RootsOption): void {
    this.#source = Array.isArray(source) ? [...source] : source
  }

  async #list(): Promise<Root[]> {
    const source = this.#source
    if (!source) throw new McpError(ErrorCode.MethodNotFound, 'This client has no roots')
    return Array.isArray(source) ? source : await source.list()
  }
}
