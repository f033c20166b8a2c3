import { enterpriseAssertion, headlessRedirect, oauthProvider, type OAuthOptions } from '@plugboard/auth/client'
import { Client } from '@plugboard/client'
import { StreamableHTTPClientTransport } from '@plugboard/transport-http'
import { CLIENT_INFO, versionNegotiation } from './connect.js'

/** The Client ID Metadata Document URL the referee expects a CIMD-capable client to use. */
const CLIENT_METADATA_URL = 'https://conformance-test.local/client-metadata.json'

/** What the referee passes in `MCP_CONFORMANCE_CONTEXT` for the scenarios that need credentials. */
interface AuthContext {
  client_id?: string
  client_secret?: string
  issuer?: string
  private_key_pem?: string
  signing_algorithm?: string
  valid_jwt?: string
  idp_client_id?: string
  idp_id_token?: string
  idp_token_endpoint?: string
}

/**
 * The OAuth client options for a scenario's context: one well-behaved configuration for every
 * `auth/*` scenario, the way an application would set up `@plugboard/auth/client` — a CIMD URL and
 * a redirect (here headless: the referee's authorization server approves at once), DPoP when the
 * authorization server offers it, and whatever credentials the context hands over.
 */
export function authOptions(context: AuthContext): OAuthOptions {
  const options: OAuthOptions = {
    clientName: CLIENT_INFO.name,
    clientMetadataUrl: CLIENT_METADATA_URL,
    redirect: headlessRedirect('http://localhost:3000/callback'),
    dpop: true,
  }
  if (context.client_id) {
    options.client = { client_id: context.client_id, ...(context.client_secret ? { client_secret: context.client_secret } : {}), ...(context.issuer ? { issuer: context.issuer } : {}) }
  }
  if (context.private_key_pem) {
    options.privateKey = context.private_key_pem
    options.privateKeyAlg = context.signing_algorithm ?? 'ES256'
  }
  const assertion = context.valid_jwt
  if (assertion) options.jwtBearer = () => assertion
  const idToken = context.idp_id_token
  if (context.idp_token_endpoint && context.idp_client_id && idToken) {
    options.jwtBearer = enterpriseAssertion({ idpTokenEndpoint: context.idp_token_endpoint, idpClientId: context.idp_client_id, idToken: () => idToken })
  }
  return options
}

/** Every `auth/*` scenario: connect through the OAuth flow, list tools, call `test-tool`, close. */
export async function runAuth(url: URL, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const context = JSON.parse(env.MCP_CONFORMANCE_CONTEXT ?? '{}') as AuthContext
  const client = new Client(CLIENT_INFO, { timeout: 20_000, versionNegotiation: versionNegotiation(env) })
  await client.connect(new StreamableHTTPClientTransport(url, { authProvider: oauthProvider(authOptions(context)) }))
  try {
    await client.listTools()
    const result = await client.callTool({ name: 'test-tool', arguments: {} })
    if (result.isError) throw new Error(`test-tool failed: ${JSON.stringify(result.content)}`)
  } finally {
    await client.close()
  }
}
