import * as z from 'zod'
import { completable, ResourceTemplate, type McpServer } from '@plugboard/server'
import { TINY_PNG } from './tiny-image.js'
import { delay } from './progress.js'

/**
 * The fixtures the official conformance referee (`@modelcontextprotocol/conformance`, its server
 * scenarios) calls by name: `test_*` tools, `test://` resources and `test_*` prompts, each
 * answering exactly as the scenario's "Server Implementation Requirements" ask. They are
 * registered only on request (`createEverythingServer({ conformance: true })`, `--conformance`)
 * and share nothing with the everything-server's own features, so either can change without
 * breaking the other. `bash scripts/conformance.sh` runs the referee against them.
 * @see https://github.com/modelcontextprotocol/conformance
 */
export function registerConformanceFixtures(server: McpServer): void {
  registerContentTools(server)
  registerInteractiveTools(server)
  registerElicitationTools(server)
  registerResources(server)
  registerPrompts(server)
}

/** `test://` URIs the scenarios read, subscribe to, or expect to find embedded. */
export const CONFORMANCE_URIS = {
  staticText: 'test://static-text',
  staticBinary: 'test://static-binary',
  template: 'test://template/{id}/data',
  watched: 'test://watched-resource',
} as const

/** A valid WAV file: 8 samples of 8-bit mono silence at 8 kHz (52 bytes), for `test_audio_content`. */
const TINY_WAV = silentWav(8)

function silentWav(samples: number): string {
  const header = Buffer.alloc(44)
  header.write('RIFF', 0, 'ascii')
  header.writeUInt32LE(36 + samples, 4)
  header.write('WAVE', 8, 'ascii')
  header.write('fmt ', 12, 'ascii')
  header.writeUInt32LE(16, 16) // PCM format chunk size
  header.writeUInt16LE(1, 20) // PCM
  header.writeUInt16LE(1, 22) // mono
  header.writeUInt32LE(8000, 24) // sample rate
  header.writeUInt32LE(8000, 28) // byte rate
  header.writeUInt16LE(1, 32) // block align
  header.writeUInt16LE(8, 34) // bits per sample
  header.write('data', 36, 'ascii')
  header.writeUInt32LE(samples, 40)
  // 8-bit PCM is unsigned: 128 is silence.
  return Buffer.concat([header, Buffer.alloc(samples, 128)]).toString('base64')
}

/** Tools whose result is fixed content of one kind: scenarios `tools-call-{simple-text,image,audio,embedded-resource,mixed-content,error}`. */
function registerContentTools(server: McpServer): void {
  server.registerTool('test_simple_text', { description: 'Returns one text block (conformance: tools-call-simple-text).' }, () => ({
    content: [{ type: 'text', text: 'This is a simple text response for testing.' }],
  }))

  server.registerTool('test_image_content', { description: 'Returns one PNG image block (conformance: tools-call-image).' }, () => ({
    content: [{ type: 'image', data: TINY_PNG, mimeType: 'image/png' }],
  }))

  server.registerTool('test_audio_content', { description: 'Returns one WAV audio block (conformance: tools-call-audio).' }, () => ({
    content: [{ type: 'audio', data: TINY_WAV, mimeType: 'audio/wav' }],
  }))

  server.registerTool('test_embedded_resource', { description: 'Returns an embedded text resource (conformance: tools-call-embedded-resource).' }, () => ({
    content: [{ type: 'resource', resource: { uri: 'test://embedded-resource', mimeType: 'text/plain', text: 'This is an embedded resource content.' } }],
  }))

  server.registerTool('test_multiple_content_types', { description: 'Returns text, an image and an embedded resource (conformance: tools-call-mixed-content).' }, () => ({
    content: [
      { type: 'text', text: 'Multiple content types test:' },
      { type: 'image', data: TINY_PNG, mimeType: 'image/png' },
      { type: 'resource', resource: { uri: 'test://mixed-content-resource', mimeType: 'application/json', text: JSON.stringify({ test: 'data', value: 123 }) } },
    ],
  }))

  // Thrown, not returned: the scenario checks that the SDK turns a throwing handler into an
  // `isError: true` result carrying the message, rather than a JSON-RPC error.
  server.registerTool('test_error_handling', { description: 'Always throws; the client gets an isError result (conformance: tools-call-error).' }, () => {
    throw new Error('This tool intentionally returns an error for testing')
  })

  // SEP-1613: a raw JSON Schema 2020-12 document whose `$schema`, `$defs` and
  // `additionalProperties` must reach `tools/list` unchanged.
  server.registerTool(
    'json_schema_2020_12_tool',
    {
      description: 'Tool with JSON Schema 2020-12 features (conformance: json-schema-2020-12).',
      inputSchema: {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        $defs: { address: { type: 'object', properties: { street: { type: 'string' }, city: { type: 'string' } } } },
        properties: { name: { type: 'string' }, address: { $ref: '#/$defs/address' } },
        additionalProperties: false,
      },
    },
    (args) => ({ content: [{ type: 'text', text: `JSON Schema 2020-12 tool called with: ${JSON.stringify(args)}` }] }),
  )
}

/** Tools that talk back while they run: logging, progress, sampling, and the SSE polling probe. */
function registerInteractiveTools(server: McpServer): void {
  server.registerTool('test_tool_with_logging', { description: 'Logs three info messages 50 ms apart (conformance: tools-call-with-logging).' }, async (_args, ctx) => {
    await ctx.log.info('Tool execution started')
    await delay(50, ctx.signal)
    await ctx.log.info('Tool processing data')
    await delay(50, ctx.signal)
    await ctx.log.info('Tool execution completed')
    return { content: [{ type: 'text', text: 'Tool with logging executed successfully' }] }
  })

  server.registerTool('test_tool_with_progress', { description: 'Reports progress 0, 50, 100 of 100, 50 ms apart (conformance: tools-call-with-progress).' }, async (_args, ctx) => {
    for (const progress of [0, 50, 100]) {
      if (progress > 0) await delay(50, ctx.signal)
      await ctx.progress(progress, 100, `Completed step ${progress} of 100`)
    }
    return { content: [{ type: 'text', text: `Progress reported for token ${String(ctx.meta?.progressToken ?? '(none)')}` }] }
  })

  server.registerTool(
    'test_sampling',
    { description: "Asks the client's LLM to answer a prompt (conformance: tools-call-sampling).", inputSchema: { prompt: z.string().describe('The prompt to send to the LLM') } },
    async ({ prompt }, ctx) => {
      const result = await ctx.sample({ messages: [{ role: 'user', content: { type: 'text', text: prompt } }], maxTokens: 100 })
      const content = Array.isArray(result.content) ? result.content.find((block) => block.type === 'text') : result.content
      const text = content?.type === 'text' ? content.text : JSON.stringify(result.content)
      return { content: [{ type: 'text', text: `LLM response: ${text}` }] }
    },
  )

  server.registerTool(
    'test_reconnection',
    {
      description: 'Closes its SSE stream mid-call and answers after the client reconnects with Last-Event-ID (conformance: server-sse-polling, SEP-1699).',
    },
    async (_args, ctx) => {
      // Ends this request's SSE stream after a `retry` hint; the request stays alive. Only
      // Streamable HTTP has such a stream (elsewhere this returns false and the call just answers).
      ctx.closeSSEStream()
      // Time for the client to reconnect; the result then arrives on the resumed stream (or is
      // replayed from the event store on `GET` with `Last-Event-ID`).
      await delay(100, ctx.signal)
      return { content: [{ type: 'text', text: 'Reconnection test completed successfully. If you received this, the client properly reconnected after stream closure.' }] }
    },
  )
}

/** Elicitation requests: scenarios `tools-call-elicitation`, `elicitation-sep1034-defaults`, `elicitation-sep1330-enums`. */
function registerElicitationTools(server: McpServer): void {
  server.registerTool(
    'test_elicitation',
    { description: 'Asks the user for a username and an email (conformance: tools-call-elicitation).', inputSchema: { message: z.string().describe('The message to show the user') } },
    async ({ message }, ctx) => {
      const result = await ctx.elicit({
        message,
        requestedSchema: {
          type: 'object',
          properties: {
            username: { type: 'string', description: "User's response" },
            email: { type: 'string', description: "User's email address" },
          },
          required: ['username', 'email'],
        },
      })
      return { content: [{ type: 'text', text: `User response: action=${result.action}, content=${JSON.stringify(result.content ?? {})}` }] }
    },
  )

  server.registerTool('test_elicitation_sep1034_defaults', { description: 'Elicits a form whose every primitive field has a default (conformance: SEP-1034).' }, async (_args, ctx) => {
    const result = await ctx.elicit({
      message: 'Please review and update the form fields with defaults',
      requestedSchema: {
        type: 'object',
        properties: {
          name: { type: 'string', description: 'User name', default: 'John Doe' },
          age: { type: 'integer', description: 'User age', default: 30 },
          score: { type: 'number', description: 'User score', default: 95.5 },
          status: { type: 'string', description: 'User status', enum: ['active', 'inactive', 'pending'], default: 'active' },
          verified: { type: 'boolean', description: 'Verification status', default: true },
        },
        required: [],
      },
    })
    return { content: [{ type: 'text', text: `Elicitation completed: action=${result.action}, content=${JSON.stringify(result.content ?? {})}` }] }
  })

  server.registerTool('test_elicitation_sep1330_enums', { description: 'Elicits a form with all five enum shapes (conformance: SEP-1330).' }, async (_args, ctx) => {
    const result = await ctx.elicit({
      message: 'Please select options from the enum fields',
      requestedSchema: {
        type: 'object',
        properties: {
          untitledSingle: { type: 'string', description: 'Select one option', enum: ['option1', 'option2', 'option3'] },
          titledSingle: {
            type: 'string',
            description: 'Select one option with titles',
            oneOf: [
              { const: 'value1', title: 'First Option' },
              { const: 'value2', title: 'Second Option' },
              { const: 'value3', title: 'Third Option' },
            ],
          },
          // Deprecated since 2025-11-25 but still sent by older servers; clients must render it.
          legacyEnum: { type: 'string', description: 'Select one option (legacy)', enum: ['opt1', 'opt2', 'opt3'], enumNames: ['Option One', 'Option Two', 'Option Three'] },
          untitledMulti: { type: 'array', description: 'Select multiple options', minItems: 1, maxItems: 3, items: { type: 'string', enum: ['option1', 'option2', 'option3'] } },
          titledMulti: {
            type: 'array',
            description: 'Select multiple options with titles',
            minItems: 1,
            maxItems: 3,
            items: {
              anyOf: [
                { const: 'value1', title: 'First Choice' },
                { const: 'value2', title: 'Second Choice' },
                { const: 'value3', title: 'Third Choice' },
              ],
            },
          },
        },
        required: [],
      },
    })
    return { content: [{ type: 'text', text: `Elicitation completed: action=${result.action}, content=${JSON.stringify(result.content ?? {})}` }] }
  })
}

/** Scenarios `resources-{list,read-text,read-binary,templates-read,subscribe,unsubscribe}`. */
function registerResources(server: McpServer): void {
  server.registerResource('static-text', CONFORMANCE_URIS.staticText, { title: 'Static text', description: 'A static text resource (conformance)', mimeType: 'text/plain' }, () => ({
    contents: [{ uri: CONFORMANCE_URIS.staticText, mimeType: 'text/plain', text: 'This is the content of the static text resource.' }],
  }))

  server.registerResource('static-binary', CONFORMANCE_URIS.staticBinary, { title: 'Static binary', description: 'A static PNG resource (conformance)', mimeType: 'image/png' }, () => ({
    contents: [{ uri: CONFORMANCE_URIS.staticBinary, mimeType: 'image/png', blob: TINY_PNG }],
  }))

  server.registerResource(
    'template',
    new ResourceTemplate(CONFORMANCE_URIS.template, { list: undefined }),
    { title: 'Template', description: 'A resource template whose {id} is echoed in the data (conformance)', mimeType: 'application/json' },
    (uri, variables) => {
      const id = String(variables.id)
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` }) }] }
    },
  )

  // Subscribing needs a resource that exists: an unknown URI is -32002, like reading it.
  server.registerResource('watched-resource', CONFORMANCE_URIS.watched, { title: 'Watched resource', description: 'A resource clients subscribe to (conformance)', mimeType: 'text/plain' }, () => ({
    contents: [{ uri: CONFORMANCE_URIS.watched, mimeType: 'text/plain', text: 'Watched resource content' }],
  }))
}

const ARG1_SUGGESTIONS = ['test', 'testing', 'tested', 'value']

/** Scenarios `prompts-{list,get-simple,get-with-args,get-embedded-resource,get-with-image}` and `completion-complete`. */
function registerPrompts(server: McpServer): void {
  server.registerPrompt('test_simple_prompt', { title: 'Simple test prompt', description: 'A prompt without arguments (conformance)' }, () => ({
    messages: [{ role: 'user', content: { type: 'text', text: 'This is a simple prompt for testing.' } }],
  }))

  server.registerPrompt(
    'test_prompt_with_arguments',
    {
      title: 'Prompt with arguments',
      description: 'A prompt with two required arguments; arg1 completes (conformance)',
      argsSchema: {
        arg1: completable(z.string().describe('First test argument'), (value) => ARG1_SUGGESTIONS.filter((s) => s.startsWith(value))),
        arg2: z.string().describe('Second test argument'),
      },
    },
    ({ arg1, arg2 }) => ({
      messages: [{ role: 'user', content: { type: 'text', text: `Prompt with arguments: arg1='${arg1}', arg2='${arg2}'` } }],
    }),
  )

  server.registerPrompt(
    'test_prompt_with_embedded_resource',
    {
      title: 'Prompt with an embedded resource',
      description: 'Embeds a text resource at the given URI (conformance)',
      argsSchema: { resourceUri: z.string().describe('URI of the resource to embed') },
    },
    ({ resourceUri }) => ({
      messages: [
        { role: 'user', content: { type: 'resource', resource: { uri: resourceUri, mimeType: 'text/plain', text: 'Embedded resource content for testing.' } } },
        { role: 'user', content: { type: 'text', text: 'Please process the embedded resource above.' } },
      ],
    }),
  )

  server.registerPrompt('test_prompt_with_image', { title: 'Prompt with an image', description: 'A prompt with an image (conformance)' }, () => ({
    messages: [
      { role: 'user', content: { type: 'image', data: TINY_PNG, mimeType: 'image/png' } },
      { role: 'user', content: { type: 'text', text: 'Please analyze the image above.' } },
    ],
  }))
}
