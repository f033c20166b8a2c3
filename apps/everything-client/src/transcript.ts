import type { Writable } from 'node:stream'

/**
 * Prints what a client and server say to each other, one short line per step: `→` what we send,
 * `←` what comes back, indented for what the server asks of us in the middle of a call.
 */
export class Transcript {
  constructor(private readonly out: Writable = process.stdout) {}

  /** A message we send. */
  send(text: string, depth = 0): void {
    this.line(depth, '→', text)
  }

  /** A message we receive. */
  receive(text: string, depth = 0): void {
    this.line(depth, '←', text)
  }

  /** Progress or commentary, neither sent nor received as such. */
  note(text: string, depth = 0): void {
    this.line(depth, '·', text)
  }

  /** A step that went wrong. */
  fail(text: string): void {
    this.line(0, '✗', text)
  }

  /** A heading or a blank line. */
  plain(text = ''): void {
    this.out.write(text + '\n')
  }

  private line(depth: number, mark: string, text: string): void {
    this.out.write(`${'    '.repeat(depth)}${mark} ${text}\n`)
  }
}

/** A value as one line of at most `max` characters: strings quoted, objects as compact JSON. */
export function brief(value: unknown, max = 72): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value)
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}

/** Tool call arguments as `{a: 2, b: 3}`: readable, not strict JSON. */
export function args(value: Record<string, unknown>): string {
  const parts = Object.entries(value).map(([key, v]) => `${key}: ${JSON.stringify(v)}`)
  return parts.length === 0 ? '{}' : `{${parts.join(', ')}}`
}
