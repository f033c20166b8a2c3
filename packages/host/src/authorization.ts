import { homedir } from 'node:os'
import { join } from 'node:path'
// Types only: the OAuth client itself is loaded on first use, so a host with no HTTP server never loads it.
import type { OAuthClientError, RedirectHandler, StoredTokens, TokenStore } from '@plugboard/auth/client'
import type { AuthProvider } from '@plugboard/transport-http'
import type { HttpServerConfig, OAuthServerConfig } from './config.js'

/** The `authorization` option of a `ServerManager`: how the host signs in to HTTP servers that ask for OAuth. */
export interface AuthorizationOptions {
  /**
   * Where tokens and client registrations are kept, for every server: a file (created 0600) or a
   * `TokenStore` of `@plugboard/auth/client`. Default {@link defaultTokenStorePath}.
   */
  tokenStore?: string | TokenStore
  /**
   * Shows the user the authorization server's sign-in page. Default: prints
   * `Open this URL to sign in: <url>` on stderr and opens the system browser.
   */
  open?: (request: { server: string; url: URL }) => void | Promise<void>
  /** The client name the authorization server shows, unless a server's `oauth.clientName` says otherwise. Default `Plugboard host`. */
  clientName?: string
  /**
   * Sign in as soon as a server asks for it while connecting (the server is `authorizing`
   * meanwhile). Default true; false leaves it `unauthorized` until `login(name)`.
   */
  signInOnConnect?: boolean
  /** How long a sign-in waits for the browser to come back (300 000 ms). */
  timeoutMs?: number
}

/**
 * The default token store: `$XDG_CONFIG_HOME/plugboard/tokens.json`, else
 * `~/.config/plugboard/tokens.json`, beside the consent store.
 */
export function defaultTokenStorePath(env: Record<string, string | undefined> = process.env): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'plugboard', 'tokens.json')
}

/** Whether the host runs OAuth for this server: unless `oauth: false`, or (with `oauth` unset) `headers` carries an Authorization header of its own. */
export function usesOAuth(config: HttpServerConfig): boolean {
  if (config.oauth !== undefined) return config.oauth !== false
  return !Object.keys(config.headers).some((name) => name.toLowerCase() === 'authorization')
}

type AuthClient = typeof import('@plugboard/auth/client')
let loaded: Promise<AuthClient> | undefined
const authClient = (): Promise<AuthClient> => (loaded ??= import('@plugboard/auth/client'))

/** Opens the host's token store (nothing is read or written until a server asks for authorization). */
export async function openTokenStore(store: string | TokenStore | undefined): Promise<TokenStore> {
  if (store !== undefined && typeof store !== 'string') return store
  const { fileTokenStore } = await authClient()
  return fileTokenStore(store ?? defaultTokenStorePath())
}

/** One HTTP server's OAuth client, as the manager holds it across reconnections. */
export interface ServerAuthorization {
  /** The `Authorization` header of a request (refreshing an expiring token first). */
  headers: NonNullable<AuthProvider['headers']>
  /**
   * Handles the server's refusal: a stored or refreshed token, or a new registration, but never the
   * user — where a person must sign in it rejects with `OAuthClientError('interaction_required')`.
   */
  onUnauthorized: (challenge: Parameters<NonNullable<AuthProvider['onUnauthorized']>>[0]) => Promise<void>
  /** Signs in now, through the browser. A second call while one runs joins it. */
  login(): Promise<void>
  /** Forgets the server's tokens (revoking them where the authorization server allows). */
  logout(): Promise<void>
  tokens(): StoredTokens | undefined
  isOAuthError(error: unknown): error is OAuthClientError
  /** Stops the loopback listener, failing a sign-in that waits on it. */
  close(): Promise<void>
}

/** Builds the OAuth client of one server: `oauthProvider` of `@plugboard/auth/client` over a loopback redirect. */
export async function serverAuthorization(options: {
  server: string
  url: string
  oauth: OAuthServerConfig
  store: TokenStore
  clientName?: string
  open?: AuthorizationOptions['open']
  timeoutMs?: number
}): Promise<ServerAuthorization> {
  const { server, url, oauth, open } = options
  const { oauthProvider, loopbackRedirect, OAuthClientError } = await authClient()
  let interactive = false
  let loopback: RedirectHandler | undefined
  const listener = () =>
    (loopback ??= loopbackRedirect({
      ...(oauth.callbackPort !== undefined ? { port: oauth.callbackPort } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(open ? { open: (authorizationUrl: URL) => open({ server, url: authorizationUrl }) } : {}),
    }))
  const closeListener = async () => {
    const closing = loopback
    loopback = undefined
    await closing?.close()
  }
  const redirect: RedirectHandler = {
    get redirectUrl() {
      return listener().redirectUrl
    },
    prepare: () => listener().prepare(),
    authorize: (authorizationUrl, authorizeOptions) => {
      // Outside login() nobody waits on a person: the request fails as unauthorized, and the
      // manager signs in apart from it, so no request or connect timeout runs out meanwhile.
      if (!interactive) return Promise.reject(new OAuthClientError('interaction_required', `Server "${server}" needs you to sign in`))
      return listener().authorize(authorizationUrl, authorizeOptions)
    },
    close: closeListener,
  }
  const provider = oauthProvider({
    clientName: oauth.clientName ?? options.clientName ?? 'Plugboard host',
    redirect,
    store: options.store,
    ...(oauth.scope !== undefined ? { scope: oauth.scope } : {}),
    ...(oauth.clientId !== undefined ? { client: { client_id: oauth.clientId, ...(oauth.clientSecret !== undefined ? { client_secret: oauth.clientSecret } : {}) } } : {}),
    ...(oauth.clientMetadataUrl !== undefined ? { clientMetadataUrl: oauth.clientMetadataUrl } : {}),
  })
  let signingIn: Promise<void> | undefined
  const signIn = async () => {
    interactive = true
    try {
      await provider.login(url)
    } finally {
      interactive = false
      signingIn = undefined
      // The redirect came back (or never will): nothing should listen for another.
      await closeListener()
    }
  }
  return {
    headers: (request) => provider.headers(request),
    onUnauthorized: (challenge) => provider.onUnauthorized(challenge),
    login: () => (signingIn ??= signIn()),
    logout: () => provider.logout(url),
    tokens: () => provider.tokens(url),
    isOAuthError: (error): error is OAuthClientError => error instanceof OAuthClientError,
    close: closeListener,
  }
}
