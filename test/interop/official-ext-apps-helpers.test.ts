// The official MCP Apps server helpers (@modelcontextprotocol/ext-apps/server) against ours: the same
// constants, and a tool and a view registered on an McpServer of ours by either set of helpers come out
// the same on the wire — so code written for the official helpers runs on our server unchanged, and
// moving to @plugboard/server/apps changes only the import line. Ours also declare the extension,
// which the official helpers leave to the server.
// https://github.com/modelcontextprotocol/ext-apps/blob/main/specification/2026-01-26/apps.mdx
import * as official from '@modelcontextprotocol/ext-apps/server'
import { Client } from '@plugboard/client'
import { InMemoryTransport } from '@plugboard/protocol/testing'
import { McpServer } from '@plugboard/server'
import * as ours from '@plugboard/server/apps'
import { afterEach, describe, expect, it } from 'vitest'
import * as z from 'zod'

const VIEW = 'ui://weather/view.html'
const HTML = '<!DOCTYPE html><html><body>sunny</body></html>'
const UI = { csp: { connectDomains: ['https://api.example.com'] }, prefersBorder: true }
const APPS_CLIENT = { extensions: { [ours.EXTENSION_ID]: { mimeTypes: [ours.RESOURCE_MIME_TYPE] } } }

const clients: Client[] = []
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()))
})

/** Registers the same app with one set of helpers: a model-visible tool, an app-only tool, and the view. */
function build(helpers: Pick<typeof ours, 'registerAppTool' | 'registerAppResource'>): McpServer {
  const server = new McpServer({ name: 'weather', version: '1.0.0' })
  // The official helpers are typed against the official McpServer; ours has the registerTool/registerResource they call.
  const target = server as never
  helpers.registerAppTool(target, 'get-weather', { description: 'Weather with a dashboard', inputSchema: z.object({ city: z.string() }), _meta: { ui: { resourceUri: VIEW } } }, (async ({ city }: { city: string }) => ({ content: [{ type: 'text', text: `Sunny in ${city}` }] })) as never)
  helpers.registerAppTool(target, 'refresh', { description: 'Refresh the dashboard', _meta: { [official.RESOURCE_URI_META_KEY]: VIEW, ui: { visibility: ['app'] } } } as never, (async () => ({ content: [{ type: 'text', text: 'refreshed' }] })) as never)
  helpers.registerAppResource(target, 'Weather View', VIEW, { description: 'The dashboard', _meta: { ui: UI } }, (async (uri: URL) => ({ contents: [{ uri: uri.href, mimeType: official.RESOURCE_MIME_TYPE, text: HTML, _meta: { ui: UI } }] })) as never)
  return server
}

async function open(server: McpServer): Promise<Client> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
  await server.connect(serverSide)
  const client = new Client({ name: 'host', version: '1.0.0' }, { capabilities: APPS_CLIENT })
  await client.connect(clientSide)
  clients.push(client)
  return client
}

describe('@modelcontextprotocol/ext-apps/server and @plugboard/server/apps', () => {
  it('share the extension id, the MIME type and the deprecated meta key', () => {
    expect(ours.EXTENSION_ID).toBe(official.EXTENSION_ID)
    expect(ours.RESOURCE_MIME_TYPE).toBe(official.RESOURCE_MIME_TYPE)
    expect(ours.RESOURCE_URI_META_KEY).toBe(official.RESOURCE_URI_META_KEY)
  })

  it('read client capabilities alike', () => {
    const cases: Array<Parameters<typeof ours.getUiCapability>[0] & Parameters<typeof official.getUiCapability>[0]> = [APPS_CLIENT, {}, { extensions: {} }, { extensions: { [ours.EXTENSION_ID]: {} } }]
    for (const capabilities of cases) {
      expect(ours.getUiCapability(capabilities)).toEqual(official.getUiCapability(capabilities))
    }
  })

  it('the official helpers run on our McpServer, and both sets list and serve the same tools and view', async () => {
    const theirs = await open(build(official as never))
    const mine = await open(build(ours))
    expect((await mine.listTools()).tools).toEqual((await theirs.listTools()).tools)
    expect((await mine.listResources()).resources).toEqual((await theirs.listResources()).resources)
    expect((await mine.readResource({ uri: VIEW })).contents).toEqual((await theirs.readResource({ uri: VIEW })).contents)
    const [weather, refresh] = (await mine.listTools()).tools
    expect(weather?._meta).toEqual({ ui: { resourceUri: VIEW }, [ours.RESOURCE_URI_META_KEY]: VIEW })
    expect(refresh?._meta).toEqual({ ui: { resourceUri: VIEW, visibility: ['app'] }, [ours.RESOURCE_URI_META_KEY]: VIEW })
    expect(await mine.callTool({ name: 'get-weather', arguments: { city: 'Lyon' } })).toEqual(await theirs.callTool({ name: 'get-weather', arguments: { city: 'Lyon' } }))
  })

  it('ours declare io.modelcontextprotocol/ui in the server capabilities; the official helpers leave it to the server', async () => {
    expect((await open(build(ours))).getServerCapabilities()?.extensions).toEqual({ [ours.EXTENSION_ID]: {} })
    expect((await open(build(official as never))).getServerCapabilities()?.extensions).toBeUndefined()
  })
})
