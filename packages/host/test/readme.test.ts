import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const example = fileURLToPath(new URL('../../../apps/examples/host-quickstart/', import.meta.url))
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

// The README's example is apps/examples/host-quickstart, which the test flow builds; here it runs.
describe('README example', () => {
  it('is exactly the code of apps/examples/host-quickstart', () => {
    const first = /```ts\n([\s\S]*?)```/.exec(readme)?.[1]
    expect(first).toBe(readFileSync(`${example}src/host.ts`, 'utf8'))
  })

  it('loads mcp.json, lists the namespaced tools, calls one and shuts the server down', async () => {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['dist/host.js'], { cwd: example, timeout: 15_000 })
    expect(stdout).toContain('everything__echo: Echoes back the message it is given.')
    expect(stdout).toContain("[ { type: 'text', text: 'Echo: hello' } ]")
    expect(stderr.split('\n').filter(Boolean)).toEqual(['everything: starting', 'everything: ready', 'everything: stopped'])
  })
})
