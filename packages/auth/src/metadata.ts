/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728): the document an MCP server publishes so clients
 * can find the authorization server that issues its tokens.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization#authorization-server-discovery
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-2
 */
export interface ProtectedResourceMetadata {
  resource: string
  authorization_servers?: string[]
  scopes_supported?: string[]
  bearer_methods_supported?: string[]
  resource_name?: string
  resource_documentation?: string
  jwks_uri?: string
  [field: string]: unknown
}

/** Options of {@link protectedResourceMetadata}. */
export interface ProtectedResourceMetadataOptions {
  /** The MCP endpoint's canonical URI (`https://mcp.example.com/mcp`): the audience tokens must be issued for. */
  resource: string | URL
  /** Issuer URLs of the authorization servers that issue tokens for this resource (at least one). */
  authorizationServers: Array<string | URL>
  /** Scopes clients may request for this resource. */
  scopesSupported?: string[]
  /** A human-readable name of the resource. */
  resourceName?: string
  /** A page documenting the resource for developers. */
  resourceDocumentation?: string | URL
  /** Further RFC 9728 fields, copied as they are. */
  extra?: Record<string, unknown>
}

const WELL_KNOWN = '/.well-known/oauth-protected-resource'

/**
 * Builds the RFC 9728 Protected Resource Metadata document for an MCP server.
 * @example
 * protectedResourceMetadata({ resource: 'https://mcp.example.com/mcp', authorizationServers: ['https://auth.example.com'] })
 */
export function protectedResourceMetadata(options: ProtectedResourceMetadataOptions): ProtectedResourceMetadata {
  if (options.authorizationServers.length === 0) throw new Error('protectedResourceMetadata: authorizationServers must name at least one authorization server')
  const metadata: ProtectedResourceMetadata = {
    ...options.extra,
    resource: String(options.resource),
    authorization_servers: options.authorizationServers.map(String),
    // MCP clients send the token in the Authorization header only (the spec forbids the query string).
    bearer_methods_supported: ['header'],
  }
  if (options.scopesSupported) metadata.scopes_supported = [...options.scopesSupported]
  if (options.resourceName !== undefined) metadata.resource_name = options.resourceName
  if (options.resourceDocumentation !== undefined) metadata.resource_documentation = String(options.resourceDocumentation)
  return metadata
}

/**
 * The URL where a resource's metadata is served: the well-known suffix goes between the host and the
 * resource's path (RFC 9728 §3.1), so `https://h/mcp` → `https://h/.well-known/oauth-protected-resource/mcp`.
 */
export function protectedResourceMetadataUrl(resource: string | URL): URL {
  const url = new URL(resource)
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '')
  return new URL(`${WELL_KNOWN}${path}`, url.origin)
}

const CORS = { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET, OPTIONS', 'access-control-allow-headers': '*' }

/**
 * Serves `metadata` on its well-known path, for `createMcpHandler`'s `onRequest` hook: GET answers the
 * JSON (readable by browser clients: `Access-Control-Allow-Origin: *`), OPTIONS a CORS preflight, any
 * other request on another path goes on to the MCP handler. `onRequest` runs before the handler's
 * `path` check, so the endpoint can keep `path: '/mcp'`.
 * @param path Default: the path of {@link protectedResourceMetadataUrl} for `metadata.resource`.
 * @example
 * createMcpHandler(server, { path: '/mcp', onRequest: wellKnownRoute(metadata), authenticate: bearerAuth({ … }) })
 */
export function wellKnownRoute(metadata: ProtectedResourceMetadata, path: string = protectedResourceMetadataUrl(metadata.resource).pathname): (request: Request) => Response | undefined {
  const body = JSON.stringify(metadata)
  return (request) => {
    if (new URL(request.url).pathname !== path) return undefined
    if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: CORS })
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405, headers: { ...CORS, allow: 'GET, OPTIONS' } })
    return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers: { ...CORS, 'content-type': 'application/json', 'cache-control': 'max-age=3600' } })
  }
}
