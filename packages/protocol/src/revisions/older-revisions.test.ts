import { describe, expect, it } from 'vitest'
import { validateAgainstSpec } from '../testing/schema-check.js'
import * as r20241105 from './2024-11-05.js'
import * as r20250326 from './2025-03-26.js'
import * as r20250618 from './2025-06-18.js'
import * as r20251125 from './2025-11-25.js'

const cancelWithoutId = { jsonrpc: '2.0', method: 'notifications/cancelled', params: { reason: 'user' } }
const errorWithoutId = { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' } }
const batch = [
  { jsonrpc: '2.0', id: 1, method: 'ping' },
  { jsonrpc: '2.0', method: 'notifications/initialized' },
]

describe('what changed between revisions, as parsing sees it', () => {
  it('requires requestId on notifications/cancelled before 2025-11-25, as the official schemas do', () => {
    for (const [revision, mod] of [['2024-11-05', r20241105], ['2025-03-26', r20250326], ['2025-06-18', r20250618]] as const) {
      expect(mod.CancelledNotificationSchema.safeParse(cancelWithoutId).success, revision).toBe(false)
      expect(validateAgainstSpec(cancelWithoutId, revision, 'CancelledNotification'), revision).not.toEqual([])
    }
    expect(r20251125.CancelledNotificationSchema.parse(cancelWithoutId).params.reason).toBe('user')
    expect(validateAgainstSpec(cancelWithoutId, '2025-11-25', 'CancelledNotification')).toEqual([])
  })

  it('requires an id on error responses before 2025-11-25, as the official schemas do', () => {
    expect(r20250618.JSONRPCMessageSchema.safeParse(errorWithoutId).success).toBe(false)
    expect(r20241105.JSONRPCErrorResponseSchema.safeParse(errorWithoutId).success).toBe(false)
    expect(validateAgainstSpec(errorWithoutId, '2025-06-18')).not.toEqual([])
    expect(r20251125.JSONRPCMessageSchema.safeParse(errorWithoutId).success).toBe(true)
    expect(validateAgainstSpec(errorWithoutId, '2025-11-25')).toEqual([])
  })

  it('still reads the null id JSON-RPC 2.0 puts on an error about an unreadable request', () => {
    const message = { ...errorWithoutId, id: null }
    expect(r20250618.JSONRPCErrorSchema.parse(message).id).toBeNull()
    expect(r20251125.JSONRPCErrorResponseSchema.parse(message).id).toBeNull()
  })

  it('accepts a batch only in 2025-03-26, as the official schemas do', () => {
    expect(r20250326.JSONRPCMessageSchema.parse(batch)).toEqual(batch)
    expect(r20250326.JSONRPCBatchRequestSchema.safeParse(batch).success).toBe(true)
    expect(validateAgainstSpec(batch, '2025-03-26')).toEqual([])
    for (const [revision, mod] of [['2024-11-05', r20241105], ['2025-06-18', r20250618], ['2025-11-25', r20251125]] as const) {
      expect(mod.JSONRPCMessageSchema.safeParse(batch).success, revision).toBe(false)
      expect(validateAgainstSpec(batch, revision), revision).not.toEqual([])
    }
  })

  it('has form-mode elicitation only in 2025-06-18', () => {
    const url = { mode: 'url', message: 'Log in', url: 'https://example.com', elicitationId: 'e' }
    const form = { message: 'Name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } } } }
    expect(r20250618.ElicitRequestParamsSchema.safeParse(url).success).toBe(false)
    expect(r20250618.ElicitRequestParamsSchema.parse(form).message).toBe('Name?')
    expect(r20251125.ElicitRequestParamsSchema.safeParse(url).success).toBe(true)
    expect(validateAgainstSpec({ jsonrpc: '2.0', id: 1, method: 'elicitation/create', params: url }, '2025-06-18', 'ElicitRequest')).not.toEqual([])
  })

  it('names the 2024-11-05 shapes by their 2024-11-05 names', () => {
    const ref = { type: 'ref/resource', uri: 'file:///{path}' }
    expect(r20241105.ResourceReferenceSchema.parse(ref)).toEqual(ref)
    expect(validateAgainstSpec(ref, '2024-11-05', 'ResourceReference')).toEqual([])
    const annotated = { annotations: { audience: ['user'], priority: 0.3 } }
    expect(r20241105.AnnotatedSchema.parse(annotated)).toEqual(annotated)
    expect(validateAgainstSpec(annotated, '2024-11-05', 'Annotated')).toEqual([])
  })
})

describe('older peers’ messages parse with the 2025-11-25 schemas, which the method table uses', () => {
  const legacy: Array<[string, string, Record<string, unknown>, (m: Record<string, unknown>) => unknown]> = [
    [
      '2024-11-05',
      'InitializeResult',
      { protocolVersion: '2024-11-05', capabilities: { logging: {}, tools: { listChanged: true } }, serverInfo: { name: 's', version: '1' } },
      (m) => r20251125.InitializeResultSchema.parse(m).serverInfo.name,
    ],
    [
      '2024-11-05',
      'ListToolsResult',
      { tools: [{ name: 'echo', description: 'Echoes', inputSchema: { type: 'object', properties: { text: { type: 'string' } } } }] },
      (m) => r20251125.ListToolsResultSchema.parse(m).tools[0]?.name,
    ],
    [
      '2024-11-05',
      'CreateMessageRequest',
      { method: 'sampling/createMessage', params: { messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }], maxTokens: 10, includeContext: 'thisServer' } },
      (m) => r20251125.CreateMessageRequestParamsSchema.parse(m.params).includeContext,
    ],
    [
      '2025-03-26',
      'CallToolResult',
      { content: [{ type: 'audio', data: 'UklGRiQ=', mimeType: 'audio/wav' }], isError: false },
      (m) => r20251125.CallToolResultSchema.parse(m).content[0]?.type,
    ],
    [
      '2025-06-18',
      'ElicitRequest',
      { method: 'elicitation/create', params: { message: 'Pick', requestedSchema: { type: 'object', properties: { c: { type: 'string', enum: ['a'], enumNames: ['A'] } } } } },
      (m) => r20251125.ElicitRequestParamsSchema.parse(m.params).message,
    ],
    [
      '2025-06-18',
      'CompleteRequest',
      { method: 'completion/complete', params: { ref: { type: 'ref/resource', uri: 'file:///{p}' }, argument: { name: 'p', value: 'a' }, context: { arguments: { q: 'b' } } } },
      (m) => r20251125.CompleteRequestParamsSchema.parse(m.params).context?.arguments?.q,
    ],
  ]

  it.each(legacy)('a %s %s is valid for its revision and parses', (revision, def, message, read) => {
    expect(validateAgainstSpec(message, revision, def)).toEqual([])
    expect(read(message)).toBeDefined()
  })
})
