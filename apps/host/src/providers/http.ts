import type { ModelProfile } from '@plugboard/host'
import { ProviderError } from './provider.js'

/** The configured models as profiles tagged with their provider; a provider needs at least one. */
export function modelProfiles(provider: string, models: readonly (ModelProfile | string)[]): ModelProfile[] {
  const profiles = models.map((m) => (typeof m === 'string' ? { name: m, provider } : { provider, ...m }))
  if (profiles.length === 0) throw new ProviderError(provider, 'no models configured')
  return profiles
}

/**
 * POSTs a JSON body to a model API and hands the (2xx) response to `read`. Every failure comes out
 * as a {@link ProviderError} in the API's own words, except an abort, which rejects with the
 * signal's reason so the caller can tell "cancelled" from "failed".
 */
export async function postJson<T>(
  options: { provider: string; url: string; headers: Record<string, string>; body: unknown; signal?: AbortSignal; fetch?: typeof fetch },
  read: (response: Response) => Promise<T>,
): Promise<T> {
  const { provider, signal } = options
  try {
    const response = await (options.fetch ?? fetch)(options.url, { method: 'POST', headers: options.headers, body: JSON.stringify(options.body), signal })
    if (!response.ok) throw new ProviderError(provider, await describeFailure(response), response.status)
    return await read(response)
  } catch (error) {
    if (signal?.aborted) throw signal.reason
    if (error instanceof ProviderError) throw error
    throw new ProviderError(provider, `request failed: ${describeError(error)}`)
  }
}

/** A tool call's arguments (`what`: "arguments" for OpenAI, "input" for Anthropic) as a JSON object; `''` is `{}`. */
export function parseArguments(provider: string, tool: string, json: string, what = 'arguments'): Record<string, unknown> {
  if (json.trim() === '') return {}
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch (error) {
    throw new ProviderError(provider, `the model's call to tool "${tool}" has malformed JSON ${what} (${(error as Error).message}): ${json.slice(0, 200)}`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProviderError(provider, `the model's call to tool "${tool}" has ${what} that ${what === 'input' ? 'is' : 'are'} not a JSON object: ${json.slice(0, 200)}`)
  }
  return value as Record<string, unknown>
}

/**
 * The API's own words for a failure: OpenAI, Ollama and Anthropic send `{ error: { message } }`,
 * some proxies `{ error: "…" }`, vLLM a top-level `message`, FastAPI-based servers `detail`.
 */
export function errorMessage(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined
  const { error, message, detail } = body as { error?: unknown; message?: unknown; detail?: unknown }
  if (typeof error === 'string') return error
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') return (error as { message: string }).message
  if (typeof message === 'string') return message
  if (typeof detail === 'string') return detail
  return undefined
}

/** `HTTP 401: invalid x-api-key`, from the body when it says something, else the status text. */
async function describeFailure(response: Response): Promise<string> {
  const text = await response.text().catch(() => '')
  let message: string | undefined
  try {
    message = errorMessage(JSON.parse(text))
  } catch {
    message = text.trim().slice(0, 200) || undefined
  }
  return `HTTP ${response.status}${message ? `: ${message}` : response.statusText ? ` ${response.statusText}` : ''}`
}

/** `fetch failed` alone says nothing; undici puts the reason (ECONNREFUSED…) in `cause`. */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : ''
  return `${error.message}${cause}`
}
