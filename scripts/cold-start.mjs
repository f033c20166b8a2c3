// Cold start (issue #12, S5): what a host spawning many stdio servers feels.
//
//   node scripts/cold-start.mjs [runs=15]
//
// Prints, as the minimum (and median) of `runs` fresh processes each:
//  - import: `node -e "import('<pkg>')"` for each package, beside `node -e 0` (Node's own start);
//  - cold: spawn → initialize → notifications/initialized → tools/list answered, for a one-tool
//    stdio server written with Plugboard and for a hand-written one (the ceiling).
// The client side of `cold` is hand-written too, so only the server's start is measured.
// Each also reports the child's own CPU time (user + system), which other load on the machine
// disturbs far less than wall time.
// Build first (`bash scripts/pnpm.sh build`): this loads the packages' dist.
import { spawn, spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

if (process.argv[2] === '--serve') await serve(process.argv[3])
else await measure(Number(process.argv[2] ?? 15))

async function serve(kind) {
  process.on('exit', () => process.stderr.write(`cpu ${cpuMs()}\n`))
  if (kind === 'raw') {
    let buffer = ''
    process.stdin.setEncoding('utf8').on('data', (chunk) => {
      buffer += chunk
      let nl
      while ((nl = buffer.indexOf('\n')) !== -1) {
        const message = JSON.parse(buffer.slice(0, nl))
        buffer = buffer.slice(nl + 1)
        if (message.id === undefined) continue
        const result =
          message.method === 'initialize'
            ? { protocolVersion: message.params.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: 'raw', version: '1.0.0' } }
            : { tools: [{ name: 'echo', inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] } }] }
        process.stdout.write(JSON.stringify({ jsonrpc: '2.0', id: message.id, result }) + '\n')
      }
    })
    return
  }
  const [{ McpServer }, { StdioServerTransport }, z] = await Promise.all([import('@plugboard/server'), import('@plugboard/transport-stdio'), import('zod')])
  const server = new McpServer({ name: 'plugboard', version: '1.0.0' })
  server.registerTool('echo', { description: 'Returns its text', inputSchema: { text: z.string() } }, ({ text }) => ({ content: [{ type: 'text', text }] }))
  await server.connect(new StdioServerTransport())
}

function cpuMs() {
  const { userCPUTime, systemCPUTime } = process.resourceUsage()
  return (userCPUTime + systemCPUTime) / 1000
}

function coldStart(kind) {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--serve', kind], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] })
    let errors = ''
    child.stderr.setEncoding('utf8').on('data', (chunk) => (errors += chunk))
    const send = (message) => child.stdin.write(JSON.stringify({ jsonrpc: '2.0', ...message }) + '\n')
    let buffer = ''
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      buffer += chunk
      let nl
      while ((nl = buffer.indexOf('\n')) !== -1) {
        const message = JSON.parse(buffer.slice(0, nl))
        buffer = buffer.slice(nl + 1)
        if (message.id === 1) {
          send({ method: 'notifications/initialized' })
          send({ id: 2, method: 'tools/list' })
        } else if (message.id === 2) {
          const ms = performance.now() - started
          if (message.result?.tools?.length !== 1) reject(new Error(`${kind}: unexpected tools/list answer ${JSON.stringify(message)}`))
          child.once('close', () => {
            const cpu = /^cpu (\S+)$/m.exec(errors)
            if (!cpu) reject(new Error(`${kind}: no CPU time reported: ${errors}`))
            else resolve({ wall: ms, cpu: Number(cpu[1]) })
          })
          child.stdin.end()
        }
      }
    })
    child.once('error', reject)
    send({ id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'cold-start', version: '1.0.0' } } })
  })
}

function importTime(specifier) {
  const report = `const { userCPUTime: u, systemCPUTime: s } = process.resourceUsage(); console.log((u + s) / 1000)`
  const code = specifier ? `import('${specifier}').then(() => { ${report} })` : report
  const started = performance.now()
  const { status, stdout, stderr } = spawnSync(process.execPath, ['-e', code], { cwd: root, encoding: 'utf8' })
  const wall = performance.now() - started
  if (status !== 0) throw new Error(`${code} failed: ${stderr}`)
  return { wall, cpu: Number(stdout) }
}

async function measure(runs) {
  const cases = {
    'node -e 0': () => importTime(),
    zod: () => importTime('zod'),
    protocol: () => importTime('@plugboard/protocol'),
    server: () => importTime('@plugboard/server'),
    client: () => importTime('@plugboard/client'),
    'transport-stdio': () => importTime('@plugboard/transport-stdio'),
    'cold raw': () => coldStart('raw'),
    'cold plugboard': () => coldStart('plugboard'),
  }
  const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, []]))
  // Interleaved, so a burst of load from elsewhere hits every case alike.
  for (let i = 0; i < runs; i++) for (const [name, run] of Object.entries(cases)) samples[name].push(await run())
  const stats = (xs) => {
    const s = [...xs].sort((a, b) => a - b)
    return `${s[0].toFixed(1).padStart(7)} ${s[Math.floor(s.length / 2)].toFixed(1).padStart(7)}`
  }
  console.log(`node ${process.version}, ${runs} runs each, ms: wall min / median, child CPU min / median`)
  for (const [name, xs] of Object.entries(samples)) {
    console.log(`${name.padEnd(16)} ${stats(xs.map((x) => x.wall))}   ${stats(xs.map((x) => x.cpu))}`)
  }
}
