import { describe, expect, it } from 'vitest'
import { dataFiles, exampleFiles, importedSpecifiers, installedPackages, packageName, packageOf } from './readme-blocks.js'

const readme = [
  '# @plugboard/example',
  '',
  '```sh',
  'npm install @plugboard/server @plugboard/transport-stdio zod',
  'npm install -D typescript @types/node',
  '```',
  '',
  '```ts',
  "// server.ts — a clock on stdio",
  "import { McpServer } from '@plugboard/server'",
  "import { readFile } from 'node:fs/promises'",
  "import type { Tool } from '@plugboard/protocol'",
  '```',
  '',
  '```ts',
  'dpop: { required: true }',
  '```',
  '',
  'With a `config.json` beside it:',
  '',
  '```json',
  '{ "a": 1 }',
  '```',
  '',
  'Read from `other.json`, like this one.',
  '',
  '```json',
  '{ "b": 2 }',
  '```',
  '',
  '```js',
  '// host.js',
  '```',
  '',
  '```typescript',
  '// host.ts',
  "const { Client } = await import('@plugboard/client')",
  '```',
].join('\n')

describe('reading a README like a newcomer', () => {
  it('collects every package its install commands name, without flags', () => {
    expect(installedPackages(readme)).toEqual(['@plugboard/server', '@plugboard/transport-stdio', 'zod', 'typescript', '@types/node'])
  })

  it('takes the ts blocks whose first line names a file, and lists the others as fragments', () => {
    const { files, fragments } = exampleFiles(readme)
    expect(files.map((f) => f.file)).toEqual(['server.ts', 'host.ts'])
    expect(files[0]?.code.startsWith('// server.ts')).toBe(true)
    expect(fragments).toEqual(['dpop: { required: true }'])
  })

  it('takes the json blocks the paragraph before names as a file to save, and no other', () => {
    expect(dataFiles(readme)).toEqual([{ file: 'config.json', code: '{ "a": 1 }\n' }])
  })

  it('finds static, type-only and dynamic imports, and the package each one loads', () => {
    const [server, host] = exampleFiles(readme).files
    expect(importedSpecifiers(server?.code ?? '')).toEqual(['@plugboard/server', 'node:fs/promises', '@plugboard/protocol'])
    expect(importedSpecifiers(host?.code ?? '')).toEqual(['@plugboard/client'])
    expect(['@plugboard/auth/client', 'zod/v4', 'node:http', 'fs', './server.ts'].map(packageOf)).toEqual(['@plugboard/auth', 'zod', undefined, undefined, undefined])
    expect(['zod@^4.1', '@plugboard/server@1.0.0', 'yaml'].map(packageName)).toEqual(['zod', '@plugboard/server', 'yaml'])
  })
})
