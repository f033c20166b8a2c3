// `node ../../scripts/bundle.mjs src/index.ts [src/testing/index.ts …]`, run in a package after
// `tsc --emitDeclarationOnly`: writes the package's JavaScript as one ESM file per entry point, with
// a source map that carries the TypeScript it came from (`sourcesContent`): src/ is not published, so
// a map that only pointed there would not resolve in a user's debugger or `--enable-source-maps` stack
// trace. Node reads a map only under those flags, so it costs nothing at a normal start. Dependencies
// stay imports. A further entry (a subpath export) takes what
// lies outside its own folder from the package's root export (`@plugboard/protocol/testing` imports
// `@plugboard/protocol`), so both share one module instance: one McpError class, one copy of the code.
//
// Why (issue #12, S5 cold start): Node resolves, reads, compiles and links each module on its own;
// with ~50 modules of ours behind `@plugboard/server`, one file per package saved 5–13 ms of CPU per
// process start (scripts/cold-start.mjs). The .d.ts files stay tsc's, one per source file.
import { readFileSync, readdirSync, rmSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { build } from 'esbuild'

const [main, ...subpaths] = process.argv.slice(2)
if (!main) throw new Error('usage: bundle.mjs <root entry.ts> [<subpath entry.ts>…]')
const { name } = JSON.parse(readFileSync('package.json', 'utf8'))

// tsc wrote only declarations; drop JavaScript an earlier per-file build left behind.
for (const entry of readdirSync('dist', { recursive: true, withFileTypes: true })) {
  if (entry.isFile() && /\.js(\.map)?$/.test(entry.name)) rmSync(join(entry.parentPath, entry.name))
}

const options = {
  outdir: 'dist',
  outbase: 'src',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  sourcesContent: true,
  logLevel: 'warning',
}

await build({ ...options, entryPoints: [main] })
for (const entry of subpaths) {
  const folder = resolve(dirname(entry))
  const fromRoot = {
    name: 'from-root-export',
    setup(build) {
      build.onResolve({ filter: /^\.\.?\// }, ({ path, resolveDir }) =>
        relative(folder, resolve(resolveDir, path)).startsWith('..') ? { path: name, external: true } : undefined,
      )
    },
  }
  await build({ ...options, entryPoints: [entry], plugins: [fromRoot] })
}
