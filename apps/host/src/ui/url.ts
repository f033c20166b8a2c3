import type { ElicitRequestURLParams, ElicitResult } from '@plugboard/protocol'
import { askChoice } from './dialogs.js'
import type { Prompter } from './prompter.js'
import { clipText, indent, sanitize, sanitizeLine } from './sanitize.js'

const MAX_MESSAGE = 4000

/** What the URL dialog shows of a URL: the normalized address that would be opened, its host, and what looks wrong. */
export type UrlInspection = { ok: true; href: string; hostname: string; warnings: string[] } | { ok: false; error: string }

/**
 * Parses a URL a server wants opened and lists what the user should be warned about: plain http
 * (except to this machine), credentials in the URL (`user:pass@` is a classic way to make a link
 * look like it goes elsewhere), and a punycode host (it may imitate another domain). Schemes other
 * than http and https are refused: the opener hands the URL to the OS, which would run `file:` or
 * custom-scheme handlers.
 */
export function inspectUrl(text: string): UrlInspection {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return { ok: false, error: 'The server sent an address that is not a valid URL.' }
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, error: `Only http and https URLs are opened, and this one is ${sanitizeLine(url.protocol, 40)}` }
  if (url.hostname === '') return { ok: false, error: 'The URL has no host.' }
  const warnings: string[] = []
  if (url.protocol === 'http:' && !isLocal(url.hostname)) warnings.push('This URL is not https: anyone on the network path can read or change what you send there.')
  if (url.username !== '' || url.password !== '') warnings.push(`This URL contains credentials (user:pass@) before the host; the site it opens is ${url.hostname}, whatever the part before "@" says.`)
  if (url.hostname.split('.').some((label) => label.startsWith('xn--'))) warnings.push('The domain is internationalized (punycode, "xn--"): it may be made to look like another domain.')
  return { ok: true, href: url.href, hostname: url.hostname, warnings }
}

/**
 * Asks the user whether to open the URL of a URL-mode elicitation: shows which server asks, its
 * message, the full URL and, on its own line next to the question, the domain it goes to (the spec
 * requires the target host to be clear before consent). Yes opens it with `open` (or tells the
 * user to open it) and accepts; no or an empty answer declines; Ctrl-C cancels. A URL that cannot
 * be opened safely is declined with the reason.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/client/elicitation#url-mode-elicitation-requests
 */
export async function confirmUrl(io: Prompter, request: { server: string; params: ElicitRequestURLParams }, open?: (url: string) => Promise<void>): Promise<ElicitResult> {
  const { server, params } = request
  io.write(`\n── URL from ${sanitizeLine(server, 80)} ──\n${indent(clipText(sanitize(String(params.message ?? '')), MAX_MESSAGE))}\n`)
  const inspection = inspectUrl(String(params.url))
  if (!inspection.ok) {
    io.write(`  ${inspection.error} Declining.\n`)
    return { action: 'decline' }
  }
  // The full URL is shown even when long: it is what the user consents to. The domain comes last,
  // next to the question, so a long path cannot push it out of sight.
  const lines = [`  URL: ${sanitize(inspection.href)}`, ...inspection.warnings.map((w) => `  ⚠ ${sanitize(w)}`), `  Domain: ${sanitize(inspection.hostname)}`, '']
  io.write(lines.join('\n'))
  const choices = { y: 'yes', yes: 'yes', n: 'no', no: 'no', '': 'no', '/decline': 'no', '/cancel': 'cancel' } as const
  const answer = await askChoice(io, 'Open this URL? [y/N]: ', choices)
  if (answer === undefined || answer === 'cancel') {
    io.write('Cancelled.\n')
    return { action: 'cancel' }
  }
  if (answer === 'no') {
    io.write('Declined.\n')
    return { action: 'decline' }
  }
  if (!open) io.write(`Open it yourself: ${sanitize(inspection.href)}\n`)
  else {
    try {
      await open(inspection.href)
      io.write(`Opened ${sanitize(inspection.hostname)}.\n`)
    } catch (error) {
      // The user agreed; the server waits for the interaction, so it still gets `accept`.
      io.write(`Could not open it (${sanitizeLine(error instanceof Error ? error.message : String(error), 200)}); open it yourself: ${sanitize(inspection.href)}\n`)
    }
  }
  return { action: 'accept' }
}

function isLocal(hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost') || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname)
}
