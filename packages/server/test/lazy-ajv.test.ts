import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it, vi } from 'vitest'

const serverDir = fileURLToPath(new URL('..', import.meta.url))

// ajv is ~90 modules a stdio server pays for at every cold start; a server whose tools declare Standard
// Schemas never needs it, so it is loaded on the first raw JSON Schema only.
describe('ajv is loaded on the first raw JSON Schema, not at import', () => {
  it('a fresh process importing the built server has not loaded ajv until a raw schema is registered', () => {
    const script = `
      const loaded = () => Object.keys(require.cache).some((file) => file.includes('/ajv/'))
      import('@plugboard/server').then(({ McpServer }) => {
        const before = loaded()
        const server = new McpServer({ name: 's', version: '1' })
        server.registerTool('shaped', { inputSchema: { type: 'object', properties: { n: { type: 'number' } } } }, () => ({ content: [] }))
        console.log(JSON.stringify({ before, after: loaded() }))
      })`
    const out = execFileSync(process.execPath, ['-e', script], { cwd: serverDir, encoding: 'utf8' })
    expect(JSON.parse(out)).toEqual({ before: false, after: true })
  })

  describe('on a runtime without a synchronous require', () => {
    const original = process.getBuiltinModule
    afterEach(() => {
      process.getBuiltinModule = original
      vi.resetModules()
    })

    it('validates once the dynamic import settles: the first call waits for it, a bad value still fails', async () => {
      // @ts-expect-error -- simulate a runtime (a bundle, a worker) that has no node:module
      process.getBuiltinModule = undefined
      vi.resetModules()
      const { compileSchema } = await import('../src/schema.js')
      const compiled = compileSchema({ type: 'object', properties: { n: { type: 'number' } }, required: ['n'] })
      expect(compiled.jsonSchema).toMatchObject({ type: 'object', required: ['n'] })
      const first = compiled.validate({ n: 1 })
      expect(first).toBeInstanceOf(Promise)
      expect(await first).toEqual({ ok: true, value: { n: 1 } })
      expect(await compiled.validate({ n: 'x' })).toMatchObject({ ok: false, issues: [{ path: 'n' }] })
      expect(await compiled.validate({})).toMatchObject({ ok: false, issues: [{ message: 'required' }] })
    })
  })
})
