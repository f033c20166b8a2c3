import { mkdirSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { closeServers, startAuthorizationServer, startProtectedServer, type AuthorizationServer } from '../../../packages/host/test/oauth-servers.js'
import { HostApp } from '../src/app.js'
import type { HostEvent } from '../src/events.js'
import { ScriptedProvider } from '../src/providers/scripted.js'
import { startWebHost, type WebHost } from '../src/web/web-host.js'
import { WebUi } from '../src/web/web-ui.js'
import { config } from './helpers.js'
import { ensureChromium, launchBrowser } from './web/browser.js'

// The web host signing in to an HTTP server that asks for OAuth, played in Debian's Chromium: a
// real authorization server and a real protected MCP server on 127.0.0.1 (the ones the terminal's
// tests use), the host in this process behind its page, and no desktop opener — the only way to the
// sign-in page is the link the page shows. Every check reads the DOM.

const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/', import.meta.url))
const SCRIPT = [{ when: '^who am i', call: [{ tool: 'protected/whoami' }], reply: 'You are {{result}}' }]

let browser: Browser
let context: BrowserContext
let page: Page
let dir: string
let tokenStore: string
const hosts: Array<{ app: HostApp; web: WebHost }> = []

beforeAll(async () => {
  ensureChromium()
  browser = await launchBrowser()
}, 10 * 60_000)

afterAll(async () => {
  await browser?.close()
})

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plugboard-web-login-'))
  tokenStore = join(dir, 'tokens.json')
  context = await browser.newContext({ viewport: { width: 1280, height: 860 } })
  page = await context.newPage()
  page.setDefaultTimeout(20_000)
})

const sockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap' || r === 'TCPSocketWrap').length

afterEach(async () => {
  await context?.close()
  for (const { app, web } of hosts.splice(0)) {
    await web.close()
    await app.close()
  }
  await closeServers()
  await rm(dir, { recursive: true, force: true })
  // Client sockets close a tick after the servers end them.
  for (let i = 0; i < 100 && sockets() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10))
  expect(sockets(), 'sockets or listeners left open').toBe(0)
})

/**
 * The web host as `plugboard-host --web` composes it (cli.ts runWeb), started the same way — page
 * server first, then the servers — with one protected server, the scripted model, the token store
 * in the temp dir, and no `openUrl`: nothing opens a sign-in page but the user's click in the page.
 * `events` collects what the host told the page.
 */
async function webHost(options: { timeoutMs?: number } = {}): Promise<{ as: AuthorizationServer; url: string; events: HostEvent[] }> {
  const as = await startAuthorizationServer()
  const { url } = await startProtectedServer(as)
  const ui = new WebUi()
  const events: HostEvent[] = []
  ui.listen((message) => void (message.type === 'event' && events.push(message.event)))
  const app = new HostApp({
    config: config({ protected: { url } }),
    provider: new ScriptedProvider(SCRIPT),
    ui,
    apps: true,
    manager: { pingIntervalMs: 0, closeGraceMs: 300, restart: { initialDelayMs: 50, maxDelayMs: 200, jitter: 0 } },
    authorization: { tokenStore, ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}) },
  })
  const web = await startWebHost({ app, ui, scripted: true })
  hosts.push({ app, web })
  await app.start()
  return { as, url: web.url, events }
}

/** Retries a DOM read until it matches: the page updates as the host's events stream in (a loaded CI machine is slow). */
const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 20_000, interval: 50 })
const row = () => page.locator('.server[data-server="protected"]')
/** The sign-in notes the page shows, newest last. */
const signInNotes = () => page.locator('.entry.note', { hasText: 'protected asks you to sign in' })
const idle = () => page.locator('#send:not([disabled])').waitFor()

/** Types a message (or a slash command) into the composer and sends it, as the user does. */
async function say(text: string): Promise<void> {
  await idle()
  await page.locator('#message').fill(text)
  await page.locator('#send').click()
}

/**
 * Clicks the sign-in note's link as the user does and waits for the tab the page opened: the
 * authorization server approves at once and redirects it to the host's loopback callback, which
 * says the sign-in is done. Then checks the link: to the authorization server, in a new tab with no
 * opener. (The click comes first: the sign-in waits for the redirect for a limited time.)
 */
async function signInThrough(note: Locator, as: AuthorizationServer): Promise<void> {
  const link = note.locator('a')
  const href = new URL((await link.getAttribute('href'))!)
  const redirect = new URL(href.searchParams.get('redirect_uri')!)
  const opened = context.waitForEvent('page')
  await link.click()
  const tab = await opened
  await tab.waitForURL((url) => url.href.startsWith(`${redirect.href}?`))
  expect(await tab.locator('body').textContent()).toContain('You can close this window and return to the application.')
  // noopener: the sign-in tab cannot reach the page (and so neither its token).
  expect(await tab.evaluate(() => window.opener)).toBeNull()
  await tab.close()

  const issuer = new URL(as.issuer)
  expect(href.host).toBe(issuer.host)
  expect(href.pathname).toBe('/authorize')
  expect(href.searchParams.get('code_challenge_method')).toBe('S256')
  expect(redirect.hostname).toBe('127.0.0.1')
  expect(await link.textContent()).toBe(issuer.host)
  expect(await link.getAttribute('target')).toBe('_blank')
  expect(await link.getAttribute('rel')).toBe('noopener noreferrer')
  // The whole URL is shown too, for a user who would rather copy it.
  expect(await note.locator('.small').textContent()).toBe(href.href)
}

/** Every token value in the token store. */
async function storedSecrets(): Promise<string[]> {
  const file = JSON.parse(await readFile(tokenStore, 'utf8')) as { tokens: Record<string, { access_token: string; refresh_token?: string }> }
  return Object.values(file.tokens).flatMap((t) => [t.access_token, t.refresh_token ?? ''].filter(Boolean))
}

/** No token the host holds is anywhere in the page: its DOM (text and attributes) or its storage. */
async function expectNoTokenInPage(): Promise<void> {
  const secrets = await storedSecrets()
  expect(secrets.length).toBeGreaterThan(0)
  const html = await page.content()
  const text = await page.locator('body').innerText()
  const storage = await page.evaluate(() => JSON.stringify([{ ...localStorage }, { ...sessionStorage }, document.cookie]))
  for (const secret of secrets) {
    expect(html).not.toContain(secret)
    expect(text).not.toContain(secret)
    expect(storage).not.toContain(secret)
  }
}

/** The server is ready in the page, with its tool listed and no Log in button; "who am I?" calls it (after consent) and answers. */
async function expectSignedIn(answers: number): Promise<void> {
  await page.locator('.server[data-server="protected"][data-state="ready"]').waitFor()
  await eventually(() => row().locator('.tools code').allTextContents()).toEqual(['whoami'])
  expect(await row().locator('summary').textContent()).toBe('1 tool')
  expect(await row().locator('[data-action="login"]').count()).toBe(0)
  expect(await row().locator('.error').count()).toBe(0)

  await say('who am I?')
  const consent = page.locator('.dialog[data-kind="consent"]')
  await consent.waitFor()
  expect(await consent.locator('h3').textContent()).toBe('Tool call to protected')
  expect(await consent.locator('dd code').textContent()).toBe('whoami')
  await consent.locator('[data-action="once"]').click()
  const card = page.locator('.entry.tool', { hasText: 'whoami' }).last()
  await eventually(() => card.locator('.result').textContent()).toMatch(/^client-\d+$/)
  expect(await card.getAttribute('data-allowed')).toBe('true')
  await eventually(() => page.locator('.entry.assistant').count()).toBe(answers)
  expect(await page.locator('.entry.assistant .text').last().textContent()).toMatch(/^You are client-\d+$/)
  await idle()
}

describe('the web host signs in to a server that asks for OAuth, from the page', { timeout: 60_000 }, () => {
  it('the "Log in" button of an unauthorized server shows the sign-in link; following it in the browser connects the server', async () => {
    // Nobody followed the link of the sign-in the host starts by itself: it gives up, and the server waits for a login.
    const { as, url, events } = await webHost({ timeoutMs: 5_000 })
    await page.goto(url)
    await page.locator('.server[data-server="protected"][data-state="unauthorized"]').waitFor({ timeout: 30_000 })
    expect(await row().locator('.badge').textContent()).toBe('unauthorized')
    expect(await row().locator('.error').textContent()).toMatch(/^No redirect to http:\/\/127\.0\.0\.1:\d+\/callback came within 5000 ms$/)
    expect(await row().locator('summary').textContent()).toBe('0 tools')
    const login = row().locator('button[data-action="login"]')
    expect(await login.textContent()).toBe('Log in')
    expect(as.hits.authorize).toBe(0)
    const before = await signInNotes().count()

    await login.click()
    // The page sent `/login protected`: the row says it waits for the user, and a new note links to the sign-in page.
    await page.locator('.server[data-server="protected"][data-state="authorizing"]').waitFor()
    await eventually(() => page.locator('.entry.output pre').allTextContents()).toContain('> /login protected')
    await eventually(() => signInNotes().count()).toBe(before + 1)
    const note = signInNotes().last()
    expect(await note.getAttribute('data-kind')).toBe('note')
    expect(await row().locator('[data-action="login"]').count()).toBe(0)

    await signInThrough(note, as)
    expect(as.hits.authorize).toBe(1)
    expect(as.hits.code).toBe(1)
    await eventually(() => page.locator('.entry.output pre').allTextContents()).toContain('Signed in to protected.')
    await expectSignedIn(1)
    mkdirSync(ARTIFACTS, { recursive: true })
    await page.screenshot({ path: `${ARTIFACTS}web-host-login.png` })

    await expectNoTokenInPage()
    expect(JSON.stringify(events)).not.toContain((await storedSecrets())[0])
  })

  it('shows the link of the sign-in the host started by itself to the page opened after it, and signs in from it; after /logout, "Log in" signs in again', async () => {
    const { as, url, events } = await webHost()
    // The user opens the page once the host printed its URL: by then the host asked for the sign-in.
    await expect.poll(() => events.some((e) => e.type === 'authorization'), { timeout: 20_000 }).toBe(true)
    await page.goto(url)
    await page.locator('.server[data-server="protected"][data-state="authorizing"]').waitFor()
    // It is waiting for the user: no Log in button (a second sign-in would not show a new link), but the link of the running one.
    expect(await row().locator('[data-action="login"]').count()).toBe(0)
    await eventually(() => signInNotes().count()).toBe(1)
    await signInThrough(signInNotes().first(), as)
    await expectSignedIn(1)
    await expectNoTokenInPage()

    // Signed out from the page: the server waits for a login, and the Log in button signs in again.
    const first = await storedSecrets()
    await say('/logout protected')
    await page.locator('.server[data-server="protected"][data-state="unauthorized"]').waitFor()
    await eventually(() => page.locator('.entry.output pre').last().textContent()).toBe('Signed out of protected: its tokens are forgotten and it is disconnected. /login protected signs in again.')
    expect(await row().locator('summary').textContent()).toBe('0 tools')
    await row().locator('button[data-action="login"]').click()
    await eventually(() => signInNotes().count()).toBe(2)
    await signInThrough(signInNotes().last(), as)
    expect(as.hits.authorize).toBe(2)
    await expectSignedIn(2)
    const second = await storedSecrets()
    for (const secret of first) expect(second).not.toContain(secret)
    await expectNoTokenInPage()
  })
})
