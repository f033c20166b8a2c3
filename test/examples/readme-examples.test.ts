import { execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { Client as ModernClient } from '@modelcontextprotocol/client'
import { StdioClientTransport as ModernStdio } from '@modelcontextprotocol/client/stdio'
import { Client as LegacyClient } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport as LegacyStdio } from '@modelcontextprotocol/sdk/client/stdio.js'
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js'
import { Client, type TaskStatus } from '@plugboard/client'
import { TASKS_EXTENSION_ID } from '@plugboard/protocol'
import { listSkills, loadSkill } from '@plugboard/skills/client'
import { StdioClientTransport } from '@plugboard/transport-stdio'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))
const run = promisify(execFile)

/**
 * The runnable ```ts / ```js blocks of a README, verbatim: those whose first line names their file
 * (`// server.ts`, optionally ` — how to run it`). Blocks without it are fragments of a bigger program.
 */
const codeBlocks = (readme: string) =>
  [...readFileSync(`${root}${readme}`, 'utf8').matchAll(/```(?:ts|js)\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((block) => /^\/\/ [\w.-]+\.(?:ts|mts|js|mjs)(?: — |\n)/.test(block))
const source = (file: string) => readFileSync(`${root}apps/examples/${file}`, 'utf8')

// Each package README's example is a copy of apps/examples/<name>/src, which is built and run here,
// so a README cannot show code that does not compile or does not work.
describe('package README examples', () => {
  it.each([
    ['packages/protocol/README.md', ['protocol-quickstart/src/index.ts']],
    ['packages/server/README.md', ['server-quickstart/src/server.ts', 'server-quickstart/src/schema-libraries.ts', 'server-quickstart/src/elicit.ts', 'server-quickstart/src/task.ts', 'server-quickstart/src/skill.ts', 'server-quickstart/src/app.ts']],
    ['packages/client/README.md', ['client-quickstart/src/client.ts', 'client-quickstart/src/calculator.ts', 'client-quickstart/src/typed.ts', 'client-quickstart/src/protected.ts', 'client-quickstart/src/task.ts']],
    ['packages/auth/README.md', ['auth-quickstart/src/server.ts', 'auth-quickstart/src/machine.ts']],
    ['packages/skills/README.md', ['skills-quickstart/src/server.ts', 'skills-quickstart/src/host.ts']],
    ['packages/transport-stdio/README.md', ['stdio-quickstart/src/server.ts', 'stdio-quickstart/src/host.ts']],
    ['packages/host/README.md', ['host-quickstart/src/host.ts']],
    ['packages/transport-http/README.md', ['http-quickstart/src/server.ts', 'http-quickstart/src/worker.ts', 'http-quickstart/src/express.ts', 'http-quickstart/src/hono.ts', 'http-quickstart/src/host.ts']],
  ])('%s shows exactly the code of its example', (readme, files) => {
    const blocks = codeBlocks(readme)
    files.forEach((file, i) => expect(blocks[i], `${readme} block ${i} vs apps/examples/${file}`).toBe(source(file)))
    expect(blocks.length, `${readme}: a runnable block with no example file`).toBe(files.length)
  })

  it('protocol: a raw session pair speaks 2026-07-28 and lists tools', async () => {
    const { stdout } = await run(process.execPath, ['dist/index.js'], { cwd: `${root}apps/examples/protocol-quickstart`, timeout: 15_000 })
    expect(stdout).toMatch(/^2026-07-28 /)
    expect(stdout).toContain("name: 'noop'")
    expect(stdout).toContain("'io.modelcontextprotocol/serverInfo': { name: 'raw', version: '1.0.0' }")
  })

  it('skills: the host lists the skill of the server, loads it verified and reads its reference', async () => {
    const { stdout } = await run(process.execPath, ['host.js'], { cwd: `${root}apps/examples/skills-quickstart/dist`, timeout: 15_000 })
    expect(stdout).toBe('release-notes: Write release notes from merged pull requests\n\nGroup changes by kind; follow references/STYLE.md.\n\nOne line per change, in the imperative.\n\n')
  })

  it('transport-stdio: the host spawns the clock server, calls now, and both exit', async () => {
    const { stdout } = await run(process.execPath, ['host.js'], { cwd: `${root}apps/examples/stdio-quickstart/dist`, timeout: 15_000 })
    expect(stdout).toMatch(/text: '\d{4}-\d\d-\d\dT/)
  })

  it('server: the calculator answers add with structured content', async () => {
    const client = new Client({ name: 'readme-check', version: '1.0.0' })
    const transport = new StdioClientTransport({ command: process.execPath, args: [`${root}apps/examples/server-quickstart/dist/server.js`] })
    await client.connect(transport)
    try {
      const result = await client.callTool({ name: 'add', arguments: { a: 2, b: 40 } })
      expect(result.structuredContent).toEqual({ sum: 42 })
      expect(result.content).toEqual([{ type: 'text', text: JSON.stringify({ sum: 42 }) }])
    } finally {
      await client.close()
    }
    expect(transport.exitCode).toBe(0)
  })

  it('server: one book-table handler elicits in both eras (official v1 client on 2025-11-25, v2 client on 2026-07-28)', async () => {
    const args = [`${root}apps/examples/server-quickstart/dist/elicit.js`]
    const asked: string[] = []
    const legacy = new LegacyClient({ name: 'readme-v1', version: '1.0.0' }, { capabilities: { elicitation: {} } })
    legacy.setRequestHandler(ElicitRequestSchema, async (request) => {
      asked.push(`v1: ${request.params.message}`)
      return { action: 'accept', content: { guests: 4 } }
    })
    await legacy.connect(new LegacyStdio({ command: process.execPath, args }))
    const modern = new ModernClient({ name: 'readme-v2', version: '2.0.0' }, { capabilities: { elicitation: {} }, versionNegotiation: { mode: { pin: '2026-07-28' } } })
    modern.setRequestHandler('elicitation/create', async (request) => {
      asked.push(`v2: ${(request.params as { message: string }).message}`)
      return { action: 'accept', content: { guests: 2 } }
    })
    await modern.connect(new ModernStdio({ command: process.execPath, args }))
    try {
      const one = await legacy.callTool({ name: 'book-table', arguments: { date: '2026-12-24' } })
      expect(one.content).toEqual([{ type: 'text', text: 'Booked 2026-12-24 for 4 (booking #1)' }])
      // Two rounds on the modern wire, one booking: the side effect runs only once the answer is there.
      const two = await modern.callTool({ name: 'book-table', arguments: { date: '2026-12-31' } })
      expect(two.content).toEqual([{ type: 'text', text: 'Booked 2026-12-31 for 2 (booking #1)' }])
      expect(asked).toEqual(['v1: How many guests on 2026-12-24?', 'v2: How many guests on 2026-12-31?'])
    } finally {
      await legacy.close()
      await modern.close()
    }
  })

  it('server: render-report becomes a task for a client that declared the extension, goes from working to completed, and the server exits', async () => {
    const client = new Client({ name: 'readme-check', version: '1.0.0' }, { capabilities: { extensions: { [TASKS_EXTENSION_ID]: {} } } })
    const transport = new StdioClientTransport({ command: process.execPath, args: [`${root}apps/examples/server-quickstart/dist/task.js`] })
    await client.connect(transport)
    try {
      const task = await client.callTool({ name: 'render-report', arguments: { pages: 2 } }, { task: true })
      expect(task.taskId).toEqual(expect.any(String))
      const seen: TaskStatus[] = []
      for await (const state of task) seen.push(state.status)
      expect(seen).toEqual(['working', 'completed'])
      expect(await task.result()).toMatchObject({ content: [{ type: 'text', text: 'Rendered 2 pages' }] })
      // Without { task: true }, callTool waits through the task.
      expect(await client.callTool({ name: 'render-report', arguments: { pages: 1 } })).toMatchObject({ content: [{ text: 'Rendered 1 pages' }] })
    } finally {
      await client.close()
    }
    expect(transport.exitCode).toBe(0)
  })

  it('server: the skill server lists commit-messages, and the host loads it verified', async () => {
    const client = new Client({ name: 'readme-check', version: '1.0.0' })
    const transport = new StdioClientTransport({ command: process.execPath, args: [`${root}apps/examples/server-quickstart/dist/skill.js`] })
    await client.connect(transport)
    try {
      const [entry, ...others] = await listSkills(client)
      expect(others).toEqual([])
      expect(entry).toMatchObject({ uri: 'skill://commit-messages/SKILL.md', frontmatter: { name: 'commit-messages' } })
      expect((await loadSkill(client, entry!)).body).toContain('A subject under 60 characters, then why.')
    } finally {
      await client.close()
    }
    expect(transport.exitCode).toBe(0)
  })

  it('client: task.js follows a task of the server example to completed, then cancels another', async () => {
    const { stdout } = await run(process.execPath, ['dist/task.js', '../server-quickstart/dist/task.js'], { cwd: `${root}apps/examples/client-quickstart`, timeout: 15_000 })
    expect(stdout).toBe("task working\ntask completed\n[ { type: 'text', text: 'Rendered 3 pages' } ]\nbig task cancelled\n")
  })

  it('client: typed.js calls the calculator through Client<CalculatorServer> and reads typed structuredContent', async () => {
    const { stdout } = await run(process.execPath, ['dist/typed.js'], { cwd: `${root}apps/examples/client-quickstart`, timeout: 15_000 })
    expect(stdout).toBe('42\nerror\n')
  })

  it('server: schema-libraries advertises typed JSON Schema for zod, valibot and arktype tools and answers each', async () => {
    const client = new Client({ name: 'readme-check', version: '1.0.0' })
    const transport = new StdioClientTransport({ command: process.execPath, args: [`${root}apps/examples/server-quickstart/dist/schema-libraries.js`] })
    await client.connect(transport)
    try {
      const { tools } = await client.listTools()
      const properties = Object.fromEntries(tools.map((t) => [t.name, t.inputSchema.properties]))
      expect(properties).toMatchObject({ 'to-celsius': { fahrenheit: { type: 'number' } }, 'to-km': { miles: { type: 'number' } }, 'to-kg': { pounds: { type: 'number' } } })
      expect((await client.callTool({ name: 'to-km', arguments: { miles: 10 } })).content).toEqual([{ type: 'text', text: '16.09 km' }])
      expect((await client.callTool({ name: 'to-kg', arguments: { pounds: 10 } })).content).toEqual([{ type: 'text', text: '4.54 kg' }])
      expect((await client.callTool({ name: 'to-celsius', arguments: { fahrenheit: 212 } })).content).toEqual([{ type: 'text', text: '100.0 °C' }])
    } finally {
      await client.close()
    }
  })

  it('server: the app server links show-time to its ui:// view and answers a client without MCP Apps with text', async () => {
    const client = new Client({ name: 'readme-check', version: '1.0.0' })
    const transport = new StdioClientTransport({ command: process.execPath, args: [`${root}apps/examples/server-quickstart/dist/app.js`] })
    await client.connect(transport)
    try {
      const { tools } = await client.listTools()
      expect(tools[0]?._meta).toMatchObject({ ui: { resourceUri: 'ui://clock/view.html' } })
      const { contents } = await client.readResource({ uri: 'ui://clock/view.html' })
      expect(contents[0]).toMatchObject({ mimeType: 'text/html;profile=mcp-app', _meta: { ui: { prefersBorder: true } } })
      expect((await client.callTool({ name: 'show-time', arguments: {} })).content).toEqual([{ type: 'text', text: expect.stringMatching(/^It is \d{4}-/) }])
    } finally {
      await client.close()
    }
    expect(transport.exitCode).toBe(0)
  })

  it('client: connects to server-everything through npx, lists tools and echoes', async () => {
    const { stdout } = await run(process.execPath, ['dist/client.js'], { cwd: `${root}apps/examples/client-quickstart`, timeout: 30_000 })
    expect(stdout).toContain('connected to mcp-servers/everything over 2025-11-25')
    expect(stdout).toContain('echo: ')
    expect(stdout).toContain('Echo: hello')
  }, 40_000)

  it('transport-http: the fetch-style worker answers initialize with a JSON body', async () => {
    const worker = (await import(`${root}apps/examples/http-quickstart/dist/worker.js`)) as { default: { fetch: (r: Request) => Promise<Response> } }
    const response = await worker.default.fetch(
      new Request('http://127.0.0.1/mcp', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', host: '127.0.0.1' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'readme-check', version: '1' } } }),
      }),
    )
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ id: 1, result: { serverInfo: { name: 'demo' } } })
  })

  it('transport-http: host.js reaches server.js over HTTP on port 3000, then the server stops on SIGINT', async () => {
    const dir = `${root}apps/examples/http-quickstart/dist`
    const server = spawn(process.execPath, ['server.js'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] })
    try {
      // Wait until the port answers (the README's server prints nothing).
      await expect.poll(() => fetch('http://127.0.0.1:3000/mcp', { method: 'DELETE' }).then((r) => r.status, () => 0), { timeout: 10_000 }).toBeGreaterThan(0)
      const { stdout } = await run(process.execPath, ['host.js'], { cwd: dir, timeout: 15_000 })
      expect(stdout).toContain('streamable')
      expect(stdout).toContain("name: 'hello'")
    } finally {
      server.kill('SIGINT')
      await once(server, 'exit')
    }
  })

  it('auth: the protected server answers 401 with its resource metadata URL, and serves the metadata there', async () => {
    const server = spawn(process.execPath, ['server.js'], { cwd: `${root}apps/examples/auth-quickstart/dist`, stdio: ['ignore', 'ignore', 'pipe'] })
    try {
      const post = () => fetch('http://127.0.0.1:3000/mcp', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{}' })
      await expect.poll(() => post().then((r) => r.status, () => 0), { timeout: 10_000 }).toBe(401)
      const challenge = (await post()).headers.get('www-authenticate')
      expect(challenge).toContain('resource_metadata="http://127.0.0.1:3000/.well-known/oauth-protected-resource/mcp"')
      const metadata = await (await fetch('http://127.0.0.1:3000/.well-known/oauth-protected-resource/mcp')).json()
      expect(metadata).toMatchObject({ resource: 'http://127.0.0.1:3000/mcp', authorization_servers: ['https://auth.example.com'], scopes_supported: ['files:read'] })
      expect(challenge).toMatch(/^Bearer /)
      expect((await fetch('http://127.0.0.1:3000/elsewhere', { method: 'POST', body: '{}' })).status).toBe(404)
    } finally {
      server.kill('SIGINT')
      await once(server, 'exit')
    }
  })

})
