// A client answering elicitations with a new schema each time must not keep every compiled schema.
import { Client } from '@plugboard/client'
import { InMemoryTransport } from '@plugboard/protocol/testing'
import { McpServer } from '@plugboard/server'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { compiledSchemaCount, MAX_VALIDATORS } from '../../packages/client/src/json-schema.js'

describe('elicitation schemas on the client', () => {
  it('holds at most MAX_VALIDATORS compiled validators, and ajv none of its own, after 1,000 distinct schemas', async () => {
    const server = new McpServer({ name: 'asker', version: '0.0.0' })
    server.registerTool('ask', { inputSchema: { n: z.number() } }, async ({ n }, ctx) => {
      for (let i = 0; i < n; i++) {
        const field = `field${i}`
        const answer = await ctx.elicit({ mode: 'form', message: `Field ${i}?`, requestedSchema: { type: 'object', properties: { [field]: { type: 'string', minLength: 1 } }, required: [field] } })
        if (answer.action !== 'accept' || answer.content?.[field] !== `value ${i}`) throw new Error(`answer ${i} lost`)
      }
      return { content: [{ type: 'text', text: `asked ${n}` }] }
    })
    const client = new Client(
      { name: 'answerer', version: '0.0.0' },
      { versionNegotiation: { mode: { pin: '2025-11-25' } }, elicitation: { form: (params) => ({ action: 'accept', content: { [Object.keys(params.requestedSchema.properties)[0]!]: `value ${params.message.match(/\d+/)![0]}` } }) } },
    )
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
    await server.connect(serverSide)
    await client.connect(clientSide)
    const before = compiledSchemaCount()
    expect(await client.callTool({ name: 'ask', arguments: { n: 1000 } })).toMatchObject({ content: [{ text: 'asked 1000' }] })
    const after = compiledSchemaCount()
    expect(after.validators).toBeLessThanOrEqual(MAX_VALIDATORS)
    expect(after.ajv).toBe(before.ajv)
    await client.close()
    await server.close()
  })

  it('still rejects an answer that does not match the schema, from a cached validator too', async () => {
    const server = new McpServer({ name: 'asker', version: '0.0.0' })
    const schema = { type: 'object' as const, properties: { age: { type: 'number' as const } }, required: ['age'] }
    server.registerTool('ask', {}, async (_args, ctx) => {
      const outcomes: string[] = []
      for (let i = 0; i < 2; i++) outcomes.push(await ctx.elicit({ mode: 'form', message: 'Age?', requestedSchema: schema }).then(() => 'accepted', (e: Error) => e.message))
      return { content: [{ type: 'text', text: outcomes.join('|') }] }
    })
    const client = new Client({ name: 'answerer', version: '0.0.0' }, { versionNegotiation: { mode: { pin: '2025-11-25' } }, elicitation: { form: () => ({ action: 'accept', content: { age: 'old' as never } }) } })
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
    await server.connect(serverSide)
    await client.connect(clientSide)
    const result = await client.callTool({ name: 'ask', arguments: {} })
    const text = (result.content as Array<{ text: string }>)[0]!.text
    expect(text.split('|')).toHaveLength(2)
    expect(text).not.toContain('accepted')
    await client.close()
    await server.close()
  })
})
