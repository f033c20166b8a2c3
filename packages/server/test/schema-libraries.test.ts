import { toJsonSchema, toStandardJsonSchema } from '@valibot/to-json-schema'
import { type } from 'arktype'
import * as v from 'valibot'
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest'
import * as z from 'zod'
import { z as z3 } from 'zod3'
import { z as z3v4 } from 'zod3/v4'
import { z as z40 } from 'zod40'
import { zodToJsonSchema } from 'zod-to-json-schema'
import { McpServer, completable, type McpServerOptions } from '../src/index.js'
import { ERAS, closeAll, connect } from './harness.js'

// "Any Standard Schema" must hold in tools/list too: whatever library (and version) made a tool's
// schema, the model is shown typed parameters, from that library's own converter or the one the
// server was given for it — and a schema nobody can describe is refused at registration.

afterEach(closeAll)

const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] })

/** arktype before 2.1.28: the same type, minus the Standard JSON Schema extension it gained then. */
function withoutStandardJsonSchema<T extends { '~standard': object }>(schema: T): T {
  const { jsonSchema: _, ...props } = schema['~standard'] as { jsonSchema?: unknown }
  const legacy = Object.create(schema) as T
  Object.defineProperty(legacy, '~standard', { value: props })
  return legacy
}

interface Library {
  name: string
  options?: McpServerOptions
  /** Registers tool `add`: `a` a number described "first", `b` an optional string; the handler echoes `a:b`. */
  register(server: McpServer): void
}

// Each registration checks, at compile time, the handler's argument types its schema library infers.
const LIBRARIES: Library[] = [
  {
    name: 'zod 3.25 (zod 3 schemas, with zod-to-json-schema as the converter)',
    options: { jsonSchema: { zod: zodToJsonSchema } },
    register: (server) =>
      server.registerTool('add', { inputSchema: z3.object({ a: z3.number().describe('first'), b: z3.string().optional() }) }, ({ a, b }) => {
        expectTypeOf(a).toEqualTypeOf<number>()
        expectTypeOf(b).toEqualTypeOf<string | undefined>()
        return text(`${a}:${b ?? '-'}`)
      }),
  },
  {
    name: 'zod 3.25 (its zod/v4 schemas, no converter needed)',
    register: (server) =>
      server.registerTool('add', { inputSchema: { a: z3v4.number().describe('first'), b: z3v4.string().optional() } }, ({ a, b }) => {
        expectTypeOf(a).toEqualTypeOf<number>()
        expectTypeOf(b).toEqualTypeOf<string | undefined>()
        return text(`${a}:${b ?? '-'}`)
      }),
  },
  {
    name: 'zod 4.0 (no Standard JSON Schema: converted by zod 4 core)',
    register: (server) =>
      server.registerTool('add', { inputSchema: z40.object({ a: z40.number().describe('first'), b: z40.string().optional() }) }, ({ a, b }) => {
        expectTypeOf(a).toEqualTypeOf<number>()
        expectTypeOf(b).toEqualTypeOf<string | undefined>()
        return text(`${a}:${b ?? '-'}`)
      }),
  },
  {
    name: 'zod 4.0, as a shape',
    register: (server) =>
      server.registerTool('add', { inputSchema: { a: z40.number().describe('first'), b: z40.string().optional() } }, ({ a, b }) => {
        expectTypeOf(a).toEqualTypeOf<number>()
        expectTypeOf(b).toEqualTypeOf<string | undefined>()
        return text(`${a}:${b ?? '-'}`)
      }),
  },
  {
    name: 'latest zod 4 (Standard JSON Schema)',
    register: (server) =>
      server.registerTool('add', { inputSchema: z.object({ a: z.number().describe('first'), b: z.string().optional() }) }, ({ a, b }) => {
        expectTypeOf(a).toEqualTypeOf<number>()
        expectTypeOf(b).toEqualTypeOf<string | undefined>()
        return text(`${a}:${b ?? '-'}`)
      }),
  },
  {
    name: 'valibot (plain, with @valibot/to-json-schema as the converter)',
    options: { jsonSchema: { valibot: toJsonSchema } },
    register: (server) =>
      server.registerTool('add', { inputSchema: v.object({ a: v.pipe(v.number(), v.description('first')), b: v.optional(v.string()) }) }, ({ a, b }) => {
        expectTypeOf(a).toEqualTypeOf<number>()
        expectTypeOf(b).toEqualTypeOf<string | undefined>()
        return text(`${a}:${b ?? '-'}`)
      }),
  },
  {
    name: 'valibot (wrapped in toStandardJsonSchema)',
    register: (server) =>
      server.registerTool(
        'add',
        { inputSchema: toStandardJsonSchema(v.object({ a: v.pipe(v.number(), v.description('first')), b: v.optional(v.string()) })) },
        ({ a, b }) => {
          expectTypeOf(a).toEqualTypeOf<number>()
          expectTypeOf(b).toEqualTypeOf<string | undefined>()
          return text(`${a}:${b ?? '-'}`)
        },
      ),
  },
  {
    name: 'arktype (Standard JSON Schema)',
    register: (server) =>
      server.registerTool('add', { inputSchema: type({ a: type.number.describe('first'), 'b?': 'string' }) }, ({ a, b }) => {
        expectTypeOf(a).toEqualTypeOf<number>()
        expectTypeOf(b).toEqualTypeOf<string | undefined>()
        return text(`${a}:${b ?? '-'}`)
      }),
  },
  {
    name: 'arktype before 2.1.28 (its toJsonSchema())',
    register: (server) =>
      server.registerTool('add', { inputSchema: withoutStandardJsonSchema(type({ a: type.number.describe('first'), 'b?': 'string' })) }, ({ a, b }) => {
        expectTypeOf(a).toEqualTypeOf<number>()
        expectTypeOf(b).toEqualTypeOf<string | undefined>()
        return text(`${a}:${b ?? '-'}`)
      }),
  },
]

describe.each(ERAS)('tool schemas of every library (negotiated %s)', (protocolVersion) => {
  describe.each(LIBRARIES)('$name', (library) => {
    async function start() {
      const server = new McpServer({ name: 'libraries', version: '1' }, library.options)
      library.register(server)
      return (await connect(server, { protocolVersion })).client
    }

    it('advertises typed properties, their description and required in tools/list', async () => {
      const client = await start()
      const { tools } = await client.request('tools/list', {})
      const { inputSchema } = tools[0]!
      expect(inputSchema).not.toHaveProperty('$schema')
      expect(inputSchema.type).toBe('object')
      expect(inputSchema.properties).toEqual({ a: { type: 'number', description: 'first' }, b: { type: 'string' } })
      expect(inputSchema.required).toEqual(['a'])
    })

    it('hands the handler the validated arguments', async () => {
      const client = await start()
      expect((await client.request('tools/call', { name: 'add', arguments: { a: 1, b: 'x' } })).content).toEqual([{ type: 'text', text: '1:x' }])
      expect((await client.request('tools/call', { name: 'add', arguments: { a: 2 } })).content).toEqual([{ type: 'text', text: '2:-' }])
    })

    it('answers bad arguments with an isError result naming the field', async () => {
      const client = await start()
      const bad = await client.request('tools/call', { name: 'add', arguments: { a: 'one', b: 'x' } })
      expect(bad.isError).toBe(true)
      expect(bad.content).toEqual([{ type: 'text', text: expect.stringMatching(/^Invalid arguments for tool add: a: /) }])
      const missing = await client.request('tools/call', { name: 'add', arguments: { b: 'x' } })
      expect(missing.isError).toBe(true)
      expect(missing.content).toEqual([{ type: 'text', text: expect.stringMatching(/^Invalid arguments for tool add: a: /) }])
    })
  })
})

describe('a schema no converter can describe', () => {
  const server = () => new McpServer({ name: 'refusing', version: '1' })

  it('is refused at registration: a zod 3 schema without a converter, naming the tool, the vendor and the fix', () => {
    const register = () => server().registerTool('add', { inputSchema: z3.object({ a: z3.number() }) }, () => text(''))
    expect(register).toThrow(TypeError)
    expect(register).toThrow(/tool "add" inputSchema.*zod 3.*\{ jsonSchema: \{ zod: zodToJsonSchema \} \}.*zod-to-json-schema/)
  })

  it('is refused as a shape field too, naming the field', () => {
    const register = () => server().registerTool('add', { inputSchema: { a: z.number(), when: z3.string() } }, () => text(''))
    expect(register).toThrow(/tool "add" inputSchema \(field "when"\).*zod 3/)
  })

  it('is refused for a plain valibot schema, naming toStandardJsonSchema and the valibot converter option', () => {
    expect(() => server().registerTool('echo', { inputSchema: v.object({ word: v.string() }) }, () => text(''))).toThrow(
      /tool "echo" inputSchema.*valibot.*toStandardJsonSchema\(\).*\{ jsonSchema: \{ valibot: toJsonSchema \} \}/,
    )
  })

  it('is refused as an output schema, naming it', () => {
    expect(() => server().registerTool('sum', { outputSchema: { total: z3.number() } }, () => ({ structuredContent: { total: 1 } }))).toThrow(
      /tool "sum" outputSchema \(field "total"\)/,
    )
  })

  it('is refused for a prompt, naming the prompt', () => {
    expect(() => server().registerPrompt('review', { argsSchema: { code: z3.string() } }, () => ({ messages: [] }))).toThrow(
      /prompt "review" argsSchema \(field "code"\).*zod 3/,
    )
  })

  it('leaves a tool as it was when update() brings a schema it cannot describe', async () => {
    const s = server()
    const tool = s.registerTool('add', { inputSchema: { a: z.number() } }, ({ a }) => text(String(a)))
    expect(() => tool.update({ name: 'plus', inputSchema: { a: z3.number() } })).toThrow(/tool "plus" inputSchema/)
    const { client } = await connect(s)
    const { tools } = await client.request('tools/list', {})
    expect(tools).toMatchObject([{ name: 'add', inputSchema: { properties: { a: { type: 'number' } } } }])
    expect((await client.request('tools/call', { name: 'add', arguments: { a: 'x' } })).isError).toBe(true)
  })

  it('accepts fields that are genuinely any, which their converter describes as {}', async () => {
    const s = server()
    s.registerTool('store', { inputSchema: { key: z40.string(), value: z40.unknown(), extra: z40.any() } }, () => text(''))
    s.registerTool('store3', { inputSchema: z3v4.object({ key: z3v4.string(), value: z3v4.any() }) }, () => text(''))
    const { client } = await connect(s)
    const { tools } = await client.request('tools/list', {})
    expect(tools[0]!.inputSchema.properties).toEqual({ key: { type: 'string' }, value: {}, extra: {} })
    expect(tools[1]!.inputSchema.properties).toEqual({ key: { type: 'string' }, value: {} })
  })
})

describe('which converter describes a schema', () => {
  it('uses the schema library’s own converter before the one given for its vendor', async () => {
    const converter = vi.fn(zodToJsonSchema)
    const server = new McpServer({ name: 'order', version: '1' }, { jsonSchema: { zod: converter } })
    server.registerTool('v4', { inputSchema: z3v4.object({ a: z3v4.number() }) }, () => text(''))
    server.registerTool('v40', { inputSchema: { a: z40.number() } }, () => text(''))
    server.registerTool('latest', { inputSchema: { a: z.number() } }, () => text(''))
    expect(converter).not.toHaveBeenCalled()
    server.registerTool('v3', { inputSchema: { a: z3.number() } }, () => text(''))
    expect(converter).toHaveBeenCalledTimes(1)
    const { client } = await connect(server)
    const { tools } = await client.request('tools/list', {})
    for (const tool of tools) expect(tool.inputSchema).toMatchObject({ properties: { a: { type: 'number' } }, required: ['a'] })
  })

  it('describes a zod 4.0 output schema from its output side, and lists prompt arguments of zod 3 with a converter', async () => {
    const server = new McpServer({ name: 'sides', version: '1' }, { jsonSchema: { zod: zodToJsonSchema } })
    server.registerTool(
      'count',
      { inputSchema: { word: z40.string() }, outputSchema: z40.object({ length: z40.number(), unit: z40.string().default('chars') }) },
      ({ word }) => ({ structuredContent: { length: word.length } }),
    )
    server.registerPrompt('review', { argsSchema: { code: z3.string().describe('the code'), language: z3.string().optional() } }, ({ code, language }) => {
      expectTypeOf(code).toEqualTypeOf<string>()
      expectTypeOf(language).toEqualTypeOf<string | undefined>()
      return { messages: [{ role: 'user', content: { type: 'text', text: `${language ?? '?'}: ${code}` } }] }
    })
    const { client } = await connect(server)
    const { tools } = await client.request('tools/list', {})
    expect(tools[0]!.outputSchema).toMatchObject({ properties: { length: { type: 'number' }, unit: { type: 'string', default: 'chars' } }, required: ['length', 'unit'] })
    expect((await client.request('tools/call', { name: 'count', arguments: { word: 'four' } })).structuredContent).toEqual({ length: 4, unit: 'chars' })
    const { prompts } = await client.request('prompts/list', {})
    expect(prompts[0]!.arguments).toEqual([
      { name: 'code', description: 'the code', required: true },
      { name: 'language', required: false },
    ])
  })
})

describe('zod 4 core, for zod 4 schemas without Standard JSON Schema', () => {
  it('describes a zod 4.0 prompt argument wrapped in completable(), its description included', async () => {
    const server = new McpServer({ name: 'complete', version: '1' })
    const language = completable(z40.string().describe('the language'), (value) => ['python', 'typescript'].filter((l) => l.startsWith(value)))
    server.registerPrompt('review', { argsSchema: { language } }, ({ language }) => ({ messages: [{ role: 'user', content: { type: 'text', text: language } }] }))
    const { client } = await connect(server)
    expect((await client.request('prompts/list', {})).prompts[0]!.arguments).toEqual([{ name: 'language', description: 'the language', required: true }])
    const { completion } = await client.request('completion/complete', { ref: { type: 'ref/prompt', name: 'review' }, argument: { name: 'language', value: 'py' } })
    expect(completion.values).toEqual(['python'])
  })

  it('is the zod already loaded: a fresh process of the built server converts a zod 4.0 schema without loading a second zod', () => {
    // The CommonJS build of zod would be a second copy (~70 ms of cold start); the ESM one is what
    // @plugboard/protocol imported. The built server resolves it through @plugboard/protocol, as under pnpm.
    const script = `
      const commonJsZod = () => Object.keys(require.cache).filter((file) => /[\\\\/]zod[\\\\/]/.test(file) && file.endsWith('.cjs'))
      import('@plugboard/server').then(async ({ compileSchema }) => {
        const { z } = await import('zod40')
        const before = commonJsZod()
        const { jsonSchema } = compileSchema(z.object({ n: z.number().describe('count') }))
        console.log(JSON.stringify({ before, jsonSchema, after: commonJsZod() }))
      })`
    const out = execFileSync(process.execPath, ['-e', script], { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8' })
    expect(JSON.parse(out)).toEqual({ before: [], jsonSchema: { type: 'object', properties: { n: { type: 'number', description: 'count' } }, required: ['n'] }, after: [] })
  })
})
