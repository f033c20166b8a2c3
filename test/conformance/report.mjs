// Reads the conformance referees' results and prints one PASS/FAIL line per scenario, the totals
// per referee version and leg, and how the failures compare with test/conformance/baseline.txt.
// Exits 1 when a failure is not in the baseline or a baselined scenario now passes; 0 otherwise.
// Run by scripts/conformance.sh:
//
//   node report.mjs <results-dir> <baseline.txt>
//
// <results-dir>/runs lists the runs, one `<referee-version> <leg>` a line, in the order they ran;
// `<leg>` is `default` (no --spec-version) or the spec version passed. Each run's folder
// <results-dir>/<referee-version>/<leg>/ holds:
//   extensions             the scenarios the referee's `list` tags [extension], one a line
//   server/                one referee run of the whole server suite: `scenarios` (those the leg
//                          runs), `not-applicable` (those the referee does not run at the leg's spec
//                          version), `exit-code`, `log` (the referee's output) and its folders
//                          `server-<scenario>-<time>/checks.json`
//   client/                `not-applicable` and one folder <n>/ per
//                          scenario run: `scenario`, `exit-code`, `log` and the referee's folder
//                          `<scenario>-<time>/` with `checks.json` and our `stdout.txt`/`stderr.txt`
//
// CONFORMANCE_WRITE_BASELINE=1 also prints the current failures as a complete baseline file (a
// scenario already in the baseline keeps its reason; a new one gets its first failing check's
// message); any other non-empty value is taken as a file to write it to. The exit code is then 0.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const [resultsDir, baselinePath] = process.argv.slice(2)
if (!resultsDir || !baselinePath) {
  console.error('usage: node report.mjs <results-dir> <baseline.txt>')
  process.exit(2)
}
const writeBaseline = process.env.CONFORMANCE_WRITE_BASELINE ?? ''

const BASELINE_HEADER = `# Expected failures of the official conformance referees (scripts/conformance.sh), one per line:
#   <referee-version> <leg> server|client <scenario> — <reason>
# <leg> is \`default\` (no --spec-version) or the --spec-version the leg runs at (2026-07-28).
# A failure not listed here fails the run, and so does a listed scenario that now passes: fix the
# cause, then delete its line.
# Regenerate: CONFORMANCE_WRITE_BASELINE=test/conformance/baseline.txt bash scripts/conformance.sh
# (listed scenarios keep their reason; new ones get their first failing check's message: edit it).
`

const readLines = (file) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean) : [])
const folders = (dir) => (existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name) : [])
// The referee names each output folder `<prefix><scenario>-<ISO time with : and . as ->`; a scenario
// named with a slash (`auth/metadata-default`) lands in a subfolder (`auth/metadata-default-<time>`).
const folderOf = (dir, prefix, scenario) => {
  const slash = scenario.lastIndexOf('/')
  const parent = slash < 0 ? dir : join(dir, scenario.slice(0, slash))
  const base = scenario.slice(slash + 1)
  const name = folders(parent).find((n) => n.startsWith(`${prefix}${base}-`) && /^\d{4}-\d\d-\d\dT[\d-]+Z$/.test(n.slice(prefix.length + base.length + 1)))
  return name && join(parent, name)
}

function oneLine(text, max = 200) {
  const line = String(text).replace(/\s+/g, ' ').trim()
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`
}

const checkText = (check) => oneLine(check.errorMessage || check.description || check.id)

/**
 * A scenario passes when the referee recorded at least one check, none FAILURE and none WARNING
 * (the referee's own baseline mode counts a warning as a failure too), and — for client
 * scenarios, where the referee also judges our process — it exited 0. It is SKIP when the referee
 * itself skipped it: every check it recorded (INFO aside) is SKIPPED. `log` is the referee's
 * output, which names a scenario that crashed before writing its checks.
 */
function judge(side, scenario, folder, exitCode, log) {
  const result = (status, reason, firstFailure = reason) => ({ side, scenario, status, reason, firstFailure })
  const checksFile = folder && join(folder, 'checks.json')
  if (!checksFile || !existsSync(checksFile)) {
    if (exitCode === 124 || exitCode === 137) return result('FAIL', 'timed out')
    // e.g. `Failed to run scenario tasks-capability-negotiation: Et [JsonRpcError]: Bad Request: …`
    const crash = log.split('\n').find((l) => l.startsWith(`Failed to run scenario ${scenario}: `))
    if (crash) {
      const message = oneLine(crash.slice(`Failed to run scenario ${scenario}: `.length).replace(/^\w+ \[\w+\]: /, ''))
      return result('FAIL', `the scenario crashed: ${message}`, message)
    }
    if (log.includes(`SKIPPED: scenario '${scenario}' is not applicable`)) return result('N/A', 'not applicable at this spec version')
    return result('FAIL', `the referee wrote no checks (exit ${exitCode})`)
  }
  const checks = JSON.parse(readFileSync(checksFile, 'utf8'))
  if (checks.length === 0) return result('FAIL', 'no checks')
  // For a client scenario: how our process ended, as the referee logged it, and why.
  const clientExit = side === 'client' ? /^Client (exited with code -?\d+|timed out after \d+ms)/m.exec(log)?.[1] : undefined
  const ourFailure = clientExit && clientExit !== 'exited with code 0' ? `our client ${clientExit}: ${clientFailure(folder)}` : undefined
  const bad = checks.filter((check) => check.status === 'FAILURE' || check.status === 'WARNING')
  if (bad.length > 0) {
    const shown = bad.slice(0, 3).map((check) => `${check.status === 'WARNING' ? 'warning ' : ''}${check.id}: ${oneLine(checkText(check), 160)}`)
    if (bad.length > 3) shown.push(`+${bad.length - 3} more failing checks`)
    if (ourFailure) shown.push(ourFailure)
    return result('FAIL', shown.join('; '), ourFailure ?? checkText(bad[0]))
  }
  if (side === 'client' && exitCode !== 0) {
    const why = ourFailure ?? `our client failed: ${clientFailure(folder)}`
    return result('FAIL', `${why} (referee exit ${exitCode})`, why)
  }
  const judged = checks.filter((check) => check.status !== 'INFO')
  if (judged.length > 0 && judged.every((check) => check.status === 'SKIPPED')) {
    // Some client scenarios let our process fail and then skip every check because it never got
    // that far (`the client never called skills/list`): that is our failure, not the referee's skip.
    if (ourFailure) return result('FAIL', `${ourFailure} (the referee skipped every check)`, ourFailure)
    return result('SKIP', `skipped by the referee: ${oneLine(checkText(judged[0]), 160)}`)
  }
  return result('PASS')
}

/** The line of our client's stderr (kept by the referee) that says why it failed. */
function clientFailure(folder) {
  const stderrFile = join(folder, 'stderr.txt')
  const stderr = existsSync(stderrFile) ? readFileSync(stderrFile, 'utf8') : ''
  const line = stderr.split('\n').find((l) => /failed|error|no conformance scenario/i.test(l)) ?? stderr
  // `plugboard-everything-client: no conformance scenario "x"; known: …` — the list is noise here.
  // The referee's server listens on a new port each run: keep the reason stable.
  return oneLine(line.replace(/^plugboard-everything-client: /, '').replace(/; known: .*/, '').replace(/(https?:\/\/[^/\s:]+):\d+/g, '$1'))
}

function runResults(version, leg) {
  const dir = join(resultsDir, version, leg)
  const serverDir = join(dir, 'server')
  const serverExit = Number(readLines(join(serverDir, 'exit-code'))[0])
  const serverLog = existsSync(join(serverDir, 'log')) ? readFileSync(join(serverDir, 'log'), 'utf8') : ''
  const server = readLines(join(serverDir, 'scenarios')).map((scenario) => judge('server', scenario, folderOf(serverDir, 'server-', scenario), serverExit, serverLog))
  const clientDir = join(dir, 'client')
  const client = folders(clientDir)
    .filter((n) => /^\d+$/.test(n))
    .sort((a, b) => Number(a) - Number(b))
    .map((n) => {
      const one = join(clientDir, n)
      const scenario = readLines(join(one, 'scenario'))[0]
      const log = existsSync(join(one, 'log')) ? readFileSync(join(one, 'log'), 'utf8') : ''
      return judge('client', scenario, folderOf(one, '', scenario), Number(readLines(join(one, 'exit-code'))[0]), log)
    })
  return {
    version,
    leg,
    results: [...server, ...client].map((r) => ({ ...r, key: `${version} ${leg} ${r.side} ${r.scenario}` })),
    extensions: new Set(readLines(join(dir, 'extensions'))),
    notApplicable: { server: readLines(join(serverDir, 'not-applicable')), client: readLines(join(clientDir, 'not-applicable')) },
  }
}

/** `<referee-version> <leg> server|client <scenario> — <reason>` per line; `#` comments and blank lines are ignored. */
function readBaseline(path) {
  const entries = new Map()
  if (!existsSync(path)) return entries
  for (const [i, raw] of readFileSync(path, 'utf8').split('\n').entries()) {
    const line = raw.trim()
    if (!line || line.startsWith('#')) continue
    const match = /^(\S+)\s+(\S+)\s+(server|client)\s+(\S+)\s+—\s+(.+)$/.exec(line)
    if (!match) {
      console.error(`${path}:${i + 1}: expected "<referee-version> <leg> server|client <scenario> — <reason>", got: ${line}`)
      process.exit(2)
    }
    entries.set(`${match[1]} ${match[2]} ${match[3]} ${match[4]}`, match[5])
  }
  return entries
}

const baseline = readBaseline(baselinePath)
const runs = readLines(join(resultsDir, 'runs')).map((line) => runResults(...line.split(/\s+/)))
const unexpected = []
const stale = []

for (const run of runs) {
  for (const side of ['server', 'client']) {
    const mine = run.results.filter((r) => r.side === side)
    console.log(`\nconformance ${run.version} @${run.leg} — ${side} scenarios (${mine.length} run):`)
    for (const r of mine) {
      const expected = baseline.has(r.key)
      if (r.status === 'PASS' && expected) stale.push(r.key)
      if (r.status === 'FAIL' && !expected) unexpected.push(r.key)
      let note = ''
      if (r.status === 'PASS') note = expected ? '  (in the baseline: remove its line)' : ''
      else if (r.status === 'FAIL') note = ` — ${r.reason}${expected ? ' [expected: in the baseline]' : ''}`
      else note = ` — ${r.reason}${expected ? ' [in the baseline, but not failing]' : ''}`
      console.log(`  ${r.status} ${r.scenario}${note}`)
    }
    const na = run.notApplicable[side]
    if (na.length > 0) console.log(`  not applicable at ${run.leg}, not run (${na.length}): ${na.join(', ')}`)
  }
}

function totals(run) {
  const count = (side) => {
    const mine = run.results.filter((r) => r.side === side && (r.status === 'PASS' || r.status === 'FAIL'))
    return `${mine.filter((r) => r.status === 'PASS').length}/${mine.length}`
  }
  const notes = []
  const skipped = run.results.filter((r) => r.status === 'SKIP' || r.status === 'N/A')
  if (skipped.length > 0) notes.push(`${skipped.length} skipped by the referee: ${skipped.map((r) => r.scenario).join(', ')}`)
  const na = run.notApplicable
  if (na.server.length + na.client.length > 0) notes.push(`not applicable at ${run.leg}: ${na.server.length} server, ${na.client.length} client`)
  return `conformance ${run.version} @${run.leg}: server ${count('server')}, client ${count('client')}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`
}

console.log('')
for (const run of runs) console.log(totals(run))
const ran = new Set(runs.flatMap((run) => run.results.map((r) => r.key)))
const unknown = [...baseline.keys()].filter((key) => !ran.has(key))
const failed = runs.flatMap((run) => run.results).filter((r) => r.status === 'FAIL').length
console.log(`baseline ${baselinePath}: ${failed - unexpected.length} expected failure(s), ${unexpected.length} unexpected, ${stale.length} now passing`)
for (const key of unexpected) console.log(`  unexpected failure: ${key}`)
if (unexpected.length > 0) console.log('  → fix them, or add "<key> — <reason>" lines for them to the baseline (CONFORMANCE_WRITE_BASELINE=1 prints them)')
for (const key of stale) console.log(`  now passing: ${key} — remove its line from the baseline`)
for (const key of unknown) console.log(`  note: the baseline names ${key}, which did not run`)

if (writeBaseline) {
  const lines = []
  for (const run of runs) {
    for (const r of run.results.filter((x) => x.status === 'FAIL')) {
      let reason = baseline.get(r.key)
      if (!reason) {
        const first = oneLine(r.firstFailure, 140)
        reason = run.extensions.has(r.scenario) ? `extension: Tasks/Skills issue — ${first}` : first
      }
      lines.push(`${r.key} — ${reason}`)
    }
  }
  const text = `${BASELINE_HEADER}${lines.join('\n')}${lines.length > 0 ? '\n' : ''}`
  if (writeBaseline === '1') {
    console.log(`\n----- baseline: the current failures (${lines.length}); copy into ${baselinePath} -----`)
    process.stdout.write(text)
    console.log('----- end of baseline -----')
  } else {
    writeFileSync(writeBaseline, text)
    console.log(`\nwrote the current failures (${lines.length}) as a baseline to ${writeBaseline}`)
  }
  process.exit(0)
}
process.exit(unexpected.length > 0 || stale.length > 0 ? 1 : 0)
