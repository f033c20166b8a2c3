import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')

// STYLE §7: a consumer with `skipLibCheck: false` type-checks every .d.ts it loads, ours included.
// When the revision schemas' .d.ts spelled out their inferred zod types, importing @plugboard/server
// cost ~985k type instantiations beyond zod's own; with the spec types declared as interfaces it
// measured 1.5k (protocol), 1.8k (client) and 3.6k (server) when this budget was set. Exporting
// CallToolResultSchema alone with its inferred zod type again costs ~19k, so this fails on that too.
const BUDGET = 10_000

interface Check {
  instantiations: number
  files: string[]
}

/** Type-checks a fixture as a consumer would (through node_modules/@plugboard/* to the built dist). */
function check(fixture: string): Check {
  let out: string
  try {
    out = execFileSync(process.execPath, [tsc, '-p', `test/types/skiplibcheck/tsconfig.${fixture}.json`, '--extendedDiagnostics', '--listFiles'], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    })
  } catch (e) {
    throw new Error(`the ${fixture} fixture does not type-check with skipLibCheck: false:\n${(e as { stdout?: string }).stdout ?? e}`)
  }
  const instantiations = Number(/^Instantiations:\s+(\d+)$/m.exec(out)?.[1])
  expect(instantiations, 'tsc reported no instantiation count').toBeGreaterThan(0)
  return { instantiations, files: out.split('\n').filter((line) => line.endsWith('.d.ts')) }
}

describe('type cost of our .d.ts for a consumer with skipLibCheck: false', () => {
  let baseline: Check

  beforeAll(() => {
    for (const name of ['protocol', 'server', 'client']) {
      expect(existsSync(`${root}packages/${name}/dist/index.d.ts`), `build @plugboard/${name} first`).toBe(true)
    }
    baseline = check('zod-only')
  }, 120_000)

  it.each(['protocol', 'client', 'server'])(`@plugboard/%s type-checks without errors in under ${BUDGET} instantiations beyond zod's own`, (name) => {
    const { instantiations, files } = check(name)
    // Measured against the built declarations, never our sources.
    expect(files.some((file) => file.endsWith(`/packages/${name}/dist/index.d.ts`))).toBe(true)
    expect(files.filter((file) => /\/packages\/[^/]+\/src\//.test(file))).toEqual([])
    // The zod objects' own inferred types (protocol's revisions/wire/) stay out of a consumer's program.
    expect(files.filter((file) => file.includes('/revisions/wire/'))).toEqual([])
    expect(instantiations - baseline.instantiations).toBeLessThan(BUDGET)
  }, 120_000)
})

describe('our .d.ts in the projects users have', () => {
  it('type-check in a Node project without the DOM lib: every entry point of every package', () => {
    // The DOM's globals (CryptoKey, CryptoKeyPair…) are not there: a .d.ts naming one is TS2304 for this user.
    const { files } = check('node-only')
    expect(files.some((file) => file.endsWith('/packages/auth/dist/client/index.d.ts'))).toBe(true)
    expect(files.filter((file) => file.includes('/typescript/lib/lib.dom'))).toEqual([])
  }, 120_000)

  it('take the DOM’s WebCrypto keys where they take keys (OAuth private key, DPoP key pair)', () => {
    check('auth-dom')
  }, 120_000)
})
