import type { AuthorizationServer } from 'oauth4webapi'
import { OAuthClientError } from './errors.js'

/** An RFC 9728 Protected Resource Metadata document, as far as the client reads it. */
export interface ResourceMetadata {
  resource: string
  authorization_servers?: string[]
  scopes_supported?: string[]
  bearer_methods_supported?: string[]
  dpop_signing_alg_values_supported?: string[]
  [field: string]: unknown
}

/** What discovery found for one MCP server: where its authorization server is and what to ask for. */
export interface Discovery {
  /** The `resource` parameter sent in authorization and token requests (RFC 8707). */
  resource: string
  /** The server's Protected Resource Metadata; absent for a 2025-03-26 server that serves none. */
  resourceMetadata?: ResourceMetadata
  /** The authorization server's issuer identifier, exactly as the metadata names it. */
  issuer: string
  /** Its validated metadata (RFC 8414 / OpenID Connect Discovery), or the 2025-03-26 default endpoints. */
  authorizationServer: AuthorizationServer
  /** True when no metadata was found and the 2025-03-26 default endpoints (`/authorize`, `/token`, `/register`) are used. */
  defaultEndpoints: boolean
}

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>

const JSON_ACCEPT = { accept: 'application/json' }

/** The URL without its query and fragment: the canonical URI of an MCP server (RFC 8707 §2). */
export function canonicalResource(url: string | URL): string {
  const u = new URL(url)
  u.hash = ''
  u.search = ''
  const href = u.href
  // The spec prefers the form without a trailing slash unless the path needs it.
  return u.pathname === '/' ? href.slice(0, -1) : href
}

/**
 * Whether the metadata's `resource` may stand for the server at `serverUrl`: same origin, and its path
 * is the server's path or a parent of it (a server at /mcp may publish its origin as its resource).
 */
export function resourceCovers(resource: string, serverUrl: string): boolean {
  let r: URL
  let s: URL
  try {
    r = new URL(resource)
    s = new URL(serverUrl)
  } catch {
    return false
  }
  if (r.origin !== s.origin || r.hash !== '') return false
  const parent = r.pathname.endsWith('/') ? r.pathname : `${r.pathname}/`
  const child = s.pathname.endsWith('/') ? s.pathname : `${s.pathname}/`
  return child.startsWith(parent)
}

/** The Protected Resource Metadata URLs to try for `serverUrl` when no challenge names one: path-aware first, then root. */
export function resourceMetadataUrls(serverUrl: string): string[] {
  const u = new URL(serverUrl)
  const path = u.pathname === '/' ? '' : u.pathname.replace(/\/$/, '')
  const root = `${u.origin}/.well-known/oauth-protected-resource`
  return path ? [`${root}${path}`, root] : [root]
}

/** The authorization server metadata URLs to try for `issuer`, in the spec's order (RFC 8414 §3.1, OIDC Discovery §4). */
export function authorizationServerMetadataUrls(issuer: string): string[] {
  const u = new URL(issuer)
  const path = u.pathname === '/' ? '' : u.pathname.replace(/\/$/, '')
  if (!path) return [`${u.origin}/.well-known/oauth-authorization-server`, `${u.origin}/.well-known/openid-configuration`]
  return [
    `${u.origin}/.well-known/oauth-authorization-server${path}`,
    `${u.origin}/.well-known/openid-configuration${path}`,
    `${u.origin}${path}/.well-known/openid-configuration`,
  ]
}

async function getJson(fetch: Fetch, url: string, signal?: AbortSignal): Promise<{ status: number; body?: unknown }> {
  const response = await fetch(url, { headers: JSON_ACCEPT, redirect: 'follow', signal })
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => {})
    return { status: response.status }
  }
  try {
    return { status: 200, body: await response.json() }
  } catch {
    throw new OAuthClientError('invalid_metadata', `${url} did not answer with JSON`)
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function stringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string')
}

/**
 * Fetches the Protected Resource Metadata of the server at `serverUrl`: from `metadataUrl` (the
 * challenge's `resource_metadata`) when given, else from the well-known URLs. Checks that its
 * `resource` covers the server (else `resource_mismatch`). `undefined` when the server serves none.
 */
export async function discoverResourceMetadata(fetch: Fetch, serverUrl: string, metadataUrl?: string, signal?: AbortSignal): Promise<ResourceMetadata | undefined> {
  const urls = metadataUrl ? [metadataUrl] : resourceMetadataUrls(serverUrl)
  for (const url of urls) {
    const { status, body } = await getJson(fetch, url, signal)
    if (status !== 200) {
      if (metadataUrl) throw new OAuthClientError('invalid_metadata', `the resource metadata at ${url} answered HTTP ${status}`)
      continue
    }
    if (!isRecord(body) || typeof body.resource !== 'string') throw new OAuthClientError('invalid_metadata', `${url} is not a Protected Resource Metadata document (no "resource")`)
    if (body.authorization_servers !== undefined && !stringArray(body.authorization_servers)) throw new OAuthClientError('invalid_metadata', `${url}: "authorization_servers" is not a list of URLs`)
    if (body.scopes_supported !== undefined && !stringArray(body.scopes_supported)) throw new OAuthClientError('invalid_metadata', `${url}: "scopes_supported" is not a list of strings`)
    if (!resourceCovers(body.resource, serverUrl)) {
      throw new OAuthClientError('resource_mismatch', `the resource metadata at ${url} names the resource ${body.resource}, which is not ${canonicalResource(serverUrl)}; refusing to authorize for it`)
    }
    return body as ResourceMetadata
  }
  return undefined
}

/**
 * Fetches and validates the metadata of the authorization server `issuer`: the first of the
 * well-known URLs that answers 200. Its `issuer` must equal `issuer` exactly (RFC 8414 §3.3), and its
 * endpoints must be URLs. `undefined` when none answers.
 */
export async function discoverAuthorizationServer(fetch: Fetch, issuer: string, signal?: AbortSignal): Promise<AuthorizationServer | undefined> {
  for (const url of authorizationServerMetadataUrls(issuer)) {
    const { status, body } = await getJson(fetch, url, signal)
    if (status !== 200) continue
    if (!isRecord(body)) throw new OAuthClientError('invalid_metadata', `${url} is not an authorization server metadata document`)
    if (body.issuer !== issuer) {
      throw new OAuthClientError('issuer_mismatch', `the authorization server metadata at ${url} names the issuer ${JSON.stringify(body.issuer)}, not ${issuer}; refusing to use it`)
    }
    for (const field of ['authorization_endpoint', 'token_endpoint', 'registration_endpoint', 'revocation_endpoint']) {
      const value = body[field]
      if (value === undefined) continue
      if (typeof value !== 'string' || !URL.canParse(value)) throw new OAuthClientError('invalid_metadata', `${url}: "${field}" is not a URL`)
    }
    return body as unknown as AuthorizationServer
  }
  return undefined
}

/**
 * Everything the flow needs to know about the server at `serverUrl`, in the spec's order: Protected
 * Resource Metadata (from the challenge, else well-known), its first authorization server, and that
 * server's metadata. A server without resource metadata is a 2025-03-26 one: its origin is the
 * authorization server, with the default endpoints when that serves no metadata either.
 */
export async function discover(fetch: Fetch, serverUrl: string, metadataUrl?: string, signal?: AbortSignal): Promise<Discovery> {
  const resourceMetadata = await discoverResourceMetadata(fetch, serverUrl, metadataUrl, signal)
  if (resourceMetadata) {
    const issuer = resourceMetadata.authorization_servers?.[0]
    if (!issuer) throw new OAuthClientError('invalid_metadata', `the resource metadata of ${serverUrl} names no authorization server`)
    const authorizationServer = await discoverAuthorizationServer(fetch, issuer, signal)
    if (!authorizationServer) throw new OAuthClientError('invalid_metadata', `the authorization server ${issuer} serves no metadata at ${authorizationServerMetadataUrls(issuer).join(', ')}`)
    return { resource: resourceMetadata.resource, resourceMetadata, issuer, authorizationServer, defaultEndpoints: false }
  }
  // 2025-03-26: the MCP server's origin is the authorization server.
  const issuer = new URL(serverUrl).origin
  const resource = canonicalResource(serverUrl)
  const authorizationServer = await discoverAuthorizationServer(fetch, issuer, signal)
  if (authorizationServer) return { resource, issuer, authorizationServer, defaultEndpoints: false }
  return {
    resource,
    issuer,
    authorizationServer: {
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      registration_endpoint: `${issuer}/register`,
      code_challenge_methods_supported: ['S256'],
    },
    defaultEndpoints: true,
  }
}
