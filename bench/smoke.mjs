// `node bench/smoke.mjs`: each adapter's server, once over stdio and once over HTTP, answers a few
// calls of each tool correctly. Prints one JSON line: { adapter: { stdio: "ok" | error, http: … } }.
// test/bench/bench.test.ts runs it; no timing is asserted anywhere.
import { fork } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { wideArgs, wideText } from './servers/common.mjs'

const here = fileURLToPath(new URL('.', import.meta.url))
const adapters = process.argv[2]?.split(',') ?? ['plugboard', 'v2', 'v1', 'raw']

async function exercise(client) {
  const tools = (await client.listTools()).map((tool) => tool.name).sort()
  if (tools.join() !== 'big,echo,wide') throw new Error(`tools/list: ${tools}`)
  const echoed = await Promise.all(['a', 'b', 'c'].map((text) => client.call('echo', { text })))
  if (echoed.join() !== 'a,b,c') throw new Error(`echo: ${echoed}`)
  const big = await client.call('big', { n: 100_000 })
  if (big.length !== 100_000) throw new Error(`big: ${big.length} bytes`)
  const args = wideArgs()
  const wide = await client.call('wide', args)
  if (wide !== wideText(args)) throw new Error(`wide: ${wide}`)
}

async function check(adapter) {
  const clients = await import(`./clients/${adapter}.mjs`)
  const serverFile = join(here, 'servers', `${adapter}.mjs`)
  const result = {}
  try {
    const client = await clients.connectStdio({ command: process.execPath, args: [serverFile, 'stdio'] })
    try {
      await exercise(client)
      result.stdio = 'ok'
    } finally {
      await client.close()
    }
  } catch (error) {
    result.stdio = String(error?.message ?? error)
  }
  for (const mode of adapter === 'v1' ? ['json', 'sse'] : ['json', 'sse', 'stateless']) {
    const child = fork(serverFile, ['http', mode], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] })
    try {
      const [{ url }] = await once(child, 'message')
      const client = await clients.connectHttp(url, { modern: mode === 'stateless' })
      try {
        await exercise(client)
        result[`http-${mode}`] = 'ok'
      } finally {
        await client.close()
      }
    } catch (error) {
      result[`http-${mode}`] = String(error?.message ?? error)
    } finally {
      child.send({ type: 'exit' })
      if (child.exitCode === null) await once(child, 'exit')
    }
  }
  return result
}

const results = Object.fromEntries(await Promise.all(adapters.map(async (adapter) => [adapter, await check(adapter)])))
process.stdout.write(JSON.stringify(results) + '\n')
