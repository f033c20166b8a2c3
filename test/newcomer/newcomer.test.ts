// A newcomer's first hour, scripted: our packages as `pnpm pack` publishes them, installed with npm
// into an empty folder outside the repository (nothing resolves from its node_modules), then used
// from ESM, CommonJS and TypeScript under each module resolution, and every package README followed
// as written. Needs the packages built (CI builds before testing) and the npm registry for the
// third-party dependencies.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { Client } from '@plugboard/client'
import { StdioClientTransport } from '@plugboard/transport-stdio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inPool, npmInstall, packPublished, PUBLISHED, root, run, tsc, typeStrippingNode, type RunResult } from './consumer.js'
import { exampleFiles, importedSpecifiers, installedPackages, packageName, packageOf, type ExampleFile } from './readme-blocks.js'

// The @types/node the repository builds against: the one thing the harness adds to an install line
// (with the TypeScript it type-checks with), as a newcomer's editor setup would.
const TYPES_NODE = '@types/node@20.19.43'

// One value (or class) from every entry point, as users import them. The ESM and CommonJS consumers
// must see these; the TypeScript consumers use each one.
const ENTRY_POINTS: Record<string, string[]> = {
  '@plugboard/protocol': ['McpError', 'ErrorCode', 'LATEST_PROTOCOL_VERSION', 'Session'],
  '@plugboard/protocol/testing': ['InMemoryTransport', 'withSchemaCheck'],
  '@plugboard/server': ['McpServer', 'ResourceTemplate'],
  '@plugboard/client': ['Client'],
  '@plugboard/transport-stdio': ['StdioServerTransport', 'StdioClientTransport'],
  '@plugboard/transport-http': ['createMcpHandler', 'toNodeHandler', 'StreamableHTTPClientTransport', 'SSEClientTransport'],
  '@plugboard/host': ['loadConfig', 'ServerManager'],
  '@plugboard/auth': ['bearerAuth', 'jwtVerifier'],
  '@plugboard/auth/client': ['oauthProvider'],
  '@plugboard/skills': ['skills'],
  '@plugboard/skills/client': ['listSkills'],
  '@plugboard/skills/testing': ['SKILL_MD'],
}

const TS_CONSUMER = `import { ErrorCode, LATEST_PROTOCOL_VERSION, McpError, type CallToolResult } from '@plugboard/protocol'
import { InMemoryTransport } from '@plugboard/protocol/testing'
import { McpServer } from '@plugboard/server'
import { Client } from '@plugboard/client'
import { StdioClientTransport, StdioServerTransport } from '@plugboard/transport-stdio'
import { createMcpHandler, StreamableHTTPClientTransport } from '@plugboard/transport-http'
import { loadConfig } from '@plugboard/host'
import { bearerAuth } from '@plugboard/auth'
import { oauthProvider } from '@plugboard/auth/client'
import { skills } from '@plugboard/skills'
import { listSkills } from '@plugboard/skills/client'
import { SKILL_MD } from '@plugboard/skills/testing'

export const version: string = LATEST_PROTOCOL_VERSION
export const error: McpError = new McpError(ErrorCode.InvalidParams, 'bad arguments')
const server = new McpServer({ name: 'newcomer', version: '1.0.0' })
server.registerTool('add', { description: 'Adds two numbers' }, (): CallToolResult => ({ content: [{ type: 'text', text: '3' }] }))
export const client = new Client({ name: 'newcomer', version: '1.0.0' })
export const pair = InMemoryTransport.createLinkedPair()
export const handler = createMcpHandler(server)
export const used = [StdioClientTransport, StdioServerTransport, StreamableHTTPClientTransport, loadConfig, bearerAuth, oauthProvider, skills, listSkills, SKILL_MD]
`

// The TypeScript consumers: a file per module system under each resolution a user may have. node10
// is the CommonJS setup of NestJS and older projects (`tsc --init` there has esModuleInterop on).
// DOM stays in `lib` (TypeScript's default); skipDefaultLibCheck keeps the check on the libraries.
const TS_MATRIX = ['nodenext', 'bundler', 'node10'].flatMap((resolution) =>
  [false, true].map((skipLibCheck) => ({ resolution, skipLibCheck })),
)
function tsconfigFor({ resolution, skipLibCheck }: { resolution: string; skipLibCheck: boolean }) {
  const module = { nodenext: 'nodenext', bundler: 'esnext', node10: 'commonjs' }[resolution]
  const files = resolution === 'nodenext' ? ['consumer.mts', 'consumer.cts'] : ['consumer.ts']
  const compilerOptions = { strict: true, noEmit: true, target: 'ES2022', types: ['node'], module, moduleResolution: resolution, skipLibCheck, skipDefaultLibCheck: true, ...(resolution === 'node10' ? { esModuleInterop: true } : {}) }
  return { compilerOptions, files }
}

const work = mkdtempSync(join(tmpdir(), 'plugboard-newcomer-'))
afterAll(() => rm(work, { recursive: true, force: true }), 60_000)

let tarballs = new Map<string, string>()
let node22 = ''
const consumer = join(work, 'consumer')

beforeAll(async () => {
  for (const name of PUBLISHED) expect(existsSync(join(root, `packages/${name}/dist/index.js`)), `build @plugboard/${name} first`).toBe(true)
  mkdirSync(join(work, 'packs'))
  mkdirSync(consumer)
  ;[tarballs, node22] = await Promise.all([packPublished(join(work, 'packs')), typeStrippingNode()])
  expect([...tarballs.keys()].sort()).toEqual(PUBLISHED.map((name) => `@plugboard/${name}`).sort())
  // What `npm init -y` writes: a CommonJS project.
  const installed = await npmInstall(consumer, { type: 'commonjs', packages: [...tarballs.keys(), TYPES_NODE], tarballs })
  expect(installed.code, installed.stderr).toBe(0)
}, 180_000)

describe('the published tarballs', () => {
  const jsFiles = (dir: string): string[] =>
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.js'))
      .map((entry) => join(entry.parentPath, entry.name))

  // Each package folder holds a copy of the root LICENSE (so `npm pack` and `pnpm pack` both ship it);
  // comparing with the root one keeps the copies from drifting.
  it.each(PUBLISHED)('@plugboard/%s carries the MIT LICENSE', (name) => {
    const license = readFileSync(join(consumer, 'node_modules/@plugboard', name, 'LICENSE'), 'utf8')
    expect(license).toMatch(/^MIT License/)
    expect(license).toContain('Copyright (c) 2026 Plugboard contributors')
    expect(license).toBe(readFileSync(join(root, 'LICENSE'), 'utf8'))
  })

  it.each(PUBLISHED)('@plugboard/%s has a top-level types and main, and typesVersions for each subpath export', (name) => {
    const dir = join(consumer, 'node_modules/@plugboard', name)
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
    expect(existsSync(join(dir, pkg.types)), pkg.types).toBe(true)
    expect(existsSync(join(dir, pkg.main)), pkg.main).toBe(true)
    expect(pkg.types).toBe(pkg.exports['.'].types)
    for (const [subpath, target] of Object.entries<{ types: string }>(pkg.exports)) {
      if (subpath === '.') continue
      expect(pkg.typesVersions?.['*']?.[subpath.slice(2)], `typesVersions for ${subpath}`).toEqual([target.types])
      expect(existsSync(join(dir, target.types))).toBe(true)
    }
  })

  it.each(PUBLISHED)('@plugboard/%s ships source maps that resolve: each names a shipped map that holds its sources', (name) => {
    const dir = join(consumer, 'node_modules/@plugboard', name)
    const files = jsFiles(join(dir, 'dist'))
    expect(files.length).toBeGreaterThan(0)
    for (const file of files) {
      const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(file, 'utf8'))?.[1]
      if (!url) continue
      const map = JSON.parse(readFileSync(join(dirname(file), url), 'utf8')) as { sources: string[]; sourcesContent?: unknown[] }
      expect(map.sourcesContent?.length, `${file}: sourcesContent`).toBe(map.sources.length)
      expect(map.sourcesContent?.every((text) => typeof text === 'string' && text.length > 0)).toBe(true)
    }
    // Declaration maps point into src/, which is not published.
    const declarationMaps = readdirSync(join(dir, 'dist'), { recursive: true }).filter((file) => String(file).endsWith('.d.ts.map'))
    expect(declarationMaps).toEqual([])
  })
})

describe('a consumer in an npm project (npm init -y: "type": "commonjs")', () => {
  it('imports every entry point from an ES module and gets its named exports', async () => {
    const script = `for (const spec of ${JSON.stringify(Object.keys(ENTRY_POINTS))}) console.log(JSON.stringify([spec, Object.keys(await import(spec))]))`
    writeFileSync(join(consumer, 'esm.mjs'), script)
    const result = await run(process.execPath, ['esm.mjs'], { cwd: consumer, timeoutMs: 30_000 })
    expect(result.code, result.stderr).toBe(0)
    const seen = Object.fromEntries(result.stdout.trim().split('\n').map((line) => JSON.parse(line) as [string, string[]]))
    for (const [spec, names] of Object.entries(ENTRY_POINTS)) expect(seen[spec], spec).toEqual(expect.arrayContaining(names))
  })

  it('require()s every entry point from CommonJS, and shares one McpError class with import()', async () => {
    const script = [
      `const seen = {}`,
      `for (const spec of ${JSON.stringify(Object.keys(ENTRY_POINTS))}) seen[spec] = Object.keys(require(spec))`,
      `import('@plugboard/protocol').then((esm) => console.log(JSON.stringify({ seen, same: esm.McpError === require('@plugboard/protocol').McpError })))`,
    ].join('\n')
    writeFileSync(join(consumer, 'cjs.cjs'), script)
    const result = await run(process.execPath, ['cjs.cjs'], { cwd: consumer, timeoutMs: 30_000 })
    expect(result.code, result.stderr).toBe(0)
    const { seen, same } = JSON.parse(result.stdout) as { seen: Record<string, string[]>; same: boolean }
    for (const [spec, names] of Object.entries(ENTRY_POINTS)) expect(seen[spec], spec).toEqual(expect.arrayContaining(names))
    expect(same).toBe(true)
  })

  describe('type-checking a file that imports every entry point', () => {
    const results = new Map<string, RunResult>()
    const key = (row: { resolution: string; skipLibCheck: boolean }) => `${row.resolution}-${row.skipLibCheck}`

    beforeAll(async () => {
      for (const file of ['consumer.ts', 'consumer.mts', 'consumer.cts']) writeFileSync(join(consumer, file), TS_CONSUMER)
      const outputs = await inPool(
        2,
        TS_MATRIX.map((row) => () => {
          const tsconfig = `tsconfig.${key(row)}.json`
          writeFileSync(join(consumer, tsconfig), JSON.stringify(tsconfigFor(row), null, 2))
          return tsc(consumer, tsconfig)
        }),
      )
      TS_MATRIX.forEach((row, index) => results.set(key(row), outputs[index]!))
    }, 240_000)

    it.each(TS_MATRIX)('compiles with moduleResolution $resolution, skipLibCheck $skipLibCheck', (row) => {
      const result = results.get(key(row))!
      expect(result.stdout + result.stderr).toBe('')
      expect(result.code).toBe(0)
    })
  })
})

// ---- The package READMEs, followed as written ----

interface Readme {
  name: string
  text: string
  install: string[]
  files: ExampleFile[]
  fragments: string[]
}
const READMES: Readme[] = PUBLISHED.map((name) => {
  const text = readFileSync(join(root, `packages/${name}/README.md`), 'utf8')
  return { name: `@plugboard/${name}`, text, install: installedPackages(text), ...exampleFiles(text) }
})
const WITH_EXAMPLES = READMES.filter((readme) => readme.files.length > 0)

// What the harness does with each example file. A stdio server is started by a client of ours and
// asked for its tools; a stdio client that spawns a sibling file of its README, and a program whose
// client and server meet over an InMemoryTransport, are run to their end; anything else (an HTTP
// listener on a fixed port, a client of a remote URL or of `npx`, a host reading its own config) is
// only type-checked, since it needs the network, never exits or needs files the README does not give.
type Kind = 'stdio server' | 'stdio client' | 'in-process program' | 'type-check only'
function kindOf(example: ExampleFile, siblings: ExampleFile[]): Kind {
  const { code } = example
  if (code.includes('new StdioServerTransport(')) return 'stdio server'
  const spawnsSibling = siblings.some((other) => other !== example && new RegExp(`['"\`]${other.file.replaceAll('.', '\\.')}['"\`]`).test(code))
  if (code.includes('new StdioClientTransport(') && spawnsSibling) return 'stdio client'
  const reachesOut = /StdioClientTransport|HTTPClientTransport|HttpClientTransport|SSEClientTransport|createMcpHandler|\.listen\(|fetch\(/.test(code)
  if (code.includes('InMemoryTransport') && !reachesOut) return 'in-process program'
  return 'type-check only'
}
const RUNS = WITH_EXAMPLES.flatMap((readme) =>
  readme.files.map((example) => ({ readme: readme.name, file: example.file, code: example.code, kind: kindOf(example, readme.files) })),
).filter((row) => row.kind !== 'type-check only')

const folderOf = (readme: string) => join(work, `readme-${readme.replace('@plugboard/', '')}`)

describe('the package READMEs, followed as written', () => {
  const installs = new Map<string, RunResult>()
  const checks = new Map<string, RunResult>()

  beforeAll(async () => {
    const installed = await inPool(
      3,
      WITH_EXAMPLES.map((readme) => () => {
        const dir = folderOf(readme.name)
        mkdirSync(dir, { recursive: true })
        for (const example of readme.files) writeFileSync(join(dir, example.file), example.code)
        const tsconfig = {
          compilerOptions: {
            strict: true, noEmit: true, target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', types: ['node'], skipLibCheck: true,
            // What running .ts with Node's type stripping needs: no enums or namespaces, explicit `import type`.
            erasableSyntaxOnly: true, verbatimModuleSyntax: true, allowImportingTsExtensions: true,
          },
          include: ['*.ts', '*.mts'],
        }
        writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2))
        const words = readme.install.some((word) => packageName(word) === '@types/node') ? readme.install : [...readme.install, TYPES_NODE]
        return npmInstall(dir, { type: 'module', packages: words, tarballs })
      }),
    )
    WITH_EXAMPLES.forEach((readme, index) => installs.set(readme.name, installed[index]!))
    const checked = await inPool(2, WITH_EXAMPLES.map((readme) => () => tsc(folderOf(readme.name), 'tsconfig.json')))
    WITH_EXAMPLES.forEach((readme, index) => checks.set(readme.name, checked[index]!))
  }, 240_000)

  it.each(READMES)('$name: an install command names the package', ({ name, install }) => {
    expect(install.map(packageName)).toContain(name)
  })

  it.each(WITH_EXAMPLES.map((readme) => [readme.name, readme] as const))('%s: its install command installs every package its examples import', (_, readme) => {
    const result = installs.get(readme.name)!
    expect(result.code, result.stderr).toBe(0)
    const listed = new Set(readme.install.map(packageName))
    const imported = new Set(readme.files.flatMap((example) => importedSpecifiers(example.code)).map(packageOf).filter((name) => name !== undefined))
    expect([...imported].filter((name) => !listed.has(name)), 'imported but not in the install command').toEqual([])
  })

  it.each(WITH_EXAMPLES.map((readme) => [readme.name, readme] as const))('%s: its examples type-check (strict, nodenext, "type": "module")', (_, readme) => {
    const result = checks.get(readme.name)!
    expect(result.stdout + result.stderr).toBe('')
    expect(result.code).toBe(0)
  })

  it.each(RUNS)('$readme: $file runs as a $kind', async ({ readme, file, code, kind }) => {
    const dir = folderOf(readme)
    expect(installs.get(readme)?.code, 'its install command succeeded').toBe(0)
    if (kind === 'stdio server') {
      const transport = new StdioClientTransport({ command: node22, args: [file], cwd: dir, stderr: 'pipe' })
      const client = new Client({ name: 'newcomer-test', version: '1.0.0' })
      try {
        await client.connect(transport)
        // The tools it registers (or chains with withTool) are the tools it lists.
        const registered = [...code.matchAll(/\b(?:registerTool|withTool)\(\s*['"]([^'"]+)['"]/g)].map((match) => match[1])
        if (registered.length > 0) {
          const { tools } = await client.listTools()
          expect(tools.map((tool) => tool.name).sort()).toEqual(registered.sort())
        } else {
          await client.ping()
        }
      } finally {
        await client.close()
      }
      expect(transport.exitCode ?? transport.exitSignal).not.toBeUndefined()
    } else {
      // A client may spawn `node <sibling>.ts`: that `node` must strip types too.
      const env = { ...process.env, PATH: `${dirname(node22)}${delimiter}${process.env.PATH ?? ''}` }
      const result = await run(node22, [file], { cwd: dir, env, timeoutMs: 30_000 })
      expect(result.code, result.stderr).toBe(0)
      expect(result.stdout.trim().length, 'it prints what it got').toBeGreaterThan(0)
      expect(result.stdout).not.toMatch(/isError: true/)
    }
  }, 60_000)

  // `npm init -y` writes "type": "commonjs", where top-level await and `import` in a .js/.ts file fail.
  it.each(['@plugboard/server', '@plugboard/client'])('the %s README says to set "type": "module"', (name) => {
    const readme = READMES.find((entry) => entry.name === name)!
    expect(readme.text).toMatch(/"type":\s*"module"/)
  })
})
