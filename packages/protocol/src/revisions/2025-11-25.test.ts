import { describe, expect, it } from 'vitest'
import type * as z from 'zod'
import { validateAgainstSpec } from '../testing/schema-check.js'
import * as rev from './2025-11-25.js'

const REVISION = '2025-11-25'
const schemas = rev as unknown as Record<string, z.ZodType>
const schemaOf = (def: string): z.ZodType => {
  const schema = schemas[`${def}Schema`]
  if (!schema) throw new Error(`no ${def}Schema`)
  return schema
}

const icon = { src: 'https://example.com/icon.png', mimeType: 'image/png', sizes: ['48x48'], theme: 'dark' }
const text = { type: 'text', text: 'hello', annotations: { audience: ['user'], priority: 0.5, lastModified: '2025-01-01T00:00:00Z' } }
const image = { type: 'image', data: 'iVBORw0KGgo=', mimeType: 'image/png' }
const audio = { type: 'audio', data: 'UklGRiQ=', mimeType: 'audio/wav' }
const link = { type: 'resource_link', uri: 'file:///a.txt', name: 'a.txt', title: 'A', mimeType: 'text/plain', size: 3, icons: [icon] }
const embedded = { type: 'resource', resource: { uri: 'file:///a.txt', mimeType: 'text/plain', text: 'abc' }, _meta: { k: 1 } }
const tool = {
  name: 'add',
  title: 'Add',
  description: 'Adds numbers',
  inputSchema: { type: 'object', properties: { a: { type: 'number' } }, required: ['a'], 'x-nested-extra': true },
  outputSchema: { type: 'object', properties: { sum: { type: 'number' } } },
  annotations: { title: 'Adder', readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  execution: { taskSupport: 'optional' },
  icons: [icon],
  _meta: { 'com.example/x': 1 },
  'x-tool-extra': { kept: true },
}
const task = {
  taskId: 't-1',
  status: 'working',
  statusMessage: 'busy',
  createdAt: '2025-11-25T10:30:00Z',
  lastUpdatedAt: '2025-11-25T10:40:00Z',
  ttl: 60000,
  pollInterval: 5000,
}

/** One valid message of every request and notification the revision defines, keyed by its spec def. */
const messages: Record<string, Record<string, unknown>> = {
  InitializeRequest: {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: {
      protocolVersion: REVISION,
      capabilities: {
        roots: { listChanged: true },
        sampling: { context: {}, tools: {} },
        elicitation: { form: {}, url: {} },
        tasks: { list: {}, cancel: {}, requests: { sampling: { createMessage: {} }, elicitation: { create: {} } } },
        experimental: { 'com.example/feature': { level: 2 } },
      },
      clientInfo: { name: 'client', version: '1.0.0', title: 'Client', description: 'A client', icons: [icon], websiteUrl: 'https://example.com' },
    },
  },
  PingRequest: { jsonrpc: '2.0', id: 'ping-1', method: 'ping' },
  ListToolsRequest: { jsonrpc: '2.0', id: 2, method: 'tools/list', params: { cursor: 'c1', _meta: { progressToken: 'p' } } },
  CallToolRequest: {
    jsonrpc: '2.0',
    id: 3,
    method: 'tools/call',
    params: { name: 'add', arguments: { a: 1, deep: { b: [1, 2] } }, task: { ttl: 1000 }, _meta: { progressToken: 7 } },
  },
  ListResourcesRequest: { jsonrpc: '2.0', id: 4, method: 'resources/list' },
  ListResourceTemplatesRequest: { jsonrpc: '2.0', id: 5, method: 'resources/templates/list', params: {} },
  ReadResourceRequest: { jsonrpc: '2.0', id: 6, method: 'resources/read', params: { uri: 'file:///a.txt' } },
  SubscribeRequest: { jsonrpc: '2.0', id: 7, method: 'resources/subscribe', params: { uri: 'file:///a.txt' } },
  UnsubscribeRequest: { jsonrpc: '2.0', id: 8, method: 'resources/unsubscribe', params: { uri: 'file:///a.txt' } },
  ListPromptsRequest: { jsonrpc: '2.0', id: 9, method: 'prompts/list' },
  GetPromptRequest: { jsonrpc: '2.0', id: 10, method: 'prompts/get', params: { name: 'review', arguments: { code: 'x = 1' } } },
  CompleteRequest: {
    jsonrpc: '2.0',
    id: 11,
    method: 'completion/complete',
    params: { ref: { type: 'ref/prompt', name: 'review' }, argument: { name: 'framework', value: 'fla' }, context: { arguments: { language: 'python' } } },
  },
  SetLevelRequest: { jsonrpc: '2.0', id: 12, method: 'logging/setLevel', params: { level: 'warning' } },
  CreateMessageRequest: {
    jsonrpc: '2.0',
    id: 13,
    method: 'sampling/createMessage',
    params: {
      messages: [
        { role: 'user', content: text },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'call-1', name: 'add', input: { a: 1 } }] },
        { role: 'user', content: [{ type: 'tool_result', toolUseId: 'call-1', content: [text], structuredContent: { sum: 1 } }] },
      ],
      modelPreferences: { hints: [{ name: 'claude' }], costPriority: 0.1, speedPriority: 0.5, intelligencePriority: 1 },
      systemPrompt: 'Be brief',
      includeContext: 'none',
      temperature: 0.2,
      maxTokens: 100,
      stopSequences: ['END'],
      metadata: { provider: 'x' },
      tools: [tool],
      toolChoice: { mode: 'auto' },
    },
  },
  ElicitRequest: {
    jsonrpc: '2.0',
    id: 14,
    method: 'elicitation/create',
    params: {
      mode: 'form',
      message: 'Tell me about you',
      requestedSchema: {
        type: 'object',
        properties: {
          name: { type: 'string', title: 'Name', minLength: 1, maxLength: 50, format: 'email', default: 'a@b.c' },
          age: { type: 'integer', minimum: 0, maximum: 150, default: 30 },
          subscribe: { type: 'boolean', default: true },
          color: { type: 'string', enum: ['red', 'green'], default: 'red' },
          size: { type: 'string', oneOf: [{ const: 's', title: 'Small' }, { const: 'l', title: 'Large' }] },
          tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] }, minItems: 1, maxItems: 2, default: ['a'] },
          sizes: { type: 'array', items: { anyOf: [{ const: 's', title: 'Small' }] } },
          legacy: { type: 'string', enum: ['x', 'y'], enumNames: ['Ex', 'Why'] },
        },
        required: ['name'],
      },
    },
  },
  ListRootsRequest: { jsonrpc: '2.0', id: 16, method: 'roots/list' },
  GetTaskRequest: { jsonrpc: '2.0', id: 17, method: 'tasks/get', params: { taskId: 't-1' } },
  GetTaskPayloadRequest: { jsonrpc: '2.0', id: 18, method: 'tasks/result', params: { taskId: 't-1' } },
  ListTasksRequest: { jsonrpc: '2.0', id: 19, method: 'tasks/list', params: { cursor: 'c' } },
  CancelTaskRequest: { jsonrpc: '2.0', id: 20, method: 'tasks/cancel', params: { taskId: 't-1' } },
  InitializedNotification: { jsonrpc: '2.0', method: 'notifications/initialized' },
  CancelledNotification: { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 3, reason: 'user' } },
  ProgressNotification: {
    jsonrpc: '2.0',
    method: 'notifications/progress',
    params: { progressToken: 'p', progress: 50, total: 100, message: 'half' },
  },
  LoggingMessageNotification: {
    jsonrpc: '2.0',
    method: 'notifications/message',
    params: { level: 'error', logger: 'db', data: { error: 'down' } },
  },
  ResourceUpdatedNotification: { jsonrpc: '2.0', method: 'notifications/resources/updated', params: { uri: 'file:///a.txt' } },
  ResourceListChangedNotification: { jsonrpc: '2.0', method: 'notifications/resources/list_changed' },
  ToolListChangedNotification: { jsonrpc: '2.0', method: 'notifications/tools/list_changed', params: { _meta: {} } },
  PromptListChangedNotification: { jsonrpc: '2.0', method: 'notifications/prompts/list_changed' },
  RootsListChangedNotification: { jsonrpc: '2.0', method: 'notifications/roots/list_changed' },
  ElicitationCompleteNotification: { jsonrpc: '2.0', method: 'notifications/elicitation/complete', params: { elicitationId: 'e-1' } },
  TaskStatusNotification: { jsonrpc: '2.0', method: 'notifications/tasks/status', params: { ...task, status: 'completed' } },
}

/** One valid result of every result type, keyed by its spec def. */
const results: Record<string, Record<string, unknown>> = {
  EmptyResult: {},
  InitializeResult: {
    protocolVersion: REVISION,
    capabilities: {
      logging: {},
      completions: {},
      prompts: { listChanged: true },
      resources: { subscribe: true, listChanged: true },
      tools: { listChanged: false },
      tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } },
      experimental: {},
    },
    serverInfo: { name: 'server', version: '2.0.0', icons: [icon] },
    instructions: 'Use add for sums',
  },
  ListToolsResult: { tools: [tool, { name: 'bare', inputSchema: { type: 'object' } }], nextCursor: 'next' },
  CallToolResult: { content: [text, image, audio, link, embedded], structuredContent: { sum: 3 }, isError: false },
  ListResourcesResult: {
    resources: [{ uri: 'file:///a.txt', name: 'a.txt', title: 'A', description: 'd', mimeType: 'text/plain', size: 3, annotations: { priority: 1 }, icons: [icon] }],
  },
  ListResourceTemplatesResult: {
    resourceTemplates: [{ uriTemplate: 'file:///{path}', name: 'files', title: 'Files', mimeType: 'text/plain', icons: [icon] }],
  },
  ReadResourceResult: {
    contents: [
      { uri: 'file:///a.txt', mimeType: 'text/plain', text: 'abc' },
      { uri: 'file:///a.png', mimeType: 'image/png', blob: 'iVBORw0KGgo=' },
    ],
  },
  ListPromptsResult: {
    prompts: [{ name: 'review', title: 'Review', description: 'd', arguments: [{ name: 'code', title: 'Code', required: true }], icons: [icon] }],
  },
  GetPromptResult: { description: 'Review', messages: [{ role: 'user', content: text }, { role: 'assistant', content: link }] },
  CompleteResult: { completion: { values: ['flask', 'fastapi'], total: 10, hasMore: true } },
  CreateMessageResult: {
    role: 'assistant',
    content: [{ type: 'tool_use', id: 'call-2', name: 'add', input: { a: 2 } }],
    model: 'claude-3',
    stopReason: 'toolUse',
  },
  ElicitResult: { action: 'accept', content: { name: 'octocat', age: 30, subscribe: true, tags: ['a', 'b'] } },
  ListRootsResult: { roots: [{ uri: 'file:///home/me/project', name: 'project' }] },
  CreateTaskResult: { task, _meta: { [rev.MODEL_IMMEDIATE_RESPONSE_META_KEY]: 'Working on it' } },
  GetTaskResult: task,
  ListTasksResult: { tasks: [task, { ...task, taskId: 't-2', status: 'completed', ttl: null }], nextCursor: 'n' },
  CancelTaskResult: { ...task, status: 'cancelled' },
  GetTaskPayloadResult: { content: [text], _meta: { [rev.RELATED_TASK_META_KEY]: { taskId: 't-1' } } },
}

/** The same value with fields no revision defines, at the top and one level down. */
function withUnknownFields(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...value, 'x-future-field': { nested: [1, 'two'] } }
  const inner = (out.params ?? out.result) as Record<string, unknown> | undefined
  if (inner) out[out.params ? 'params' : 'result'] = { ...inner, 'x-future-param': 42 }
  return out
}

describe('2025-11-25 messages', () => {
  describe.each(Object.entries(messages))('%s', (def, message) => {
    it('parses, keeping fields the schema does not know', () => {
      const input = withUnknownFields(message)
      const parsed = schemaOf(def).parse(input) as Record<string, unknown>
      expect(parsed).toEqual(input)
      expect(parsed['x-future-field']).toEqual({ nested: [1, 'two'] })
    })

    it('is valid against the official schema, as a message and as its own definition', () => {
      const input = withUnknownFields(message)
      expect(validateAgainstSpec(input, REVISION)).toEqual([])
      expect(validateAgainstSpec(input, REVISION, def)).toEqual([])
    })

    it('is accepted by the envelope schema and by the union of its direction', () => {
      expect(rev.JSONRPCMessageSchema.safeParse(message).success).toBe(true)
      const unions = 'id' in message ? [rev.ClientRequestSchema, rev.ServerRequestSchema] : [rev.ClientNotificationSchema, rev.ServerNotificationSchema]
      expect(unions.some((u) => u.safeParse(message).success)).toBe(true)
    })
  })

  describe.each(Object.entries(results))('%s', (def, result) => {
    it('parses, keeping fields the schema does not know', () => {
      const input = { ...result, 'x-future-field': true }
      expect(schemaOf(def).parse(input)).toEqual(input)
    })

    it('is valid against the official schema, alone and inside a response', () => {
      expect(validateAgainstSpec(result, REVISION, def)).toEqual([])
      expect(validateAgainstSpec({ jsonrpc: '2.0', id: 1, result }, REVISION)).toEqual([])
      expect(rev.JSONRPCResultResponseSchema.safeParse({ jsonrpc: '2.0', id: 1, result }).success).toBe(true)
    })
  })

  it('parses the URL mode of elicitation/create and tells it from form mode by `mode`', () => {
    const params = { mode: 'url', message: 'Set your API key', url: 'https://example.com/key', elicitationId: 'e-1' }
    const parsed = rev.ElicitRequestParamsSchema.parse(params)
    expect(parsed.mode === 'url' && parsed.elicitationId).toBe('e-1')
    expect(validateAgainstSpec({ jsonrpc: '2.0', id: 1, method: 'elicitation/create', params }, REVISION, 'ElicitRequest')).toEqual([])
  })

  it('reads an elicitation request without `mode` as form mode, as 2025-06-18 peers send it', () => {
    const params = { message: 'Name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } } } }
    const parsed = rev.ElicitRequestParamsSchema.parse(params)
    expect(parsed.mode).toBeUndefined()
    expect(parsed.mode !== 'url' && parsed.requestedSchema.properties.name).toEqual({ type: 'string' })
  })

  it('parses an error response with an id, with a null id, and without one', () => {
    const error = { code: -32601, message: 'Method not found', data: { method: 'x' } }
    for (const id of [1, null, undefined]) {
      const message = id === undefined ? { jsonrpc: '2.0', error } : { jsonrpc: '2.0', id, error }
      expect(rev.JSONRPCErrorResponseSchema.parse(message).error.code).toBe(-32601)
    }
  })

  it('parses the URL-elicitation-required error with its elicitations', () => {
    const message = {
      jsonrpc: '2.0',
      id: 2,
      error: {
        code: -32042,
        message: 'Authorization needed',
        data: { elicitations: [{ mode: 'url', message: 'Log in', url: 'https://example.com/login', elicitationId: 'e-2' }] },
      },
    }
    expect(rev.URLElicitationRequiredErrorSchema.parse(message).error.data.elicitations[0]?.elicitationId).toBe('e-2')
    expect(validateAgainstSpec(message, REVISION, 'URLElicitationRequiredError')).toEqual([])
  })

  it('accepts any values as tool arguments, leaving their check to the tool’s own schema', () => {
    const args = { anything: [{ deeply: { nested: null } }], n: 1, s: 'x' }
    const parsed = rev.CallToolRequestParamsSchema.parse({ name: 't', arguments: args }).arguments
    expect(parsed).toEqual(args)
    expect(parsed?.anything).toBe(args.anything)
  })
})

describe('2025-11-25 schemas reject what the spec forbids', () => {
  const invalid: Array<[string, unknown, string]> = [
    ['CallToolRequestParams', { arguments: {} }, 'a tools/call without a name'],
    ['Tool', { name: 't' }, 'a tool without inputSchema'],
    ['Tool', { name: 't', inputSchema: { type: 'array' } }, 'a tool whose input is not an object'],
    ['Tool', { name: 't', title: null, inputSchema: { type: 'object' } }, 'null for an optional field'],
    ['TextContent', { type: 'text' }, 'text content without text'],
    ['CallToolResult', { content: [{ type: 'video', data: 'x' }] }, 'an unknown content type'],
    ['CallToolResult', { isError: true }, 'a tool result without content'],
    ['ProgressNotificationParams', { progressToken: 'p' }, 'progress without progress'],
    ['LoggingMessageNotificationParams', { level: 'verbose', data: 1 }, 'an unknown log level'],
    ['LoggingMessageNotificationParams', { level: 'info' }, 'a log message without data'],
    ['ElicitResult', { action: 'maybe' }, 'an unknown elicitation action'],
    ['ElicitRequestURLParams', { mode: 'url', message: 'm', url: 'https://e.com' }, 'URL elicitation without elicitationId'],
    ['ElicitRequestFormParams', { message: 'm' }, 'form elicitation without requestedSchema'],
    ['InitializeRequestParams', { protocolVersion: 'v', capabilities: {}, clientInfo: { name: 'c' } }, 'clientInfo without version'],
    ['Task', { ...task, status: 'running' }, 'an unknown task status'],
    ['Task', { taskId: 't', status: 'working', createdAt: 'a', lastUpdatedAt: 'b' }, 'a task without ttl'],
    ['CreateMessageRequestParams', { messages: [], maxTokens: 1.5 }, 'a fractional maxTokens'],
    ['ModelPreferences', { speedPriority: 2 }, 'a priority above 1'],
    ['Annotations', { priority: -1 }, 'a priority below 0'],
    ['JSONRPCRequest', { jsonrpc: '2.0', id: null, method: 'ping' }, 'a request with a null id'],
    ['JSONRPCRequest', { jsonrpc: '1.0', id: 1, method: 'ping' }, 'a JSON-RPC version other than 2.0'],
    ['ResourceLink', { type: 'resource_link', uri: 'file:///a' }, 'a resource link without a name'],
    ['CompleteRequestParams', { ref: { type: 'ref/tool', name: 'x' }, argument: { name: 'a', value: 'b' } }, 'an unknown completion ref'],
    ['ReadResourceRequestParams', { uri: 'file:///a', _meta: 'not an object' }, '_meta that is not an object'],
    ['ReadResourceResult', { contents: [{ uri: 'file:///a' }] }, 'resource contents with neither text nor blob'],
    ['PrimitiveSchemaDefinition', { type: 'object' }, 'a nested object in an elicitation form'],
    ['SamplingMessage', { role: 'system', content: { type: 'text', text: 'x' } }, 'a role other than user/assistant'],
  ]

  it.each(invalid)('rejects %s: %s (%s)', (def, value) => {
    expect(schemaOf(def).safeParse(value).success).toBe(false)
  })

  it.each(invalid)('the official schema rejects the same %s: %s', (def, value) => {
    expect(validateAgainstSpec(value, REVISION, def)).not.toEqual([])
  })
})
