import { ErrorCode, McpError, type Resource } from '@plugboard/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import type { Client } from '../src/index.js'
import { ERAS, connectToRawServer, expectNoViolations, withMethod, type EraName } from './raw-server.js'

const open: Client[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()))
})

async function resourceServer(capabilities: Record<string, unknown>, pages: Record<string, { resources: Resource[]; nextCursor?: string }> = {}, era?: EraName) {
  const subscribed: string[] = []
  const pair = await connectToRawServer({
    era,
    capabilities,
    setup: (server) => {
      server.setRequestHandler('resources/list', (params) => pages[params.cursor ?? ''] ?? { resources: [] })
      server.setRequestHandler('resources/templates/list', () => ({ resourceTemplates: [{ name: 'file', uriTemplate: 'file:///{path}' }] }))
      server.setRequestHandler('resources/read', (params) => ({ contents: [{ uri: params.uri, mimeType: 'text/plain', text: `contents of ${params.uri}` }] }))
      server.setRequestHandler('resources/subscribe', (params) => (subscribed.push(params.uri), {}))
      server.setRequestHandler('resources/unsubscribe', (params) => (subscribed.splice(subscribed.indexOf(params.uri), 1), {}))
    },
  })
  open.push(pair.client)
  return { ...pair, subscribed }
}

describe.each(ERAS)('resources (%s era)', (era) => {
  it('lists resources and templates and reads one', async () => {
    const { client, violations } = await resourceServer({ resources: {} }, { '': { resources: [{ name: 'readme', uri: 'file:///readme.md' }] } }, era)
    expect((await client.listResources()).resources).toEqual([{ name: 'readme', uri: 'file:///readme.md' }])
    expect((await client.listResourceTemplates()).resourceTemplates[0]).toMatchObject({ uriTemplate: 'file:///{path}' })
    const read = await client.readResource({ uri: 'file:///readme.md' })
    expect(read.contents[0]).toMatchObject({ uri: 'file:///readme.md', text: 'contents of file:///readme.md' })
    expectNoViolations(violations)
  })

  it('iterates resources across pages and templates in one page', async () => {
    const { client } = await resourceServer(
      { resources: {} },
      {
        '': { resources: [{ name: 'a', uri: 'mem://a' }], nextCursor: 'x' },
        x: { resources: [{ name: 'b', uri: 'mem://b' }, { name: 'c', uri: 'mem://c' }], nextCursor: 'y' },
        y: { resources: [{ name: 'd', uri: 'mem://d' }] },
      },
      era,
    )
    const uris: string[] = []
    for await (const resource of client.iterate('resources/list')) uris.push(resource.uri)
    expect(uris).toEqual(['mem://a', 'mem://b', 'mem://c', 'mem://d'])
    const templates: string[] = []
    for await (const template of client.iterate('resources/templates/list')) templates.push(template.uriTemplate)
    expect(templates).toEqual(['file:///{path}'])
  })

  it('stops iterating with McpError(InternalError) when the server repeats a cursor', async () => {
    const { client, sent } = await resourceServer(
      { resources: {} },
      {
        '': { resources: [{ name: 'a', uri: 'mem://a' }], nextCursor: 'loop' },
        loop: { resources: [{ name: 'b', uri: 'mem://b' }], nextCursor: 'loop' },
      },
      era,
    )
    const uris: string[] = []
    const error = await (async () => {
      for await (const resource of client.iterate('resources/list')) uris.push(resource.uri)
    })().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpError)
    expect(error).toMatchObject({ code: ErrorCode.InternalError, data: { cursor: 'loop' } })
    expect(uris).toEqual(['mem://a', 'mem://b'])
    expect(withMethod(sent, 'resources/list')).toHaveLength(2)
  })

  it('surfaces the server error for an unknown resource (-32002 before 2026-07-28, -32602 since)', async () => {
    const { client } = await connectToRawServer({
      era,
      capabilities: { resources: {} },
      setup: (server) =>
        server.setRequestHandler('resources/read', (params) => {
          throw new McpError(ErrorCode.ResourceNotFound, 'Resource not found', { uri: params.uri })
        }),
    })
    open.push(client)
    await expect(client.readResource({ uri: 'file:///nope' })).rejects.toMatchObject({ code: era === 'legacy' ? ErrorCode.ResourceNotFound : ErrorCode.InvalidParams, data: { uri: 'file:///nope' } })
  })
})

describe('resources/subscribe (legacy era)', () => {
  it('subscribes and unsubscribes when the server declares resources.subscribe', async () => {
    const { client, subscribed, violations } = await resourceServer({ resources: { subscribe: true } })
    await client.subscribeResource({ uri: 'file:///log.txt' })
    expect(subscribed).toEqual(['file:///log.txt'])
    await client.unsubscribeResource({ uri: 'file:///log.txt' })
    expect(subscribed).toEqual([])
    expectNoViolations(violations)
  })

  it('rejects subscribeResource locally when the server cannot subscribe', async () => {
    const { client, sent } = await resourceServer({ resources: {} })
    const before = sent.length
    await expect(client.subscribeResource({ uri: 'file:///log.txt' })).rejects.toMatchObject({ code: ErrorCode.CapabilityNotSupported })
    expect(sent.length).toBe(before)
  })

})
