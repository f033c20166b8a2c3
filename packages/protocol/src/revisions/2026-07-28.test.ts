import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type * as z from 'zod'
import { validateAgainstSpec } from '../testing/schema-check.js'
import { specDir, specPath } from '../testing/spec-dir.js'
import * as modern from './2026-07-28.js'
import * as index from './index.js'

const REVISION = '2026-07-28'
const examplesDir = join(specDir(), REVISION, 'examples')
const examples = readdirSync(examplesDir).flatMap((type) =>
  readdirSync(join(examplesDir, type)).map((file) => [type, file, JSON.parse(readFileSync(join(examplesDir, type, file), 'utf8'))] as const),
)
const schemas = modern as unknown as Record<string, z.ZodType>

const requestMeta = {
  [modern.PROTOCOL_VERSION_META_KEY]: REVISION,
  [modern.CLIENT_CAPABILITIES_META_KEY]: { elicitation: {} },
  [modern.CLIENT_INFO_META_KEY]: { name: 'client', version: '1.0.0' },
}
const serverInfo = { [modern.SERVER_INFO_META_KEY]: { name: 'server', version: '1.0.0' } }

describe('2026-07-28 official examples', () => {
  it('come in enough kinds to be worth checking', () => {
    expect(examples.length).toBeGreaterThan(100)
  })

  it.each(examples)('%s/%s parses with its schema and round-trips unchanged', (type, _file, example) => {
    const schema = schemas[`${type}Schema`]
    expect(schema, `${type}Schema is exported`).toBeDefined()
    expect(schema!.parse(example)).toEqual(example)
  })
})

describe('2026-07-28 additions', () => {
  it('names the reserved _meta keys exactly as the official schema does', () => {
    const schema = JSON.parse(readFileSync(specPath(REVISION), 'utf8')) as {
      $defs: Record<string, { properties: Record<string, unknown> }>
    }
    const keys = (def: string) => Object.keys(schema.$defs[def]!.properties)
    expect(keys('RequestMetaObject')).toEqual(
      expect.arrayContaining([
        modern.PROTOCOL_VERSION_META_KEY,
        modern.CLIENT_CAPABILITIES_META_KEY,
        modern.CLIENT_INFO_META_KEY,
        modern.LOG_LEVEL_META_KEY,
      ]),
    )
    expect(keys('ResultMetaObject')).toContain(modern.SERVER_INFO_META_KEY)
    expect(keys('NotificationMetaObject')).toContain(modern.SUBSCRIPTION_ID_META_KEY)
  })

  it('requires the protocol version and client capabilities in every request’s _meta', () => {
    const params = { _meta: requestMeta, name: 'get_weather', arguments: { city: 'Paris' } }
    expect(modern.CallToolRequestParamsSchema.parse(params)._meta[modern.PROTOCOL_VERSION_META_KEY]).toBe(REVISION)
    const { [modern.CLIENT_CAPABILITIES_META_KEY]: _dropped, ...withoutCapabilities } = requestMeta
    expect(modern.CallToolRequestParamsSchema.safeParse({ ...params, _meta: withoutCapabilities }).success).toBe(false)
    expect(modern.PaginatedRequestParamsSchema.safeParse({}).success).toBe(false)
  })

  it('builds a server/discover exchange that the official schema accepts', () => {
    const request = modern.DiscoverRequestSchema.parse({ jsonrpc: '2.0', id: 'd', method: 'server/discover', params: { _meta: requestMeta } })
    const result = modern.DiscoverResultSchema.parse({
      resultType: 'complete',
      supportedVersions: [REVISION, '2025-11-25'],
      capabilities: { tools: { listChanged: true }, extensions: { [modern.TASKS_EXTENSION_ID]: {} } },
      instructions: 'Weather tools',
      ttlMs: 60_000,
      cacheScope: 'public',
      _meta: serverInfo,
    })
    expect(result.capabilities.extensions?.[modern.TASKS_EXTENSION_ID]).toEqual({})
    expect(validateAgainstSpec(request, REVISION, 'DiscoverRequest')).toEqual([])
    expect(validateAgainstSpec({ jsonrpc: '2.0', id: 'd', result }, REVISION, 'DiscoverResultResponse')).toEqual([])
  })

  it('reads an input_required result and retries with inputResponses the official schema accepts', () => {
    const answer = modern.CallToolResultResponseSchema.parse({
      jsonrpc: '2.0',
      id: 1,
      result: {
        resultType: 'input_required',
        inputRequests: {
          login: { method: 'elicitation/create', params: { mode: 'url', message: 'Log in', url: 'https://example.com/login' } },
          roots: { method: 'roots/list' },
        },
        requestState: 'opaque-state',
      },
    })
    expect(answer.result.resultType).toBe('input_required')
    const retry = modern.CallToolRequestSchema.parse({
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/call',
      params: {
        _meta: requestMeta,
        name: 'deploy',
        inputResponses: { login: { action: 'accept' }, roots: { roots: [{ uri: 'file:///repo' }] } },
        requestState: 'requestState' in answer.result ? answer.result.requestState : undefined,
      },
    })
    expect(retry.params.requestState).toBe('opaque-state')
    expect(validateAgainstSpec(answer, REVISION, 'CallToolResultResponse')).toEqual([])
    expect(validateAgainstSpec(retry, REVISION, 'CallToolRequest')).toEqual([])
  })

  it('rejects an input_required result that asks for nothing', () => {
    expect(modern.InputRequiredResultSchema.safeParse({ resultType: 'input_required' }).success).toBe(false)
  })

  it('tells a complete tool result from an input_required one', () => {
    const complete = modern.CallToolResultResponseSchema.parse({
      jsonrpc: '2.0',
      id: 1,
      result: { resultType: 'complete', content: [], structuredContent: [1, 2, 3] },
    })
    expect('content' in complete.result && complete.result.structuredContent).toEqual([1, 2, 3])
  })

  it('reads a result without resultType, as a client must for older servers', () => {
    expect(modern.CallToolResultSchema.parse({ content: [{ type: 'text', text: 'x' }] }).resultType).toBeUndefined()
  })

  it('carries ttlMs and cacheScope on list results, and the official schema requires them', () => {
    const result = { resultType: 'complete', tools: [], ttlMs: 0, cacheScope: 'private' as const, _meta: serverInfo }
    expect(modern.ListToolsResultSchema.parse(result).cacheScope).toBe('private')
    expect(validateAgainstSpec(result, REVISION, 'ListToolsResult')).toEqual([])
    expect(validateAgainstSpec({ resultType: 'complete', tools: [] }, REVISION, 'ListToolsResult')).not.toEqual([])
    expect(modern.ListToolsResultSchema.safeParse({ ...result, ttlMs: -1 }).success).toBe(false)
    expect(modern.ListToolsResultSchema.safeParse({ ...result, cacheScope: 'shared' }).success).toBe(false)
  })

  it('opens a subscriptions/listen stream and reads its acknowledgement and notifications', () => {
    const listen = modern.SubscriptionsListenRequestSchema.parse({
      jsonrpc: '2.0',
      id: 'listen-1',
      method: 'subscriptions/listen',
      params: { _meta: requestMeta, notifications: { toolsListChanged: true, resourceSubscriptions: ['file:///a'] } },
    })
    const ack = modern.SubscriptionsAcknowledgedNotificationSchema.parse({
      jsonrpc: '2.0',
      method: 'notifications/subscriptions/acknowledged',
      params: { _meta: { [modern.SUBSCRIPTION_ID_META_KEY]: listen.id }, notifications: { toolsListChanged: true } },
    })
    const changed = modern.ServerNotificationSchema.parse({
      jsonrpc: '2.0',
      method: 'notifications/tools/list_changed',
      params: { _meta: { [modern.SUBSCRIPTION_ID_META_KEY]: 'listen-1' } },
    })
    expect(ack.params.notifications.resourceSubscriptions).toBeUndefined()
    expect(changed.method).toBe('notifications/tools/list_changed')
    const closed = { resultType: 'complete', _meta: { [modern.SUBSCRIPTION_ID_META_KEY]: 'listen-1' } }
    expect(modern.SubscriptionsListenResultSchema.parse(closed)._meta[modern.SUBSCRIPTION_ID_META_KEY]).toBe('listen-1')
    expect(modern.SubscriptionsListenResultSchema.safeParse({ resultType: 'complete' }).success).toBe(false)
    for (const [message, def] of [[listen, 'SubscriptionsListenRequest'], [ack, 'SubscriptionsAcknowledgedNotification']] as const) {
      expect(validateAgainstSpec(message, REVISION, def)).toEqual([])
    }
  })

  it('accepts any JSON Schema as a tool’s output schema, but still an object as its input', () => {
    const tool = { name: 'list', inputSchema: { type: 'object', oneOf: [{ required: ['a'] }] }, outputSchema: { type: 'array' } }
    expect(modern.ToolSchema.parse(tool).outputSchema).toEqual({ type: 'array' })
    expect(modern.ToolSchema.safeParse({ ...tool, inputSchema: { type: 'array' } }).success).toBe(false)
  })

  it('parses the spec’s named errors with their data', () => {
    const error = modern.UnsupportedProtocolVersionErrorSchema.parse({
      jsonrpc: '2.0',
      id: 1,
      error: { code: -32022, message: 'Unsupported', data: { supported: [REVISION], requested: '1900-01-01' } },
    })
    expect(error.error.data.supported).toEqual([REVISION])
    expect(modern.HeaderMismatchErrorSchema.safeParse({ jsonrpc: '2.0', id: 1, error: { code: -32021, message: 'x' } }).success).toBe(false)
  })

  it('exports the modern-only names from the revisions index too', () => {
    expect(index.DiscoverResultSchema).toBe(modern.DiscoverResultSchema)
    expect(index.rev20260728.CallToolResultSchema).toBe(modern.CallToolResultSchema)
    expect(index.PROTOCOL_VERSION_META_KEY).toBe('io.modelcontextprotocol/protocolVersion')
  })
})
