// Bundling a fetch-style worker as Workers and browser bundlers do, and running the bundle in workerd
// through miniflare: shared by the runtimes test (the in-repo build) and the newcomer test (the
// packages installed from their tarballs).
import type { FetchLike } from '@plugboard/transport-http'
import { build, type BuildOptions, type Metafile } from 'esbuild'
import { Miniflare } from 'miniflare'

/** What wrangler asks of esbuild for a Worker, and what a browser bundle (Vite, webpack) asks. */
export const WORKER_TARGETS: Record<'workerd' | 'browser', BuildOptions> = {
  workerd: { platform: 'neutral', conditions: ['workerd', 'worker', 'browser'], mainFields: ['browser', 'module', 'main'] },
  browser: { platform: 'browser' },
}

/** An ES module bundle and what esbuild says went into it. */
export interface WorkerBundle {
  code: string
  metafile: Metafile
}

/**
 * Bundles `entry` for `target` into one ES module, in memory. Its imports resolve from the entry's own
 * folder upwards, as they would in a user's project.
 */
export async function bundleWorker(entry: string, target: BuildOptions): Promise<WorkerBundle> {
  const result = await build({ ...target, entryPoints: [entry], bundle: true, format: 'esm', write: false, metafile: true, logLevel: 'silent' })
  return { code: result.outputFiles[0]!.text, metafile: result.metafile }
}

/** Every module a bundle took in or imports, by the path it was asked for. */
export const importedPaths = ({ metafile }: WorkerBundle): string[] => [
  ...Object.values(metafile.inputs).flatMap((input) => input.imports.map((i) => i.path)),
  ...Object.values(metafile.outputs).flatMap((o) => o.imports.map((i) => i.path)),
]

/** The files of the bundle that came from an undici install. */
export const undiciInputs = ({ metafile }: WorkerBundle): string[] => Object.keys(metafile.inputs).filter((file) => /[/\\]undici[/\\]/.test(file))

/** A static, dynamic or CommonJS import of a `node:` module left in the bundled code. */
export const NODE_IMPORT_IN_CODE = /\bfrom\s*["']node:|\bimport\s*\(\s*["']node:|\brequire\s*\(\s*["']node:/

/** A bundle running in workerd, and a `fetch` that carries requests into it. */
export interface Workerd {
  fetch: FetchLike
  dispatchFetch: Miniflare['dispatchFetch']
  dispose(): Promise<void>
}

/**
 * Runs a module worker in workerd, with no `nodejs_compat` flag: the bundle must stand on the Workers
 * runtime alone. A bundle workerd refuses (e.g. module-scope work it forbids) rejects here, with
 * workerd's reason, and leaves no process behind.
 */
export async function startWorkerd(script: string): Promise<Workerd> {
  const mf = new Miniflare({ modules: true, script, compatibilityDate: '2026-01-01' })
  await mf.ready.catch(async (error: unknown) => {
    await mf.dispose().catch(() => {})
    throw error
  })
  return {
    // Miniflare's dispatchFetch carries each request into workerd over its loopback socket.
    fetch: (input, init) => mf.dispatchFetch(String(input), init as never) as unknown as Promise<Response>,
    dispatchFetch: (...args) => mf.dispatchFetch(...args),
    dispose: () => mf.dispose(),
  }
}
