// What the newcomer test does to a folder outside the repository: pack our packages, install them
// with npm, type-check with the repository's TypeScript and run files, each as a child process that
// is bounded in time and ended if it outlives its bound.
import { spawn } from 'node:child_process'
import { readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root. */
export const root = fileURLToPath(new URL('../../', import.meta.url))

/** The packages we publish, by folder under packages/. */
export const PUBLISHED = ['protocol', 'server', 'client', 'transport-stdio', 'transport-http', 'host', 'auth', 'skills'] as const

/** How a child process ended. */
export interface RunResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/**
 * Runs a command to its end (or kills it after `timeoutMs`) and returns its output; `onOutput` sees
 * the output so far each time more arrives, to answer what the program asks for while it runs.
 */
export function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number; onOutput?: (stdout: string, stderr: string) => void },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    // In a process group of its own, so a timeout also ends what it started (a server it spawned, npx).
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
      options.onOutput?.(stdout, stderr)
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
      options.onOutput?.(stdout, stderr)
    })
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${options.timeoutMs} ms]`
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch {
        child.kill('SIGKILL')
      }
    }, options.timeoutMs)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
  })
}

/** Runs `tasks` with at most `limit` of them at once (the CI machine has two cores). */
export async function inPool<T>(limit: number, tasks: Array<() => Promise<T>>): Promise<T[]> {
  const results: T[] = new Array(tasks.length)
  let next = 0
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++
      results[index] = await tasks[index]!()
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker))
  return results
}

/**
 * Packs every published package with `pnpm pack` (which turns `workspace:*` into versions and adds the
 * root LICENSE) into `destination`, and returns each tarball's path by package name. `apps` adds
 * published apps (`@plugboard/host-app`…) to the packages.
 */
export async function packPublished(destination: string, apps: readonly string[] = []): Promise<Map<string, string>> {
  const filters = [...PUBLISHED.map((name) => `@plugboard/${name}`), ...apps].flatMap((name) => ['--filter', name])
  const packed = await run('bash', ['scripts/pnpm.sh', '-r', ...filters, 'pack', '--pack-destination', destination], { cwd: root, timeoutMs: 90_000 })
  if (packed.code !== 0) throw new Error(`pnpm pack failed:\n${packed.stderr}`)
  const tarballs = new Map<string, string>()
  for (const file of readdirSync(destination)) {
    const match = /^plugboard-(.+)-\d+\.\d+\.\d+.*\.tgz$/.exec(file)
    if (match) tarballs.set(`@plugboard/${match[1]}`, join(destination, file))
  }
  return tarballs
}

/**
 * Makes `dir` an npm project (`type` as given) and installs `packages` into it, each @plugboard one from
 * its tarball. A @plugboard package pulled in only as a dependency also comes from its tarball, through
 * `overrides`, as it would come from the registry once published; it is not a dependency of the project.
 */
export async function npmInstall(dir: string, options: { type: 'module' | 'commonjs'; packages: string[]; tarballs: Map<string, string> }): Promise<RunResult> {
  const direct = new Set(options.packages)
  const overrides = Object.fromEntries([...options.tarballs].filter(([name]) => !direct.has(name)).map(([name, file]) => [name, `file:${file}`]))
  const manifest = { name: 'newcomer', version: '1.0.0', private: true, type: options.type, overrides }
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  const args = options.packages.map((name) => options.tarballs.get(name) ?? name)
  return run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...args], { cwd: dir, timeoutMs: 120_000 })
}

/** Type-checks the project `tsconfig` in `dir` with the repository's TypeScript (nothing is downloaded). */
export function tsc(dir: string, tsconfig: string): Promise<RunResult> {
  return run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', tsconfig, '--pretty', 'false'], { cwd: dir, timeoutMs: 150_000 })
}

/** The path of a Node.js that runs `.ts` files (type stripping is on by default from 22.18), fetched by scripts/node.sh. */
export async function typeStrippingNode(): Promise<string> {
  const found = await run('bash', ['scripts/node.sh', '22.23.3'], { cwd: root, timeoutMs: 120_000 })
  if (found.code !== 0) throw new Error(`scripts/node.sh failed:\n${found.stderr}`)
  return found.stdout.trim()
}
