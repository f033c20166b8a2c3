// Running a README's HTTP server example as its own process in the newcomer's folder: on the port
// its PORT variable names, until it answers, then stopped with Ctrl-C as its reader would.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { request } from 'node:http'
import { createServer } from 'node:net'
import { startListening, type RunningExample } from '../runtimes/helpers.js'

/** A port nothing listens on now (the OS picks it; the example binds it a moment later). */
export async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

// A DELETE without a session is refused at once: any HTTP answer means the server is up. On a
// connection of its own (no keep-alive agent), so no socket outlives the check.
const answers = (url: string) =>
  new Promise<boolean>((resolve) => {
    const req = request(url, { method: 'DELETE', agent: false }, (res) => {
      res.resume()
      res.on('end', () => resolve(true))
    })
    req.on('error', () => resolve(false))
    req.end()
  })

/**
 * Starts `node <file>` in `cwd` and resolves once its MCP endpoint answers. A server that prints
 * `MCP endpoint: <url>` gets PORT=0 and is taken at its word; one that prints nothing gets a free port
 * and is polled until a request gets any HTTP answer. Rejects (leaving no process) if it exits first
 * or does not answer within `timeoutMs`.
 */
export async function startHttpExample(options: { node: string; file: string; cwd: string; printsEndpoint: boolean; timeoutMs?: number }): Promise<RunningExample> {
  const timeoutMs = options.timeoutMs ?? 15_000
  if (options.printsEndpoint) {
    return startListening({ command: options.node, args: [options.file], cwd: options.cwd, env: { ...process.env, PORT: '0' }, timeoutMs })
  }
  const port = await freePort()
  const child = spawn(options.node, [options.file], { cwd: options.cwd, env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit')
      child.kill('SIGINT')
      await exited
    }
    return child.exitCode
  }
  const url = `http://127.0.0.1:${port}/mcp`
  const deadline = Date.now() + timeoutMs
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${options.file} exited with ${child.exitCode ?? child.signalCode} before listening: ${stderr}`)
      if (await answers(url)) return { url, child, stop }
      if (Date.now() > deadline) throw new Error(`${options.file} did not answer on port ${port} in ${timeoutMs} ms: ${stderr}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  } catch (error) {
    await stop()
    throw error
  }
}
