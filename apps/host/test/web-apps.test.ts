import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, Frame, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HOST_BIN } from './helpers.js'
import { alive, ensureChromium, launchBrowser } from './web/browser.js'

// `plugboard-host --web` (the built bin, a real child process) with two MCP App servers over stdio:
// the official example `@modelcontextprotocol/server-basic-vanillajs` (pinned in the root
// package.json; its view is built with the official ext-apps App SDK, so it speaks the app side of
// the protocol as real apps do) and a fixture whose view misbehaves. Played in Debian's Chromium;
// every check reads the DOM, the views' own documents included.

/** The official example server's bin: `dist/index.js` beside its `main`; `--stdio` picks stdio over HTTP. */
const BASIC_BIN = createRequire(import.meta.url).resolve('@modelcontextprotocol/server-basic-vanillajs').replace(/server\.js$/, 'index.js')
const HOSTILE_SERVER = fileURLToPath(new URL('./fixtures/hostile-app-server.mjs', import.meta.url))

const SCRIPT = [
  { when: '^what time', call: [{ tool: 'basic/get-time' }], reply: 'The server says it is {{result}}.' },
  { when: '^show the hostile view', call: [{ tool: 'hostile/show-hostile' }], reply: '{{result}}' },
  { when: '^are you still there', reply: 'Still here.' },
  { when: '^this is message text', reply: 'The view’s message reached me: {{input}}' },
]

const dir = mkdtempSync(join(tmpdir(), 'plugboard-web-apps-'))
let host: { url: string; output: () => string; stop: () => Promise<number | null> }
let browser: Browser
let page: Page

/** Spawns `plugboard-host --web -c <config> --script <script>` in an empty home; resolves with its page URL. */
async function startHost(): Promise<typeof host> {
  const config = join(dir, 'mcp.json')
  writeFileSync(
    config,
    JSON.stringify({
      mcpServers: {
        basic: { command: process.execPath, args: [BASIC_BIN, '--stdio'] },
        hostile: { command: process.execPath, args: [HOSTILE_SERVER] },
      },
    }),
  )
  const script = join(dir, 'script.json')
  writeFileSync(script, JSON.stringify(SCRIPT))
  const child = spawn(process.execPath, [HOST_BIN, '--web', '-c', config, '--script', script], {
    cwd: dir,
    env: { ...process.env, HOME: dir, XDG_CONFIG_HOME: join(dir, '.config'), ANTHROPIC_API_KEY: undefined, OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined },
  })
  child.stdin.end()
  let output = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => void (output += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => void (output += chunk))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    return exited
  }
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const check = () => {
        const match = /open (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/i.exec(output)
        if (match) resolve(match[1]!)
      }
      child.stdout.on('data', check)
      void exited.then((code) => reject(new Error(`the web host exited (${code}) before printing its URL:\n${output}`)))
    })
    return { url, output: () => output, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

beforeAll(async () => {
  ensureChromium()
  host = await startHost()
  browser = await launchBrowser()
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  page.setDefaultTimeout(20_000)
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await host?.stop()
  rmSync(dir, { recursive: true, force: true })
})

/** Types a message into the composer and sends it. */
async function say(text: string): Promise<void> {
  await page.locator('#send:not([disabled])').waitFor()
  await page.locator('#message').fill(text)
  await page.locator('#send').click()
}
const dialog = (kind: string) => page.locator(`.dialog[data-kind="${kind}"]`)
const card = (tool: string) => page.locator('.entry.tool', { hasText: tool }).last()
const idle = () => page.locator('#send:not([disabled])').waitFor()
const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 20_000, interval: 50 })
/** The page's only frame of the view served at this iframe's path. */
async function frameOf(tool: string): Promise<Frame> {
  const path = await card(tool).locator('iframe.app-view').getAttribute('src')
  const frame = page.frames().find((f) => new URL(f.url()).pathname === path)
  if (!frame) throw new Error(`no frame for ${tool} at ${path}`)
  return frame
}
/** The process id the page shows for a server. */
async function pidOf(server: string): Promise<number> {
  const text = await page.locator(`.server[data-server="${server}"] .small`, { hasText: 'pid' }).textContent()
  return Number(/pid (\d+)/.exec(text ?? '')?.[1])
}

describe('plugboard-host --web with MCP Apps it did not write', { timeout: 30_000 }, () => {
  const pids: number[] = []

  it('shows both servers ready, with the official example’s get-time tool', async () => {
    await page.goto(host.url)
    await page.locator('.server[data-server="basic"][data-state="ready"]').waitFor()
    await page.locator('.server[data-server="hostile"][data-state="ready"]').waitFor()
    pids.push(await pidOf('basic'), await pidOf('hostile'))
    expect(pids.every(alive)).toBe(true)
    expect(await page.locator('.server[data-server="basic"] .tools code').allTextContents()).toContain('get-time')
    // `guarded` is for apps only, so the model never sees it.
    const hostile = await page.locator('.server[data-server="hostile"] .tools code').allTextContents()
    expect(hostile).toEqual(expect.arrayContaining(['show-hostile', 'model-only']))
    expect(hostile).not.toContain('guarded')
  })

  it('renders the official basic-vanillajs view: initialized with the host context, given the tool result, and its button calls get-time back through consent', async () => {
    await say('What time is it on the server?')
    await dialog('consent').locator('[data-action="once"]').click()
    const time = card('get-time')
    await eventually(() => time.locator('.result').textContent()).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    const first = (await time.locator('.result').textContent())!
    const view = time.frameLocator('iframe.app-view')
    // The App SDK shows structuredContent.time from ui/notifications/tool-result, which it only gets after ui/initialize.
    await eventually(() => view.locator('#server-time').textContent()).toBe(first)
    // applyDocumentTheme() ran on the hostContext of the ui/initialize result.
    expect(await view.locator('html').getAttribute('data-theme')).toMatch(/^(light|dark)$/)
    await idle()

    await view.locator('#get-time-btn').click()
    const consent = dialog('consent')
    await consent.waitFor()
    expect(await consent.locator('dd code').textContent()).toBe('get-time')
    expect(await page.locator('.entry.output').last().textContent()).toBe('The get-time view of basic asks to call get-time.')
    await consent.locator('[data-action="once"]').click()
    await eventually(() => view.locator('#server-time').textContent()).not.toBe(first)
    const second = (await view.locator('#server-time').textContent())!
    expect(Date.parse(second)).toBeGreaterThan(Date.parse(first))
    await idle()
  })

  it('puts the official view’s ui/message in the message box for the user to send, and its log line in the console', async () => {
    const view = card('get-time').frameLocator('iframe.app-view')
    const logged: string[] = []
    const onConsole = (message: { text: () => string }) => void logged.push(message.text())
    page.on('console', onConsole)
    await view.locator('#send-log-btn').click()
    await eventually(async () => logged).toContain('view of basic/get-time [info]: This is log text.')
    page.off('console', onConsole)

    // Not over what the user is writing: the view is told no, and the draft stays.
    await page.locator('#message').fill('my own draft')
    const refused = page.waitForEvent('console', (m) => m.text().includes('Message send error'))
    await view.locator('#send-message-btn').click()
    expect((await refused).text()).toContain('The user is writing a message')
    expect(await page.locator('#message').inputValue()).toBe('my own draft')
    await page.locator('#message').fill('')

    await view.locator('#send-message-btn').click()
    await eventually(() => page.locator('#message').inputValue()).toBe('This is message text.')
    expect(await page.locator('.entry.output').last().textContent()).toBe('The get-time view of basic wrote a message for you in the message box; press Send to send it.')
    // Nothing reached the model until the user sends it.
    expect(await page.locator('.entry.user', { hasText: 'This is message text.' }).count()).toBe(0)
    await page.locator('#send').click()
    await eventually(() => page.locator('.entry.assistant').last().textContent()).toContain('The view’s message reached me: This is message text.')
    await idle()
  })

  it('answers a hostile view’s malformed messages with errors, refuses its escapes and other servers’ tools, and keeps the page working', async () => {
    await say('Show the hostile view.')
    await dialog('consent').locator('[data-action="once"]').click()
    await eventually(() => card('show-hostile').locator('.result').textContent()).toBe('Showing the hostile view.')
    const view = card('show-hostile').frameLocator('iframe.app-view')
    await eventually(() => view.locator('#state').textContent()).toBe('done')
    // The tool result may come before or after the view's own exchanges: wait for all 16 lines.
    await eventually(() => view.locator('#seen li').count()).toBe(16)
    const seen = await view.locator('#seen li').allTextContents()
    expect(seen).toEqual(
      expect.arrayContaining([
        'early: -32600 Invalid Request: tools/call before ui/initialize',
        'init: plugboard-host',
        'null#1: -32600 Invalid Request: a JSON-RPC message must be an object',
        'old: -32600 Invalid Request: "jsonrpc" must be "2.0"',
        expect.stringMatching(/^null#2: -32600 Invalid Request: "id" must be/),
        'null#3: -32600 Invalid Request: a JSON-RPC message must be an object',
        'coffee: -32601 Method not found: ui/make-coffee',
        'other-server: -32602 Unknown tool: get-time',
        expect.stringMatching(/^model-only: -32602 Tool model-only is not callable by apps/),
        // The host said it takes text (hostCapabilities.message): the bridge refuses an image as invalid params.
        'message-image: -32602 ui/message: this host does not take image content',
        expect.stringMatching(/^message-long: -?\d+ The message is longer than 10000 characters\.$/),
        'ping: result',
        'read-own: ui://hostile/view.html text/html;profile=mcp-app',
        // The server's own answer, passed on (2026-07-28 says -32602 for a resource it does not have).
        'read-missing: -32602 Resource not found',
        'list: ui://hostile/view.html',
        'tool-result: Showing the hostile view.',
      ]),
    )
    // One answer to each message it sent, no more.
    expect(seen).toHaveLength(16)
    expect(await page.locator('#message').inputValue()).toBe('')
    // The sandbox has neither allow-top-navigation nor allow-popups.
    expect(await view.locator('#escape').textContent()).toBe('top: SecurityError, open: null')
    expect(page.url()).toBe(host.url)
    const pages = browser.contexts().flatMap((c) => c.pages())
    expect(pages).toHaveLength(1)
    expect(pages[0]).toBe(page)
    const frame = await frameOf('show-hostile')
    expect(await frame.evaluate(() => origin)).toBe('null')
    await idle()

    // The page still answers a next message.
    await say('Are you still there?')
    await eventually(() => page.locator('.entry.assistant').last().textContent()).toContain('Still here.')
    await idle()
  })

  it('lets the user deny a view’s tools/call, and runs the same call once allowed', async () => {
    const view = card('show-hostile').frameLocator('iframe.app-view')
    await view.locator('#guarded').click()
    const consent = dialog('consent')
    await consent.waitFor()
    expect(await consent.locator('dd code').textContent()).toBe('guarded')
    await consent.locator('[data-action="deny"]').click()
    await eventually(() => view.locator('#guarded-result').textContent()).toMatch(/^refused: /)
    expect(await page.locator('.entry.output').last().textContent()).toContain('guarded (asked by the show-hostile view): denied')

    await view.locator('#guarded').click()
    await dialog('consent').locator('[data-action="once"]').click()
    await eventually(() => view.locator('#guarded-result').textContent()).toBe('ok: guarded ran.')
    // The official view, rendered earlier, still works beside it.
    await card('get-time').frameLocator('iframe.app-view').locator('#get-time-btn').click()
    await dialog('consent').locator('[data-action="once"]').click()
    await eventually(() => page.locator('.entry.output').last().textContent()).toContain('get-time (asked by the get-time view): allowed')
  })

  it('stops both servers when the host is stopped', async () => {
    expect(await host.stop()).toBe(130)
    for (const pid of pids) expect(alive(pid)).toBe(false)
  })
})
