// A server author's module: what importing @plugboard/server costs the type checker.
import * as z from 'zod'
import { McpServer } from '@plugboard/server'

export const server = new McpServer({ name: 'fixture', version: '1.0.0' })
server.registerTool('echo', { description: 'Echoes its text', inputSchema: { text: z.string() } }, ({ text }) => ({ content: [{ type: 'text', text }] }))
