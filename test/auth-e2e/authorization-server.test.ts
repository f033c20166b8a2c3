// The oidc-provider fixture the auth end-to-end tests run against, proven with oauth4webapi (a
// certified RP library, not our client): discovery, Dynamic Client Registration of a native public
// client, authorization code + PKCE S256 with a resource indicator, RFC 9207 `iss`, JWT access
// tokens for the resource, refresh rotation, revocation, DPoP. Each test starts and closes its own
// server and ends with no socket, server or timer left.
import { calculateJwkThumbprint, createLocalJWKSet, decodeJwt, exportJWK, jwtVerify, type JSONWebKeySet } from 'jose'
import * as oauth from 'oauth4webapi'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { expectNoLeaks, resourceBaseline } from '../../packages/transport-http/test/client/helpers.js'
import { startAuthorizationServer, type AuthorizationServerOptions, type TestAuthorizationServer } from './authorization-server.js'

const RESOURCE = 'http://127.0.0.1:4000/mcp'
const REDIRECT_URI = 'http://127.0.0.1:33333/callback'
// The fixture speaks plain http on 127.0.0.1; oauth4webapi insists on https unless told otherwise.
const insecure = { [oauth.allowInsecureRequests]: true } as const

let baseline: Record<string, number>
let started: TestAuthorizationServer | undefined

beforeEach(() => {
  baseline = resourceBaseline()
})

afterEach(async () => {
  await started?.close()
  started = undefined
  await expectNoLeaks(baseline)
})

async function start(options: Partial<AuthorizationServerOptions> = {}): Promise<TestAuthorizationServer> {
  started = await startAuthorizationServer({ resource: RESOURCE, scopes: ['mcp:read', 'mcp:write'], ...options })
  return started
}

async function discover(as: TestAuthorizationServer): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(as.issuer)
  return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }))
}

async function registerNativeClient(server: oauth.AuthorizationServer): Promise<oauth.Client> {
  const response = await oauth.dynamicClientRegistrationRequest(
    server,
    {
      client_name: 'plugboard e2e',
      application_type: 'native',
      redirect_uris: [REDIRECT_URI],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    },
    insecure,
  )
  return oauth.processDynamicClientRegistrationResponse(response)
}

interface Flow {
  server: oauth.AuthorizationServer
  client: oauth.Client
  tokens: oauth.TokenEndpointResponse
  callback: URL
}

/** Discovery, registration, the user's approval and the code exchange, as an MCP client would do them. */
async function authorize(
  as: TestAuthorizationServer,
  { scope = 'mcp:read offline_access', redirectUri = REDIRECT_URI, DPoP }: { scope?: string; redirectUri?: string; DPoP?: oauth.DPoPHandle } = {},
): Promise<Flow> {
  const server = await discover(as)
  const client = await registerNativeClient(server)
  const verifier = oauth.generateRandomCodeVerifier()
  const state = oauth.generateRandomState()
  const url = new URL(server.authorization_endpoint!)
  url.search = new URLSearchParams({
    client_id: client.client_id,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope,
    resource: RESOURCE,
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  }).toString()

  const callback = await as.approve(url, { subject: 'ada' })
  const params = oauth.validateAuthResponse(server, client, callback, state)
  const response = await oauth.authorizationCodeGrantRequest(server, client, oauth.None(), params, redirectUri, verifier, {
    additionalParameters: { resource: RESOURCE },
    DPoP,
    ...insecure,
  })
  return { server, client, callback, tokens: await oauth.processAuthorizationCodeResponse(server, client, response) }
}

async function verifyAccessToken(as: TestAuthorizationServer, token: string) {
  const jwks = (await (await fetch(as.jwksUrl)).json()) as JSONWebKeySet
  return jwtVerify(token, createLocalJWKSet(jwks), { issuer: as.issuer, audience: RESOURCE, typ: 'at+jwt', algorithms: ['ES256'] })
}

async function introspect({ server, client }: Flow, token: string): Promise<oauth.IntrospectionResponse> {
  return oauth.processIntrospectionResponse(server, client, await oauth.introspectionRequest(server, client, oauth.None(), token, insecure))
}

describe('the oidc-provider test authorization server', () => {
  it('publishes RFC 8414 metadata with registration, PKCE S256, DPoP, revocation, introspection, RFC 9207 iss and the resource scopes', async () => {
    const as = await start()
    expect(as.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)

    const server = await discover(as)

    expect(server.issuer).toBe(as.issuer)
    expect(server.jwks_uri).toBe(as.jwksUrl)
    expect(server.registration_endpoint).toBeDefined()
    expect(server.revocation_endpoint).toBeDefined()
    expect(server.introspection_endpoint).toBeDefined()
    expect(server.code_challenge_methods_supported).toEqual(['S256'])
    expect(server.authorization_response_iss_parameter_supported).toBe(true)
    expect(server.dpop_signing_alg_values_supported).toContain('ES256')
    expect(server.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token']))
    expect(server.scopes_supported).toEqual(expect.arrayContaining(['openid', 'offline_access', 'mcp:read', 'mcp:write']))
  })

  it('registers a native public client with a loopback redirect URI and no client secret', async () => {
    const as = await start()

    const client = await registerNativeClient(await discover(as))

    expect(client.client_id).toEqual(expect.any(String))
    expect(client.client_secret).toBeUndefined()
    expect(client.token_endpoint_auth_method).toBe('none')
    expect(client.redirect_uris).toEqual([REDIRECT_URI])
  })

  it('runs the authorization code flow with PKCE S256 and issues a JWT access token for the resource', async () => {
    const as = await start()

    const { callback, tokens } = await authorize(as)

    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT_URI)
    expect(callback.searchParams.get('iss')).toBe(as.issuer)
    expect(tokens.token_type).toBe('bearer')
    // oidc-provider echoes the access token's scope, which holds only the resource's scopes.
    expect(tokens.scope).toBe('mcp:read')
    expect(tokens.refresh_token).toEqual(expect.any(String))
    const { payload } = await verifyAccessToken(as, tokens.access_token)
    expect(payload).toMatchObject({ aud: RESOURCE, sub: 'ada', scope: 'mcp:read' })
    expect(payload.exp! - payload.iat!).toBe(3600)
  })

  it('accepts any port on a loopback redirect URI for a native client (RFC 8252 §7.3)', async () => {
    const as = await start()

    const { callback } = await authorize(as, { redirectUri: 'http://127.0.0.1:44444/callback' })

    expect(callback.port).toBe('44444')
    expect(callback.searchParams.get('code')).toEqual(expect.any(String))
  })

  it('issues a refresh token to a public PKCE client that did not ask for offline_access', async () => {
    const as = await start()

    const { tokens } = await authorize(as, { scope: 'mcp:read mcp:write' })

    expect(tokens.refresh_token).toEqual(expect.any(String))
    expect(tokens.scope).toBe('mcp:read mcp:write')
  })

  it('issues access tokens with the configured lifetime and resolves a lazily given resource', async () => {
    let resource = 'http://127.0.0.1:1/not-yet'
    const as = await start({ accessTokenTtl: 5, resource: () => resource })
    resource = RESOURCE

    const { tokens } = await authorize(as)

    const payload = decodeJwt(tokens.access_token)
    expect(payload.aud).toBe(RESOURCE)
    expect(payload.exp! - payload.iat!).toBe(5)
    expect(tokens.expires_in).toBe(5)
  })

  it('refreshes with the refresh token grant and rotates the refresh token', async () => {
    const as = await start()
    const flow = await authorize(as)
    const { server, client } = flow

    const response = await oauth.refreshTokenGrantRequest(server, client, oauth.None(), flow.tokens.refresh_token!, {
      additionalParameters: { resource: RESOURCE },
      ...insecure,
    })
    const refreshed = await oauth.processRefreshTokenResponse(server, client, response)

    expect(refreshed.refresh_token).toEqual(expect.any(String))
    expect(refreshed.refresh_token).not.toBe(flow.tokens.refresh_token)
    expect((await verifyAccessToken(as, refreshed.access_token)).payload).toMatchObject({ aud: RESOURCE, scope: 'mcp:read' })
    expect((await introspect(flow, flow.tokens.refresh_token!)).active).toBe(false)
  })

  it('revoke() withdraws the grant: introspection then says inactive and the refresh grant fails', async () => {
    const as = await start()
    const flow = await authorize(as)
    const refreshToken = flow.tokens.refresh_token!
    expect(await introspect(flow, refreshToken)).toMatchObject({ active: true, client_id: flow.client.client_id, sub: 'ada' })

    await as.revoke(flow.tokens.access_token)

    expect((await introspect(flow, refreshToken)).active).toBe(false)
    const response = await oauth.refreshTokenGrantRequest(flow.server, flow.client, oauth.None(), refreshToken, insecure)
    await expect(oauth.processRefreshTokenResponse(flow.server, flow.client, response)).rejects.toMatchObject({ error: 'invalid_grant' })
    await expect(as.revoke(refreshToken)).rejects.toThrow(/did not issue/)
  })

  it('binds the tokens to a DPoP key: token_type DPoP and cnf.jkt in the JWT', async () => {
    const as = await start()
    const keyPair = await oauth.generateKeyPair('ES256')
    const server = await discover(as)
    const DPoP = oauth.DPoP({}, keyPair)

    const flow = await authorize(as, { DPoP })

    expect(flow.tokens.token_type).toBe('dpop')
    const { payload } = await verifyAccessToken(as, flow.tokens.access_token)
    expect(payload.cnf).toEqual({ jkt: await calculateJwkThumbprint(await exportJWK(keyPair.publicKey)) })
    const response = await oauth.refreshTokenGrantRequest(server, flow.client, oauth.None(), flow.tokens.refresh_token!, { DPoP, ...insecure })
    expect((await oauth.processRefreshTokenResponse(server, flow.client, response)).token_type).toBe('dpop')
  })

  it('redirects with error=access_denied when the user refuses consent', async () => {
    const as = await start()
    const server = await discover(as)
    const client = await registerNativeClient(server)
    const url = new URL(server.authorization_endpoint!)
    url.search = new URLSearchParams({
      client_id: client.client_id,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'mcp:read',
      resource: RESOURCE,
      state: 'xyz',
      code_challenge: await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()),
      code_challenge_method: 'S256',
    }).toString()

    const callback = await as.approve(url, { deny: true })

    expect(callback.searchParams.get('error')).toBe('access_denied')
    expect(callback.searchParams.get('state')).toBe('xyz')
    expect(callback.searchParams.get('iss')).toBe(as.issuer)
  })

  it('refuses an authorization request without an S256 PKCE challenge', async () => {
    const as = await start()
    const server = await discover(as)
    const client = await registerNativeClient(server)
    const url = new URL(server.authorization_endpoint!)
    const base = { client_id: client.client_id, redirect_uri: REDIRECT_URI, response_type: 'code', scope: 'mcp:read', resource: RESOURCE }

    url.search = new URLSearchParams(base).toString()
    const withoutPkce = await as.approve(url)
    url.search = new URLSearchParams({ ...base, code_challenge: oauth.generateRandomCodeVerifier(), code_challenge_method: 'plain' }).toString()
    const withPlain = await as.approve(url)

    expect(withoutPkce.searchParams.get('error')).toBe('invalid_request')
    expect(withPlain.searchParams.get('error')).toBe('invalid_request')
  })

  it('refuses a resource other than the configured one with invalid_target', async () => {
    const as = await start()
    const server = await discover(as)
    const client = await registerNativeClient(server)
    const url = new URL(server.authorization_endpoint!)
    url.search = new URLSearchParams({
      client_id: client.client_id,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'mcp:read',
      resource: 'http://127.0.0.1:4000/other',
      code_challenge: await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()),
      code_challenge_method: 'S256',
    }).toString()

    const callback = await as.approve(url)

    expect(callback.searchParams.get('error')).toBe('invalid_target')
  })

  it('issues opaque access tokens on request, which a confidential resource server can introspect', async () => {
    const as = await start({ accessTokenFormat: 'opaque' })
    const flow = await authorize(as)
    const registered = await oauth.dynamicClientRegistrationRequest(
      flow.server,
      { client_name: 'mcp resource server', token_endpoint_auth_method: 'client_secret_basic', grant_types: [], response_types: [], redirect_uris: [] },
      insecure,
    )
    const resourceServer = await oauth.processDynamicClientRegistrationResponse(registered)

    const response = await oauth.introspectionRequest(
      flow.server,
      resourceServer,
      oauth.ClientSecretBasic(resourceServer.client_secret as string),
      flow.tokens.access_token,
      insecure,
    )
    const introspection = await oauth.processIntrospectionResponse(flow.server, resourceServer, response)

    expect(flow.tokens.access_token.split('.')).toHaveLength(1)
    expect(introspection).toMatchObject({ active: true, aud: RESOURCE, scope: 'mcp:read', sub: 'ada', token_type: 'Bearer' })
  })
})
