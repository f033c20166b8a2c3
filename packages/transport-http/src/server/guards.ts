import { ErrorCode } from '@plugboard/protocol'
import { httpError, type IncomingRequest, type OutgoingResponse } from './http.js'

/** Who may reach the endpoint: the `Host` and `Origin` checks against DNS rebinding. */
export interface GuardOptions {
  /** `Host` header values accepted: `example.com` (any port) or `example.com:8080`. */
  allowedHosts?: string[]
  /** `Origin` header values accepted when one is sent: `https://app.example.com`. */
  allowedOrigins?: string[]
  /**
   * Accept only loopback `Host` names (`localhost`, `127.0.0.1`, `[::1]`) and, when an `Origin`
   * is sent, only loopback origins. Default: on when the request came in on a loopback interface
   * (node:http tells; on fetch runtimes that do not, set it yourself for a local server).
   */
  dnsRebindingProtection?: boolean
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])
const LOOPBACK_ADDRESS = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/

/** Whether a socket's local address is a loopback interface (what turns DNS rebinding protection on by default). */
export function isLoopbackAddress(address: string | undefined): boolean {
  return address !== undefined && LOOPBACK_ADDRESS.test(address)
}

/** The host name of a `Host` header value (`[::1]:3000` → `[::1]`), lower-cased. */
function hostnameOf(host: string): string {
  const h = host.trim().toLowerCase()
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1)
  const colon = h.indexOf(':')
  return colon < 0 ? h : h.slice(0, colon)
}

function hostAllowed(host: string, allowed: string[]): boolean {
  const value = host.trim().toLowerCase()
  const name = hostnameOf(value)
  return allowed.some((entry) => {
    const e = entry.toLowerCase()
    return e === value || e === name
  })
}

function loopbackOrigin(origin: string): boolean {
  try {
    return LOOPBACK_HOSTS.has(new URL(origin).hostname)
  } catch {
    return false
  }
}

/**
 * The Host/Origin check, run once per request before anything else reads it. Returns the 403
 * answer, or undefined to go on. A browser page on a rebound name (evil.example → 127.0.0.1)
 * sends that name as `Host` and as `Origin`, which is what this catches.
 * An origin `trustedOrigin` accepts (the `cors` option's list) passes the Origin check.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#security-warning
 */
export function checkHostAndOrigin(req: IncomingRequest, options: GuardOptions, trustedOrigin?: (origin: string) => boolean): OutgoingResponse | undefined {
  const protect = options.dnsRebindingProtection ?? req.loopback === true
  const host = req.header('host')
  if (options.allowedHosts && options.allowedHosts.length > 0) {
    if (host === undefined || !hostAllowed(host, options.allowedHosts)) return httpError(403, ErrorCode.InvalidRequest, `Forbidden: Host ${host ?? '(none)'} is not allowed`)
  } else if (protect && (host === undefined || !LOOPBACK_HOSTS.has(hostnameOf(host)))) {
    return httpError(403, ErrorCode.InvalidRequest, `Forbidden: Host ${host ?? '(none)'} is not a loopback name (DNS rebinding protection)`)
  }
  const origin = req.header('origin')
  // An origin the `cors` option lists was trusted on purpose; the Host check above still stands.
  if (origin === undefined || trustedOrigin?.(origin)) return undefined
  if (options.allowedOrigins && options.allowedOrigins.length > 0) {
    if (!options.allowedOrigins.includes(origin)) return httpError(403, ErrorCode.InvalidRequest, `Forbidden: Origin ${origin} is not allowed`)
  } else if (protect && !loopbackOrigin(origin)) {
    return httpError(403, ErrorCode.InvalidRequest, `Forbidden: Origin ${origin} is not a loopback origin (DNS rebinding protection)`)
  }
  return undefined
}

/** Whether an `Accept` header lists every one of `types` (a `*\/*` or `type/*` range counts). */
export function accepts(accept: string | undefined, ...types: string[]): boolean {
  if (!accept) return false
  const ranges = accept.split(',').map((r) => r.split(';', 1)[0]!.trim().toLowerCase())
  return types.every((type) => ranges.some((range) => range === type || range === '*/*' || range === `${type.slice(0, type.indexOf('/'))}/*`))
}

/** Whether a `Content-Type` is JSON: the media type, parameters (`charset`) aside. */
export function isJsonContentType(contentType: string | undefined): boolean {
  return contentType !== undefined && contentType.split(';', 1)[0]!.trim().toLowerCase() === 'application/json'
}
