/**
 * `@plugboard/auth/client`: the OAuth client of MCP authorization, as the `authProvider` of an HTTP
 * client transport, with token stores and the loopback redirect a CLI or host signs in through.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization
 */
export { OAuthProvider, oauthProvider, clientMetadataDocument, enterpriseAssertion, type OAuthOptions, type PreRegisteredClient, type AssertionContext, type AuthRequest, type Challenge } from './oauth.js'
export { OAuthClientError, type OAuthClientErrorCode } from './errors.js'
export {
  discover,
  discoverResourceMetadata,
  discoverAuthorizationServer,
  resourceMetadataUrls,
  authorizationServerMetadataUrls,
  canonicalResource,
  type Discovery,
  type ResourceMetadata,
} from './discovery.js'
export { dpopKey, dpopProof, type DPoPKey } from './dpop.js'
export { memoryTokenStore, fileTokenStore, type TokenStore, type StoredTokens, type StoredClient } from './store.js'
export { loopbackRedirect, headlessRedirect, type RedirectHandler, type LoopbackOptions } from './loopback.js'
