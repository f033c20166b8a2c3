// Reads the conformance referee's results and prints one PASS/FAIL line per scenario, the totals,
// and how the failures compare with test/conformance/baseline.txt. Exits 1 when a failure is not
// in the baseline or a baselined scenario now passes; 0 otherwise. Run by scripts/conformance.sh:
//
//   node report.mjs <results-dir> <baseline.txt> <referee-version>
//
// <results-dir>/server/ holds one run of the whole server suite: `scenarios` (their names, one a
// line), `exit-code` (the referee's) and its output folders `server-<scenario>-<time>/checks.json`.
// <results-dir>/client/<n>/ holds one client scenario: `scenario`, `exit-code` and the referee's
// folder `<scenario>-<time>/` with `checks.json` and our process's `stdout.txt`/`stderr.txt`.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const [resultsDir, baselinePath, version] = process.argv.slice(2)
if (!resultsDir || !baselinePath || !version) {
  console.error('usage: node report.mjs <results-dir> <baseline.txt> <referee-version>')
  process.exit(2)
}

/**
 * A scenario passes when the referee recorded at least one check, none FAILURE and none WARNING
 * (the referee's own baseline mode counts a warning as a failure too), and — for client
 * scenarios, where the referee also judges our process — it exited 0.
 */
function judge(side, scenario, folder, exitCode) {
  const checksFile = folder && join(folder, 'checks.json')
  if (!checksFile || !existsSync(checksFile)) {
    return { side, scenario, pass: false, reason: exitCode === 124 ? 'timed out' : `the referee wrote no checks (exit ${exitCode})` }
  }
  const checks = JSON.parse(readFileSync(checksFile, 'utf8'))
  const bad = checks.filter((check) => check.status === 'FAILURE' || check.status === 'WARNING')
  if (checks.length === 0) return { side, scenario, pass: false, reason: 'no checks' }
  if (bad.length > 0) {
    const reason = bad.map((check) => `${check.status === 'WARNING' ? 'warning ' : ''}${check.id}: ${oneLine(check.errorMessage ?? check.description)}`).join('; ')
    return { side, scenario, pass: false, reason }
  }
  if (side === 'client' && exitCode !== 0) {
    const stderr = readFileSync(join(folder, 'stderr.txt'), 'utf8')
    const line = stderr.split('\n').find((l) => /failed|error/i.test(l)) ?? stderr
    return { side, scenario, pass: false, reason: `our client failed (referee exit ${exitCode}): ${oneLine(line)}` }
  }
  return { side, scenario, pass: true }
}

const readLines = (file) => readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean)
const folders = (dir) => (existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name) : [])
// The referee names each output folder `<prefix><scenario>-<ISO time with : and . as ->`.
const folderOf = (dir, prefix, scenario) => {
  const name = folders(dir).find((n) => n.startsWith(`${prefix}${scenario}-`) && /^\d{4}-\d\d-\d\dT[\d-]+Z$/.test(n.slice(prefix.length + scenario.length + 1)))
  return name && join(dir, name)
}

function serverResults() {
  const dir = join(resultsDir, 'server')
  if (!existsSync(join(dir, 'scenarios'))) return []
  const exitCode = Number(readLines(join(dir, 'exit-code'))[0])
  return readLines(join(dir, 'scenarios')).map((scenario) => judge('server', scenario, folderOf(dir, 'server-', scenario), exitCode))
}

function clientResults() {
  const root = join(resultsDir, 'client')
  return folders(root)
    .sort((a, b) => Number(a) - Number(b))
    .map((n) => {
      const dir = join(root, n)
      const scenario = readLines(join(dir, 'scenario'))[0]
      return judge('client', scenario, folderOf(dir, '', scenario), Number(readLines(join(dir, 'exit-code'))[0]))
    })
}

function oneLine(text, max = 200) {
  const line = String(text).replace(/\s+/g, ' ').trim()
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`
}

/** `server|client <scenario> — <reason>` per line; `#` comments and blank lines are ignored. */
function readBaseline(path) {
  const entries = new Map()
  for (const [i, raw] of readFileSync(path, 'utf8').split('\n').entries()) {
    const line = raw.trim()
    if (!line || line.startsWith('#')) continue
    const match = /^(server|client)\s+(\S+)\s+—\s+(.+)$/.exec(line)
    if (!match) {
      console.error(`${path}:${i + 1}: expected "server|client <scenario> — <reason>", got: ${line}`)
      process.exit(2)
    }
    entries.set(`${match[1]} ${match[2]}`, match[3])
  }
  return entries
}

const baseline = readBaseline(baselinePath)
const all = [...serverResults(), ...clientResults()]
const unexpected = []
const stale = []

for (const side of ['server', 'client']) {
  const mine = all.filter((r) => r.side === side)
  if (mine.length === 0) continue
  console.log(`\n${side} scenarios:`)
  for (const r of mine) {
    const key = `${side} ${r.scenario}`
    const expected = baseline.has(key)
    if (r.pass && expected) stale.push(key)
    if (!r.pass && !expected) unexpected.push(key)
    const mark = r.pass ? 'PASS' : 'FAIL'
    const note = r.pass ? (expected ? '  (in the baseline: remove its line)' : '') : ` — ${r.reason}${expected ? ' [expected: in the baseline]' : ''}`
    console.log(`  ${mark} ${r.scenario}${note}`)
  }
}

const count = (side) => {
  const mine = all.filter((r) => r.side === side)
  return `${mine.filter((r) => r.pass).length}/${mine.length}`
}
const ran = new Set(all.map((r) => `${r.side} ${r.scenario}`))
const unknown = [...baseline.keys()].filter((key) => !ran.has(key))

console.log('')
console.log(`@modelcontextprotocol/conformance ${version}: server ${count('server')} passed, client ${count('client')} passed (non-OAuth)`)
const failed = all.filter((r) => !r.pass).length
console.log(`baseline ${baselinePath}: ${failed - unexpected.length} expected failure(s), ${unexpected.length} unexpected, ${stale.length} now passing`)
for (const key of unexpected) console.log(`  unexpected failure: ${key} — fix it, or add "${key} — <reason>" to the baseline`)
for (const key of stale) console.log(`  now passing: ${key} — remove its line from the baseline`)
for (const key of unknown) console.log(`  note: the baseline names ${key}, which did not run`)
process.exit(unexpected.length > 0 || stale.length > 0 ? 1 : 0)
