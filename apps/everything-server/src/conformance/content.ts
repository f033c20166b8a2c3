import type { McpServer } from '@plugboard/server'
import { TINY_PNG } from '../tiny-image.js'

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

/**
 * The `inputSchema` of `json_schema_2020_12_tool`, exactly as the referee prints it: SEP-1613's
 * `$schema`, `$defs` and `additionalProperties`, and SEP-2106's wider vocabulary (`$anchor` in
 * `$defs`, `allOf`/`anyOf`, `if`/`then`/`else`), all of which must reach `tools/list` unchanged.
 */
export const JSON_SCHEMA_2020_12 = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  $defs: {
    address: { $anchor: 'addressDef', type: 'object', properties: { street: { type: 'string' }, city: { type: 'string' } } },
  },
  properties: {
    name: { type: 'string' },
    address: { $ref: '#/$defs/address' },
    contactMethod: { type: 'string', enum: ['phone', 'email'] },
    phone: { type: 'string' },
    email: { type: 'string' },
  },
  allOf: [{ anyOf: [{ required: ['phone'] }, { required: ['email'] }] }],
  if: { properties: { contactMethod: { const: 'phone' } }, required: ['contactMethod'] },
  then: { required: ['phone'] },
  else: { required: ['email'] },
  additionalProperties: false,
} as const

/**
 * Tools whose result is fixed content of one kind — scenarios `tools-call-{simple-text,image,audio,
 * embedded-resource,mixed-content,error}` — and the schema-preservation tool of `json-schema-2020-12`.
 */
export function registerContentTools(server: McpServer): void {
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

  server.registerTool(
    'json_schema_2020_12_tool',
    { description: 'Tool with JSON Schema 2020-12 features (conformance: json-schema-2020-12).', inputSchema: JSON_SCHEMA_2020_12 },
    (args) => ({ content: [{ type: 'text', text: `JSON Schema 2020-12 tool called with: ${JSON.stringify(args)}` }] }),
  )
}
