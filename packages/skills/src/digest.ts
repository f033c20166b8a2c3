import { createHash } from 'node:crypto'

/** `sha256:` and the lowercase hex SHA-256 of `bytes`, the form a skill manifest's `digest` takes. */
export function digestOf(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`
}
