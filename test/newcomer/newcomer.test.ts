// A newcomer's first hour, scripted: our packages as `pnpm pack` publishes them, installed with npm
// into an empty folder outside the repository (nothing resolves from its node_modules), then used
// from ESM, CommonJS and TypeScript under each module resolution, and every package README followed
// as written: each example file type-checked and run (stdio, HTTP, the worker in workerd, the OAuth
// clients), or named with the reason it cannot be. Needs the packages built (CI builds before testing)
// and the npm registry, for the third-party dependencies and the server `npx` starts. The examples
// run on Node 22.23.3 whatever Node runs the test; the whole file takes about a minute.
import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { Client } from '@plugboard/client'
import { StdioClientTransport } from '@plugboard/transport-stdio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanup as cleanupProtected, setup as setupProtected } from '../auth-e2e/harness.js'
import { ERAS, connect, expectNoLeaks, textOf } from '../runtimes/helpers.js'
import { NODE_IMPORT_IN_CODE, WORKER_TARGETS, bundleWorker, importedPaths, startWorkerd, undiciInputs, type WorkerBundle } from '../runtimes/workerd.js'
import { inPool, npmInstall, packPublished, PUBLISHED, root, run, tsc, typeStrippingNode, type RunResult } from './consumer.js'
import { startMachineWorld } from './machine-world.js'
import { dataFiles, exampleFiles, importedSpecifiers, installedPackages, packageName, packageOf, type ExampleFile } from './readme-blocks.js'
import { startHttpExample } from './servers.js'

// The @types/node the repository builds against: the one thing the harness adds to an install line
// (with the TypeScript it type-checks with), as a newcomer's editor setup would.
const TYPES_NODE = '@types/node@20.19.43'

// One value (or class) from every entry point, as users import them. The ESM and CommonJS consumers
// must see these; the TypeScript consumers use each one.
const ENTRY_POINTS: Record<string, string[]> = {
  '@plugboard/protocol': ['McpError', 'ErrorCode', 'LATEST_PROTOCOL_VERSION', 'Session'],
  '@plugboard/protocol/testing': ['InMemoryTransport', 'withSchemaCheck'],
  '@plugboard/protocol/apps': ['EXTENSION_ID', 'uiOf', 'visibleToModel'],
  '@plugboard/server': ['McpServer', 'ResourceTemplate'],
  '@plugboard/server/apps': ['registerAppTool', 'registerAppResource', 'RESOURCE_MIME_TYPE'],
  '@plugboard/client': ['Client'],
  '@plugboard/transport-stdio': ['StdioServerTransport', 'StdioClientTransport'],
  '@plugboard/transport-http': ['createMcpHandler', 'toNodeHandler', 'StreamableHTTPClientTransport', 'SSEClientTransport'],
  '@plugboard/host': ['loadConfig', 'ServerManager'],
  '@plugboard/host/apps': ['AppBridge', 'cspFor', 'sandboxFor'],
  '@plugboard/auth': ['bearerAuth', 'jwtVerifier'],
  '@plugboard/auth/client': ['oauthProvider'],
  '@plugboard/skills': ['skills'],
  '@plugboard/skills/client': ['listSkills'],
  '@plugboard/skills/testing': ['SKILL_MD'],
}

const TS_CONSUMER = `import { ErrorCode, LATEST_PROTOCOL_VERSION, McpError, type CallToolResult } from '@plugboard/protocol'
import { InMemoryTransport } from '@plugboard/protocol/testing'
import { uiOf } from '@plugboard/protocol/apps'
import { McpServer } from '@plugboard/server'
import { RESOURCE_MIME_TYPE } from '@plugboard/server/apps'
import { Client } from '@plugboard/client'
import { StdioClientTransport, StdioServerTransport } from '@plugboard/transport-stdio'
import { createMcpHandler, StreamableHTTPClientTransport } from '@plugboard/transport-http'
import { loadConfig } from '@plugboard/host'
import { AppBridge } from '@plugboard/host/apps'
import { bearerAuth } from '@plugboard/auth'
import { oauthProvider } from '@plugboard/auth/client'
import { skills } from '@plugboard/skills'
import { listSkills } from '@plugboard/skills/client'
import { SKILL_MD } from '@plugboard/skills/testing'

export const version: string = LATEST_PROTOCOL_VERSION
export const appMime: string = RESOURCE_MIME_TYPE
export type Bridge = AppBridge
export const error: McpError = new McpError(ErrorCode.InvalidParams, 'bad arguments')
const server = new McpServer({ name: 'newcomer', version: '1.0.0' })
server.registerTool('add', { description: 'Adds two numbers' }, (): CallToolResult => ({ content: [{ type: 'text', text: '3' }] }))
export const client = new Client({ name: 'newcomer', version: '1.0.0' })
export const pair = InMemoryTransport.createLinkedPair()
export const handler = createMcpHandler(server)
export const used = [uiOf, StdioClientTransport, StdioServerTransport, StreamableHTTPClientTransport, loadConfig, bearerAuth, oauthProvider, skills, listSkills, SKILL_MD]
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
  /** The other files the README tells its reader to save (an `mcp.json`). */
  data: ExampleFile[]
}
const READMES: Readme[] = PUBLISHED.map((name) => {
  const text = readFileSync(join(root, `packages/${name}/README.md`), 'utf8')
  return { name: `@plugboard/${name}`, text, install: installedPackages(text), ...exampleFiles(text), data: dataFiles(text) }
})
const WITH_EXAMPLES = READMES.filter((readme) => readme.files.length > 0)

// Example files of another README that one README's examples need beside them, as it says: the client
// README's task.ts starts reports.ts, the task server of the server README. Saved (and type-checked)
// in that folder too; they run under their own README.
const COMPANIONS: Record<string, Array<{ readme: string; file: string }>> = {
  '@plugboard/client': [{ readme: '@plugboard/server', file: 'reports.ts' }],
}
const companionsOf = (readme: string): ExampleFile[] =>
  (COMPANIONS[readme] ?? []).map(({ readme: from, file }) => {
    const found = READMES.find((entry) => entry.name === from)?.files.find((example) => example.file === file)
    if (!found) throw new Error(`${readme}: its companion ${file} is no longer an example of the ${from} README`)
    return found
  })

// What the harness does with each example file. A stdio server is started by a client of ours and
// asked for its tools; a stdio client that spawns a sibling file (or a companion), and a program whose
// client and server meet over an InMemoryTransport, are run to their end. What the code alone does not
// say is in PLANS below: a program that reaches the npm registry (npx), an HTTP server (started on a
// free port, reached by the README's own HTTP client and by ours in both eras, stopped with Ctrl-C), a
// fetch worker (bundled and run in workerd), OAuth clients (run against an authorization server, the
// user's browser played by the test) — and each file that is only type-checked, with the reason.
type Kind = 'stdio server' | 'stdio client' | 'in-process program' | 'program' | 'http server' | 'http client' | 'fetch worker' | 'machine client' | 'browser sign-in client' | 'protected http server' | 'not run' | 'type-check only'
interface Plan {
  kind?: Kind
  /** Text its output must hold. */
  prints?: string[]
  /** The text its `hello` tool answers (HTTP servers and the worker). */
  answers?: string
  /** Why it is not run ('not run' only). */
  why?: string
}
const PLANS: Record<string, Plan> = {
  '@plugboard/client client.ts': { kind: 'program', prints: ['connected to mcp-servers/everything over ', 'echo: ', "text: 'Echo: hello'"] },
  '@plugboard/client task.ts': { prints: ['task working', 'task completed', "text: 'Rendered 3 pages'", 'big task cancelled'] },
  // server-everything sends tools/list_changed while the host's first `await catalog.refresh()` runs: the
  // refresh must still end with the tools (a Catalog race this example found; guarded in packages/host/test/catalog.test.ts).
  '@plugboard/host host.ts': {
    kind: 'program',
    prints: ['everything__echo: ', "text: 'Echo: hello'"],
  },
  '@plugboard/transport-http server.ts': { kind: 'http server', answers: 'Hello over HTTP' },
  '@plugboard/transport-http express.ts': { kind: 'http server', answers: 'Hello from Express' },
  '@plugboard/transport-http hono.ts': { kind: 'http server', answers: 'Hello from Hono' },
  // Run against each HTTP server above, with the server's URL as its argument.
  '@plugboard/transport-http host.ts': { kind: 'http client', prints: ['streamable ', "name: 'hello'"] },
  '@plugboard/transport-http worker.ts': { kind: 'fetch worker', answers: 'Hello from the edge' },
  // Its tokens come from https://auth.example.com, which no test can issue for: run, it must publish its
  // metadata and refuse a request without a token the way a client's sign-in starts from.
  '@plugboard/auth server.ts': { kind: 'protected http server' },
  // Against an authorization server where its client is registered and an MCP server trusting it.
  '@plugboard/auth machine.ts': { kind: 'machine client', prints: ["text: 'hello nightly-report'"] },
  // Against the authorization server of test/auth-e2e (oidc-provider) and an MCP server trusting it.
  '@plugboard/client protected.ts': { kind: 'browser sign-in client', prints: ["[ 'whoami', 'write' ]"] },
}

function kindOf(readme: string, example: ExampleFile, siblings: ExampleFile[]): Kind {
  const planned = PLANS[`${readme} ${example.file}`]?.kind
  if (planned) return planned
  const { code } = example
  if (code.includes('new StdioServerTransport(')) return 'stdio server'
  const spawnsSibling = siblings.some((other) => other !== example && new RegExp(`['"\`]${other.file.replaceAll('.', '\\.')}['"\`]`).test(code))
  if (code.includes('new StdioClientTransport(') && spawnsSibling) return 'stdio client'
  const reachesOut = /StdioClientTransport|HTTPClientTransport|HttpClientTransport|SSEClientTransport|createMcpHandler|\.listen\(|fetch\(/.test(code)
  if (code.includes('InMemoryTransport') && !reachesOut) return 'in-process program'
  return 'type-check only'
}
const ROWS = WITH_EXAMPLES.flatMap((readme) =>
  readme.files.map((example) => {
    const plan = PLANS[`${readme.name} ${example.file}`] ?? {}
    return { ...plan, readme: readme.name, file: example.file, code: example.code, kind: kindOf(readme.name, example, [...readme.files, ...companionsOf(readme.name)]) }
  }),
)
const RUNS = ROWS.filter((row) => ['stdio server', 'stdio client', 'in-process program', 'program'].includes(row.kind))
const HTTP_SERVERS = ROWS.filter((row) => row.kind === 'http server')
const WORKERS = ROWS.filter((row) => row.kind === 'fetch worker')
const MACHINES = ROWS.filter((row) => row.kind === 'machine client')
const SIGN_INS = ROWS.filter((row) => row.kind === 'browser sign-in client')
const PROTECTED = ROWS.filter((row) => row.kind === 'protected http server')

const folderOf = (readme: string) => join(work, `readme-${readme.replace('@plugboard/', '')}`)
// A program may spawn `node <sibling>.ts`: that `node` must strip types too.
const withNode22 = () => ({ ...process.env, PATH: `${dirname(node22)}${delimiter}${process.env.PATH ?? ''}` })
// The first folder on PATH that holds npx goes first, so `#!/usr/bin/env node` in npx finds the node it came with.
const withSystemNpx = () => {
  const path = process.env.PATH ?? ''
  const folder = path.split(delimiter).find((dir) => dir !== '' && existsSync(join(dir, 'npx')))
  return folder === undefined ? process.env : { ...process.env, PATH: `${folder}${delimiter}${path}` }
}

describe('the package READMEs, followed as written', () => {
  const installs = new Map<string, RunResult>()
  const checks = new Map<string, RunResult>()
  beforeAll(async () => {
    const installed = await inPool(
      3,
      WITH_EXAMPLES.map((readme) => () => {
        const dir = folderOf(readme.name)
        mkdirSync(dir, { recursive: true })
        for (const example of [...readme.files, ...readme.data, ...companionsOf(readme.name)]) writeFileSync(join(dir, example.file), example.code)
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
  // Every server, worker, client and child process a run started is gone: this file holds none of
  // its own between tests (a finished child's handle may close a tick late, hence no baseline).
  afterAll(() => expectNoLeaks({ TCPSocketWrap: 0, TCPServerWrap: 0, ProcessWrap: 0 }))

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

  it('runs every example file of every README, or says why it does not', () => {
    // A new example the harness cannot place fails here until PLANS says how to run it, or why not.
    expect(ROWS.filter((row) => row.kind === 'type-check only').map((row) => `${row.readme} ${row.file}`)).toEqual([])
    const rows = new Set(ROWS.map((row) => `${row.readme} ${row.file}`))
    expect(Object.keys(PLANS).filter((key) => !rows.has(key)), 'a plan for an example that is gone').toEqual([])
    for (const row of ROWS.filter((entry) => entry.kind === 'not run')) expect(row.why?.length, `${row.readme} ${row.file}: why it is not run`).toBeGreaterThan(20)
    // An HTTP client runs only against a server of its README.
    for (const row of ROWS.filter((entry) => entry.kind === 'http client')) expect(HTTP_SERVERS.some((server) => server.readme === row.readme)).toBe(true)
    expect(ROWS.filter((row) => row.kind === 'not run').map((row) => `${row.readme} ${row.file}`).sort()).toEqual([])
  })

  it('saves the mcp.json the host README shows beside its host.ts', () => {
    const host = READMES.find((readme) => readme.name === '@plugboard/host')!
    expect(host.data.map((file) => file.file)).toEqual(['mcp.json'])
    expect(JSON.parse(host.data[0]!.code)).toMatchObject({ mcpServers: { everything: { command: 'npx' } } })
  })

  it.each(RUNS)('$readme: $file runs as a $kind', async ({ readme, file, code, kind, prints }) => {
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
      // A `program` starts server-everything with npx, which belongs to the Node install on PATH: our
      // type-stripping node ships without npm (and, on a machine whose TLS goes through a proxy, without
      // the system's CA store), so it is not put first on PATH there — nor the Node the suite runs on
      // (scripts/test-on-node.sh puts its own first): npx runs under the node beside it. The first run
      // downloads the server.
      const env = kind === 'program' ? withSystemNpx() : withNode22()
      const result = await run(node22, [file], { cwd: dir, env, timeoutMs: kind === 'program' ? 90_000 : 30_000 })
      expect(result.code, result.stderr).toBe(0)
      expect(result.stdout.trim().length, 'it prints what it got').toBeGreaterThan(0)
      expect(result.stdout).not.toMatch(/isError: true/)
      for (const text of prints ?? []) expect(result.stdout, result.stderr).toContain(text)
    }
  }, 120_000)

  it.each(HTTP_SERVERS)('$readme: $file serves the README host.ts and our client in both eras, and stops on Ctrl-C', async ({ readme, file, code, answers }) => {
    const dir = folderOf(readme)
    expect(installs.get(readme)?.code, 'its install command succeeded').toBe(0)
    expect(code, 'PORT sets its port, so it can run beside other tests').toMatch(/process\.env\.PORT/)
    const example = await startHttpExample({ node: node22, file, cwd: dir, printsEndpoint: code.includes('MCP endpoint:') })
    const clients: Client[] = []
    try {
      for (const host of ROWS.filter((row) => row.readme === readme && row.kind === 'http client')) {
        const result = await run(node22, [host.file, example.url], { cwd: dir, env: withNode22(), timeoutMs: 30_000 })
        expect(result.code, result.stderr).toBe(0)
        for (const text of host.prints ?? []) expect(result.stdout, `${host.file}: ${result.stderr}`).toContain(text)
      }
      for (const mode of ERAS) {
        const client = await connect(example.url, mode)
        clients.push(client)
        expect(client.getNegotiatedProtocolVersion()).toBe(mode === 'modern' ? '2026-07-28' : '2025-11-25')
        expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(['hello'])
        expect(textOf(await client.callTool({ name: 'hello', arguments: {} }))).toBe(answers)
      }
    } finally {
      await Promise.all(clients.map((client) => client.close()))
      await example.stop()
    }
    // Its SIGINT handler closed the MCP handler and exited.
    expect(example.child.exitCode).toBe(0)
  }, 60_000)

  describe.each(WORKERS)('$readme: $file, bundled from the newcomer folder', ({ readme, file, answers }) => {
    const bundles = new Map<string, WorkerBundle>()

    beforeAll(async () => {
      expect(installs.get(readme)?.code, 'its install command succeeded').toBe(0)
      // esbuild resolves the imports from the folder's own node_modules: the packages as published.
      for (const [name, target] of Object.entries(WORKER_TARGETS)) bundles.set(name, await bundleWorker(join(folderOf(readme), file), target))
    }, 60_000)

    it.each(Object.keys(WORKER_TARGETS))('bundled for %s, imports no node:* module and leaves undici out', (name) => {
      const bundle = bundles.get(name)!
      const inputs = Object.keys(bundle.metafile.inputs)
      expect(inputs.some((input) => input.includes('node_modules/@plugboard/transport-http/dist/')), 'it bundled the installed package').toBe(true)
      expect(importedPaths(bundle).filter((path) => path.startsWith('node:'))).toEqual([])
      expect(undiciInputs(bundle)).toEqual([])
      expect(bundle.code).not.toMatch(NODE_IMPORT_IN_CODE)
      // It took in the client-side stand-in, so the checks above are about the real graph.
      expect(inputs.some((input) => input.endsWith('node_modules/@plugboard/transport-http/dist/client/no-undici.js'))).toBe(true)
    })

    it('runs in workerd and serves our client in both eras: tools/list, then tools/call hello', async () => {
      const workerd = await startWorkerd(bundles.get('workerd')!.code)
      const clients: Client[] = []
      try {
        for (const mode of ERAS) {
          const client = await connect('http://127.0.0.1/mcp', mode, workerd.fetch)
          clients.push(client)
          expect(client.getNegotiatedProtocolVersion()).toBe(mode === 'modern' ? '2026-07-28' : '2025-11-25')
          expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(['hello'])
          expect(textOf(await client.callTool({ name: 'hello', arguments: {} }))).toBe(answers)
        }
      } finally {
        await Promise.all(clients.map((client) => client.close()))
        await workerd.dispose()
      }
    }, 60_000)
  })

  it.each(PROTECTED)('$readme: $file publishes its protected-resource metadata and answers a request without a token 401 with where to sign in', async ({ readme, file, code }) => {
    const dir = folderOf(readme)
    expect(installs.get(readme)?.code, 'its install command succeeded').toBe(0)
    expect(code, 'PORT sets its port, so it can run beside other tests').toMatch(/process\.env\.PORT/)
    const example = await startHttpExample({ node: node22, file, cwd: dir, printsEndpoint: false })
    try {
      const url = new URL(example.url)
      const metadataUrl = `${url.origin}/.well-known/oauth-protected-resource${url.pathname}`
      const metadata = await fetch(metadataUrl)
      expect(metadata.status).toBe(200)
      const issuer = /const issuer = '([^']+)'/.exec(code)?.[1]
      expect(await metadata.json()).toMatchObject({ resource: example.url, authorization_servers: [issuer] })
      const refused = await fetch(example.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'newcomer', version: '1.0.0' } } }),
      })
      expect(refused.status).toBe(401)
      expect(refused.headers.get('www-authenticate')).toContain(`resource_metadata="${metadataUrl}"`)
    } finally {
      await example.stop()
    }
  }, 60_000)

  it.each(MACHINES)('$readme: $file gets a token with the client credentials grant and calls the protected tool', async ({ readme, file, code, prints }) => {
    const dir = folderOf(readme)
    expect(installs.get(readme)?.code, 'its install command succeeded').toBe(0)
    const clientId = /client_id:\s*'([^']+)'/.exec(code)?.[1]
    expect(clientId, 'the client id it names').toBeDefined()
    const secret = randomUUID()
    const world = await startMachineWorld({ id: clientId!, secret })
    try {
      const result = await run(node22, [file, world.url], { cwd: dir, env: { ...process.env, CLIENT_SECRET: secret }, timeoutMs: 30_000 })
      expect(result.code, result.stderr).toBe(0)
      for (const text of prints ?? []) expect(result.stdout, result.stderr).toContain(text)
      expect(world.tokenRequests.map((form) => form.get('grant_type'))).toEqual(['client_credentials'])
      expect(world.tokenRequests[0]?.get('resource')).toBe(world.url)
      expect(result.stdout + result.stderr).not.toContain(secret)
    } finally {
      await world.close()
    }
  }, 60_000)

  it.each(SIGN_INS)('$readme: $file signs in through the browser once, then runs on the tokens it stored', async ({ readme, file, prints }) => {
    const dir = folderOf(readme)
    expect(installs.get(readme)?.code, 'its install command succeeded').toBe(0)
    const home = mkdtempSync(join(work, 'home-'))
    const { as, resource } = await setupProtected()
    try {
      // HOME is where its token store goes (~/.my-cli); PATH holds only node, so there is no browser to
      // open and the test follows the sign-in URL it prints, as its user would.
      const env = { ...process.env, HOME: home, PATH: dirname(node22) }
      const signIns: Array<Promise<unknown>> = []
      const first = await run(node22, [file, resource], {
        cwd: dir,
        env,
        timeoutMs: 60_000,
        onOutput: (_stdout, stderr) => {
          const url = /Open this URL to sign in: (\S+)/.exec(stderr)?.[1]
          // The user signs in and consents; the browser then follows the redirect to its loopback listener.
          if (url && signIns.length === 0) signIns.push(as.approve(url).then((callback) => fetch(callback)).then((response) => response.text()))
        },
      })
      await Promise.all(signIns)
      expect(first.code, first.stderr).toBe(0)
      expect(signIns).toHaveLength(1)
      for (const text of prints ?? []) expect(first.stdout, first.stderr).toContain(text)
      expect(existsSync(join(home, '.my-cli/tokens.json')), 'it stored the tokens where it says').toBe(true)

      const second = await run(node22, [file, resource], { cwd: dir, env, timeoutMs: 30_000 })
      expect(second.code, second.stderr).toBe(0)
      expect(second.stderr, 'the next run needs no sign-in').not.toContain('Open this URL')
      for (const text of prints ?? []) expect(second.stdout, second.stderr).toContain(text)
    } finally {
      await cleanupProtected()
    }
  }, 120_000)

  // `npm init -y` writes "type": "commonjs", where top-level await and `import` in a .js/.ts file fail.
  it.each(['@plugboard/server', '@plugboard/client'])('the %s README says to set "type": "module"', (name) => {
    const readme = READMES.find((entry) => entry.name === name)!
    expect(readme.text).toMatch(/"type":\s*"module"/)
  })
})
