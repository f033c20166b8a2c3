import { spawn } from 'node:child_process'
import { request as httpRequest, createServer } from 'node:http'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { closeAll, listen } from '../../test/listen.js'
import { OAuthClientError } from './errors.js'
import { headlessRedirect, loopbackRedirect, type LoopbackOptions, type RedirectHandler } from './loopback.js'

// The default `open` launches a browser; these tests must not.
vi.mock('node:child_process', () => ({ spawn: vi.fn(() => ({ on: vi.fn(), unref: vi.fn() })) }))

const AUTHORIZE = new URL('https://auth.example.com/authorize?client_id=c&state=xyz')

const handlers: RedirectHandler[] = []
function loopback(options: LoopbackOptions = {}): RedirectHandler {
  const handler = loopbackRedirect({ open: () => undefined, ...options })
  handlers.push(handler)
  return handler
}

afterEach(async () => {
  vi.useRealTimers()
  vi.restoreAllMocks()
  await Promise.all(handlers.splice(0).map((h) => h.close()))
  await closeAll()
})

/** A raw GET with the Host header we choose, which `fetch` would not send. */
function get(url: string, host?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: host === undefined ? {} : { host } }, (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode!, body }))
    })
    req.on('error', reject).end()
  })
}

/** Whether something can bind `port` on 127.0.0.1 now (it binds and lets go). */
function portFree(port: number): Promise<boolean> {
  const probe = createServer()
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false))
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)))
  })
}

/** Resolves once `open` was called, i.e. once authorize() is waiting for the redirect. */
function opened() {
  let signal!: () => void
  const called = new Promise<void>((resolve) => (signal = resolve))
  return { called, open: () => signal() }
}

describe('loopbackRedirect', () => {
  it('listens on 127.0.0.1 at a free port and resolves authorize() with the URL the browser was sent to', async () => {
    let page: Promise<{ status: number; contentType: string | null; body: string }> | undefined
    const handler = loopback({
      open: async (url) => {
        expect(url).toBe(AUTHORIZE)
        page = fetch(`${handler.redirectUrl}?code=abc&state=xyz&iss=https%3A%2F%2Fauth.example.com`).then(async (res) => ({
          status: res.status,
          contentType: res.headers.get('content-type'),
          body: await res.text(),
        }))
      },
    })
    const redirectUrl = await handler.prepare()
    expect(redirectUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/)
    expect(handler.redirectUrl).toBe(redirectUrl)
    expect(await handler.prepare()).toBe(redirectUrl)

    const callback = await handler.authorize(AUTHORIZE)
    expect(`${callback.origin}${callback.pathname}`).toBe(redirectUrl)
    expect(callback.searchParams.get('code')).toBe('abc')
    expect(callback.searchParams.get('state')).toBe('xyz')
    expect(callback.searchParams.get('iss')).toBe('https://auth.example.com')
    const { status, contentType, body } = await page!
    expect(status).toBe(200)
    expect(contentType).toContain('text/html')
    expect(body).toContain('You can close this window')
    expect(body).not.toContain('abc')
  })

  it('starts listening on the first authorize() when prepare() was not called, and shows the given successHtml', async () => {
    let body: Promise<string> | undefined
    const handler = loopback({
      path: '/oauth/done',
      successHtml: '<p>Done</p>',
      open: () => void (body = fetch(`${handler.redirectUrl}?error=access_denied`).then((res) => res.text())),
    })
    expect(() => handler.redirectUrl).toThrow('prepare()')
    const callback = await handler.authorize(AUTHORIZE)
    expect(callback.pathname).toBe('/oauth/done')
    expect(callback.searchParams.get('error')).toBe('access_denied')
    expect(await body).toBe('<p>Done</p>')
  })

  it('knows the redirect URL before prepare() when the port is fixed', async () => {
    const probe = await listen(() => undefined)
    const port = Number(new URL(probe.origin).port)
    await closeAll()
    const handler = loopback({ port })
    expect(handler.redirectUrl).toBe(`http://127.0.0.1:${port}/callback`)
    expect(await handler.prepare()).toBe(`http://127.0.0.1:${port}/callback`)
  })

  it('rejects prepare() when the fixed port is taken, and can try again once it is free', async () => {
    const taken = await listen(() => undefined)
    const handler = loopback({ port: Number(new URL(taken.origin).port) })
    await expect(handler.prepare()).rejects.toMatchObject({ code: 'EADDRINUSE' })
    await closeAll()
    expect(await handler.prepare()).toBe(`${taken.origin}/callback`)
  })

  it('refuses to listen anywhere but a loopback address', () => {
    expect(() => loopbackRedirect({ host: '0.0.0.0' as '127.0.0.1' })).toThrow(TypeError)
    expect(() => loopbackRedirect({ path: 'callback' })).toThrow(TypeError)
  })

  it('answers 404 to another path or method and keeps waiting for the real redirect', async () => {
    const { called, open } = opened()
    const handler = loopback({ open })
    const redirectUrl = await handler.prepare()
    const result = handler.authorize(AUTHORIZE)
    await called
    const origin = new URL(redirectUrl).origin
    expect((await fetch(`${origin}/other?code=abc`)).status).toBe(404)
    expect((await fetch(`${origin}/callback/extra?code=abc`)).status).toBe(404)
    expect((await fetch(`${origin}/?code=abc`)).status).toBe(404)
    expect((await fetch(`${redirectUrl}?code=abc`, { method: 'POST' })).status).toBe(404)
    expect((await fetch(`${redirectUrl}?code=real`)).status).toBe(200)
    expect((await result).searchParams.get('code')).toBe('real')
  })

  it('answers 400 to a Host header that is not 127.0.0.1 or localhost at its port (DNS rebinding)', async () => {
    const { called, open } = opened()
    const handler = loopback({ open })
    const redirectUrl = await handler.prepare()
    const port = new URL(redirectUrl).port
    const result = handler.authorize(AUTHORIZE)
    await called
    for (const host of ['evil.example.com', `evil.example.com:${port}`, '127.0.0.1', `127.0.0.1:1`, `localhost.evil.example:${port}`]) {
      expect((await get(`${redirectUrl}?code=stolen`, host)).status, host).toBe(400)
    }
    expect((await get(`${redirectUrl}?code=good`, `localhost:${port}`)).status).toBe(200)
    expect((await result).searchParams.get('code')).toBe('good')
  })

  it('answers a redirect that arrives when no authorization is waiting without resolving anything', async () => {
    const handler = loopback()
    const redirectUrl = await handler.prepare()
    const { status, body } = await get(`${redirectUrl}?code=late`)
    expect(status).toBe(409)
    expect(body).not.toContain('late')
  })

  it('rejects with authorization_failed when no redirect comes within timeoutMs, and the default is 300 s', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const { called, open } = opened()
    const handler = loopback({ open })
    const result = handler.authorize(AUTHORIZE)
    const outcome = result.catch((error: unknown) => error)
    await called
    await vi.advanceTimersByTimeAsync(299_999)
    expect(vi.getTimerCount()).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    const error = await outcome
    expect(error).toBeInstanceOf(OAuthClientError)
    expect(error).toMatchObject({ code: 'authorization_failed', message: expect.stringContaining('300000 ms') })
    expect(vi.getTimerCount()).toBe(0)
  })

  it('rejects after a short timeoutMs and clears the timer when the redirect comes first', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    let waiting = opened()
    const handler = loopback({ timeoutMs: 50, open: () => waiting.open() })
    const timedOut = handler.authorize(AUTHORIZE).catch((error: unknown) => error)
    await waiting.called
    await vi.advanceTimersByTimeAsync(50)
    expect(await timedOut).toMatchObject({ code: 'authorization_failed' })

    waiting = opened()
    const redirected = handler.authorize(AUTHORIZE)
    await waiting.called
    expect(vi.getTimerCount()).toBe(1)
    await fetch(`${handler.redirectUrl}?code=abc`)
    expect((await redirected).searchParams.get('code')).toBe('abc')
    expect(vi.getTimerCount()).toBe(0)
  })

  it('rejects with the abort reason when the signal aborts, and at once when it already had', async () => {
    const { called, open } = opened()
    const handler = loopback({ open })
    const controller = new AbortController()
    const result = handler.authorize(AUTHORIZE, { signal: controller.signal })
    await called
    controller.abort()
    await expect(result).rejects.toMatchObject({ name: 'AbortError' })
    await expect(handler.authorize(AUTHORIZE, { signal: AbortSignal.abort(new Error('gave up')) })).rejects.toThrow('gave up')
    // The aborted authorization is gone: a redirect now finds nothing waiting.
    expect((await get(`${handler.redirectUrl}?code=abc`)).status).toBe(409)
  })

  it('rejects a pending authorize() with a clear error when a second one starts, and resolves the second', async () => {
    let calls = 0
    const handler = loopback({
      open: () => {
        if (++calls === 2) void fetch(`${handler.redirectUrl}?code=second`)
      },
    })
    const first = handler.authorize(AUTHORIZE)
    const firstOutcome = first.catch((error: unknown) => error)
    await vi.waitFor(() => expect(calls).toBe(1))
    const second = handler.authorize(AUTHORIZE)
    expect(await firstOutcome).toMatchObject({ code: 'authorization_failed', message: expect.stringContaining('Another authorization') })
    expect((await second).searchParams.get('code')).toBe('second')
  })

  it('rejects authorize() when open throws, without waiting for the timeout', async () => {
    const handler = loopback({
      open: () => {
        throw new Error('no display')
      },
    })
    await expect(handler.authorize(AUTHORIZE)).rejects.toThrow('no display')
  })

  it('close() rejects the pending authorize(), releases the port, and makes later calls reject', async () => {
    const { called, open } = opened()
    const handler = loopback({ open })
    const port = Number(new URL(await handler.prepare()).port)
    expect(await portFree(port)).toBe(false)
    const pending = handler.authorize(AUTHORIZE).catch((error: unknown) => error)
    await called
    await handler.close()
    expect(await pending).toMatchObject({ code: 'authorization_failed', message: expect.stringContaining('closed') })
    expect(await portFree(port)).toBe(true)
    await expect(handler.authorize(AUTHORIZE)).rejects.toThrow('closed')
    await expect(handler.prepare()).rejects.toThrow('closed')
    await handler.close()
  })

  it('close() during prepare() still releases the port', async () => {
    const handler = loopback()
    const preparing = handler.prepare()
    await handler.close()
    const port = Number(new URL(await preparing).port)
    expect(await portFree(port)).toBe(true)
  })

  it('close() on a handler that never listened resolves', async () => {
    await loopback().close()
  })

  it('keeps the process alive only while an authorize() waits', async () => {
    const listening = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length
    const before = listening()
    const { called, open } = opened()
    const handler = loopback({ open })
    await handler.prepare()
    expect(listening()).toBe(before)
    const result = handler.authorize(AUTHORIZE)
    await called
    expect(listening()).toBe(before + 1)
    await fetch(`${handler.redirectUrl}?code=abc`)
    await result
    expect(listening()).toBe(before)
  })

  describe('default open', () => {
    it('prints one line to stderr and starts the system browser detached with the URL as one argument', async () => {
      const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
      const handler = loopbackRedirect({ timeoutMs: 1_000 })
      handlers.push(handler)
      const result = handler.authorize(AUTHORIZE)
      await vi.waitFor(() => expect(stderr).toHaveBeenCalled())
      expect(stderr).toHaveBeenCalledWith(`Open this URL to sign in: ${AUTHORIZE.href}\n`)
      const [command, args, options] = vi.mocked(spawn).mock.calls.at(-1)!
      expect(typeof command).toBe('string')
      expect(args).toContain(AUTHORIZE.href)
      expect(options).toMatchObject({ detached: true, stdio: 'ignore' })
      await fetch(`${handler.redirectUrl}?code=abc`)
      expect((await result).searchParams.get('code')).toBe('abc')
    })

    it('prints but does not open a URL that is not http(s)', async () => {
      const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
      vi.mocked(spawn).mockClear()
      const handler = loopbackRedirect()
      handlers.push(handler)
      const result = handler.authorize(new URL('file:///etc/passwd')).catch(() => undefined)
      await vi.waitFor(() => expect(stderr).toHaveBeenCalled())
      expect(spawn).not.toHaveBeenCalled()
      await handler.close()
      await result
    })
  })
})

describe('headlessRedirect', () => {
  const REDIRECT = 'http://127.0.0.1:1/callback'

  it('follows same-origin redirects and resolves with the Location pointing at the redirect URL', async () => {
    const seen: string[] = []
    const { origin } = await listen((req, res) => {
      seen.push(req.url!)
      if (req.url!.startsWith('/authorize')) return void res.writeHead(302, { location: '/consent?x=1' }).end()
      res.writeHead(302, { location: `${REDIRECT}?code=abc&state=xyz` }).end('redirecting')
    })
    const handler = headlessRedirect(REDIRECT)
    expect(handler.redirectUrl).toBe(REDIRECT)
    expect(await handler.prepare()).toBe(REDIRECT)
    const callback = await handler.authorize(new URL(`${origin}/authorize?client_id=c`))
    expect(callback.href).toBe(`${REDIRECT}?code=abc&state=xyz`)
    expect(seen).toEqual(['/authorize?client_id=c', '/consent?x=1'])
  })

  it('keeps the redirect URL exactly as given', () => {
    expect(headlessRedirect('http://localhost:8080').redirectUrl).toBe('http://localhost:8080')
  })

  it('rejects with interaction_required when the server answers with a page instead of a redirect', async () => {
    const { origin } = await listen((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<form>log in</form>'))
    await expect(headlessRedirect(REDIRECT).authorize(new URL(`${origin}/authorize`))).rejects.toMatchObject({ code: 'interaction_required' })
  })

  it('refuses a redirect to another origin, sending nothing there', async () => {
    const elsewhere: string[] = []
    const other = await listen((req, res) => (elsewhere.push(req.url!), res.writeHead(302, { location: `${REDIRECT}?code=abc` }).end()))
    const { origin } = await listen((_req, res) => res.writeHead(302, { location: `${other.origin}/hop` }).end())
    await expect(headlessRedirect(REDIRECT).authorize(new URL(`${origin}/authorize`))).rejects.toMatchObject({ code: 'authorization_failed' })
    expect(elsewhere).toEqual([])
  })

  it('follows 5 redirects and refuses a sixth', async () => {
    const serve = (hops: number) =>
      listen((req, res) => {
        const n = Number(new URL(req.url!, 'http://x').searchParams.get('n') ?? 0)
        res.writeHead(302, { location: n < hops ? `/hop?n=${n + 1}` : `${REDIRECT}?code=abc` }).end()
      })
    const five = await serve(5)
    expect((await headlessRedirect(REDIRECT).authorize(new URL(`${five.origin}/authorize`))).searchParams.get('code')).toBe('abc')
    const six = await serve(6)
    await expect(headlessRedirect(REDIRECT).authorize(new URL(`${six.origin}/authorize`))).rejects.toThrow('more than 5')
  })

  it('uses the fetch it is given, with redirect: manual and the signal', async () => {
    const calls: Array<RequestInit | undefined> = []
    const fakeFetch = (async (_input: string | URL | Request, init?: RequestInit) => {
      calls.push(init)
      return new Response(null, { status: 303, headers: { location: `${REDIRECT}?code=abc` } })
    }) as typeof fetch
    const signal = new AbortController().signal
    const callback = await headlessRedirect(REDIRECT, { fetch: fakeFetch }).authorize(AUTHORIZE, { signal })
    expect(callback.searchParams.get('code')).toBe('abc')
    expect(calls).toEqual([{ redirect: 'manual', signal }])
  })

  it('rejects after close()', async () => {
    const handler = headlessRedirect(REDIRECT)
    await handler.close()
    await expect(handler.authorize(AUTHORIZE)).rejects.toThrow('closed')
  })
})
