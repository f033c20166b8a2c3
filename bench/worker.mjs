// One measurement: `node worker.mjs '<json>'` runs one scenario for one adapter — its own client
// SDK in this process, its server in a child (stdio, or HTTP on 127.0.0.1) — and prints
// `{ "metrics": { … } }` as its last stdout line. run.mjs spawns one worker per scenario,
// adapter and repetition, so no adapter warms the JIT or fills the heap of another.
import { fork, spawn } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { wideArgs, wideText } from './servers/common.mjs'

const here = fileURLToPath(new URL('.', import.meta.url))
const config = JSON.parse(process.argv[2])
const { adapter, scenario, n, concurrency = 64, profileDir, tag = 'run' } = config
const serverFile = join(here, 'servers', `${adapter}.mjs`)
const clients = await import(`./clients/${adapter}.mjs`)

/** Node flags of a child: --cpu-prof into bench/profiles/ when profiling. */
let profiled = 0
const profFlags = (role) => (profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${scenario}-${adapter}-${role}-${tag}-${process.pid}-${++profiled}.cpuprofile`] : [])
const stdioServer = () => ({ command: process.execPath, args: [...profFlags('server'), serverFile, 'stdio'] })

/** Starts an HTTP server child (with --expose-gc and an IPC channel); resolves once it listens. */
async function httpServer(mode) {
  const child = fork(serverFile, ['http', mode], { execArgv: ['--expose-gc', ...profFlags('server')], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const [message] = await once(child, 'message')
  const ask = async (type) => {
    child.send({ type })
    const [answer] = await once(child, 'message')
    return answer
  }
  return {
    url: message.url,
    heap: async () => {
      const { heapUsed, gc } = await ask('heap')
      if (!gc) throw new Error('server has no gc()')
      return heapUsed
    },
    stop: async () => {
      child.send({ type: 'exit' })
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      if (child.exitCode === null) await once(child, 'exit')
      clearTimeout(timer)
    },
  }
}

async function parallel(total, lanes, fn) {
  let next = 0
  await Promise.all(Array.from({ length: Math.min(lanes, total) }, async () => {
    while (next < total) await fn(next++)
  }))
}

const expectEqual = (actual, expected, what) => {
  if (actual !== expected) throw new Error(`${adapter} ${what}: got ${String(actual).slice(0, 80)}, want ${String(expected).slice(0, 80)}`)
}

/** Calls/s of `total` calls of `name`, `lanes` in flight, after a warm-up of a tenth (≤ 500). */
async function throughput(client, name, args, expected, total, lanes) {
  await parallel(Math.min(500, Math.ceil(total / 10)), lanes, async () => expectEqual(await client.call(name, args), expected, name))
  const started = performance.now()
  await parallel(total, lanes, async () => expectEqual(await client.call(name, args), expected, name))
  return total / ((performance.now() - started) / 1000)
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

const IMPORTS = {
  plugboard: { server: '@plugboard/server', client: '@plugboard/client' },
  v2: { server: '@modelcontextprotocol/server', client: '@modelcontextprotocol/client' },
  v1: { server: '@modelcontextprotocol/sdk/server/mcp.js', client: '@modelcontextprotocol/sdk/client/index.js' },
  raw: { server: 'node:http', client: 'undici' },
}

/** import() ms measured inside a fresh process, and that process's whole life (spawn → exit) in ms. */
async function importTime(specifier, role) {
  const started = performance.now()
  const child = spawn(process.execPath, [...profFlags(role), join(here, 'import-time.mjs'), specifier], { cwd: here, stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.on('data', (chunk) => (out += chunk))
  const [code] = await once(child, 'exit')
  const wall = performance.now() - started
  if (code !== 0) throw new Error(`import of ${specifier} failed`)
  return { importMs: JSON.parse(out).importMs, wall }
}

const echo = { text: 'hello' }
const scenarios = {
  async S1() {
    const client = await clients.connectStdio(stdioServer())
    try {
      return { S1: await throughput(client, 'echo', echo, 'hello', n, 1) }
    } finally {
      await client.close()
    }
  },
  async S2() {
    const client = await clients.connectStdio(stdioServer())
    try {
      return { S2: await throughput(client, 'echo', echo, 'hello', n, concurrency) }
    } finally {
      await client.close()
    }
  },
  async S3() {
    return httpThroughput('json', 'S3')
  },
  async S4() {
    return httpThroughput('sse', 'S4')
  },
  async S5() {
    const cold = []
    for (let i = 0; i < n; i++) {
      const started = performance.now()
      const client = await clients.connectStdio(stdioServer())
      const tools = await client.listTools()
      cold.push(performance.now() - started)
      expectEqual(tools.length, 3, 'tools/list length')
      await client.close()
    }
    const server = []
    const client = []
    for (let i = 0; i < n; i++) {
      server.push(await importTime(IMPORTS[adapter].server, 'import-server'))
      client.push(await importTime(IMPORTS[adapter].client, 'import-client'))
    }
    return {
      S5cold: median(cold),
      S5importServer: median(server.map((x) => x.importMs)),
      S5importClient: median(client.map((x) => x.importMs)),
      S5procServer: median(server.map((x) => x.wall)),
      S5procClient: median(client.map((x) => x.wall)),
    }
  },
  async S6() {
    const server = await httpServer('json')
    try {
      // Warm up first (100 sessions opened and closed), so the delta is sessions rather than the
      // code V8 compiles and optimizes meanwhile (heap snapshots showed mostly `code` otherwise).
      await parallel(100, 8, async () => (await clients.connectHttp(server.url)).close())
      const before = await server.heap()
      const open = new Array(n)
      await parallel(n, 8, async (i) => {
        open[i] = await clients.connectHttp(server.url)
      })
      const after = await server.heap()
      await parallel(n, 8, async (i) => open[i].close())
      return { S6: (after - before) / n / 1024 }
    } finally {
      await server.stop()
    }
  },
  async S7() {
    const size = 5 * 1024 * 1024
    const client = await clients.connectStdio(stdioServer())
    try {
      expectEqual((await client.call('big', { n: size })).length, size, 'big length')
      const times = []
      for (let i = 0; i < n; i++) {
        const started = performance.now()
        const text = await client.call('big', { n: size })
        times.push(performance.now() - started)
        expectEqual(text.length, size, 'big length')
      }
      return { S7: median(times) }
    } finally {
      await client.close()
    }
  },
  async S9() {
    const client = await clients.connectStdio(stdioServer())
    const args = wideArgs()
    try {
      return { S9: await throughput(client, 'wide', args, wideText(args), n, concurrency) }
    } finally {
      await client.close()
    }
  },
  async S10() {
    if (adapter === 'v1') return { S10: null }
    const server = await httpServer('stateless')
    try {
      const client = await clients.connectHttp(server.url, { modern: true })
      try {
        return { S10: await throughput(client, 'echo', echo, 'hello', n, concurrency) }
      } finally {
        await client.close()
      }
    } finally {
      await server.stop()
    }
  },
  async S11() {
    const server = await httpServer('json')
    try {
      // A warm-up round first (up to 200 sessions): otherwise the delta is mostly optimized code, not sessions.
      await parallel(Math.min(n, 200), 8, async () => (await clients.connectHttp(server.url)).close())
      const before = await server.heap()
      await parallel(n, 8, async () => {
        const client = await clients.connectHttp(server.url)
        await client.close()
      })
      // Let closed sockets and timers settle before the second figure.
      await new Promise((resolve) => setTimeout(resolve, 200))
      const after = await server.heap()
      return { S11: (after - before) / 1024, S11before: before / 1024, S11after: after / 1024 }
    } finally {
      await server.stop()
    }
  },
}

async function httpThroughput(mode, id) {
  const server = await httpServer(mode)
  try {
    const client = await clients.connectHttp(server.url)
    try {
      return { [id]: await throughput(client, 'echo', echo, 'hello', n, concurrency) }
    } finally {
      await client.close()
    }
  } finally {
    await server.stop()
  }
}

const metrics = await scenarios[scenario]()
process.stdout.write(JSON.stringify({ metrics }) + '\n')
process.exit(0)
