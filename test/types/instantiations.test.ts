import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')

/** Type-checks one fixture project and returns how many type instantiations it took. */
function instantiationsOf(project: string): number {
  let out: string
  try {
    out = execFileSync(process.execPath, [tsc, '-p', project, '--extendedDiagnostics'], { cwd: root, encoding: 'utf8' })
  } catch (e) {
    throw new Error(`the fixture does not type-check:\n${(e as { stdout?: string }).stdout ?? e}`)
  }
  return Number(/Instantiations:\s+(\d+)/.exec(out)?.[1])
}

// STYLE §7: registering many tools must not hit TS2589 or slow the editor. 50 distinct zod tools
// measured 53k instantiations when this budget was set; a change to the inference of registerTool
// that multiplies that fails here instead of in our users' editors.
const BUDGET = 120_000

describe('type cost of a server with 50 distinct tools', () => {
  it(`type-checks without errors in under ${BUDGET} instantiations`, () => {
    const instantiations = instantiationsOf('test/types/fixtures/tsconfig.json')
    expect(instantiations).toBeGreaterThan(0)
    expect(instantiations).toBeLessThan(BUDGET)
  }, 60_000)
})

// The same 50 tools chained with withTool(), and a Client<typeof server> calling each of them, measured
// 111k instantiations when this budget was set (the fixture above: 49k). The rest is the chain (about 400
// a tool), the input types of the 50 argument schemas, and the checked calls (about 500 a call).
const TYPED_BUDGET = 250_000

describe('type cost of a typed client over that server', () => {
  it(`type-checks without errors in under ${TYPED_BUDGET} instantiations`, () => {
    const instantiations = instantiationsOf('test/types/fixtures/tsconfig.typed.json')
    expect(instantiations).toBeGreaterThan(0)
    expect(instantiations).toBeLessThan(TYPED_BUDGET)
  }, 60_000)
})
