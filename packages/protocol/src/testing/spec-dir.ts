import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

// This module sits two levels below the package root both as src/testing/*.ts (tests) and as
// dist/testing/*.js (the published build), so `../../spec` is the package's own copy either way.
const bundled = fileURLToPath(new URL('../../spec', import.meta.url))

/**
 * The folder of official MCP JSON Schemas shipped inside `@plugboard/protocol`
 * (`<revision>/schema.json`), so schema checks need nothing beside the user's project.
 */
export function specDir(): string {
  return bundled
}

/** The official `schema.json` of a revision, in the shipped {@link specDir} folder. */
export function specPath(revision: string): string {
  return join(bundled, revision, 'schema.json')
}
