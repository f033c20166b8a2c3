import * as oauth from 'oauth4webapi'
import { importPKCS8 } from 'jose'
import { OAuthClientError } from './errors.js'
import { canonicalResource, discover, type Discovery, type Fetch } from './discovery.js'
import { dpopKey, dpopProof, type CryptoKey, type CryptoKeyPair, type DPoPKey } from './dpop.js'
import { memoryTokenStore, type StoredClient, type StoredTokens, type TokenStore } from './store.js'
import type { RedirectHandler } from './loopback.js'

/** A client registered beforehand with an authorization server (the spec's first choice). */
export interface PreRegisteredClient {
  client_id: string
  client_secret?: string
  /** `client_secret_basic` (default with a secret), `client_secret_post`, `private_key_jwt` (with `privateKey`), `none` (default without). */
  token_endpoint_auth_method?: string
  /** The issuer these credentials belong to. Unset: bound to the first authorization server they are used with. */
  issuer?: string
}

/** What a JWT-bearer assertion is for (RFC 7523 §2.1): the token endpoint's issuer and the MCP resource. */
export interface AssertionContext {
  issuer: string
  tokenEndpoint: string
  resource: string
  scope?: string
  fetch: Fetch
}

/** Options of {@link oauth}. Every field is optional; a CLI needs `redirect`, a machine client `client` or `jwtBearer`. */
export interface OAuthOptions {
  /** Shown by the authorization server when it asks the user for consent; sent on registration. Default `Plugboard MCP client`. */
  clientName?: string
  /** Further client metadata for Dynamic Client Registration (RFC 7591), e.g. `client_uri`, `logo_uri`, `software_id`. */
  clientMetadata?: Record<string, string | string[] | boolean | number>
  /** `native` (default for a loopback or custom-scheme redirect) or `web`. */
  applicationType?: 'native' | 'web'
  /** A Client ID Metadata Document URL (https, with a path): the client id at authorization servers that support them. See {@link clientMetadataDocument}. */
  clientMetadataUrl?: string
  /** Pre-registered credentials; tried before a metadata document or registration. */
  client?: PreRegisteredClient
  /** The private key of `private_key_jwt` client authentication: a CryptoKey or a PKCS#8 PEM (with `privateKeyAlg`, default ES256). */
  privateKey?: CryptoKey | string
  privateKeyAlg?: string
  /** Where the user is sent to sign in and how the redirect comes back: `loopbackRedirect()` for a CLI or host. */
  redirect?: RedirectHandler
  /** The grant: default `authorization_code` when a `redirect` is given, else `client_credentials` with a `client`, else `jwt-bearer` with `jwtBearer`. */
  grant?: 'authorization_code' | 'client_credentials' | 'jwt-bearer'
  /** Workload identity (RFC 7523 JWT bearer grant): returns the assertion to present, e.g. a platform-issued JWT, or one from {@link enterpriseAssertion}. */
  jwtBearer?: (context: AssertionContext) => string | Promise<string>
  /** Scopes to ask for when neither the server's challenge nor its metadata names any. */
  scope?: string
  /** Ask for `offline_access` (a refresh token) when the authorization server offers it. Default true. */
  offlineAccess?: boolean
  /** Sender-constrain tokens with DPoP (RFC 9449) when the authorization server supports it: `true` for a new key per provider, or a key pair to keep. Default false. */
  dpop?: boolean | CryptoKeyPair
  /** Where tokens and registrations are kept, by issuer and resource. Default: in memory. `fileTokenStore(path)` keeps them across runs. */
  store?: TokenStore
  /** Carries the OAuth requests. Default: global `fetch`. */
  fetch?: Fetch
  /** Allow plain-http authorization servers beyond loopback ones (127.0.0.1, ::1, localhost). Default false. */
  allowInsecureRequests?: boolean
}

/** The request a transport asks the provider to authorize (see `AuthProvider` of `@plugboard/transport-http`). */
export interface AuthRequest {
  method: string
  url: string
}

/** A refusal, as the transport reads it from `WWW-Authenticate` (see `UnauthorizedContext` of `@plugboard/transport-http`). */
export interface Challenge {
  status: 401 | 403
  url: string
  method?: string
  resourceMetadata?: string
  scope?: string
  error?: string
  errorDescription?: string
  scheme?: string
  dpopNonce?: string
}

interface Session {
  discovery: Discovery
  client: oauth.Client
  clientAuth: oauth.ClientAuth
  /** The registration as stored with the tokens (no pre-registered secret). */
  registration: StoredClient
  tokens?: StoredTokens
  /** Scopes asked for by the last authorization of this resource: the base of a step-up's union. */
  requested: Set<string>
  /** Scope sets an authorization was already run for, with the refusal still coming: a step-up that can't help. */
  attempted: Set<string>
}

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer'
const REFRESH_MARGIN_MS = 30_000

function isLoopback(url: string): boolean {
  const host = new URL(url).hostname
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host)
}

function scopes(value: string | undefined): string[] {
  return value ? value.split(' ').filter(Boolean) : []
}

/**
 * The OAuth 2.1 client of MCP authorization, as the `authProvider` of an HTTP client transport. On
 * the server's first 401 it runs the whole flow the spec asks for: Protected Resource Metadata (RFC
 * 9728) and authorization server metadata (RFC 8414 / OIDC) discovery, registration (pre-registered
 * credentials, then a Client ID Metadata Document, then Dynamic Client Registration), authorization
 * code with PKCE S256, `resource` (RFC 8707) and `iss` (RFC 9207) checks; then it presents the token,
 * refreshes it, steps up on `insufficient_scope`, and binds it with DPoP when asked.
 * @example
 * const transport = new StreamableHTTPClientTransport(new URL('https://mcp.example.com/mcp'), {
 *   authProvider: oauth({ clientName: 'My CLI', redirect: loopbackRedirect(), store: fileTokenStore('~/.my-cli/tokens.json') }),
 * })
 */
export class OAuthProvider {
  readonly #options: OAuthOptions
  readonly #store: TokenStore
  readonly #fetch: Fetch
  /** Per canonical server URL. */
  readonly #sessions = new Map<string, Session>()
  /** Pre-registered credentials bound to the first issuer they were used with. */
  #boundIssuer: string | undefined
  #dpop: Promise<DPoPKey> | undefined
  /** oauth4webapi's DPoP handle: it keeps the authorization servers' nonces across token requests. */
  #dpopHandle: oauth.DPoPHandle | undefined
  /** DPoP nonces the resource servers asked for, by origin. */
  readonly #nonces = new Map<string, string>()
  /** One flow at a time: concurrent refusals wait for the same one. */
  #running: Promise<void> | undefined
  #lastServer: string | undefined
  /** Tokens of an earlier run presented before discovery, by server; null when there were none to present. */
  readonly #stored = new Map<string, StoredTokens | null>()

  constructor(options: OAuthOptions = {}) {
    this.#options = options
    this.#store = options.store ?? memoryTokenStore()
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init))
    this.#boundIssuer = options.client?.issuer
  }

  /** The headers of one request: `Authorization` (Bearer, or DPoP with its proof), refreshing an expiring token first. */
  async headers(request: AuthRequest): Promise<Record<string, string> | undefined> {
    const server = canonicalResource(request.url)
    this.#lastServer ??= server
    if (this.#running) await this.#running.catch(() => {})
    const session = this.#sessions.get(server)
    let tokens = session?.tokens
    if (!session) return this.#presentStored(server, request)
    if (!tokens) return undefined
    if (tokens.expires_at !== undefined && tokens.expires_at - REFRESH_MARGIN_MS <= Date.now() && tokens.refresh_token) {
      await this.#exclusive(() => this.#refresh(session)).catch(() => {})
      tokens = session.tokens
      if (!tokens) return undefined
    }
    return this.#present(tokens, request)
  }

  async #present(tokens: StoredTokens, request: AuthRequest): Promise<Record<string, string> | undefined> {
    if (tokens.token_type.toLowerCase() === 'dpop') {
      if (!this.#dpop) return undefined
      const key = await this.#dpop
      const proof = await dpopProof(key, request.method, request.url, tokens.access_token, this.#nonces.get(new URL(request.url).origin))
      return { authorization: `DPoP ${tokens.access_token}`, dpop: proof }
    }
    return { authorization: `Bearer ${tokens.access_token}` }
  }

  /**
   * Before any discovery (a new process): the unexpired Bearer tokens an earlier run stored for this
   * server, so the first request needs no 401 round trip. A refusal of them runs the usual flow.
   */
  async #presentStored(server: string, request: AuthRequest): Promise<Record<string, string> | undefined> {
    let stored = this.#stored.get(server)
    if (stored === undefined) {
      const found = (await this.#store.tokensFor(server)).filter((f) => f.tokens.token_type.toLowerCase() === 'bearer' && (f.tokens.expires_at === undefined || f.tokens.expires_at - REFRESH_MARGIN_MS > Date.now()))
      stored = found.length === 1 ? found[0]!.tokens : null
      this.#stored.set(server, stored)
    }
    return stored ? this.#present(stored, request) : undefined
  }

  /** Handles the server's refusal of a request: a DPoP nonce to take up, a token to refresh or get, or a step-up. Throws to give up. */
  async onUnauthorized(challenge: Challenge): Promise<void> {
    const origin = new URL(challenge.url).origin
    if (challenge.dpopNonce !== undefined) this.#nonces.set(origin, challenge.dpopNonce)
    if (challenge.error === 'use_dpop_nonce') return
    const server = canonicalResource(challenge.url)
    const rejected = this.#sessions.get(server)?.tokens?.access_token ?? this.#stored.get(server)?.access_token
    await this.#exclusive(async () => {
      const session = this.#sessions.get(server)
      // Another request's refusal already got a new token: try it first.
      if (session?.tokens && session.tokens.access_token !== rejected) return
      await this.#authorize(server, challenge, false, rejected)
    })
  }

  /** Signs in to the server at `serverUrl` (default: the last one seen) now, without waiting for a refusal. */
  async login(serverUrl?: string): Promise<void> {
    const server = serverUrl ? canonicalResource(serverUrl) : this.#lastServer
    if (!server) throw new OAuthClientError('invalid_metadata', 'login(): no server URL given and none seen yet')
    this.#lastServer = server
    await this.#exclusive(() => this.#authorize(server, { status: 401, url: server }, true))
  }

  /** Forgets the tokens of the server at `serverUrl` (default: the last one seen), revoking its refresh token where the authorization server allows. */
  async logout(serverUrl?: string): Promise<void> {
    const server = serverUrl ? canonicalResource(serverUrl) : this.#lastServer
    if (!server) return
    const session = this.#sessions.get(server)
    this.#sessions.delete(server)
    this.#stored.delete(server)
    if (session?.tokens) {
      const token = session.tokens.refresh_token ?? session.tokens.access_token
      const as = session.discovery.authorizationServer
      if (as.revocation_endpoint) {
        await oauth
          .revocationRequest(as, session.client, session.clientAuth, token, this.#requestOptions(as.revocation_endpoint))
          .then((r) => oauth.processRevocationResponse(r))
          .catch(() => {})
      }
      await this.#store.deleteTokens({ issuer: session.discovery.issuer, resource: session.discovery.resource })
    }
    await this.#store.forget(session?.discovery.resource ?? server)
  }

  /** The tokens in use for the server at `serverUrl` (default: the last one seen), if any. */
  tokens(serverUrl?: string): StoredTokens | undefined {
    const server = serverUrl ? canonicalResource(serverUrl) : this.#lastServer
    return server ? this.#sessions.get(server)?.tokens : undefined
  }

  async #exclusive(run: () => Promise<void>): Promise<void> {
    while (this.#running) await this.#running.catch(() => {})
    const running = run()
    this.#running = running
    try {
      await running
    } finally {
      if (this.#running === running) this.#running = undefined
    }
  }

  #requestOptions(url: string | undefined): { [oauth.allowInsecureRequests]?: boolean; [oauth.customFetch]: Fetch } {
    const insecure = url !== undefined && url.startsWith('http:') && (this.#options.allowInsecureRequests || isLoopback(url))
    return { ...(insecure ? { [oauth.allowInsecureRequests]: true } : {}), [oauth.customFetch]: this.#fetch }
  }

  async #authorize(server: string, challenge: Challenge, interactive = false, rejected?: string): Promise<void> {
    const previous = this.#sessions.get(server)
    const discovery = await discover(this.#fetch, server, challenge.resourceMetadata)
    const { issuer, resource } = discovery
    const key = { issuer, resource }
    // The authorization server changed (SEP-2352): nothing of the old one's is reused.
    const sameServer = previous?.discovery.issuer === issuer
    const session: Session = sameServer
      ? { ...previous, discovery }
      : { discovery, ...(await this.#register(discovery)), requested: new Set(), attempted: new Set() }
    this.#sessions.set(server, session)

    // A 401 for a token we hold: refresh it, or use one stored by an earlier run.
    if (challenge.status === 401 && !interactive) {
      const stored = await this.#store.getTokens(key)
      const usable = stored && (stored.dpop_jkt === undefined || stored.dpop_jkt === (await this.#dpop)?.thumbprint)
      // Tokens stored by another provider sharing the store were issued to its registration: refresh as that client.
      if (usable && stored.client && stored.client.client_id !== session.client.client_id && (stored.client.client_secret !== undefined || stored.client.token_endpoint_auth_method === 'none')) {
        Object.assign(session, await this.#clientOf(stored.client, discovery.authorizationServer))
      }
      if (usable && stored.access_token !== rejected && stored.access_token !== session.tokens?.access_token && (stored.expires_at === undefined || stored.expires_at > Date.now())) {
        session.tokens = stored
        for (const s of scopes(stored.scope)) session.requested.add(s)
        return
      }
      const refreshable = usable && stored.refresh_token ? stored : session.tokens?.refresh_token ? session.tokens : undefined
      if (refreshable) {
        session.tokens = refreshable
        if (await this.#refresh(session).then(() => true, () => false)) return
      }
    }

    // Scope selection: the challenge's, else the resource's scopes_supported, else the configured one; with a step-up, the union with what was asked before.
    const wanted = new Set(session.requested)
    const named = scopes(challenge.scope)
    const base = named.length > 0 ? named : scopes(discovery.resourceMetadata?.scopes_supported?.join(' ') ?? this.#options.scope)
    for (const s of base) wanted.add(s)
    const grant = this.#grant(discovery)
    const offered = discovery.authorizationServer.scopes_supported
    if (grant === 'authorization_code' && this.#options.offlineAccess !== false && Array.isArray(offered) && offered.includes('offline_access')) wanted.add('offline_access')
    const scope = [...wanted].join(' ')
    if (challenge.status === 403) {
      if (session.attempted.has(scope)) {
        throw new OAuthClientError('insufficient_scope', `${server} still refuses the request (insufficient_scope) after the scopes "${scope}" were granted; not asking again`)
      }
    }
    session.attempted.add(scope)
    session.requested = wanted

    const run = () => (grant === 'authorization_code' ? this.#authorizationCode(session, scope) : grant === 'client_credentials' ? this.#clientCredentials(session, scope) : this.#jwtBearer(session, scope))
    let tokens: oauth.TokenEndpointResponse
    try {
      tokens = await run()
    } catch (error) {
      // A registration kept from an earlier run that the authorization server no longer knows: register again, once.
      const forgotten = error instanceof OAuthClientError && error.cause instanceof oauth.ResponseBodyError && error.cause.error === 'invalid_client'
      if (!forgotten || this.#options.client || session.client.client_id === this.#options.clientMetadataUrl) throw error
      await this.#store.deleteClient(issuer)
      Object.assign(session, await this.#register(discovery))
      tokens = await run()
    }
    await this.#save(session, tokens)
  }

  #grant(discovery: Discovery): NonNullable<OAuthOptions['grant']> {
    if (this.#options.grant) return this.#options.grant
    if (this.#options.jwtBearer) return 'jwt-bearer'
    const supported = discovery.authorizationServer.grant_types_supported
    if (this.#options.redirect && (!supported || supported.includes('authorization_code'))) return 'authorization_code'
    if (this.#options.client && supported?.includes('client_credentials')) return 'client_credentials'
    if (this.#options.redirect) return 'authorization_code'
    if (this.#options.client) return 'client_credentials'
    throw new OAuthClientError('interaction_required', `${discovery.issuer} needs the user to sign in, and this client has no redirect handler (pass redirect: loopbackRedirect())`)
  }

  /** The client id and authentication at this authorization server, in the spec's order. */
  async #register(discovery: Discovery): Promise<{ client: oauth.Client; clientAuth: oauth.ClientAuth; registration: StoredClient }> {
    const { issuer, authorizationServer: as } = discovery
    const pre = this.#options.client
    if (pre) {
      this.#boundIssuer ??= issuer
      if (this.#boundIssuer !== issuer) {
        throw new OAuthClientError('registration_failed', `the pre-registered client ${pre.client_id} belongs to ${this.#boundIssuer}, but the server now names the authorization server ${issuer}`)
      }
      return this.#clientOf({ ...pre }, as, { client_id: pre.client_id, ...(pre.token_endpoint_auth_method ? { token_endpoint_auth_method: pre.token_endpoint_auth_method } : {}) })
    }
    const stored = await this.#store.getClient(issuer)
    if (stored && (stored.client_secret_expires_at === undefined || stored.client_secret_expires_at === 0 || stored.client_secret_expires_at * 1000 > Date.now())) {
      return this.#clientOf(stored, as)
    }
    if (this.#options.clientMetadataUrl && as.client_id_metadata_document_supported === true) {
      return this.#clientOf({ client_id: this.#options.clientMetadataUrl, token_endpoint_auth_method: this.#options.privateKey ? 'private_key_jwt' : 'none' }, as)
    }
    if (!as.registration_endpoint) {
      throw new OAuthClientError('unsupported', `${issuer} offers no client registration and no client id was given (pass client: { client_id } or clientMetadataUrl)`)
    }
    const supported = (as.token_endpoint_auth_methods_supported as string[] | undefined) ?? ['client_secret_basic']
    const method = this.#options.privateKey && supported.includes('private_key_jwt') ? 'private_key_jwt' : (['none', 'client_secret_basic', 'client_secret_post'].find((m) => supported.includes(m)) ?? 'none')
    const redirectUrl = this.#options.redirect ? await this.#options.redirect.prepare() : undefined
    const metadata: Partial<oauth.OmitSymbolProperties<oauth.Client>> = {
      client_name: this.#options.clientName ?? 'Plugboard MCP client',
      ...(redirectUrl ? { redirect_uris: [redirectUrl], response_types: ['code'], grant_types: ['authorization_code', 'refresh_token'] } : { grant_types: ['client_credentials'] }),
      token_endpoint_auth_method: method,
      application_type: this.#options.applicationType ?? (redirectUrl === undefined || isLoopback(redirectUrl) || !redirectUrl.startsWith('http') ? 'native' : 'web'),
      ...(this.#options.dpop ? { dpop_bound_access_tokens: false } : {}),
      ...this.#options.clientMetadata,
    }
    let registered: { client_id: string; [field: string]: unknown }
    try {
      const response = await oauth.dynamicClientRegistrationRequest(as, metadata, this.#requestOptions(as.registration_endpoint))
      registered = await registrationResponse(response)
    } catch (error) {
      if (error instanceof OAuthClientError) throw error
      throw new OAuthClientError('registration_failed', `registration with ${issuer} failed: ${describe(error)}`, { cause: error })
    }
    const client: StoredClient = {
      client_id: registered.client_id,
      ...(typeof registered.client_secret === 'string' ? { client_secret: registered.client_secret } : {}),
      token_endpoint_auth_method: typeof registered.token_endpoint_auth_method === 'string' ? registered.token_endpoint_auth_method : method,
      ...(typeof registered.client_secret_expires_at === 'number' ? { client_secret_expires_at: registered.client_secret_expires_at } : {}),
    }
    await this.#store.setClient(issuer, client)
    return this.#clientOf(client, as)
  }

  async #clientOf(stored: StoredClient | PreRegisteredClient, as: oauth.AuthorizationServer, registration?: StoredClient): Promise<{ client: oauth.Client; clientAuth: oauth.ClientAuth; registration: StoredClient }> {
    const { client, clientAuth } = await this.#authOf(stored, as)
    return { client, clientAuth, registration: registration ?? { ...stored, token_endpoint_auth_method: client.token_endpoint_auth_method as string } }
  }

  async #authOf(stored: StoredClient | PreRegisteredClient, as: oauth.AuthorizationServer): Promise<{ client: oauth.Client; clientAuth: oauth.ClientAuth }> {
    const supported = as.token_endpoint_auth_methods_supported as string[] | undefined
    const method =
      stored.token_endpoint_auth_method ??
      (stored.client_secret === undefined ? (this.#options.privateKey ? 'private_key_jwt' : 'none') : supported && !supported.includes('client_secret_basic') && supported.includes('client_secret_post') ? 'client_secret_post' : 'client_secret_basic')
    const client: oauth.Client = { client_id: stored.client_id, token_endpoint_auth_method: method }
    const secret = stored.client_secret
    switch (method) {
      case 'client_secret_basic':
        if (secret === undefined) throw new OAuthClientError('registration_failed', `client ${stored.client_id} uses client_secret_basic but has no secret`)
        return { client, clientAuth: clientSecretBasic(secret) }
      case 'client_secret_post':
        if (secret === undefined) throw new OAuthClientError('registration_failed', `client ${stored.client_id} uses client_secret_post but has no secret`)
        return { client, clientAuth: oauth.ClientSecretPost(secret) }
      case 'private_key_jwt': {
        const key = this.#options.privateKey
        if (key === undefined) throw new OAuthClientError('registration_failed', `client ${stored.client_id} uses private_key_jwt but no privateKey was given`)
        const alg = this.#options.privateKeyAlg ?? 'ES256'
        const privateKey = typeof key === 'string' ? await importPKCS8(key, alg) : key
        return { client, clientAuth: oauth.PrivateKeyJwt({ key: privateKey as CryptoKey, kid: undefined }) }
      }
      case 'none':
        return { client, clientAuth: oauth.None() }
      default:
        throw new OAuthClientError('unsupported', `token endpoint authentication ${method} is not supported`)
    }
  }

  async #dpopFor(as: oauth.AuthorizationServer): Promise<oauth.DPoPHandle | undefined> {
    if (!this.#options.dpop) return undefined
    const algs = as.dpop_signing_alg_values_supported
    if (!Array.isArray(algs) || !algs.includes('ES256')) return undefined
    this.#dpop ??= dpopKey(this.#options.dpop === true ? undefined : this.#options.dpop)
    const key = await this.#dpop
    this.#dpopHandle ??= oauth.DPoP({}, key.keyPair)
    return this.#dpopHandle
  }

  /** Runs a token request, once more with the authorization server's DPoP nonce when it asks for one (RFC 9449 §8). */
  async #tokenRequest(session: Session, send: (dpop: oauth.DPoPHandle | undefined) => Promise<oauth.TokenEndpointResponse>): Promise<oauth.TokenEndpointResponse> {
    const dpop = await this.#dpopFor(session.discovery.authorizationServer)
    try {
      try {
        return await send(dpop)
      } catch (error) {
        if (dpop && oauth.isDPoPNonceError(error)) return await send(dpop)
        throw error
      }
    } catch (error) {
      if (error instanceof OAuthClientError) throw error
      throw new OAuthClientError('token_failed', `the token endpoint of ${session.discovery.issuer} refused: ${describe(error)}`, { cause: error })
    }
  }

  async #authorizationCode(session: Session, scope: string): Promise<oauth.TokenEndpointResponse> {
    const { authorizationServer: as, issuer, resource } = session.discovery
    const redirect = this.#options.redirect
    if (!redirect) throw new OAuthClientError('interaction_required', `${issuer} needs the user to sign in, and this client has no redirect handler`)
    const methods = as.code_challenge_methods_supported
    if (!Array.isArray(methods) || !methods.includes('S256')) {
      throw new OAuthClientError('unsupported', `${issuer} does not advertise PKCE with S256 (code_challenge_methods_supported), which MCP requires; refusing to authorize`)
    }
    if (!as.authorization_endpoint) throw new OAuthClientError('invalid_metadata', `${issuer} has no authorization_endpoint`)
    const redirectUri = await redirect.prepare()
    const verifier = oauth.generateRandomCodeVerifier()
    const state = oauth.generateRandomState()
    const url = new URL(as.authorization_endpoint)
    url.searchParams.set('response_type', 'code')
    url.searchParams.set('client_id', session.client.client_id)
    url.searchParams.set('redirect_uri', redirectUri)
    url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier))
    url.searchParams.set('code_challenge_method', 'S256')
    url.searchParams.set('state', state)
    url.searchParams.set('resource', resource)
    if (scope) url.searchParams.set('scope', scope)
    const callback = await redirect.authorize(url)
    let params: URLSearchParams
    try {
      // Checks state, the error response, and `iss` against the recorded issuer by simple string comparison (RFC 9207).
      params = oauth.validateAuthResponse(as, session.client, callback, state)
    } catch (error) {
      throw new OAuthClientError('authorization_failed', `the authorization response was refused: ${describe(error)}`, { cause: error })
    }
    return this.#tokenRequest(session, async (DPoP) => {
      const response = await oauth.authorizationCodeGrantRequest(as, session.client, session.clientAuth, params, redirectUri, verifier, {
        ...this.#requestOptions(as.token_endpoint),
        additionalParameters: { resource },
        ...(DPoP ? { DPoP } : {}),
      })
      return oauth.processAuthorizationCodeResponse(as, session.client, response)
    })
  }

  async #clientCredentials(session: Session, scope: string): Promise<oauth.TokenEndpointResponse> {
    const { authorizationServer: as, resource } = session.discovery
    return this.#tokenRequest(session, async (DPoP) => {
      const parameters: Record<string, string> = { resource, ...(scope ? { scope } : {}) }
      const response = await oauth.clientCredentialsGrantRequest(as, session.client, session.clientAuth, parameters, { ...this.#requestOptions(as.token_endpoint), ...(DPoP ? { DPoP } : {}) })
      return oauth.processClientCredentialsResponse(as, session.client, response)
    })
  }

  async #jwtBearer(session: Session, scope: string): Promise<oauth.TokenEndpointResponse> {
    const { authorizationServer: as, issuer, resource } = session.discovery
    const assertionOf = this.#options.jwtBearer
    if (!assertionOf) throw new OAuthClientError('unsupported', 'the jwt-bearer grant needs a jwtBearer assertion provider')
    if (!as.token_endpoint) throw new OAuthClientError('invalid_metadata', `${issuer} has no token_endpoint`)
    const assertion = await assertionOf({ issuer, tokenEndpoint: as.token_endpoint, resource, ...(scope ? { scope } : {}), fetch: this.#fetch })
    // RFC 7523: a refused assertion is final; the grant is not retried and no other grant is tried.
    return this.#tokenRequest(session, async (DPoP) => {
      const parameters: Record<string, string> = { assertion, resource, ...(scope ? { scope } : {}) }
      const response = await oauth.genericTokenEndpointRequest(as, session.client, session.clientAuth, JWT_BEARER, parameters, { ...this.#requestOptions(as.token_endpoint), ...(DPoP ? { DPoP } : {}) })
      return oauth.processGenericTokenEndpointResponse(as, session.client, response)
    })
  }

  async #refresh(session: Session): Promise<void> {
    const refreshToken = session.tokens?.refresh_token
    if (!refreshToken) throw new OAuthClientError('token_failed', 'no refresh token')
    const { authorizationServer: as, resource } = session.discovery
    try {
      const tokens = await this.#tokenRequest(session, async (DPoP) => {
        const response = await oauth.refreshTokenGrantRequest(as, session.client, session.clientAuth, refreshToken, {
          ...this.#requestOptions(as.token_endpoint),
          additionalParameters: { resource },
          ...(DPoP ? { DPoP } : {}),
        })
        return oauth.processRefreshTokenResponse(as, session.client, response)
      })
      // A refresh response without a new refresh token keeps the old one (RFC 6749 §6).
      await this.#save(session, tokens, refreshToken)
    } catch (error) {
      session.tokens = undefined
      await this.#store.deleteTokens({ issuer: session.discovery.issuer, resource })
      throw error
    }
  }

  async #save(session: Session, response: oauth.TokenEndpointResponse, previousRefresh?: string): Promise<void> {
    const dpop = response.token_type === 'dpop' ? await this.#dpop : undefined
    const tokens: StoredTokens = {
      access_token: response.access_token,
      token_type: response.token_type === 'dpop' ? 'DPoP' : 'Bearer',
      ...(response.refresh_token ? { refresh_token: response.refresh_token } : previousRefresh ? { refresh_token: previousRefresh } : {}),
      ...(response.scope ? { scope: response.scope } : session.requested.size > 0 ? { scope: [...session.requested].join(' ') } : {}),
      ...(typeof response.expires_in === 'number' ? { expires_at: Date.now() + response.expires_in * 1000 } : {}),
      ...(dpop ? { dpop_jkt: dpop.thumbprint } : {}),
      client: session.registration,
    }
    session.tokens = tokens
    await this.#store.setTokens({ issuer: session.discovery.issuer, resource: session.discovery.resource }, tokens)
  }
}

/**
 * A Dynamic Client Registration response (RFC 7591 §3.2.1), read leniently: a 200 or 201 with a
 * JSON object naming a `client_id`. (Some servers leave out `client_secret_expires_at`, which the
 * RFC asks for with a secret; that costs nothing here.)
 */
async function registrationResponse(response: Response): Promise<{ client_id: string; [field: string]: unknown }> {
  const body = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined
  if (response.status !== 201 && response.status !== 200) {
    const reason = typeof body?.error === 'string' ? `${body.error}${typeof body.error_description === 'string' ? `: ${body.error_description}` : ''}` : `HTTP ${response.status}`
    throw new OAuthClientError('registration_failed', `registration was refused: ${reason}`)
  }
  if (typeof body?.client_id !== 'string' || body.client_id === '') throw new OAuthClientError('registration_failed', 'the registration response names no client_id')
  return body as { client_id: string }
}

/**
 * `client_secret_basic` (RFC 6749 §2.3.1): HTTP Basic with the client id and secret, each
 * form-urlencoded first. (oauth4webapi's percent-encodes every non-alphanumeric character, `-`
 * included, which servers that skip the decoding step read as a different client id.)
 */
function clientSecretBasic(secret: string): oauth.ClientAuth {
  const form = (value: string) => new URLSearchParams({ v: value }).toString().slice(2)
  return (_as, client, _body, headers) => {
    headers.set('authorization', `Basic ${Buffer.from(`${form(client.client_id)}:${form(secret)}`).toString('base64')}`)
  }
}

/** A short, secret-free description of an oauth4webapi failure. */
function describe(error: unknown): string {
  if (error instanceof oauth.ResponseBodyError) return `${error.error}${error.error_description ? `: ${error.error_description}` : ''} (HTTP ${error.status})`
  if (error instanceof oauth.AuthorizationResponseError) return `${error.error}${error.error_description ? `: ${error.error_description}` : ''}`
  if (error instanceof Error) return error.message
  return String(error)
}

/** The OAuth client of MCP authorization as an `authProvider`; see {@link OAuthProvider}. */
export function oauthProvider(options: OAuthOptions = {}): OAuthProvider {
  return new OAuthProvider(options)
}

/**
 * The Client ID Metadata Document to serve at `clientMetadataUrl` (the URL is the client id): a public
 * native client using authorization code + PKCE with the given redirect URIs.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization#client-id-metadata-documents
 */
export function clientMetadataDocument(options: { clientMetadataUrl: string; clientName: string; redirectUris: string[]; clientUri?: string; logoUri?: string }): Record<string, unknown> {
  return {
    client_id: options.clientMetadataUrl,
    client_name: options.clientName,
    redirect_uris: options.redirectUris,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    ...(options.clientUri ? { client_uri: options.clientUri } : {}),
    ...(options.logoUri ? { logo_uri: options.logoUri } : {}),
  }
}

/**
 * Enterprise-managed authorization (SEP-990, Identity Assertion JWT Authorization Grant): exchanges
 * the user's ID token at the enterprise identity provider (RFC 8693 token exchange) for an ID-JAG
 * addressed to the MCP server's authorization server, for use as the `jwtBearer` assertion.
 */
export function enterpriseAssertion(options: { idpTokenEndpoint: string; idpClientId: string; idpClientSecret?: string; idToken: () => string | Promise<string> }): (context: AssertionContext) => Promise<string> {
  return async (context) => {
    const body = new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      requested_token_type: 'urn:ietf:params:oauth:token-type:id-jag',
      subject_token: await options.idToken(),
      subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
      audience: context.issuer,
      resource: context.resource,
      client_id: options.idpClientId,
      ...(context.scope ? { scope: context.scope } : {}),
      ...(options.idpClientSecret ? { client_secret: options.idpClientSecret } : {}),
    })
    const response = await context.fetch(options.idpTokenEndpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body })
    const json = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined
    if (!response.ok || typeof json?.access_token !== 'string') {
      const reason = typeof json?.error === 'string' ? `${json.error}${typeof json.error_description === 'string' ? `: ${json.error_description}` : ''}` : `HTTP ${response.status}`
      throw new OAuthClientError('token_failed', `the identity provider refused the token exchange: ${reason}`)
    }
    if (json.issued_token_type !== 'urn:ietf:params:oauth:token-type:id-jag') throw new OAuthClientError('token_failed', 'the identity provider did not issue an ID-JAG')
    return json.access_token
  }
}
