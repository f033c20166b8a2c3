import type { McpUiResourceMeta, McpUiResourcePermissions } from './ui-meta.js'

// How a host confines a view: the iframe's `sandbox` and `allow` attributes and the Content
// Security Policy built from the resource's `_meta.ui`. The domains come from the server, which
// the host does not trust: each is checked to be one plain origin before it enters the policy.
// https://github.com/modelcontextprotocol/ext-apps/blob/main/specification/2026-01-26/apps.mdx#security-implications

/**
 * One CSP source that names an origin and nothing more: a scheme, a host (a leading `*.` allowed),
 * an optional port and path. Anything else — `*`, `'unsafe-eval'`, `data:`, a `;` that would start
 * a new directive, whitespace that would add a source — is dropped.
 */
const ORIGIN_SOURCE = /^(?:https?|wss?):\/\/(?:\*\.)?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::(?:\d{1,5}|\*))?(?:\/[A-Za-z0-9._~%!$&()*+=:@/-]*)?$/

function sources(domains: unknown): string[] {
  if (!Array.isArray(domains)) return []
  return [...new Set(domains.filter((d): d is string => typeof d === 'string' && ORIGIN_SOURCE.test(d)))]
}

const list = (declared: string[], fallback: string): string => (declared.length > 0 ? declared.join(' ') : fallback)

/**
 * The Content-Security-Policy for a view, from its resource's `_meta.ui` (pass the `resources/read`
 * content item's `_meta?.ui`, which the spec makes authoritative). Without `csp` it is the spec's
 * restrictive default — inline script and style, `data:` images and media, no network. Declared
 * domains are added to the directives the spec maps them to; a domain that is not a plain origin
 * (`https://cdn.example.com`, `https://*.example.com`, `wss://rt.example.com:8443`) is dropped, so a
 * server can never loosen the policy beyond origins it names. Stricter than the spec's example in
 * two ways the spec allows: `connect-src` never includes `'self'` (the host's own origin is not the
 * view's to call) and `form-action 'none'` (a form cannot post data around `connect-src`).
 * @example
 * const policy = cspFor(content._meta?.ui)
 * iframe.srcdoc = withCsp(content.text, policy)
 * @see https://github.com/modelcontextprotocol/ext-apps/blob/main/specification/2026-01-26/apps.mdx#4-content-security-policy-enforcement
 */
export function cspFor(ui?: McpUiResourceMeta | null): string {
  const csp = typeof ui?.csp === 'object' && ui.csp !== null ? ui.csp : {}
  const resources = sources(csp.resourceDomains)
  const extra = resources.length > 0 ? ' ' + resources.join(' ') : ''
  return [
    "default-src 'none'",
    `script-src 'self' 'unsafe-inline'${extra}`,
    `style-src 'self' 'unsafe-inline'${extra}`,
    `img-src 'self' data:${extra}`,
    `font-src 'self'${extra}`,
    `media-src 'self' data:${extra}`,
    `connect-src ${list(sources(csp.connectDomains), "'none'")}`,
    `frame-src ${list(sources(csp.frameDomains), "'none'")}`,
    "object-src 'none'",
    `base-uri ${list(sources(csp.baseUriDomains), "'self'")}`,
    "form-action 'none'",
  ].join('; ')
}

/** Options of {@link sandboxFor}. */
export interface SandboxOptions {
  /**
   * Whether the iframe's document has an origin of its own, apart from the host page's: a sandbox
   * proxy served from another origin (the spec's web-host setup), or a view served from a dedicated
   * domain. Only then may it keep its origin (`allow-same-origin`); on the host's origin that would
   * let the view's scripts reach into the host page and lift their own sandbox.
   */
  separateOrigin?: boolean
}

/**
 * The `sandbox` attribute of a view's iframe: scripts and forms (their submission is still blocked
 * by {@link cspFor}'s `form-action 'none'`), no popups, no top-level navigation, no downloads, and —
 * unless `separateOrigin` — an opaque origin, never `allow-same-origin` together with `allow-scripts`
 * on the host's origin. Links go through `ui/open-link`, so the host stays in control of them.
 * @see https://github.com/modelcontextprotocol/ext-apps/blob/main/specification/2026-01-26/apps.mdx#sandbox-proxy
 */
export function sandboxFor(options: SandboxOptions = {}): string {
  return options.separateOrigin ? 'allow-scripts allow-same-origin allow-forms' : 'allow-scripts allow-forms'
}

const FEATURES: ReadonlyArray<[keyof McpUiResourcePermissions, string]> = [
  ['camera', 'camera'],
  ['microphone', 'microphone'],
  ['geolocation', 'geolocation'],
  ['clipboardWrite', 'clipboard-write'],
]

/**
 * The iframe's `allow` attribute (Permission Policy) for the browser features the view asked for in
 * `_meta.ui.permissions`, kept to those in `grant` (default: all four the spec names). The browser
 * still asks the user before camera, microphone or location; the empty string grants nothing.
 * @see https://github.com/modelcontextprotocol/ext-apps/blob/main/specification/2026-01-26/apps.mdx#ui-resource-format
 */
export function allowFor(ui?: McpUiResourceMeta | null, grant: ReadonlyArray<keyof McpUiResourcePermissions> = ['camera', 'microphone', 'geolocation', 'clipboardWrite']): string {
  const asked = typeof ui?.permissions === 'object' && ui.permissions !== null ? ui.permissions : {}
  return FEATURES.filter(([key]) => grant.includes(key) && typeof asked[key] === 'object' && asked[key] !== null)
    .map(([, feature]) => feature)
    .join('; ')
}

/**
 * The view's HTML with `policy` as a `<meta http-equiv="Content-Security-Policy">` put before
 * anything else (after a leading doctype), so it governs every script and style of the document —
 * for an `iframe.srcdoc`, where no response header can carry the policy. A policy the view's own
 * HTML declares as well can only narrow it: browsers enforce every policy a document has.
 */
export function withCsp(html: string, policy: string): string {
  const tag = `<meta http-equiv="Content-Security-Policy" content="${policy.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}">`
  const doctype = /^\s*<!doctype[^>]*>/i.exec(html)
  return doctype ? doctype[0] + tag + html.slice(doctype[0].length) : tag + html
}
