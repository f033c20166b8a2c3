import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'
import { allowFor, cspFor, sandboxFor, withCsp } from '@plugboard/host/apps'

const directives = (policy: string) => Object.fromEntries(policy.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]))

describe('cspFor', () => {
  it('is the spec’s restrictive default when the resource declares no csp: no network, no frames, no plugins', () => {
    const policy = directives(cspFor(undefined))
    expect(policy).toMatchObject({
      'default-src': "'none'",
      'script-src': "'self' 'unsafe-inline'",
      'style-src': "'self' 'unsafe-inline'",
      'img-src': "'self' data:",
      'media-src': "'self' data:",
      'connect-src': "'none'",
      'frame-src': "'none'",
      'object-src': "'none'",
      'base-uri': "'self'",
      'form-action': "'none'",
    })
    expect(cspFor({ prefersBorder: true })).toBe(cspFor(undefined))
  })

  it('adds declared domains to the directives the spec maps them to', () => {
    const policy = directives(
      cspFor({
        csp: {
          connectDomains: ['https://api.example.com', 'wss://rt.example.com:8443'],
          resourceDomains: ['https://cdn.example.com', 'https://*.cloudflare.com'],
          frameDomains: ['https://www.youtube.com'],
          baseUriDomains: ['https://cdn.example.com/app/'],
        },
      }),
    )
    expect(policy['connect-src']).toBe('https://api.example.com wss://rt.example.com:8443')
    for (const d of ['script-src', 'style-src', 'img-src', 'font-src', 'media-src']) expect(policy[d]).toContain('https://cdn.example.com https://*.cloudflare.com')
    expect(policy['frame-src']).toBe('https://www.youtube.com')
    expect(policy['base-uri']).toBe('https://cdn.example.com/app/')
    expect(policy['default-src']).toBe("'none'")
  })

  it('drops anything that is not a plain origin, so a server cannot loosen or inject into the policy', () => {
    const hostile = ['*', "'unsafe-eval'", 'data:', 'https:', 'https://a.com; script-src *', 'https://a.com https://b.com', 'javascript:alert(1)', 'https://', 'http://*', 'https://a.com/\'x\'', 42, null]
    const policy = cspFor({ csp: { connectDomains: hostile as string[], resourceDomains: hostile as string[], frameDomains: hostile as string[], baseUriDomains: 'https://a.com' as never } })
    expect(policy).toBe(cspFor(undefined))
    expect(policy.split(';')).toHaveLength(11)
    expect(cspFor({ csp: { connectDomains: ['https://ok.example', 'https://a.com; script-src *'] } })).toContain('connect-src https://ok.example;')
  })
})

describe('sandboxFor and allowFor', () => {
  it('never gives scripts the host’s origin unless the frame has an origin of its own', () => {
    expect(sandboxFor().split(' ').sort()).toEqual(['allow-forms', 'allow-scripts'])
    expect(sandboxFor({ separateOrigin: true }).split(' ')).toContain('allow-same-origin')
    for (const value of [sandboxFor(), sandboxFor({ separateOrigin: true })]) {
      expect(value).not.toMatch(/allow-top-navigation|allow-popups|allow-downloads|allow-modals/)
    }
  })

  it('maps requested permissions to the allow attribute, within what the host grants', () => {
    const ui = { permissions: { camera: {}, clipboardWrite: {}, geolocation: 'yes' as never } }
    expect(allowFor(ui)).toBe('camera; clipboard-write')
    expect(allowFor(ui, ['clipboardWrite'])).toBe('clipboard-write')
    expect(allowFor(undefined)).toBe('')
  })
})

describe('withCsp', () => {
  it('puts the policy first in the document, after a doctype, with the attribute escaped', () => {
    const html = '<!DOCTYPE html>\n<html><head><script>1</script></head></html>'
    const out = withCsp(html, cspFor(undefined))
    expect(out.startsWith(`<!DOCTYPE html><meta http-equiv="Content-Security-Policy" content="default-src 'none'; `)).toBe(true)
    expect(out.indexOf('<meta')).toBeLessThan(out.indexOf('<script>'))
    expect(withCsp('<p>hi</p>', 'a "b" & c')).toBe('<meta http-equiv="Content-Security-Policy" content="a &quot;b&quot; &amp; c"><p>hi</p>')
  })
})

describe('@plugboard/host/apps in a browser', () => {
  it('bundles from the built dist for the browser with no node: import in its module graph', async () => {
    const entry = fileURLToPath(new URL('../dist/apps/index.js', import.meta.url))
    expect(existsSync(entry), 'build @plugboard/host first (its dist is what the web page loads)').toBe(true)
    // platform 'browser' fails on any Node built-in; the metafile shows the whole graph besides.
    const result = await build({ entryPoints: [entry], bundle: true, platform: 'browser', format: 'esm', write: false, metafile: true, logLevel: 'silent' })
    const inputs = Object.keys(result.metafile.inputs)
    const imports = Object.values(result.metafile.inputs).flatMap((input) => input.imports.map((i) => i.path))
    expect(inputs.some((path) => path.endsWith('dist/apps/app-bridge.js'))).toBe(true)
    expect(imports.filter((path) => path.startsWith('node:'))).toEqual([])
    // Our own files and @plugboard/protocol/apps (constants and readers, nothing else): the page never loads protocol's schemas (zod).
    expect(inputs.filter((path) => !path.includes('packages/host/dist/apps/')).map((path) => path.replace(/^.*\/(?=protocol\/dist\/)/, ''))).toEqual(['protocol/dist/apps/index.js'])
    const { AppBridge } = (await import(`data:text/javascript;base64,${Buffer.from(result.outputFiles[0]!.text).toString('base64')}`)) as typeof import('@plugboard/host/apps')
    expect(typeof AppBridge).toBe('function')
  })
})
