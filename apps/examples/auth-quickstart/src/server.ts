// server.ts — run with `node server.ts`: MCP endpoint at http://127.0.0.1:3000/mcp (PORT sets the port), its metadata at /.well-known/oauth-protected-resource/mcp
import { createServer } from 'node:http'
import { McpServer } from '@plugboard/server'
import { createMcpHandler, toNodeHandler } from '@plugboard/transport-http'
import { bearerAuth, jwtVerifier, protectedResourceMetadata, protectedResourceMetadataUrl, wellKnownRoute } from '@plugboard/auth'

const port = Number(process.env.PORT ?? 3000)
const resource = `http://127.0.0.1:${port}/mcp` // what tokens must be issued for (their `aud`)
const issuer = 'https://auth.example.com'
const server = new McpServer({ name: 'files', version: '1.0.0' })
server.registerTool('read_file', { requiredScopes: ['files:read'] }, (_args, ctx) => ({ content: [{ type: 'text', text: `hello ${ctx.auth?.clientId}` }] }))
server.registerTool('write_file', { requiredScopes: ['files:write'] }, () => ({ content: [{ type: 'text', text: 'written' }] }))
const handler = createMcpHandler(server, {
  path: '/mcp',
  onRequest: wellKnownRoute(protectedResourceMetadata({ resource, authorizationServers: [issuer], scopesSupported: ['files:read'] })),
  authenticate: bearerAuth({
    verifyToken: jwtVerifier({ issuer, audience: resource, jwks: new URL(`${issuer}/.well-known/jwks.json`) }),
    resourceMetadataUrl: protectedResourceMetadataUrl(resource),
    dpop: true, // also accept DPoP-bound tokens (RFC 9449)
  }),
})
createServer(toNodeHandler(handler)).listen(port, '127.0.0.1')
