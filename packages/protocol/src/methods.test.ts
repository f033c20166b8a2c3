import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { existsIn, hasCapability, methodEntry, methods } from './methods.js'
import { specPath } from './testing/spec-dir.js'

const REVISIONS = ['2024-11-05', '2025-03-26', '2025-06-18', '2025-11-25', '2026-07-28'] as const

type Def = { properties?: Record<string, Def & { const?: unknown }> }
const defsOf = (revision: string): Record<string, Def> => {
  const schema = JSON.parse(readFileSync(specPath(revision), 'utf8')) as { $defs?: Record<string, Def>; definitions?: Record<string, Def> }
  return (schema.$defs ?? schema.definitions)!
}
const specs = Object.fromEntries(REVISIONS.map((r) => [r, defsOf(r)]))
/** Every method a revision's schema names, in any definition. */
const methodsOf = (revision: string) =>
  new Set(Object.values(specs[revision]!).flatMap((d) => (typeof d.properties?.method?.const === 'string' ? [d.properties.method.const] : [])))

describe('the method table', () => {
  describe.each(Object.entries(methods))('%s', (name, entry) => {
    it.each(REVISIONS)('exists in %s exactly when the official schema defines it', (revision) => {
      expect(existsIn(entry, revision)).toBe(methodsOf(revision).has(name))
    })
  })

  const gated = Object.entries(methods).filter(([, entry]) => entry.capability !== undefined)
  it.each(gated)('%s needs a capability the official schema defines', (_name, entry) => {
    // The newest legacy revision that has the method (modern-only methods need none).
    const revision = [...REVISIONS].reverse().find((r) => r !== '2026-07-28' && existsIn(entry, r))!
    // A request needs the receiver's capability, a notification the sender's.
    const receiver = { client: ['ServerCapabilities'], server: ['ClientCapabilities'], either: ['ServerCapabilities', 'ClientCapabilities'] }
    const sender = { client: ['ClientCapabilities'], server: ['ServerCapabilities'], either: ['ServerCapabilities', 'ClientCapabilities'] }
    for (const side of (entry.kind === 'request' ? receiver : sender)[entry.from]) {
      let node: Def | undefined = specs[revision]![side]
      for (const key of entry.capability!.split('.')) node = node?.properties?.[key]
      expect(node, `${side}.${entry.capability} in ${revision}`).toBeDefined()
    }
  })

  it('knows the tasks methods of 2025-11-25, sent by either side', () => {
    expect(methodEntry('tasks/list')).toMatchObject({ kind: 'request', from: 'either', capability: 'tasks.list', since: '2025-11-25' })
    expect(methodEntry('notifications/tasks/status')?.kind).toBe('notification')
  })

  it('answers undefined for a name it does not know, including inherited property names', () => {
    expect(methodEntry('tools/unknown')).toBeUndefined()
    expect(methodEntry('toString')).toBeUndefined()
  })

  it('validates params with the schemas it holds', () => {
    expect(methods['tasks/get'].params.safeParse({ taskId: 't' }).success).toBe(true)
    expect(methods['tasks/get'].params.safeParse({}).success).toBe(false)
  })

  it('reads dotted capability paths, treating false and null as absent', () => {
    expect(hasCapability({ tasks: { requests: { tools: { call: {} } } } }, 'tasks.requests.tools.call')).toBe(true)
    expect(hasCapability({ resources: { subscribe: false } }, 'resources.subscribe')).toBe(false)
    expect(hasCapability(undefined, 'tools')).toBe(false)
  })
})
