// `pnpm bench [--quick] [--profile] [--only S2,S5] [--adapters plugboard,raw] [--reps 3]`
// Runs every scenario for the four adapters side by side, interleaved (A B C D, A B C D, …), each
// measurement in its own worker process, then writes bench/RESULTS.md and prints its table.
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = fileURLToPath(new URL('.', import.meta.url))
const argv = process.argv.slice(2)
const flag = (name) => argv.includes(`--${name}`)
const option = (name) => {
  const at = argv.indexOf(`--${name}`)
  return at === -1 ? undefined : argv[at + 1]
}
const quick = flag('quick')
const profileDir = flag('profile') ? join(here, 'profiles') : undefined
const reps = Number(option('reps') ?? 3)
const ADAPTERS = (option('adapters') ?? 'plugboard,v2,v1,raw').split(',')
const NAMES = { plugboard: 'Plugboard', v2: 'official v2', v1: 'official v1', raw: 'raw' }

/** Work per measurement: [full, quick]. S8 runs once, in full mode only (unless --only names it). */
const SIZES = {
  S1: [5000, 1000],
  S2: [20000, 3000],
  S3: [5000, 600],
  S4: [5000, 600],
  S5: [10, 3],
  S6: [500, 100],
  S7: [10, 3],
  S9: [5000, 1000],
  S10: [5000, 600],
  S11: [1000, 200],
}
const only = option('only')?.split(',')
const scenarios = only ?? [...Object.keys(SIZES), ...(quick ? [] : ['S8'])]

/** Table rows: metric key → label, unit, which way is better, target. */
const ROWS = [
  { key: 'S1', label: 'S1 stdio, sequential `echo`', unit: 'calls/s', higher: true, target: { vs: 'raw', ratio: 0.9, text: '≥ 0.9× raw' } },
  { key: 'S2', label: 'S2 stdio, 64 in flight', unit: 'calls/s', higher: true, target: { vs: 'raw', ratio: 0.6, text: '≥ 0.6× raw' } },
  { key: 'S3', label: 'S3 HTTP JSON responses, 64 concurrent', unit: 'calls/s', higher: true, target: { vs: 'raw', ratio: 0.8, text: '≥ 0.8× raw' } },
  { key: 'S4', label: 'S4 HTTP SSE responses, 64 concurrent', unit: 'calls/s', higher: true, target: { vs: 'raw', ratio: 0.6, text: '≥ 0.6× raw' } },
  { key: 'S5cold', label: 'S5 cold start: spawn → initialize + tools/list', unit: 'ms', target: { vs: 'raw', ratio: 1.3, text: '≤ 1.3× raw' } },
  { key: 'S5procServer', label: 'S5 server package: fresh process spawn → import() → exit', unit: 'ms', target: { vs: 'raw', ratio: 1.3, text: '≤ 1.3× raw' } },
  { key: 'S5procClient', label: 'S5 client package: fresh process spawn → import() → exit', unit: 'ms', target: { vs: 'raw', ratio: 1.3, text: '≤ 1.3× raw' } },
  { key: 'S5importServer', label: 'S5 server package: import() alone', unit: 'ms' },
  { key: 'S5importClient', label: 'S5 client package: import() alone', unit: 'ms' },
  { key: 'S6', label: 'S6 heap per idle HTTP session', unit: 'KiB', target: { abs: 10, text: '≤ 10 KiB' } },
  { key: 'S7', label: 'S7 5 MB result over stdio', unit: 'ms', target: { vs: 'raw', ratio: 1.3, text: '≤ 1.3× raw' } },
  { key: 'S8', label: 'S8 `npm install` of the server package', unit: 'MiB', target: { abs: 4, text: '≤ 4 MiB' } },
  { key: 'S8packages', label: 'S8 … packages installed', unit: 'packages' },
  { key: 'S9', label: 'S9 `wide` (200 fields), stdio, 64 in flight', unit: 'calls/s', higher: true, target: { vs: 'v2', ratio: 3, text: '≥ 3× v2' } },
  { key: 'S10', label: 'S10 2026-07-28 stateless HTTP, 64 concurrent', unit: 'calls/s', higher: true, target: { vs: 'S3raw', ratio: 0.7, text: '≥ 0.7× S3 raw' } },
  { key: 'S11', label: `S11 heap after − before ${(quick ? 200 : 1000).toLocaleString('en-US')} sessions opened + closed`, unit: 'KiB', target: { perSession: 0.1, text: '≤ raw + 0.1 KiB × sessions' } },
  { key: 'S11before', label: 'S11 … heap before', unit: 'KiB' },
  { key: 'S11after', label: 'S11 … heap after', unit: 'KiB' },
]

/** Runs one worker (or the S8 installer); resolves with its metrics, or { error }. */
function measure(scenario, adapter, rep) {
  const nodeFlags = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${scenario}-${adapter}-client-rep${rep}-${Date.now()}.cpuprofile`] : []
  const args =
    scenario === 'S8'
      ? [join(here, 'install-size.mjs'), adapter]
      : [...nodeFlags, join(here, 'worker.mjs'), JSON.stringify({ adapter, scenario, n: SIZES[scenario][quick ? 1 : 0], profileDir, tag: `rep${rep}` })]
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: here, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk) => (out += chunk))
    child.stderr.on('data', (chunk) => (err += chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), 600_000)
    child.on('exit', (code) => {
      clearTimeout(timer)
      const last = out.trim().split('\n').pop()
      try {
        if (code !== 0) throw new Error(`exit ${code}`)
        resolve(JSON.parse(last).metrics)
      } catch (error) {
        const lines = err.trim().split('\n')
        const first = lines.filter((line) => /Error|error:/.test(line)).slice(0, 2)
        resolve({ error: `${error.message}: ${[...first, ...lines.slice(-3)].join(' | ')}` })
      }
    })
  })
}

const started = performance.now()
const samples = {} // key → adapter → number[]
const errors = []
if (profileDir) mkdirSync(profileDir, { recursive: true })
for (const scenario of scenarios) {
  const rounds = scenario === 'S8' ? 1 : reps
  for (let rep = 1; rep <= rounds; rep++) {
    for (const adapter of ADAPTERS) {
      if (scenario === 'S10' && adapter === 'v1') continue
      const t = performance.now()
      const metrics = await measure(scenario, adapter, rep)
      if (metrics.error) errors.push(`${scenario} ${adapter} rep ${rep}: ${metrics.error}`)
      for (const [key, value] of Object.entries(metrics)) {
        if (key === 'error' || value === null) continue
        ;((samples[key] ??= {})[adapter] ??= []).push(value)
      }
      process.stderr.write(`${scenario} ${NAMES[adapter]} rep ${rep}: ${metrics.error ? 'ERROR' : JSON.stringify(metrics, (_, v) => (typeof v === 'number' ? Number(v.toFixed(1)) : v))} (${((performance.now() - t) / 1000).toFixed(1)} s)\n`)
    }
  }
}
const seconds = (performance.now() - started) / 1000

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
const fmt = (value, unit) => {
  if (value === undefined) return '—'
  if (unit === 'calls/s' || unit === 'packages') return Math.round(value).toLocaleString('en-US')
  return value.toFixed(1)
}
const cell = (values, unit) => {
  if (!values?.length) return 'n/a'
  if (values.length === 1) return fmt(values[0], unit)
  return `${fmt(median(values), unit)} [${fmt(Math.min(...values), unit)}–${fmt(Math.max(...values), unit)}]`
}
const ratio = (a, b) => (a === undefined || b === undefined || b === 0 ? '—' : `${(a / b).toFixed(2)}×`)

const lines = [
  '| Scenario | Unit | Plugboard | official v2 | official v1 | raw | Plugboard ÷ raw | Plugboard ÷ v2 | Target | Met? |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
]
const med = (key, adapter) => (samples[key]?.[adapter]?.length ? median(samples[key][adapter]) : undefined)
for (const row of ROWS) {
  if (!samples[row.key]) continue
  const pb = med(row.key, 'plugboard')
  let met = ''
  if (row.target && pb !== undefined) {
    const t = row.target
    if (t.abs !== undefined) met = pb <= t.abs ? 'yes' : 'no'
    // "Back to start": what node:http itself keeps (raw's delta), plus 0.1 KiB per session.
    else if (t.perSession !== undefined) met = pb <= (med(row.key, 'raw') ?? 0) + t.perSession * SIZES.S11[quick ? 1 : 0] ? 'yes' : 'no'
    else {
      const base = t.vs === 'S3raw' ? med('S3', 'raw') : med(row.key, t.vs)
      if (base !== undefined) met = (row.higher ? pb >= t.ratio * base : pb <= t.ratio * base) ? 'yes' : 'no'
    }
  }
  const s3raw = row.key === 'S10' ? ` (${ratio(pb, med('S3', 'raw'))} S3 raw)` : ''
  lines.push(
    `| ${row.label} | ${row.unit} | ${cell(samples[row.key].plugboard, row.unit)} | ${cell(samples[row.key].v2, row.unit)} | ${cell(samples[row.key].v1, row.unit)} | ${cell(samples[row.key].raw, row.unit)} | ${ratio(pb, med(row.key, 'raw'))}${s3raw} | ${ratio(pb, med(row.key, 'v2'))} | ${row.target?.text ?? ''} | ${met} |`,
  )
}
const table = lines.join('\n')

const commit = (() => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: here, encoding: 'utf8' }).trim()
  } catch {
    return 'unknown'
  }
})()
const machine = [
  `- Date: ${new Date().toISOString()}`,
  `- Node ${process.version} on ${process.platform}/${process.arch}`,
  `- CPU: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores; RAM ${(totalmem() / 1024 ** 3).toFixed(1)} GiB`,
  `- Load average at the end: ${loadavg().map((x) => x.toFixed(2)).join(', ')} (a busy machine makes every figure noisier)`,
  `- Commit ${commit}; mode: ${quick ? '`--quick`' : 'full'}, ${reps} repetitions, ${seconds.toFixed(0)} s`,
]
const sizes = Object.entries(SIZES).map(([id, [full, q]]) => `${id} ${quick ? q : full}`).join(', ')
const doc = `# Benchmark results

Plugboard against the official MCP TypeScript SDK v2 (2.4.0) and v1 (1.32.2), and a hand-written
JSON-RPC ceiling ("raw"), in one run. Each cell is the median of ${reps} repetitions [min–max]; each
repetition is its own client process with its own server process, adapters interleaved. How to run it and
what each row measures: [README.md](./README.md).

${machine.join('\n')}
- Work per repetition: ${sizes}${quick ? ' (S8 skipped in `--quick`)' : ''}

${table}
${errors.length ? `\nErrors:\n\n${errors.map((e) => `- ${e}`).join('\n')}\n` : ''}`
writeFileSync(join(here, 'RESULTS.md'), doc)
console.log(machine.join('\n'))
console.log()
console.log(table)
if (errors.length) console.log(`\n${errors.length} measurement(s) failed:\n${errors.join('\n')}`)
console.log(`\nWrote bench/RESULTS.md (${seconds.toFixed(0)} s)`)
process.exitCode = errors.length ? 1 : 0
