import type { ElicitRequestURLParams } from '@plugboard/protocol'
import { describe, expect, it } from 'vitest'
import { ScriptedPrompter } from '../../src/ui/prompter.js'
import { confirmUrl, inspectUrl } from '../../src/ui/url.js'

const params = (url: string, message = 'Please set your API key.'): ElicitRequestURLParams => ({ mode: 'url', elicitationId: 'e-1', message, url })

async function confirm(url: string, answers: Array<string | undefined>, open?: (url: string) => Promise<void>) {
  const io = new ScriptedPrompter(answers)
  const result = await confirmUrl(io, { server: 'vault', params: params(url) }, open)
  return { result, output: io.output }
}

describe('confirmUrl', () => {
  it('shows the server, its message, the full URL and the domain, then opens it on y and accepts', async () => {
    const opened: string[] = []
    const { result, output } = await confirm('https://mcp.example.com/ui/set_api_key?session=42', ['y'], async (url) => void opened.push(url))
    expect(result).toEqual({ action: 'accept' })
    expect(opened).toEqual(['https://mcp.example.com/ui/set_api_key?session=42'])
    expect(output).toContain('── URL from vault ──')
    expect(output).toContain('Please set your API key.')
    expect(output).toContain('URL: https://mcp.example.com/ui/set_api_key?session=42')
    expect(output).toMatch(/ {2}Domain: mcp\.example\.com\nOpen this URL\? \[y\/N\]: y/)
    expect(output).not.toContain('⚠')
  })

  it('declines on n and on an empty answer, without opening anything', async () => {
    const opened: string[] = []
    const open = async (url: string) => void opened.push(url)
    expect((await confirm('https://example.com/', ['n'], open)).result).toEqual({ action: 'decline' })
    expect((await confirm('https://example.com/', [''], open)).result).toEqual({ action: 'decline' })
    expect(opened).toEqual([])
  })

  it('cancels on Ctrl-C, and re-asks after an answer it does not understand', async () => {
    expect((await confirm('https://example.com/', [undefined])).result).toEqual({ action: 'cancel' })
    const { result, output } = await confirm('https://example.com/', ['maybe', 'no'])
    expect(result).toEqual({ action: 'decline' })
    expect(output).toContain('Please answer one of: y, yes, n, no.')
  })

  it('tells the user to open the URL themselves when the host has no opener, and still accepts', async () => {
    const { result, output } = await confirm('https://example.com/pay', ['yes'])
    expect(result).toEqual({ action: 'accept' })
    expect(output).toContain('Open it yourself: https://example.com/pay')
  })

  it('still accepts when the opener fails, and shows the URL to open by hand', async () => {
    const { result, output } = await confirm('https://example.com/pay', ['y'], () => Promise.reject(new Error('no browser')))
    expect(result).toEqual({ action: 'accept' })
    expect(output).toContain('Could not open it (no browser); open it yourself: https://example.com/pay')
  })

  it('warns when the URL is not https, but not for localhost', async () => {
    expect((await confirm('http://pay.example.com/', ['n'])).output).toContain('⚠ This URL is not https')
    expect((await confirm('http://localhost:8080/callback', ['n'])).output).not.toContain('⚠')
    expect((await confirm('http://127.0.0.1:8080/callback', ['n'])).output).not.toContain('⚠')
  })

  it('warns about credentials before the host and names the real domain', async () => {
    const { output } = await confirm('https://accounts.google.com:pw@evil.example/login', ['n'])
    expect(output).toContain('contains credentials (user:pass@)')
    expect(output).toContain('Domain: evil.example\n')
  })

  it('shows a punycode domain as is, with a warning', async () => {
    const { output } = await confirm('https://аpple.com/', ['n'])
    expect(output).toContain('Domain: xn--pple-43d.com\n')
    expect(output).toContain('internationalized (punycode')
  })

  it('declines an unparsable URL and a non-http scheme with a message, without asking', async () => {
    const bad = await confirm('not a url', ['y'])
    expect(bad.result).toEqual({ action: 'decline' })
    expect(bad.output).toContain('not a valid URL')
    expect(bad.output).not.toContain('Open this URL?')
    const file = await confirm('file:///etc/passwd', ['y'])
    expect(file.result).toEqual({ action: 'decline' })
    expect(file.output).toContain('Only http and https URLs are opened')
  })

  it('neutralizes escape sequences in the message', async () => {
    const io = new ScriptedPrompter(['n'])
    await confirmUrl(io, { server: 'vault', params: params('https://example.com/', 'Click\u001b[1A\u001b[2K trusted') })
    expect(io.output).not.toContain('\u001b')
    expect(io.output).toContain('Click␛[1A␛[2K trusted')
  })
})

describe('inspectUrl', () => {
  it('returns the normalized address and host, with no warnings for plain https', () => {
    expect(inspectUrl('HTTPS://Example.COM')).toEqual({ ok: true, href: 'https://example.com/', hostname: 'example.com', warnings: [] })
  })

  it('refuses a URL without a host', () => {
    expect(inspectUrl('javascript:alert(1)')).toMatchObject({ ok: false })
  })
})
