import { afterEach, describe, expect, it } from 'vitest'
import { AnthropicProvider } from '../../src/providers/anthropic.js'
import { OpenAIProvider } from '../../src/providers/openai.js'
import { createProvider, ModelsConfigError } from '../../src/providers/select.js'
import { anthropicStream, type FakeApiServer, openAIStream, startAnthropicServer, startOpenAIServer } from './fake-apis.js'

const servers: FakeApiServer[] = []

afterEach(async () => {
  for (const server of servers.splice(0)) {
    await server.close()
    expect(server.openSockets).toBe(0)
  }
})

/** The problems of the ModelsConfigError that `run` throws. */
function problemsOf(run: () => unknown): string[] {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(ModelsConfigError)
    return (error as ModelsConfigError).problems
  }
  throw new Error('expected a ModelsConfigError')
}

const hello = [{ role: 'user' as const, content: 'Hello?' }]

describe('createProvider from the environment', () => {
  it('returns undefined when nothing is configured, so the caller falls back to the scripted provider', () => {
    expect(createProvider(undefined, {})).toBeUndefined()
    expect(createProvider({ source: 'mcp.json', servers: {} }, { OPENAI_API_KEY: '' })).toBeUndefined()
  })

  it('chooses Anthropic with claude-sonnet-4-5 when ANTHROPIC_API_KEY is set, even if OPENAI_API_KEY is too', () => {
    const provider = createProvider(undefined, { ANTHROPIC_API_KEY: 'sk-ant', OPENAI_API_KEY: 'sk' })

    expect(provider).toBeInstanceOf(AnthropicProvider)
    expect(provider!.models.map((m) => m.name)).toEqual(['claude-sonnet-4-5'])
  })

  it('chooses OpenAI with gpt-4o-mini when only OPENAI_API_KEY is set, and PLUGBOARD_MODEL names another model', () => {
    expect(createProvider(undefined, { OPENAI_API_KEY: 'sk' })!.models.map((m) => m.name)).toEqual(['gpt-4o-mini'])
    const provider = createProvider(undefined, { OPENAI_API_KEY: 'sk', PLUGBOARD_MODEL: 'gpt-4.1' })

    expect(provider).toBeInstanceOf(OpenAIProvider)
    expect(provider!.models).toEqual([{ name: 'gpt-4.1', provider: 'openai' }])
  })

  it('talks to OPENAI_BASE_URL without a key when only the base URL is set (a local Ollama)', async () => {
    const server = await startOpenAIServer((_req, reply) => reply.stream(openAIStream({ text: ['hi'] })))
    servers.push(server)
    const provider = createProvider(undefined, { OPENAI_BASE_URL: server.baseUrl, PLUGBOARD_MODEL: 'llama3.2' })!

    await expect(provider.complete({ messages: hello })).resolves.toMatchObject({ text: 'hi' })
    expect(server.requests[0]!.body.model).toBe('llama3.2')
    expect(server.requests[0]!.headers.authorization).toBeUndefined()
  })

  it('follows PLUGBOARD_PROVIDER over the keys, and returns undefined for "scripted"', () => {
    const env = { ANTHROPIC_API_KEY: 'sk-ant', PLUGBOARD_MODEL: 'qwen3' }
    expect(createProvider(undefined, { ...env, PLUGBOARD_PROVIDER: 'openai' })).toBeInstanceOf(OpenAIProvider)
    expect(createProvider(undefined, { ...env, PLUGBOARD_PROVIDER: 'scripted' })).toBeUndefined()
    expect(createProvider(undefined, { PLUGBOARD_PROVIDER: 'Anthropic' })).toBeInstanceOf(AnthropicProvider)
  })

  it('rejects an unknown PLUGBOARD_PROVIDER and a base URL that is not http(s), naming the variable', () => {
    expect(problemsOf(() => createProvider(undefined, { PLUGBOARD_PROVIDER: 'gemini' }))).toEqual(['PLUGBOARD_PROVIDER: expected "openai", "anthropic" or "scripted", got "gemini"'])
    expect(problemsOf(() => createProvider(undefined, { OPENAI_BASE_URL: 'localhost:11434' }))).toEqual(['OPENAI_BASE_URL: expected an http(s) URL, got "localhost:11434"'])
  })
})

describe('createProvider from the models section', () => {
  it('builds an OpenAI-compatible provider that uses the configured URL, key variable, headers and model profiles', async () => {
    const server = await startOpenAIServer((_req, reply) => reply.stream(openAIStream({ text: ['hi'] })), { apiKey: 'key-from-env' })
    servers.push(server)
    const config = {
      source: 'mcp.json',
      models: {
        provider: 'openai',
        baseUrl: server.baseUrl,
        apiKeyEnv: 'LOCAL_LLM_KEY',
        models: ['llama3.2', { name: 'qwen3', aliases: ['qwen'], cost: 0, speed: 0.4, intelligence: 0.7 }],
        headers: { 'x-team': 'docs' },
      },
    }

    const provider = createProvider(config, { LOCAL_LLM_KEY: 'key-from-env', PLUGBOARD_PROVIDER: 'anthropic' })!
    await provider.complete({ messages: hello })

    expect(provider).toBeInstanceOf(OpenAIProvider)
    expect(provider.models).toEqual([
      { name: 'llama3.2', provider: 'openai' },
      { name: 'qwen3', aliases: ['qwen'], cost: 0, speed: 0.4, intelligence: 0.7, provider: 'openai' },
    ])
    expect(server.requests[0]!.headers).toMatchObject({ authorization: 'Bearer key-from-env', 'x-team': 'docs' })
    expect(server.requests[0]!.body.model).toBe('llama3.2')
  })

  it('builds an Anthropic provider that reads its key from ANTHROPIC_API_KEY by default', async () => {
    const server = await startAnthropicServer((_req, reply) => reply.stream(anthropicStream({ blocks: [{ type: 'text', text: ['hi'] }] })), { apiKey: 'sk-ant' })
    servers.push(server)

    const provider = createProvider({ models: { provider: 'anthropic', baseUrl: server.baseUrl, models: ['claude-haiku-4-5'] } }, { ANTHROPIC_API_KEY: 'sk-ant' })!

    expect(provider).toBeInstanceOf(AnthropicProvider)
    await expect(provider.complete({ messages: hello })).resolves.toMatchObject({ text: 'hi' })
  })

  it('accepts the models section itself as well as the whole host config', () => {
    const section = { provider: 'openai', models: ['gpt-4o'] }

    expect(createProvider(section, {})!.models).toEqual(createProvider({ models: section }, {})!.models)
  })

  it('returns undefined for provider "scripted", whatever the environment says', () => {
    expect(createProvider({ models: { provider: 'scripted' } }, { OPENAI_API_KEY: 'sk' })).toBeUndefined()
  })

  it('lists every problem with its field path', () => {
    const problems = problemsOf(() =>
      createProvider(
        {
          models: {
            provider: 'gemini',
            baseUrl: 'ftp://example.com',
            apiKey: 'sk-oops',
            apiKeyEnv: 'not a name',
            headers: { 'x-team': 3 },
            models: ['gpt-4o', '', { name: 'o3', cost: 2, aliases: 'o' }, 7],
          },
        },
        {},
      ),
    )

    expect(problems).toEqual([
      'models.apiKey: unknown key; put the key in an environment variable and name it in "apiKeyEnv"',
      'models.provider: expected "openai", "anthropic" or "scripted", got "gemini"',
      'models.baseUrl: expected an http(s) URL, got "ftp://example.com"',
      'models.apiKeyEnv: expected the name of an environment variable, got "not a name"',
      'models.headers.x-team: expected a string, got number 3',
      'models.models[1]: must not be empty',
      'models.models[2].aliases: expected an array of strings, got "o"',
      'models.models[2].cost: expected a number from 0 to 1, got number 2',
      'models.models[3]: expected a model name or an object with "name", got number 7',
    ])
  })

  it('requires a provider and a non-empty models list', () => {
    expect(problemsOf(() => createProvider({ source: 'mcp.json', models: {} }, {}))).toEqual(problemsOf(() => createProvider({}, {})))
    expect(problemsOf(() => createProvider({}, {}))).toEqual([
      'models.provider: expected "openai", "anthropic" or "scripted"',
      'models.models: expected a non-empty array of model names or { "name": … } objects',
    ])
    expect(problemsOf(() => createProvider({ models: { provider: 'openai', models: [] } }, {}))).toEqual([
      'models.models: expected a non-empty array of model names or { "name": … } objects, got an array',
    ])
    expect(problemsOf(() => createProvider({ models: 'openai' }, {}))).toEqual(['models: expected an object with "provider" and "models", got "openai"'])
    expect(problemsOf(() => createProvider({ baseUrl: 'http://localhost:11434/v1' }, {}))).toEqual([
      'models.provider: expected "openai", "anthropic" or "scripted"',
      'models.models: expected a non-empty array of model names or { "name": … } objects',
    ])
  })

  it('rejects an apiKeyEnv whose variable is not set, since naming one says a key is needed', () => {
    expect(problemsOf(() => createProvider({ models: { provider: 'anthropic', apiKeyEnv: 'TEAM_CLAUDE_KEY', models: ['claude-sonnet-4-5'] } }, {}))).toEqual([
      'models.apiKeyEnv: TEAM_CLAUDE_KEY is not set in the environment',
    ])
  })
})
