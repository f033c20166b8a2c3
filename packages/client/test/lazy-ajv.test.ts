import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it, vi } from 'vitest'

const clientDir = fileURLToPath(new URL('..', import.meta.url))
const schema = { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] }

// ajv is ~90 modules and ~30 ms of CPU a host paid in every client process; only an `outputSchema` or a
// form elicitation needs it, so it is loaded on first use.
describe('the client loads ajv on first use, not at import', () => {
  it('a fresh process importing the built client has not loaded ajv', () => {
    const script = `
      import('@plugboard/client').then(() => {
        console.log(JSON.stringify({ ajv: Object.keys(require.cache).some((file) => file.includes('/ajv/')) }))
      })`
    const out = execFileSync(process.execPath, ['-e', script], { cwd: clientDir, encoding: 'utf8' })
    expect(JSON.parse(out)).toEqual({ ajv: false })
  })

  it('compiles a schema synchronously where the runtime has require', async () => {
    const { compileJsonSchema } = await import('../src/json-schema.js')
    const validate = compileJsonSchema(schema)
    expect(validate({ n: 1 })).toBe(true)
    expect(validate({ n: 'x' })).toBe(false)
  })

  describe('on a runtime without a synchronous require', () => {
    const original = process.getBuiltinModule
    afterEach(() => {
      process.getBuiltinModule = original
      vi.resetModules()
    })

    it('imports ajv as the module loads, and validates once that import settles', async () => {
      // @ts-expect-error -- simulate a runtime (a browser, a worker) that has no node:module
      process.getBuiltinModule = undefined
      vi.resetModules()
      const { validatorFor, describeErrors } = await import('../src/json-schema.js')
      const validate = await vi.waitFor(() => validatorFor(schema))
      expect(validate({ n: 1 })).toBe(true)
      expect(validate({})).toBe(false)
      expect(describeErrors(validate.errors)).toContain("must have required property 'n'")
    })
  })
})
