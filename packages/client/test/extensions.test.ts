import { McpServer } from '@plugboard/server'
import { describe, expect, it } from 'vitest'
import { connectToMcpServer } from './mcp-server.js'

// Extension negotiation from the client's side: its own extensions go out under
// capabilities.extensions (initialize, or every modern request's _meta), the server's are read with
// getServerExtension(), and one the client does not know is simply there, unused.

describe('Client and MCP extensions', () => {
  it.each(['legacy', 'modern'] as const)('%s: declares its extensions to the server, and reads those the server declares', async (era) => {
    const seen: unknown[] = []
    const server = new McpServer({ name: 'ext', version: '1.0.0' })
    server.extend({ id: 'com.example/echo', settings: { loud: true }, methods: { 'echo/ping': { handler: (_p, ctx) => (seen.push(ctx.client.capabilities.extensions), {}) } } })
    server.extend({ id: 'org.unknown/thing', settings: { whatever: [1, 2] } })
    const { client } = await connectToMcpServer(server, era, { capabilities: { extensions: { 'com.example/echo': { quiet: true } } } })
    expect(client.getServerExtension('com.example/echo')).toEqual({ loud: true })
    expect(client.getServerExtension('org.unknown/thing')).toEqual({ whatever: [1, 2] })
    expect(client.getServerExtension('com.example/absent')).toBeUndefined()
    await client.request('echo/ping', {})
    expect(seen).toEqual([{ 'com.example/echo': { quiet: true } }])
    await client.close()
  })
})
