import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')

// STYLE §7: registering many tools must not hit TS2589 or slow the editor. 50 distinct zod tools
// measured 53k instantiations when this budget was set; a change to the inference of registerTool
// that multiplies that fails here instead of in our users' editors.
const BUDGET = 120_000

describe('type cost of a server with 50 distinct tools', () => {
  it(`type-checks without errors in under ${BUDGET} instantiations`, () => {
    let out: string
    try {
      out = execFileSync(process.execPath, [tsc, '-p', 'test/types/fixtures/tsconfig.json', '--extendedDiagnostics'], { cwd: root, encoding: 'utf8' })
    } catch (e) {
      throw new Error(`the fixture does not type-check:\n${(e as { stdout?: string }).stdout ?? e}`)
    }
    const instantiations = Number(/Instantiations:\s+(\d+)/.exec(out)?.[1])
    expect(instantiations).toBeGreaterThan(0)
    expect(instantiations).toBeLessThan(BUDGET)
  }, 60_000)
})
