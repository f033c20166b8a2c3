// `node bench/hotspots.mjs [--top 25] <file.cpuprofile…>`: self time per function across the
// given V8 CPU profiles (as written by `pnpm bench --profile`), as a share of the non-idle time.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const args = process.argv.slice(2)
const topAt = args.indexOf('--top')
const top = topAt === -1 ? 25 : Number(args.splice(topAt, 2)[1])
const self = new Map()
let total = 0
for (const file of args) {
  const profile = JSON.parse(readFileSync(file, 'utf8'))
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
  profile.samples.forEach((id, i) => {
    const { functionName, url, lineNumber } = nodes.get(id).callFrame
    if (functionName === '(idle)') return
    const where = url ? `${url.replace(`file://${root}`, '').replace(/.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, '')}:${lineNumber + 1}` : ''
    const key = `${functionName || '(anonymous)'}\t${where}`
    const delta = profile.timeDeltas[i] ?? 0
    self.set(key, (self.get(key) ?? 0) + delta)
    total += delta
  })
}
console.log(`| self % | self ms | function | file:line |\n| --- | --- | --- | --- |`)
for (const [key, micros] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  const [fn, where] = key.split('\t')
  console.log(`| ${((micros / total) * 100).toFixed(1)} | ${(micros / 1000).toFixed(0)} | \`${fn}\` | ${where} |`)
}
console.log(`\n${args.length} profile(s), ${(total / 1000).toFixed(0)} ms non-idle`)
