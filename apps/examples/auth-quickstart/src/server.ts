// server.js — MCP endpoint at http://127.0.0.1:3000/mcp, metadata at /.well-known/oauth-protected-resource/mcp
import { createServer } from 'node:http'
import { McpServer } from '@plugboard/server'
import { createMcpHandler, toNodeHandler } from '@plugboard/transport-http'
import { bearerAuth, jwtVerifier, protectedResourceMetadata, protectedResourceMetadataUrl, wellKnownRoute } from '@plugboard/auth'

const resource = 'http://127.0.0.1:3000/mcp'
const issuer = 'https://auth.example.com'
const server = new McpServer({ name: 'demo', version: '1.0.0' })
server.registerTool('whoami', {}, (_args, ctx) => ({ content: [{ type: 'text', text: ctx.authInfo?.clientId ?? '?' }] }))
const handler = createMcpHandler(server, {
  // No `path` option: it would answer 404 on the well-known path before `onRequest` runs.
  onRequest: wellKnownRoute(protectedResourceMetadata({ resource, authorizationServers: [issuer], scopesSupported: ['mcp'] })),
  authenticate: bearerAuth({
    verifyToken: jwtVerifier({ issuer, audience: resource, jwks: new URL(`${issuer}/.well-known/jwks.json`) }),
    resourceMetadataUrl: protectedResourceMetadataUrl(resource),
    requiredScopes: ['mcp'],
  }),
})
createServer(toNodeHandler(handler)).listen(3000, '127.0.0.1')
