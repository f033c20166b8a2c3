import type { ModelProfile } from '@plugboard/host'
import { AnthropicProvider } from './anthropic.js'
import { OpenAIProvider } from './openai.js'
import type { ModelProvider } from './provider.js'

/**
 * A `models` section, or provider environment variables, that cannot be used. `problems` lists
 * every one found, each naming its field (`models.provider: expected "openai", "anthropic" or
 * "scripted", got "gemini"`); `message` holds them all.
 */
export class ModelsConfigError extends Error {
  override readonly name = 'ModelsConfigError'
  constructor(readonly problems: string[]) {
    super(`Invalid model provider config:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
  }
}

/**
 * Chooses the model provider from the host config's `models` section, else from the environment.
 * Returns `undefined` when the choice is the offline scripted provider, which the caller makes
 * (`providers/scripted.ts`): `"provider": "scripted"`, `PLUGBOARD_PROVIDER=scripted`, or nothing
 * configured at all. Throws a {@link ModelsConfigError} naming every bad field.
 *
 * `config` is the `models` section (`HostConfig.models`), or the whole host config, whose `models` is read:
 *
 * ```jsonc
 * {
 *   "models": {
 *     "provider": "openai",                      // or "anthropic" or "scripted"
 *     "baseUrl": "http://localhost:11434/v1",    // optional; else $OPENAI_BASE_URL / $ANTHROPIC_BASE_URL, else the vendor's
 *     "apiKeyEnv": "OLLAMA_KEY",                 // optional: the variable holding the key; default OPENAI_API_KEY / ANTHROPIC_API_KEY
 *     "models": ["llama3.2", { "name": "qwen3", "aliases": ["qwen"], "cost": 0, "speed": 0.5, "intelligence": 0.6 }],
 *     "headers": { "x-team": "docs" }            // optional, sent with every request
 *   }
 * }
 * ```
 *
 * The first model is the default; `cost`, `speed` and `intelligence` (0 to 1) feed sampling's
 * model preferences. The key itself never goes in the file, only the name of its variable.
 *
 * Without a `models` section: `PLUGBOARD_PROVIDER` (`openai`, `anthropic` or `scripted`) with
 * `PLUGBOARD_MODEL`; else `ANTHROPIC_API_KEY` set means Anthropic (`PLUGBOARD_MODEL` or
 * `claude-sonnet-4-5`); else `OPENAI_API_KEY` or `OPENAI_BASE_URL` set means OpenAI or a
 * compatible server (`PLUGBOARD_MODEL` or `gpt-4o-mini`); else `undefined`.
 * @example
 * const provider = createProvider(config.models, process.env) ?? new ScriptedProvider()
 */
export function createProvider(config: unknown, env: Record<string, string | undefined>): ModelProvider | undefined {
  const section = modelsSection(config)
  const settings = section === undefined ? fromEnvironment(env) : fromSection(section, env)
  if (!settings) return undefined
  return settings.provider === 'anthropic' ? new AnthropicProvider(settings) : new OpenAIProvider(settings)
}

const KINDS = ['openai', 'anthropic', 'scripted'] as const
const EXPECTED_KIND = 'expected "openai", "anthropic" or "scripted"'
const VENDOR = {
  openai: { keyVariable: 'OPENAI_API_KEY', urlVariable: 'OPENAI_BASE_URL', model: 'gpt-4o-mini' },
  anthropic: { keyVariable: 'ANTHROPIC_API_KEY', urlVariable: 'ANTHROPIC_BASE_URL', model: 'claude-sonnet-4-5' },
} as const
const SECTION_KEYS = ['provider', 'baseUrl', 'apiKeyEnv', 'models', 'headers']
const PROFILE_KEYS = ['name', 'aliases', 'cost', 'speed', 'intelligence']
const HOST_CONFIG_KEYS = ['source', 'servers', 'mcpServers', 'roots', 'policy']
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

interface Settings {
  provider: 'openai' | 'anthropic'
  baseUrl?: string
  apiKey?: string
  models: ModelProfile[]
  headers?: Record<string, string>
}

/**
 * A host config (parsed, or the file's JSON) has its own keys, or `models` holding an object;
 * anything else is the section itself, so a stray `"models": {}` is reported, not ignored.
 */
function modelsSection(config: unknown): unknown {
  if (config === undefined || config === null) return undefined
  if (!isObject(config) || 'provider' in config) return config
  const hostConfig = HOST_CONFIG_KEYS.some((k) => k in config) || (config.models !== undefined && !Array.isArray(config.models))
  return hostConfig ? config.models : config
}

function fromEnvironment(env: Record<string, string | undefined>): Settings | undefined {
  // An empty variable counts as unset, as `OPENAI_API_KEY= plugboard-host` means.
  const get = (name: string) => env[name] || undefined
  const chosen = get('PLUGBOARD_PROVIDER')?.toLowerCase()
  let provider: 'openai' | 'anthropic'
  if (chosen !== undefined) {
    if (!isKind(chosen)) throw new ModelsConfigError([`PLUGBOARD_PROVIDER: ${EXPECTED_KIND}, got ${JSON.stringify(env.PLUGBOARD_PROVIDER)}`])
    if (chosen === 'scripted') return undefined
    provider = chosen
  } else if (get('ANTHROPIC_API_KEY')) provider = 'anthropic'
  else if (get('OPENAI_API_KEY') || get('OPENAI_BASE_URL')) provider = 'openai'
  else return undefined
  const vendor = VENDOR[provider]
  const problems: string[] = []
  const baseUrl = checkUrl(get(vendor.urlVariable), vendor.urlVariable, problems)
  if (problems.length > 0) throw new ModelsConfigError(problems)
  return { provider, baseUrl, apiKey: get(vendor.keyVariable), models: [{ name: get('PLUGBOARD_MODEL') ?? vendor.model }] }
}

function fromSection(raw: unknown, env: Record<string, string | undefined>): Settings | undefined {
  if (!isObject(raw)) throw new ModelsConfigError([`models: expected an object with "provider" and "models", got ${describe(raw)}`])
  const problems: string[] = []
  for (const key of Object.keys(raw)) {
    if (SECTION_KEYS.includes(key)) continue
    // A key in the config file ends up in backups and screenshots; the environment is the place for it.
    const hint = key === 'apiKey' ? '; put the key in an environment variable and name it in "apiKeyEnv"' : ''
    problems.push(`models.${key}: unknown key${hint}`)
  }
  const { provider, apiKeyEnv, headers } = raw
  if (!isKind(provider)) problems.push(`models.provider: ${EXPECTED_KIND}${provider === undefined ? '' : `, got ${describe(provider)}`}`)
  if (raw.baseUrl !== undefined && typeof raw.baseUrl !== 'string') problems.push(`models.baseUrl: expected an http(s) URL, got ${describe(raw.baseUrl)}`)
  const configuredUrl = checkUrl(typeof raw.baseUrl === 'string' ? raw.baseUrl : undefined, 'models.baseUrl', problems)
  if (apiKeyEnv !== undefined && (typeof apiKeyEnv !== 'string' || !VARIABLE_NAME.test(apiKeyEnv))) {
    problems.push(`models.apiKeyEnv: expected the name of an environment variable, got ${describe(apiKeyEnv)}`)
  }
  if (headers !== undefined) {
    if (!isObject(headers)) problems.push(`models.headers: expected an object of header values, got ${describe(headers)}`)
    else for (const [name, value] of Object.entries(headers)) if (typeof value !== 'string') problems.push(`models.headers${key(name)}: expected a string, got ${describe(value)}`)
  }
  const models = provider === 'scripted' && raw.models === undefined ? [] : parseModels(raw.models, problems)
  if (problems.length > 0) throw new ModelsConfigError(problems)
  if (provider !== 'openai' && provider !== 'anthropic') return undefined

  const vendor = VENDOR[provider]
  const keyVariable = (apiKeyEnv as string | undefined) ?? vendor.keyVariable
  const apiKey = env[keyVariable] || undefined
  // Naming a variable says a key is needed; the default may well be unset for a local server.
  if (apiKeyEnv !== undefined && !apiKey) problems.push(`models.apiKeyEnv: ${keyVariable} is not set in the environment`)
  const baseUrl = configuredUrl ?? checkUrl(env[vendor.urlVariable] || undefined, vendor.urlVariable, problems)
  if (problems.length > 0) throw new ModelsConfigError(problems)
  return { provider, baseUrl, apiKey, models, headers: headers as Record<string, string> | undefined }
}

function parseModels(value: unknown, problems: string[]): ModelProfile[] {
  if (!Array.isArray(value) || value.length === 0) {
    const got = value === undefined ? '' : `, got ${describe(value)}`
    problems.push(`models.models: expected a non-empty array of model names or { "name": … } objects${got}`)
    return []
  }
  const profiles: ModelProfile[] = []
  value.forEach((entry: unknown, i) => {
    const at = `models.models[${i}]`
    if (typeof entry === 'string') {
      if (entry.trim() === '') problems.push(`${at}: must not be empty`)
      return void profiles.push({ name: entry })
    }
    if (!isObject(entry)) return void problems.push(`${at}: expected a model name or an object with "name", got ${describe(entry)}`)
    for (const k of Object.keys(entry)) if (!PROFILE_KEYS.includes(k)) problems.push(`${at}${key(k)}: unknown key`)
    const { name, aliases } = entry
    if (typeof name !== 'string' || name.trim() === '') problems.push(`${at}.name: expected a model name${name === undefined ? '' : `, got ${describe(name)}`}`)
    const profile: ModelProfile = { name: name as string }
    if (aliases !== undefined) {
      if (Array.isArray(aliases) && aliases.every((a) => typeof a === 'string')) profile.aliases = aliases
      else problems.push(`${at}.aliases: expected an array of strings, got ${describe(aliases)}`)
    }
    for (const field of ['cost', 'speed', 'intelligence'] as const) {
      const score = entry[field]
      if (score === undefined) continue
      // Sampling scores models as priority × value, with values on the spec's 0–1 priority scale.
      if (typeof score === 'number' && score >= 0 && score <= 1) profile[field] = score
      else problems.push(`${at}.${field}: expected a number from 0 to 1, got ${describe(score)}`)
    }
    profiles.push(profile)
  })
  return profiles
}

function checkUrl(value: string | undefined, field: string, problems: string[]): string | undefined {
  if (value === undefined) return undefined
  if (!/^https?:$/.test(URL.parse(value)?.protocol ?? '')) problems.push(`${field}: expected an http(s) URL, got ${JSON.stringify(value)}`)
  return value
}

function isKind(value: unknown): value is (typeof KINDS)[number] {
  return KINDS.includes(value as (typeof KINDS)[number])
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** `.name`, or `["x-my header"]` for a key that is not a plain word. */
function key(name: string): string {
  return /^[\w-]+$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  return typeof value === 'string' ? JSON.stringify(value) : `${typeof value} ${String(value)}`
}
