// S8: what `npm install` of each server package puts in node_modules (MiB, number of packages).
// Plugboard's packages are packed from their built dist with `pnpm pack` (which turns workspace:*
// into versions) and installed from those tarballs, with npm `overrides` pointing the workspace
// dependencies at their tarballs too; third-party dependencies come from the registry, as do the
// official SDKs. Prints `{ "metrics": { … } }` like a worker.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const work = mkdtempSync(join(tmpdir(), 'plugboard-bench-install-'))

/** Directory name of each workspace package under packages/. */
const workspace = new Map(readdirSync(join(root, 'packages')).map((dir) => [JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')).name, dir]))

/** Packs `name` and its workspace dependencies; returns name → tarball path. */
function pack(name, into, packed = new Map()) {
  if (packed.has(name)) return packed
  const dir = join(root, 'packages', workspace.get(name))
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  const out = execFileSync('bash', [join(root, 'scripts', 'pnpm.sh'), 'pack', '--pack-destination', into], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
  const tarball = out.trim().split('\n').filter((line) => line.endsWith('.tgz')).pop()
  packed.set(name, tarball.startsWith('/') ? tarball : join(into, tarball))
  for (const dep of Object.keys(manifest.dependencies ?? {})) if (workspace.has(dep)) pack(dep, into, packed)
  return packed
}

/** Bytes of every file under `dir`, and how many packages (folders with a package.json directly under a node_modules). */
function measure(dir) {
  let bytes = 0
  let packages = 0
  const walk = (path, parentIsNodeModules) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name)
      if (entry.isDirectory()) {
        if (parentIsNodeModules && entry.name.startsWith('@')) walk(full, true)
        else {
          if (parentIsNodeModules && existsSync(join(full, 'package.json'))) packages++
          walk(full, entry.name === 'node_modules')
        }
      } else if (entry.isFile()) bytes += statSync(full).size
    }
  }
  walk(join(dir, 'node_modules'), true)
  return { mib: bytes / 1024 / 1024, packages }
}

function install(name, dependencies, overrides = {}) {
  const dir = join(work, name)
  execFileSync('mkdir', ['-p', dir])
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `size-${name}`, version: '1.0.0', private: true, dependencies, overrides }, null, 2))
  execFileSync('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] })
  return measure(dir)
}

try {
  const adapter = process.argv[2]
  let result
  if (adapter === 'plugboard') {
    const packed = pack('@plugboard/server', join(work, 'tarballs'))
    const file = (name) => `file:${packed.get(name)}`
    const overrides = Object.fromEntries([...packed.keys()].filter((name) => name !== '@plugboard/server').map((name) => [name, file(name)]))
    result = install('plugboard', { '@plugboard/server': file('@plugboard/server') }, overrides)
  } else if (adapter === 'v2') {
    result = install('v2', { '@modelcontextprotocol/server': '2.4.0' })
  } else if (adapter === 'v1') {
    result = install('v1', { '@modelcontextprotocol/sdk': '1.32.2' })
  } else {
    result = { mib: 0, packages: 0 }
  }
  process.stdout.write(JSON.stringify({ metrics: { S8: result.mib, S8packages: result.packages } }) + '\n')
} finally {
  rmSync(work, { recursive: true, force: true })
}
