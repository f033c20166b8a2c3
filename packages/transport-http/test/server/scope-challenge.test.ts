import { request as httpRequest } from 'node:http'
import { ErrorCode, type AuthInfo, type JSONRPCMessage } from '@plugboard/protocol'
import { McpServer } from '@plugboard/server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AuthenticateHook, McpHandlerOptions } from '../../src/index.js'
import { LATEST, callTool, closeAndCheck, openSession, post, recordHandles, responses, serve, toolText } from './harness.js'
import { expectSpecValid, modernPost, modernRequest } from './modern-harness.js'

beforeEach(recordHandles)
afterEach(closeAndCheck)

const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] })

/** `read` needs `files:read`, `write` needs `files:write`; `runs` counts the handlers that ran. */
function filesServer() {
  const runs: string[] = []
  const server = new McpServer({ name: 'files', version: '1.0.0' })
  server.registerTool('read', { requiredScopes: ['files:read'] }, () => (runs.push('read'), text('contents')))
  server.registerTool('write', { requiredScopes: ['files:write'] }, () => (runs.push('write'), text('written')))
  return { server, runs }
}

/** `Authorization: Bearer <scope>+<scope>`: the token is its scopes. */
function verify(request: Request): AuthInfo | Response {
  const token = /^Bearer (\S+)$/.exec(request.headers.get('authorization') ?? '')?.[1]
  if (!token) return new Response(null, { status: 401, headers: { 'www-authenticate': 'Bearer' } })
  return { token, clientId: 'app', scopes: token.split('+') }
}

/** A hook that can phrase the step-up challenge: scope is the union of what the token has and what the tool needs. */
const withChallenge: AuthenticateHook = Object.assign((request: Request) => verify(request), {
  challenge: (required: string[], auth: AuthInfo) => `Bearer error="insufficient_scope", scope="${[...new Set([...(auth.scopes ?? []), ...required])].join(' ')}"`,
})

const bearer = (...scopes: string[]) => ({ authorization: `Bearer ${scopes.join('+')}` })

async function errorOf(response: Response): Promise<{ code: number; message: string; data?: unknown }> {
  const [message] = await responses(response)
  return (message as { error: { code: number; message: string; data?: unknown } }).error
}

describe('a tools/call refused for scope, over Streamable HTTP with an authenticate hook that has challenge()', () => {
  it('answers a legacy session POST with a JSON body 403 and the hook\'s challenge, the JSON-RPC error in the body', async () => {
    const { server, runs } = filesServer()
    const { url } = await serve({ authenticate: withChallenge, enableJsonResponse: true }, server)
    const { headers, sessionId } = await openSession(url, { headers: bearer('files:read') })
    expect(toolText((await responses(await post(url, callTool(1, 'read'), headers)))[0])).toBe('contents')
    const refused = await post(url, callTool(2, 'write'), headers)
    expect(refused.status).toBe(403)
    expect(refused.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope", scope="files:read files:write"')
    expect(refused.headers.get('mcp-session-id')).toBe(sessionId)
    expect(await refused.json()).toEqual({
      jsonrpc: '2.0',
      id: 2,
      error: { code: ErrorCode.InvalidRequest, message: expect.stringContaining('files:write'), data: { requiredScopes: ['files:write'] } },
    })
    expect(runs).toEqual(['read'])
    // Stepped up (same client, more scopes): the session goes on.
    expect(toolText((await responses(await post(url, callTool(3, 'write'), { ...headers, ...bearer('files:read', 'files:write') })))[0])).toBe('written')
  })

  it('answers a stateless JSON POST 403 the same way', async () => {
    const { server, runs } = filesServer()
    const { url } = await serve({ authenticate: withChallenge, stateless: true, enableJsonResponse: true }, server)
    const refused = await post(url, callTool(1, 'write'), { ...bearer('files:read'), 'mcp-protocol-version': LATEST })
    expect(refused.status).toBe(403)
    expect(refused.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope", scope="files:read files:write"')
    expect(await errorOf(refused)).toMatchObject({ code: ErrorCode.InvalidRequest, data: { requiredScopes: ['files:write'] } })
    expect(runs).toEqual([])
  })

  it('answers a 2026-07-28 POST 403 (SSE allowed, but nothing was streamed yet), its body valid against the 2026-07-28 schema', async () => {
    const { server } = filesServer()
    const { url } = await serve({ authenticate: withChallenge }, server)
    const message = modernRequest(1, 'tools/call', { name: 'write', arguments: {} })
    const refused = await modernPost(url, message, bearer('files:read'))
    expect(refused.status).toBe(403)
    expect(refused.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope", scope="files:read files:write"')
    const body = (await refused.json()) as JSONRPCMessage
    expectSpecValid(body, 'tools/call')
    expect(body).toMatchObject({ id: 1, error: { code: ErrorCode.InvalidRequest, data: { requiredScopes: ['files:write'] } } })
    const served = await modernPost(url, message, bearer('files:write'))
    expect(served.status).toBe(200)
    expect(toolText((await responses(served))[0])).toBe('written')
  })

  it('sends the JSON-RPC error on the stream when the POST is answered with SSE (the 200 is already sent)', async () => {
    const { server, runs } = filesServer()
    const { url } = await serve({ authenticate: withChallenge }, server)
    const { headers } = await openSession(url, { headers: bearer('files:read') })
    const streamed = await post(url, callTool(1, 'write'), headers)
    expect(streamed.status).toBe(200)
    expect(streamed.headers.get('content-type')).toBe('text/event-stream')
    const error = await errorOf(streamed)
    expect(error).toMatchObject({ code: ErrorCode.InvalidRequest, data: { requiredScopes: ['files:write'] } })
    expect(error.message).toMatch(/write.*files:write/)
    expect(runs).toEqual([])
  })
})

describe.each<[string, McpHandlerOptions]>([
  ['an authenticate hook without challenge()', { authenticate: verify, enableJsonResponse: true }],
  ['no authenticate hook', { enableJsonResponse: true }],
])('with %s', (_name, options) => {
  it('answers 200: a refusal stays a JSON-RPC error, and a request nobody authenticated is not checked', async () => {
    const { server, runs } = filesServer()
    const { url } = await serve(options, server)
    const { headers } = await openSession(url, { headers: bearer('files:read') })
    const answer = await post(url, callTool(1, 'write'), headers)
    expect(answer.status).toBe(200)
    if (options.authenticate) {
      expect(await errorOf(answer)).toMatchObject({ code: ErrorCode.InvalidRequest, data: { requiredScopes: ['files:write'] } })
      expect(runs).toEqual([])
    } else {
      expect(toolText((await responses(answer))[0])).toBe('written')
      expect(runs).toEqual(['write'])
    }
  })
})

describe('onRequest and the path option', () => {
  const WELL_KNOWN = '/.well-known/oauth-protected-resource/mcp'
  const metadata = (request: Request) => (new URL(request.url).pathname === WELL_KNOWN ? Response.json({ resource: 'mcp' }) : undefined)

  it('runs onRequest before the path check, so a hook serves the well-known route beside path /mcp', async () => {
    const { origin, url } = await serve({ path: '/mcp', onRequest: metadata, authenticate: withChallenge })
    const served = await fetch(`${origin}${WELL_KNOWN}`)
    expect(served.status).toBe(200)
    expect(await served.json()).toEqual({ resource: 'mcp' })
    // Any other path is still not the endpoint; the endpoint still authenticates.
    const elsewhere = await fetch(`${origin}/other`)
    expect(elsewhere.status).toBe(404)
    await elsewhere.body?.cancel()
    const unauthenticated = await post(url, callTool(1, 'read'))
    expect(unauthenticated.status).toBe(401)
  })

  it('still refuses a foreign Host before onRequest runs', async () => {
    let calls = 0
    const { port } = await serve({ path: '/mcp', onRequest: () => void calls++ })
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: WELL_KNOWN, headers: { host: 'evil.example' } }, (res) => {
        res.resume()
        resolve(res.statusCode!)
      })
      req.on('error', reject)
      req.end()
    })
    expect(status).toBe(403)
    expect(calls).toBe(0)
  })
})
