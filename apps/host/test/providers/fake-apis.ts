import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { afterEach, expect } from 'vitest'
import type { ModelEvent } from '../../src/providers/provider.js'

/**
 * Fake OpenAI Chat Completions and Anthropic Messages APIs on 127.0.0.1 (port 0), speaking the
 * real wire formats: the same paths, auth checks and error bodies, and SSE streams written in
 * pieces cut anywhere (mid-line, mid-JSON, mid-UTF-8 character), each its own write. Tests
 * script the answers; the servers record what they were sent.
 */

/** One request a fake API received. */
export interface FakeApiRequest {
  method: string
  /** Path and query, e.g. `/v1/chat/completions`. */
  path: string
  headers: IncomingHttpHeaders
  /** The raw body text. */
  text: string
  /** The body parsed as JSON; `undefined` when empty or not JSON. Typed loosely so tests can reach in. */
  body: any
}

/** How a handler answers one request. */
export interface FakeApiReply {
  /** Answers with a JSON body (`application/json`). */
  json(status: number, body: unknown, headers?: Record<string, string>): void
  /**
   * Answers `200 text/event-stream` and writes `sse` (frames as built by {@link openAIStream},
   * {@link anthropicStream}…) as UTF-8 in pieces of `chunkSize` bytes, one write each, yielding
   * to the event loop between them. Ends the response afterwards unless `keepOpen`. Stops early,
   * without throwing, if the client goes away.
   */
  stream(sse: string | string[], options?: { chunkSize?: number; keepOpen?: boolean }): Promise<void>
  /** Settles when the response's connection is done: `'finished'` if the response ended, `'client-closed'` if the client left first. */
  readonly closed: Promise<'finished' | 'client-closed'>
  /** The underlying response, for anything else. */
  readonly raw: ServerResponse
}

/** Answers one request. */
export type FakeApiHandler = (request: FakeApiRequest, reply: FakeApiReply) => void | Promise<void>

/** A running fake API. */
export interface FakeApiServer {
  /** What the provider takes as `baseUrl`: `http://127.0.0.1:<port>/v1` for OpenAI, the origin for Anthropic. */
  readonly baseUrl: string
  /** Every request to the API's endpoint, in arrival order (rejected ones included). */
  readonly requests: FakeApiRequest[]
  /** TCP connections currently open on the server side. */
  readonly openSockets: number
  /** Destroys every connection and stops listening. */
  close(): Promise<void>
}

/** Options of both fake APIs. */
export interface FakeApiOptions {
  /** When set, requests without this key get the API's real 401 answer. */
  apiKey?: string
}

/**
 * Starts a fake OpenAI Chat Completions API: `POST /v1/chat/completions`, Bearer auth when
 * `apiKey` is set, OpenAI's `{ error: { message, type, code } }` bodies. `handler` answers
 * each request; given an array, the n-th request gets the n-th handler (a scripted conversation),
 * and one past the end gets a 500.
 */
export function startOpenAIServer(handler: FakeApiHandler | FakeApiHandler[], options: FakeApiOptions = {}): Promise<FakeApiServer> {
  const error = (message: string, type: string, code: string | null = null) => ({ error: { message, type, param: null, code } })
  return startFakeApi('/v1', handler, (request, reply) => {
    if (request.method !== 'POST' || request.path !== '/v1/chat/completions') {
      return reply.json(404, error(`Invalid URL (${request.method} ${request.path})`, 'invalid_request_error')), false
    }
    if (options.apiKey !== undefined && request.headers.authorization !== `Bearer ${options.apiKey}`) {
      const given = request.headers.authorization?.replace(/^Bearer /, '')
      const message = given ? `Incorrect API key provided: ${given}.` : "You didn't provide an API key."
      return reply.json(401, error(message, 'invalid_request_error', 'invalid_api_key')), false
    }
    return true
  })
}

/**
 * Starts a fake Anthropic Messages API: `POST /v1/messages`, `x-api-key` checked when `apiKey` is
 * set, `anthropic-version` required, Anthropic's `{ type: 'error', error: { type, message } }`
 * bodies. `handler` as for {@link startOpenAIServer}.
 */
export function startAnthropicServer(handler: FakeApiHandler | FakeApiHandler[], options: FakeApiOptions = {}): Promise<FakeApiServer> {
  const error = (type: string, message: string) => ({ type: 'error', error: { type, message }, request_id: 'req_fake' })
  return startFakeApi('', handler, (request, reply) => {
    if (request.method !== 'POST' || request.path !== '/v1/messages') return reply.json(404, error('not_found_error', 'Not Found')), false
    if (options.apiKey !== undefined && request.headers['x-api-key'] !== options.apiKey) {
      return reply.json(401, error('authentication_error', 'invalid x-api-key')), false
    }
    if (!request.headers['anthropic-version']) return reply.json(400, error('invalid_request_error', 'anthropic-version: header is required')), false
    return true
  })
}

/**
 * For one test file: a `serve` that starts a fake API with `start`, and an `afterEach` that closes
 * every one a test started and checks the provider left no connection open.
 */
export function serveEachTest(start: typeof startOpenAIServer): (handler: FakeApiHandler | FakeApiHandler[], options?: FakeApiOptions) => Promise<FakeApiServer> {
  const servers: FakeApiServer[] = []
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      await server.close()
      expect(server.openSockets).toBe(0)
    }
  })
  return async (handler, options) => {
    const server = await start(handler, options)
    servers.push(server)
    return server
  }
}

/** Collects what a provider reports through `onEvent`. */
export function collectEvents(): { events: ModelEvent[]; onEvent: (event: ModelEvent) => void } {
  const events: ModelEvent[] = []
  return { events, onEvent: (event) => void events.push(event) }
}

/** The SSE frame of one OpenAI `chat.completion.chunk` (or any JSON): `data: {…}\n\n`. */
export function openAIChunk(body: unknown): string {
  return `data: ${JSON.stringify(body)}\n\n`
}

/** OpenAI's stream terminator. */
export const OPENAI_DONE = 'data: [DONE]\n\n'

/** What {@link openAIStream} streams. */
export interface OpenAIStreamScript {
  /** Default `gpt-4o-mini-2024-07-18`. */
  model?: string
  /** Content deltas, one chunk each. */
  text?: string[]
  /** Parallel tool calls, streamed one after another as OpenAI does; `arguments` are the fragments, cut anywhere. */
  toolCalls?: { id: string; name: string; arguments: string[] }[]
  /** Default `tool_calls` when there are tool calls, else `stop`; `null` sends no finish chunk. */
  finishReason?: string | null
  /** The final usage chunk (`stream_options.include_usage`); `null` leaves it out. */
  usage?: { prompt_tokens: number; completion_tokens: number } | null
  /** Send `data: [DONE]` at the end. Default true. */
  done?: boolean
}

/** A realistic streamed chat completion: role chunk, deltas, finish chunk, usage chunk, `[DONE]`. */
export function openAIStream(script: OpenAIStreamScript): string {
  const base = { id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 1_700_000_000, model: script.model ?? 'gpt-4o-mini-2024-07-18', system_fingerprint: 'fp_fake' }
  const chunk = (delta: unknown, finish: string | null = null) =>
    openAIChunk({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], usage: null })
  let out = chunk({ role: 'assistant', content: script.toolCalls?.length && !script.text?.length ? null : '', refusal: null })
  for (const text of script.text ?? []) out += chunk({ content: text })
  for (const [index, call] of (script.toolCalls ?? []).entries()) {
    out += chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] })
    for (const fragment of call.arguments) out += chunk({ tool_calls: [{ index, function: { arguments: fragment } }] })
  }
  const finish = script.finishReason === undefined ? (script.toolCalls?.length ? 'tool_calls' : 'stop') : script.finishReason
  if (finish !== null) out += chunk({}, finish)
  const usage = script.usage === undefined ? { prompt_tokens: 12, completion_tokens: 34 } : script.usage
  if (usage) out += openAIChunk({ ...base, choices: [], usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } })
  if (script.done !== false) out += OPENAI_DONE
  return out
}

/** A non-streamed `chat.completion` body, as a server that ignores `stream: true` sends it. */
export function openAICompletion(
  message: { content: string | null; tool_calls?: unknown[] },
  { finishReason = 'stop', model = 'llama3.2' }: { finishReason?: string; model?: string } = {},
): unknown {
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, message: { role: 'assistant', ...message }, logprobs: null, finish_reason: finishReason }],
    usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 },
  }
}

/** The SSE frame of one Anthropic stream event: `event: <type>\ndata: {…}\n\n`. */
export function anthropicEvent(type: string, body: Record<string, unknown> = {}): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...body })}\n\n`
}

/** What {@link anthropicStream} streams. */
export interface AnthropicStreamScript {
  /** Default `claude-sonnet-4-5-20250929`. */
  model?: string
  /** Content blocks in order: text deltas, or a tool_use's `partial_json` fragments cut anywhere. */
  blocks: ({ type: 'text'; text: string[] } | { type: 'tool_use'; id: string; name: string; input: string[] })[]
  /** Default `tool_use` when a block is one, else `end_turn`. */
  stopReason?: string
  usage?: { input_tokens: number; output_tokens: number }
  /** Stop after the content blocks, with no message_delta or message_stop. */
  truncate?: boolean
}

/** A realistic Messages stream: message_start, a ping, the blocks, message_delta, message_stop. */
export function anthropicStream(script: AnthropicStreamScript): string {
  const usage = script.usage ?? { input_tokens: 25, output_tokens: 40 }
  const message = {
    id: 'msg_fake',
    type: 'message',
    role: 'assistant',
    content: [],
    model: script.model ?? 'claude-sonnet-4-5-20250929',
    stop_reason: null,
    stop_sequence: null,
    usage: { input_tokens: usage.input_tokens, output_tokens: 1 },
  }
  let out = anthropicEvent('message_start', { message }) + anthropicEvent('ping')
  for (const [index, block] of script.blocks.entries()) {
    if (block.type === 'text') {
      out += anthropicEvent('content_block_start', { index, content_block: { type: 'text', text: '' } })
      for (const text of block.text) out += anthropicEvent('content_block_delta', { index, delta: { type: 'text_delta', text } })
    } else {
      out += anthropicEvent('content_block_start', { index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } })
      for (const partial_json of ['', ...block.input]) out += anthropicEvent('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json } })
    }
    out += anthropicEvent('content_block_stop', { index })
  }
  if (script.truncate) return out
  const stop_reason = script.stopReason ?? (script.blocks.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn')
  out += anthropicEvent('message_delta', { delta: { stop_reason, stop_sequence: null }, usage: { output_tokens: usage.output_tokens } })
  return out + anthropicEvent('message_stop')
}

/** Anthropic's mid-stream `error` event (an overload, by default). */
export function anthropicError(type = 'overloaded_error', message = 'Overloaded'): string {
  return anthropicEvent('error', { error: { type, message } })
}

type Gate = (request: FakeApiRequest, reply: FakeApiReply) => boolean

async function startFakeApi(basePath: string, handler: FakeApiHandler | FakeApiHandler[], gate: Gate): Promise<FakeApiServer> {
  const requests: FakeApiRequest[] = []
  let answered = 0
  const sockets = new Set<Socket>()
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const text = Buffer.concat(chunks).toString('utf8')
    let body: unknown
    try {
      body = text ? JSON.parse(text) : undefined
    } catch {
      body = undefined
    }
    const request: FakeApiRequest = { method: req.method!, path: req.url!, headers: req.headers, text, body }
    const reply = replyTo(res)
    requests.push(request)
    if (!gate(request, reply)) return
    const answer = Array.isArray(handler) ? handler[answered] : handler
    answered++
    try {
      if (!answer) throw new Error(`no scripted answer for request ${answered}`)
      await answer(request, reply)
    } catch (error) {
      if (!res.headersSent) reply.json(500, { error: { message: `fake API handler failed: ${(error as Error).message}`, type: 'server_error' } })
      else res.destroy()
    }
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}${basePath}`,
    requests,
    get openSockets() {
      return sockets.size
    },
    async close() {
      // Waits for each socket's own close event, so `openSockets` is 0 once this resolves.
      const closing = [...sockets].map((socket) => new Promise((resolve) => socket.once('close', resolve).destroy()))
      await Promise.all([...closing, new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())))])
    },
  }
}

function replyTo(res: ServerResponse): FakeApiReply {
  const closed = new Promise<'finished' | 'client-closed'>((resolve) => res.on('close', () => resolve(res.writableFinished ? 'finished' : 'client-closed')))
  const gone = () => res.destroyed || res.writableEnded
  return {
    raw: res,
    closed,
    json(status, body, headers = {}) {
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body))
    },
    async stream(sse, { chunkSize = 16, keepOpen = false } = {}) {
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' })
      res.flushHeaders()
      // Bytes, not characters: a piece may end inside a multi-byte character, as TCP allows.
      const bytes = Buffer.from(Array.isArray(sse) ? sse.join('') : sse, 'utf8')
      for (let at = 0; at < bytes.length && !gone(); at += chunkSize) {
        res.write(bytes.subarray(at, at + chunkSize))
        await new Promise((resolve) => setImmediate(resolve))
      }
      if (!keepOpen && !gone()) res.end()
    },
  }
}
