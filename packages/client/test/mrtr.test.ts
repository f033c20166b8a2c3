// Input requests from the client user's view: a server handler asks for elicitation, sampling and
// roots in the middle of a call, and the client fulfils them with its handlers — as server→client
// requests (legacy) or as `input_required` rounds that are retried with the answers (2026-07-28).
import { ErrorCode, McpError, type JSONRPCRequest } from '@plugboard/protocol'
import { InMemoryTransport, withSchemaCheck } from '@plugboard/protocol/testing'
import { McpServer } from '@plugboard/server'
import { afterEach, describe, expect, it } from 'vitest'
import { Client, type ClientOptions } from '../src/index.js'
import { ERAS, REVISION, connectToRawServer, expectNoViolations, recording, withMethod, type EraName } from './raw-server.js'

const open: Client[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()))
})

const nameForm = { mode: 'form' as const, message: 'Who travels?', requestedSchema: { type: 'object' as const, properties: { name: { type: 'string' as const } }, required: ['name'] } }

/** A server whose tool, prompt and resource each ask the client for a name, then a model answer, then its roots. */
function travelServer(): McpServer {
  const server = new McpServer({ name: 'travel', version: '1.0.0' })
  const plan = async (city: string, ctx: Parameters<Parameters<McpServer['registerTool']>[2]>[1]) => {
    const who = await ctx.elicit(nameForm)
    if (who.action !== 'accept') return `nobody goes to ${city}`
    const answer = await ctx.sample({ messages: [{ role: 'user', content: { type: 'text', text: `A day in ${city} for ${who.content?.name}?` } }], maxTokens: 50 })
    const { roots } = await ctx.listRoots()
    const content = Array.isArray(answer.content) ? answer.content[0] : answer.content
    return `${who.content?.name} in ${city}: ${content?.type === 'text' ? content.text : '?'} (saved to ${roots[0]?.uri})`
  }
  server.registerTool('plan', { inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }, async (args, ctx) => ({
    content: [{ type: 'text', text: await plan(String(args.city), ctx) }],
  }))
  server.registerPrompt('plan', { description: 'A trip plan' }, async (_args, ctx) => ({ messages: [{ role: 'user', content: { type: 'text', text: await plan('Oslo', ctx) } }] }))
  server.registerResource('plan', 'trip://plan', { mimeType: 'text/plain' }, async (uri, ctx) => ({ contents: [{ uri: uri.href, text: await plan('Rome', ctx) }] }))
  return server
}

/** Connects a client pinned to `era`'s revision to `server` in memory; records what it sends (schema-checked) and receives. */
async function connect(server: McpServer, era: EraName, options: ClientOptions = {}) {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
  await server.connect(serverSide)
  const client = new Client({ name: 'mrtr-host', version: '1.0.0' }, { versionNegotiation: { mode: { pin: REVISION[era] } }, ...options })
  const checked = withSchemaCheck(clientSide, () => client.getNegotiatedProtocolVersion() ?? REVISION.legacy)
  const { transport, sent } = recording(checked)
  open.push(client)
  await client.connect(transport)
  return { client, sent, violations: checked.violations }
}

const handlers = () => {
  const asked: string[] = []
  const options: ClientOptions = {
    elicitation: { form: (params) => (asked.push(`elicit ${params.message}`), { action: 'accept', content: { name: 'Ada' } }) },
    sampling: (params) => {
      const text = params.messages[0]?.content
      asked.push(`sample ${!Array.isArray(text) && text?.type === 'text' ? text.text : ''}`)
      return { role: 'assistant', model: 'scripted', content: { type: 'text', text: 'see the fjords' } }
    },
    roots: { list: () => (asked.push('roots'), [{ uri: 'file:///trips' }]) },
  }
  return { asked, options }
}

describe.each(ERAS)('input requests fulfilled by the client (%s era)', (era) => {
  it('answers an elicitation, then a sampling, then a roots request made during callTool, with the same result in both eras', async () => {
    const { asked, options } = handlers()
    const { client, sent, violations } = await connect(travelServer(), era, options)
    const result = await client.callTool({ name: 'plan', arguments: { city: 'Oslo' } })
    expect(result.content).toEqual([{ type: 'text', text: 'Ada in Oslo: see the fjords (saved to file:///trips)' }])
    // Each handler runs once: a retry carries the earlier answers, it does not ask again.
    expect(asked).toEqual(['elicit Who travels?', 'sample A day in Oslo for Ada?', 'roots'])
    const calls = withMethod(sent, 'tools/call') as JSONRPCRequest[]
    // Legacy: one call, the server asks with requests of its own. Modern: one round per ask, each a new request.
    expect(calls).toHaveLength(era === 'modern' ? 4 : 1)
    expect(new Set(calls.map((c) => c.id)).size).toBe(calls.length)
    expectNoViolations(violations)
  })

  it('fulfils input requests of getPrompt and readResource the same way', async () => {
    const { asked, options } = handlers()
    const { client, violations } = await connect(travelServer(), era, options)
    const prompt = await client.getPrompt({ name: 'plan' })
    expect(prompt.messages[0]?.content).toEqual({ type: 'text', text: 'Ada in Oslo: see the fjords (saved to file:///trips)' })
    const read = await client.readResource({ uri: 'trip://plan' })
    expect(read.contents).toEqual([{ uri: 'trip://plan', text: 'Ada in Rome: see the fjords (saved to file:///trips)' }])
    expect(asked).toHaveLength(6)
    expectNoViolations(violations)
  })

  it('passes a declined elicitation to the server handler, which decides what comes of it', async () => {
    const { client } = await connect(travelServer(), era, { elicitation: { form: () => ({ action: 'decline' }) } })
    await expect(client.callTool({ name: 'plan', arguments: { city: 'Oslo' } })).resolves.toMatchObject({ content: [{ type: 'text', text: 'nobody goes to Oslo' }] })
  })
})

describe('input_required rounds (2026-07-28)', () => {
  it('gives up with a clear McpError after maxInputRounds rounds of a server that keeps asking', async () => {
    const server = new McpServer({ name: 'greedy', version: '1.0.0' })
    server.registerTool('forever', {}, async (_args, ctx) => {
      for (;;) await ctx.elicit(nameForm)
    })
    const { client, sent } = await connect(server, 'modern', { maxInputRounds: 3, elicitation: { form: () => ({ action: 'accept', content: { name: 'Ada' } }) } })
    const error = await client.callTool({ name: 'forever' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpError)
    expect(error).toMatchObject({ code: ErrorCode.InternalError, data: { maxInputRounds: 3 }, message: expect.stringMatching(/3 rounds/) })
    expect(withMethod(sent, 'tools/call')).toHaveLength(4)
  })

  it('echoes requestState untouched with a new id per retry, and sends none when the server sent none', async () => {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
    await travelServer().connect(serverSide)
    // What the server answers, and optionally its requestState taken out on the way to the client.
    const answers: Record<string, unknown>[] = []
    let strip = false
    const send = serverSide.send.bind(serverSide)
    serverSide.send = (message, options) => {
      if (!Array.isArray(message) && 'result' in message) {
        answers.push(structuredClone(message.result))
        if (strip) delete message.result.requestState
      }
      return send(message, options)
    }
    const { options } = handlers()
    const client = new Client({ name: 'mrtr-host', version: '1.0.0' }, { ...options, versionNegotiation: { mode: 'modern' }, maxInputRounds: 3 })
    const { transport, sent } = recording(clientSide)
    open.push(client)
    await client.connect(transport)
    await client.callTool({ name: 'plan', arguments: { city: 'Oslo' } })
    const calls = withMethod(sent, 'tools/call') as JSONRPCRequest[]
    const rounds = answers.filter((a) => a.resultType === 'input_required')
    expect(rounds).toHaveLength(3)
    rounds.forEach((round, i) => {
      expect(typeof round.requestState).toBe('string')
      expect(calls[i + 1]!.params).toMatchObject({ requestState: round.requestState, inputResponses: Object.fromEntries(Object.keys(round.inputRequests as object).map((k) => [k, expect.any(Object)])) })
    })
    expect(calls[0]!.params).not.toHaveProperty('requestState')
    expect(new Set(calls.map((c) => c.id)).size).toBe(4)

    strip = true
    const before = calls.length
    // Without the state the server cannot take the answers, so it asks again until the client gives up.
    await expect(client.callTool({ name: 'plan', arguments: { city: 'Bergen' } })).rejects.toMatchObject({ data: { maxInputRounds: 3 } })
    const retries = (withMethod(sent, 'tools/call') as JSONRPCRequest[]).slice(before + 1)
    expect(retries.length).toBeGreaterThan(0)
    for (const retry of retries) expect(retry.params).not.toHaveProperty('requestState')
    // Other requests meanwhile carry nothing of a call's rounds.
    await client.listTools()
    expect(withMethod(sent, 'tools/list').at(-1)).not.toHaveProperty('params.inputResponses')
  })

  it('takes a result without resultType as complete, and refuses one whose resultType it does not know', async () => {
    const { client, serverTransport } = await connectToRawServer({
      era: 'modern',
      capabilities: { tools: {} },
      setup: (server) => {
        server.setRequestHandler('tools/list', () => ({ tools: [] }))
        server.setRequestHandler('tools/call', (params) => ({ content: [{ type: 'text', text: params.name }] }))
      },
    })
    open.push(client)
    // Rewrite what the raw server sends, as a server that leaves resultType out (or invents one) would.
    const send = serverTransport.send.bind(serverTransport)
    serverTransport.send = (message, options) => {
      const result = !Array.isArray(message) && 'result' in message ? (message.result as Record<string, unknown>) : undefined
      const text = (result?.content as { text?: string }[] | undefined)?.[0]?.text
      if (text === 'bare') delete result!.resultType
      if (text === 'odd') result!.resultType = 'task'
      return send(message, options)
    }
    await expect(client.callTool({ name: 'bare' })).resolves.toMatchObject({ content: [{ type: 'text', text: 'bare' }] })
    await expect(client.callTool({ name: 'odd' })).rejects.toMatchObject({ code: ErrorCode.InternalError, message: expect.stringContaining('"task"') })
  })
})
