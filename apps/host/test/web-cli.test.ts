import { spawn } from 'node:child_process'
import { createServer, type AddressInfo } from 'node:net'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { EVERYTHING_SERVER_BIN, HOST_BIN } from './helpers.js'
import { alive } from './web/browser.js'

// `plugboard-host --web` with a config of one's own, as a real child process, and its usage errors.

const dir = mkdtempSync(join(tmpdir(), 'plugboard-web-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function host(args: string[]) {
  const child = spawn(process.execPath, [HOST_BIN, ...args], {
    cwd: dir,
    env: { ...process.env, HOME: dir, XDG_CONFIG_HOME: join(dir, '.config'), ANTHROPIC_API_KEY: undefined, OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined },
  })
  child.stdin.end()
  let output = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => void (output += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => void (output += chunk))
  const code = new Promise<number | null>((resolve) => child.once('exit', (exit) => resolve(exit)))
  const run = { child, code, output: () => output }
  running.add(run)
  void code.then(() => running.delete(run))
  return run
}

const running = new Set<ReturnType<typeof host>>()
// A failed test must not leave its host (and its servers) running.
afterAll(async () => {
  for (const run of running) {
    run.child.kill('SIGTERM')
    await run.code
  }
})

describe('plugboard-host --web', { timeout: 30_000 }, () => {
  it('serves the configured servers at the printed URL, declares MCP Apps to them, and stops them on SIGTERM', async () => {
    const config = join(dir, 'mcp.json')
    writeFileSync(config, JSON.stringify({ mcpServers: { everything: { command: process.execPath, args: [EVERYTHING_SERVER_BIN] } } }))
    const script = join(dir, 'script.json')
    writeFileSync(script, JSON.stringify([{ when: 'counter', call: [{ tool: 'everything/show-counter' }], reply: '{{result}}' }]))
    const run = host(['--web', '-c', config, '--script', script])
    await expect.poll(() => run.output(), { timeout: 20_000 }).toMatch(/open http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{43}\n/)
    const url = new URL(/open (\S+)/.exec(run.output())![1]!)
    const token = url.searchParams.get('token')!
    const page = await fetch(url)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(await page.text()).toContain('<script type="module" src="/assets/app.js">')
    const state = (await (await fetch(new URL('/api/state', url), { headers: { authorization: `Bearer ${token}` } })).json()) as {
      servers: Array<{ name: string; state: string; pid: number }>
      tools: Array<{ tool: string }>
    }
    expect(state.servers).toEqual([expect.objectContaining({ name: 'everything', state: 'ready' })])
    expect(state.tools.map((t) => t.tool)).toContain('show-counter')
    expect(state.tools.map((t) => t.tool)).not.toContain('counter-increment')

    // The page's event stream shows the call; the server's text says it was told the host shows its view.
    const events = new AbortController()
    const stream = await fetch(new URL('/api/events', url), { headers: { authorization: `Bearer ${token}` }, signal: events.signal })
    const sent = await fetch(new URL('/api/send', url), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ text: 'show the counter' }) })
    expect(sent.status).toBe(202)
    let seen = ''
    const decoder = new TextDecoder()
    for await (const chunk of stream.body as unknown as AsyncIterable<Uint8Array>) {
      seen += decoder.decode(chunk, { stream: true })
      // The config has no policy, so the call asks consent: answered as the page would.
      const dialog = /"type":"dialog","id":"([\w-]+)"/.exec(seen)
      if (dialog && !seen.includes('"type":"dialog_closed"')) {
        const answered = await fetch(new URL(`/api/dialogs/${dialog[1]}`, url), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ answer: { answer: 'once' } }) })
        expect(answered.status).toBe(200)
      }
      if (seen.includes('"type":"tool_result"')) break
    }
    events.abort()
    expect(seen).toContain('"text":"Showing the counter, at 0."')
    expect(seen).toContain('"type":"app"')

    run.child.kill('SIGTERM')
    expect(await run.code).toBe(130)
    expect(alive(state.servers[0]!.pid)).toBe(false)
  })

  it('exits with 1 and says why when the --port is taken', async () => {
    const taken = createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', () => resolve()))
    writeFileSync(join(dir, 'none.json'), JSON.stringify({ mcpServers: {} }))
    const run = host(['--web', '--port', String((taken.address() as AddressInfo).port), '-c', join(dir, 'none.json')])
    expect(await run.code).toBe(1)
    expect(run.output()).toMatch(/Cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/)
    await new Promise((resolve) => taken.close(resolve))
  })

  it.each([
    [['--web', '--prompt', 'hi'], '--web is a chat in the browser'],
    [['--web', '--json'], '--json and --approve go with --prompt'],
    [['--port', '8080'], '--port goes with --web'],
    [['--web', '--port', '70000'], '--port must be a port number from 0 to 65535, got 70000'],
  ])('refuses %j with exit code 2', async (args, message) => {
    const run = host(args)
    expect(await run.code).toBe(2)
    expect(run.output()).toContain(message)
  })
})
