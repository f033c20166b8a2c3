import { mkdirSync } from 'node:fs'
import { request } from 'node:http'
import { connect } from 'node:net'
import { networkInterfaces } from 'node:os'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { alive, ensureChromium, launchBrowser, startWebDemo, type WebDemo } from './web/browser.js'

// `plugboard-host --demo --web` as a user runs it (the built bin, a real child process with real
// servers), played in Debian's Chromium: every dialog is answered by clicking in the page, and
// every check reads the DOM.

const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/', import.meta.url))

let demo: WebDemo
let browser: Browser
let page: Page

beforeAll(async () => {
  ensureChromium()
  demo = await startWebDemo()
  browser = await launchBrowser()
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } })
  page.setDefaultTimeout(30_000)
}, 10 * 60_000)

afterAll(async () => {
  await browser?.close()
  await demo?.stop()
})

/** Clicks one of the page's suggested messages (the demo's conversation). */
async function say(text: string): Promise<void> {
  await page.locator('#send:not([disabled])').waitFor()
  await page.locator('.suggestion', { hasText: text }).click()
}

/** The open dialog of this kind. */
const dialog = (kind: string) => page.locator(`.dialog[data-kind="${kind}"]`)
/** The tool call card of this tool (the last one, if it was called more than once). */
const card = (tool: string) => page.locator('.entry.tool', { hasText: tool }).last()
const idle = () => page.locator('#send:not([disabled])').waitFor()
/** Retries a DOM read until it matches: the page updates as the host's events stream in (a loaded CI machine is slow). */
const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 20_000, interval: 50 })

describe('plugboard-host --demo --web in a browser', { timeout: 60_000 }, () => {
  let everythingPid: number

  it('shows both demo servers ready with their tools', async () => {
    await page.goto(demo.url)
    await page.locator('.server[data-server="everything"][data-state="ready"]').waitFor()
    await page.locator('.server[data-server="notes"][data-state="ready"]').waitFor()
    expect(await page.locator('#connection').textContent()).toBe('connected')
    const pid = await page.locator('.server[data-server="everything"] .small', { hasText: 'pid' }).textContent()
    everythingPid = Number(/pid (\d+)/.exec(pid ?? '')?.[1])
    expect(alive(everythingPid)).toBe(true)
    const tools = await page.locator('.server[data-server="everything"] .tools code').allTextContents()
    expect(tools).toEqual(expect.arrayContaining(['long-running-operation', 'sample-llm', 'elicit-input', 'show-counter']))
    // A tool only MCP App views may call is kept from the model's list.
    expect(tools).not.toContain('counter-increment')
    expect(await page.locator('#roots').textContent()).toContain('file:///home/demo/project')
  })

  it('asks consent with the annotations shown as the server’s claims, and runs the tool once allowed', async () => {
    await say('Remember that the demo ran.')
    const consent = dialog('consent')
    await consent.waitFor()
    expect(await consent.locator('h3').textContent()).toBe('Tool call to notes')
    expect(await consent.locator('dd code').textContent()).toBe('add-note')
    expect(await consent.locator('pre').textContent()).toContain('The Plugboard demo ran.')
    expect(await consent.locator('.claims h4').textContent()).toContain('claims the server made, not verified')
    await consent.locator('[data-action="always"]').click()
    await eventually(() => card('add-note').locator('.result').textContent()).toContain('Saved note #1: The Plugboard demo ran.')
    expect(await card('add-note').getAttribute('data-allowed')).toBe('true')
    expect(await dialog('consent').count()).toBe(0)
    await idle()
  })

  it('reviews a sampling request (edited before approval) and then the model’s answer', async () => {
    await say('Ask the server to have you write a haiku.')
    await dialog('consent').locator('[data-action="once"]').click()
    const review = dialog('sampling_request')
    await review.waitFor()
    expect(await review.locator('.messages').textContent()).toContain('Write a haiku about pipes')
    expect(await review.locator('dl').textContent()).toContain('60')
    await review.locator('[data-action="edit"]').click()
    await review.locator('[name="maxTokens"]').fill('0')
    await review.locator('[data-action="approve"]').click()
    // The host checks the edit: 0 is refused, the dialog stays open with the reason.
    await eventually(() => review.locator('[data-error-for="maxTokens"]').textContent()).toContain('above 0')
    await review.locator('[name="maxTokens"]').fill('80')
    await review.locator('[data-action="approve"]').click()
    const answer = dialog('sampling_result')
    await answer.waitFor()
    expect(await answer.locator('.answer').textContent()).toContain('Bytes flow down the pipe')
    await answer.locator('[data-action="send"]').click()
    await eventually(() => page.locator('.entry.assistant').last().textContent()).toContain('The server asked me through sampling')
    await idle()
  })

  it('fills an elicitation form, with the host’s field checks shown in the page', async () => {
    await say('Fill in my profile.')
    await dialog('consent').locator('[data-action="once"]').click()
    const form = dialog('form')
    await form.waitFor()
    expect(await form.locator('.field').evaluateAll((fields) => fields.map((f) => `${(f as HTMLElement).dataset.field}:${(f as HTMLElement).dataset.kind}`))).toEqual([
      'name:string',
      'age:number',
      'subscribe:boolean',
      'color:single',
    ])
    // The server's defaults are filled in.
    expect(await form.locator('[data-field="age"] input').inputValue()).toBe('30')
    expect(await form.locator('[data-field="color"] select').inputValue()).toBe('blue')
    await form.locator('[data-field="age"] input').fill('old')
    await form.locator('[data-action="accept"]').click()
    await eventually(() => form.locator('[data-error-for="name"]').textContent()).toBe('This field is required.')
    expect(await form.locator('[data-error-for="age"]').textContent()).toContain('is not a number')
    await form.locator('[data-field="name"] input').fill('Ada Lovelace')
    expect(await form.locator('[data-error-for="name"]').textContent()).toBe('')
    await form.locator('[data-field="age"] input').fill('36')
    await form.locator('[data-field="subscribe"] input').check()
    await form.locator('[data-field="color"] select').selectOption('green')
    mkdirSync(ARTIFACTS, { recursive: true })
    await page.screenshot({ path: `${ARTIFACTS}web-host-form.png` })
    await form.locator('[data-action="accept"]').click()
    await eventually(() => card('elicit-input').locator('.result').textContent()).toContain('name=Ada Lovelace, age=36, subscribe=true, color=green')
    await idle()
  })

  it('shows a long call’s progress as a bar', async () => {
    await say('Run a long job.')
    const bar = card('long-running-operation').locator('progress')
    await eventually(() => card('long-running-operation').locator('.result').textContent()).toContain('finished 3 steps')
    expect(await bar.getAttribute('max')).toBe('3')
    expect(await bar.evaluate((b) => (b as HTMLProgressElement).value)).toBe(3)
    expect(await card('long-running-operation').locator('.progress-text').textContent()).toContain('3 / 3')
    await idle()
  })

  it('shows a URL elicitation with its domain, and declines it', async () => {
    await say('Open the sign-in page.')
    const consent = dialog('consent')
    await consent.waitFor()
    await consent.locator('[data-action="once"]').click()
    const url = dialog('url')
    await url.waitFor()
    expect(await url.locator('[data-domain]').textContent()).toBe('example.com')
    expect(await url.locator('.url').textContent()).toBe('https://example.com/authorize?client=everything')
    await url.locator('[data-action="decline"]').click()
    await eventually(() => card('elicit-url').locator('.result').textContent()).toContain('chose to decline')
    await idle()
  })

  it('opens an accepted URL in a new tab with no opener and no referrer, and tells the server', async () => {
    // No network here: the browser is handed a page for example.com, as a real site would answer.
    await page.context().route('https://example.com/**', (route) => route.fulfill({ contentType: 'text/html', body: '<title>sign-in</title><p>signed in</p>' }))
    await say('Open the sign-in page.')
    await dialog('consent').locator('[data-action="once"]').click()
    const url = dialog('url')
    await url.waitFor()
    const opened = page.context().waitForEvent('page')
    await url.locator('[data-action="accept"]').click()
    const tab = await opened
    await tab.waitForLoadState()
    expect(tab.url()).toBe('https://example.com/authorize?client=everything')
    // The site cannot reach back into the host's page, nor learn its URL (and token).
    expect(await tab.evaluate(() => [window.opener === null, document.referrer])).toEqual([true, ''])
    await eventually(() => card('elicit-url').locator('.result').textContent()).toContain('chose to accept')
    await tab.close()
    await page.context().unroute('https://example.com/**')
    await idle()
  })

  it('renders an MCP App view in a sandboxed iframe: initialized, given the result, and its button calls its app-only tool through consent', async () => {
    await say('Show me the counter.')
    const counter = card('show-counter')
    // The host declared the UI extension, so the server answers for a host that shows its view.
    await eventually(() => counter.locator('.result').textContent()).toBe('Showing the counter, at 0.')
    const iframe = counter.locator('iframe.app-view')
    expect(await iframe.getAttribute('sandbox')).toBe('allow-scripts allow-forms')
    const view = counter.frameLocator('iframe.app-view')
    await eventually(() => view.locator('#status').textContent()).toBe('Ready.')
    await eventually(() => view.locator('#count').textContent()).toBe('0')
    await idle()
    await view.locator('#increment').click()
    // counter-increment is not read-only: the view's call asks consent as the model's calls do.
    const consent = dialog('consent')
    await consent.waitFor()
    expect(await consent.locator('dd code').textContent()).toBe('counter-increment')
    expect(await page.locator('.entry.output').last().textContent()).toBe('The show-counter view of everything asks to call counter-increment.')
    await page.screenshot({ path: `${ARTIFACTS}web-host.png` })
    await consent.locator('[data-action="once"]').click()
    await eventually(() => view.locator('#count').textContent()).toBe('1')
    await view.locator('#increment').click()
    await dialog('consent').locator('[data-action="deny"]').click()
    await eventually(() => view.locator('#status').textContent()).toBe('The tool failed.')
    expect(await view.locator('#count').textContent()).toBe('1')
    // The view runs in an opaque origin: no token in its URL or referrer, and the host's API refuses it.
    const frame = page.frames().find((f) => f.url().includes('/apps/'))!
    expect(frame.url()).not.toContain('token')
    expect(await frame.evaluate(() => [origin, document.referrer])).toEqual(['null', ''])
    expect(await frame.evaluate(() => fetch('/api/state').then((r) => `status ${r.status}`, () => 'refused'))).toBe('refused')
    // Nor can it call another server's tool: the bridge refuses it, and so does the host behind the page.
    const answer = await frame.evaluate(
      () =>
        new Promise((resolve) => {
          addEventListener('message', (event) => event.data?.id === 'probe' && resolve(event.data.error?.message))
          parent.postMessage({ jsonrpc: '2.0', id: 'probe', method: 'tools/call', params: { name: 'add-note', arguments: { text: 'from a view' } } }, '*')
        }),
    )
    expect(answer).toBe('Unknown tool: add-note')
    const viewId = await counter.locator('.app-frame').getAttribute('data-view')
    const direct = await page.evaluate(async (id) => {
      const token = new URLSearchParams(location.search).get('token')
      const response = await fetch(`/api/apps/${id}/call`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'add-note', arguments: { text: 'x' } }) })
      return `${response.status} ${(await response.json()).error}`
    }, viewId)
    expect(direct).toBe('404 Unknown tool: add-note')
  })

  it('answers malformed view requests to its API with 400 or 404 and a JSON-RPC code, and the view keeps working', async () => {
    const counter = card('show-counter')
    const viewId = (await counter.locator('.app-frame').getAttribute('data-view'))!
    const answers = await page.evaluate(async (id) => {
      const token = new URLSearchParams(location.search).get('token')
      const post = async (path: string, body: unknown) => {
        const response = await fetch(`/api/apps/${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })
        const data = await response.json()
        return `${response.status} ${data.code ?? ''} ${data.error}`
      }
      return [
        await post(`${id}/read`, { uri: 7 }),
        await post(`${id}/read`, { uri: 'not a uri' }),
        await post(`${id}/resources`, { cursor: 5 }),
        await post(`${id}/context`, { content: 'text' }),
        await post(`${id}/context`, { content: [{ type: 'image', data: 'AAAA', mimeType: 'image/png' }] }),
        await post(`${id}/context`, { structuredContent: [1] }),
        await post(`${id}/sample`, { messages: 'hi' }),
        await post(`${id}/call`, { name: 7 }),
        await post('no-such-view/read', { uri: 'ui://x' }),
        await post('no-such-view/close', {}),
        await post(`${id}/unknown`, {}),
      ]
    }, viewId)
    expect(answers.slice(0, 8).map((a) => a.split(' ').slice(0, 2).join(' '))).toEqual(['400 -32602', '400 -32602', '400 -32602', '400 -32602', '400 -32602', '400 -32602', '400 -32602', '400 -32602'])
    expect(answers[0]).toBe('400 -32602 Send { uri } with an absolute URI.')
    expect(answers[6]).toMatch(/^400 -32602 Invalid sampling\/createMessage params/)
    expect(answers.slice(8)).toEqual(['404 -32602 No such view.', '404  No such view.', '404  No such API.'])
    // The view is still served, and still counts.
    expect(await counter.frameLocator('iframe.app-view').locator('#count').textContent()).toBe('1')
  })

  it('gives the model what the view told it with the next message, and shows it in the chat', async () => {
    // After the allowed +1 the counter sent ui/update-model-context (the denied one changed nothing).
    await idle()
    await page.locator('#message').fill('What does the counter show?')
    await page.locator('#send').click()
    const note = page.locator('.entry.note', { hasText: 'The show-counter view of everything told the model:' })
    await eventually(() => note.locator('.model-context').textContent()).toBe('The counter view shows 1.\n{"count":1}')
    await idle()
    // Given once: the next message does not repeat it.
    await page.locator('#message').fill('And now?')
    await page.locator('#send').click()
    await eventually(() => page.locator('.entry.assistant').last().textContent()).toContain('And now?')
    await idle()
    expect(await note.count()).toBe(1)
  })

  it('styles the view with the page’s theme variables, and shows it full screen, floating, and back', async () => {
    const counter = card('show-counter')
    const view = counter.frameLocator('iframe.app-view')
    const frame = page.frames().find((f) => f.url().includes('/apps/'))!
    // hostContext.styles: the spec's variables as the page defines them (style.css), applied by the view.
    const pageColor = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--color-text-primary').trim())
    expect(pageColor).toMatch(/^#|^rgb/)
    expect(await frame.evaluate(() => document.documentElement.style.getPropertyValue('--color-text-primary'))).toBe(pageColor)
    // The view declared full screen, so the host offers its own button too.
    expect(await counter.locator('.app-bar [data-action="fullscreen"]').isVisible()).toBe(true)
    // The view asks (ui/request-display-mode): the frame covers the page, and the view knows its mode.
    await view.locator('#fullscreen').click()
    await eventually(() => counter.locator('.app-frame').getAttribute('data-display-mode')).toBe('fullscreen')
    await eventually(() => view.locator('#fullscreen').textContent()).toBe('Exit full screen')
    const box = (await counter.locator('iframe.app-view').boundingBox())!
    expect(box.width).toBeGreaterThan(1200)
    expect(box.height).toBeGreaterThan(700)
    await page.screenshot({ path: `${ARTIFACTS}web-host-fullscreen.png` })
    // The host's bar stays above the view, with its way back; the view is told (host-context-changed).
    await counter.locator('.app-bar [data-action="fullscreen"]', { hasText: 'Exit full screen' }).click()
    await eventually(() => counter.locator('.app-frame').getAttribute('data-display-mode')).toBe('inline')
    await eventually(() => view.locator('#fullscreen').textContent()).toBe('Full screen')
    expect((await counter.locator('iframe.app-view').boundingBox())!.height).toBeLessThanOrEqual(600)
    // The host's own button works both ways, and Esc (with the page focused) leaves full screen too.
    await counter.locator('.app-bar [data-action="fullscreen"]').click()
    await eventually(() => view.locator('#fullscreen').textContent()).toBe('Exit full screen')
    await page.keyboard.press('Escape')
    await eventually(() => counter.locator('.app-frame').getAttribute('data-display-mode')).toBe('inline')
    await eventually(() => view.locator('#fullscreen').textContent()).toBe('Full screen')
    // Picture-in-picture: a small box floating over the chat's lower right corner; the host's Dock brings it back.
    await view.locator('#float').click()
    await eventually(() => counter.locator('.app-frame').getAttribute('data-display-mode')).toBe('pip')
    await eventually(() => view.locator('#float').textContent()).toBe('Dock')
    const pip = (await counter.locator('iframe.app-view').boundingBox())!
    expect(pip.width).toBeLessThan(400)
    expect(pip.x + pip.width).toBeGreaterThan(1200)
    await counter.locator('.app-bar [data-action="dock"]').click()
    await eventually(() => counter.locator('.app-frame').getAttribute('data-display-mode')).toBe('inline')
    await eventually(() => view.locator('#float').textContent()).toBe('Float')
  })

  it('asks before saving the file a view hands over, then saves it through the browser; Cancel tells the view nothing was saved', async () => {
    const counter = card('show-counter')
    const view = counter.frameLocator('iframe.app-view')
    await view.locator('#export').click()
    const box = page.locator('.dialog[data-kind="download"]')
    await box.waitFor()
    expect(await box.locator('h3').textContent()).toBe('The show-counter view of everything wants to save a file')
    expect(await box.locator('.files li').textContent()).toBe('counter.json — application/json, 11 bytes')
    const saved = page.waitForEvent('download')
    await box.locator('[data-action="save"]').click()
    const download = await saved
    expect(download.suggestedFilename()).toBe('counter.json')
    const stream = await download.createReadStream()
    let body = ''
    for await (const chunk of stream) body += String(chunk)
    expect(body).toBe('{"count":1}')
    await eventually(() => view.locator('#status').textContent()).toBe('Exported.')
    await view.locator('#export').click()
    await box.waitFor()
    await box.locator('[data-action="cancel"]').click()
    await eventually(() => view.locator('#status').textContent()).toBe('Export cancelled.')
    expect(await box.count()).toBe(0)
  })

  it('reviews a view’s sampling request like a server’s, then hands it the model’s answer', async () => {
    const counter = card('show-counter')
    const view = counter.frameLocator('iframe.app-view')
    await view.locator('#suggest').click()
    const request = dialog('sampling_request')
    await request.waitFor()
    expect(await request.locator('h3').textContent()).toBe('Sampling request from everything (its show-counter view)')
    expect(await request.locator('.messages').textContent()).toContain('Suggest a goal for the counter, now at 1.')
    await request.locator('[data-action="approve"]').click()
    const answer = dialog('sampling_result')
    await answer.waitFor()
    expect(await answer.locator('.answer').textContent()).toBe('Count to 10.')
    await answer.locator('[data-action="send"]').click()
    await eventually(() => view.locator('#status').textContent()).toBe('The model says: Count to 10.')
  })

  it('closes a view that asks to be closed: torn down first, then removed, and the host forgets it', async () => {
    const counter = card('show-counter')
    const viewId = (await counter.locator('.app-frame').getAttribute('data-view'))!
    const logs: string[] = []
    const onConsole = (message: { text(): string }) => logs.push(message.text())
    page.on('console', onConsole)
    await counter.frameLocator('iframe.app-view').locator('#done').click()
    await eventually(() => counter.locator('.app-closed').textContent()).toBe('View closed: the view asked to be closed.')
    expect(await counter.locator('iframe').count()).toBe(0)
    // The view answered ui/resource-teardown (logging the count it ended at) before it was removed.
    expect(logs).toContainEqual(expect.stringContaining('torn down at 1 (The view asked to be closed)'))
    page.off('console', onConsole)
    // The host forgot it: its document and its calls are gone.
    const after = await page.evaluate(async (id) => {
      const token = new URLSearchParams(location.search).get('token')
      const call = await fetch(`/api/apps/${id}/call`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'counter-increment', arguments: {} }) })
      return [(await fetch(`/apps/${id}`)).status, call.status]
    }, viewId)
    expect(after).toEqual([404, 404])
  })

  it('closes a view with its Close button', async () => {
    await say('Show me the counter.')
    const counter = card('show-counter')
    const view = counter.frameLocator('iframe.app-view')
    await eventually(() => view.locator('#status').textContent()).toBe('Ready.')
    await idle()
    await counter.locator('[data-action="close-view"]').click()
    await eventually(() => counter.locator('.app-closed').textContent()).toBe('View closed: the user closed the view.')
    expect(await counter.locator('iframe').count()).toBe(0)
  })

  it('cancels a long call with the Cancel button', async () => {
    await say('Wait a minute.')
    await card('slow').waitFor()
    await page.locator('#cancel:not([disabled])').click()
    await page.locator('.entry.cancelled').waitFor()
    expect(await card('slow').locator('.result').textContent()).toBe('Cancelled by the user.')
    await idle()
  })

  it('adds and removes roots from the page', async () => {
    await page.locator('#root-uri').fill('file:///home/demo/other')
    await page.locator('#add-root button').click()
    await page.locator('[data-root="file:///home/demo/other"]').waitFor()
    await eventually(() => page.locator('.entry.output').last().textContent()).toContain('Roots are now: file:///home/demo/project, file:///home/demo/other (servers were notified).')
    await page.locator('[data-root="file:///home/demo/other"] [data-action="remove-root"]').click()
    await page.locator('[data-root="file:///home/demo/other"]').waitFor({ state: 'detached' })
    expect(await page.locator('#roots li').count()).toBe(1)
  })

  it('refuses the page without the right token', async () => {
    const wrong = new URL(demo.url)
    wrong.searchParams.set('token', 'not-the-token')
    const other = await browser.newPage()
    const response = await other.goto(wrong.href)
    expect(response?.status()).toBe(401)
    await other.close()
  })

  it('stops every server when the host is stopped', async () => {
    expect(await demo.stop()).toBe(130)
    expect(demo.output()).toContain('shutting the servers down')
    expect(alive(everythingPid)).toBe(false)
  })
})

describe('the web host refuses what does not come from its own page', { timeout: 30_000 }, () => {
  let refused: WebDemo
  let base: URL
  let token: string

  beforeAll(async () => {
    refused = await startWebDemo()
    base = new URL(refused.url)
    token = base.searchParams.get('token')!
  }, 60_000)
  afterAll(async () => void (await refused?.stop()))

  const get = (path: string, headers: Record<string, string> = {}) =>
    new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: Number(base.port), path, headers }, (res) => {
        res.resume()
        resolve(res.statusCode!)
      })
      req.once('error', reject)
      req.end()
    })
  const bearer = () => ({ authorization: `Bearer ${token}` })

  it('answers 401 to a wrong or missing token, on the page and on the API', async () => {
    expect(await get('/')).toBe(401)
    expect(await get(`/?token=${token.slice(1)}x`)).toBe(401)
    expect(await get('/api/state')).toBe(401)
    expect(await get('/api/state', { authorization: 'Bearer nope' })).toBe(401)
    expect(await get('/api/state', bearer())).toBe(200)
    expect(await get(`/?token=${token}`)).toBe(200)
  })

  it('answers 403 to another Origin, even with the token', async () => {
    expect(await get('/api/state', { ...bearer(), origin: 'http://evil.example' })).toBe(403)
    // A sandboxed frame (an MCP App) has the opaque origin "null".
    expect(await get('/api/state', { ...bearer(), origin: 'null' })).toBe(403)
    expect(await get(`/?token=${token}`, { origin: `http://127.0.0.1:${Number(base.port) + 1}` })).toBe(403)
    expect(await get('/api/state', { ...bearer(), origin: `http://127.0.0.1:${base.port}` })).toBe(200)
  })

  it('answers 403 to a Host that is not this machine (DNS rebinding)', async () => {
    expect(await get(`/?token=${token}`, { host: `evil.example:${base.port}` })).toBe(403)
    expect(await get('/api/state', { ...bearer(), host: `evil.example:${base.port}` })).toBe(403)
    expect(await get('/api/state', { ...bearer(), host: `localhost:${base.port}` })).toBe(200)
  })

  it('listens on 127.0.0.1 only: the port is closed on this machine’s other addresses', async () => {
    expect(base.hostname).toBe('127.0.0.1')
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a !== undefined && a.family === 'IPv4' && !a.internal)
      .map((a) => a!.address)
    for (const address of others) {
      const outcome = await new Promise<string>((resolve) => {
        const socket = connect({ host: address, port: Number(base.port) })
        socket.once('connect', () => (socket.destroy(), resolve('connected')))
        socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'))
      })
      expect(outcome, address).toBe('ECONNREFUSED')
    }
  })
})
