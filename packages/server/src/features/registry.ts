/** What every registered tool, resource, template and prompt can do after registration. */
export interface Registered {
  /** Whether it is listed and callable. */
  readonly enabled: boolean
  /** Lists it again; clients are told with a `list_changed` notification. */
  enable(): void
  /** Hides it from lists and answers calls as if it did not exist, until `enable()`. */
  disable(): void
  /** Unregisters it for good. */
  remove(): void
}

/**
 * The registered items of one kind, in registration order, keyed by what the client names them
 * by (tool and prompt name, resource URI, template name). `changed()` tells the server to send
 * the kind's `list_changed` notification; the enabled list is cached between changes so that a
 * list request does no filtering.
 */
export class Registry<T extends { readonly enabled: boolean }> {
  readonly #items = new Map<string, T>()
  #enabled: T[] | undefined
  readonly #onchange: () => void

  constructor(readonly kind: string, onchange: () => void) {
    this.#onchange = onchange
  }

  get size(): number {
    return this.#items.size
  }

  /** The item, enabled or not. */
  get(key: string): T | undefined {
    return this.#items.get(key)
  }

  /** The item if it is enabled: what a client may see. */
  find(key: string): T | undefined {
    const item = this.#items.get(key)
    return item?.enabled ? item : undefined
  }

  add(key: string, item: T): void {
    if (this.#items.has(key)) throw new Error(`${this.kind} ${key} is already registered`)
    this.#items.set(key, item)
    this.changed()
  }

  delete(key: string): void {
    if (this.#items.delete(key)) this.changed()
  }

  /** Re-keys an item (a rename through `update()`); throws if the new key is taken. */
  rekey(from: string, to: string): void {
    if (from === to) return
    if (this.#items.has(to)) throw new Error(`${this.kind} ${to} is already registered`)
    const item = this.#items.get(from)
    if (!item) return
    this.#items.delete(from)
    this.#items.set(to, item)
  }

  /** The enabled items, in registration order. */
  enabled(): readonly T[] {
    return (this.#enabled ??= [...this.#items.values()].filter((item) => item.enabled))
  }

  all(): IterableIterator<T> {
    return this.#items.values()
  }

  changed(): void {
    this.#enabled = undefined
    this.#onchange()
  }
}

/** Copies `fields` without its `undefined` values: list entries carry only what was given. */
export function definedFields<T extends object>(fields: T): T {
  const out = {} as T
  for (const key in fields) if (fields[key] !== undefined) out[key] = fields[key]
  return out
}
