import { createParser } from 'eventsource-parser'

/** One Server-Sent Event: its `event:` name when the server gave one, and its `data:` lines joined by `\n`. */
export interface ServerSentEvent {
  event?: string
  data: string
}

/**
 * Reads a fetch `Response` body as Server-Sent Events, yielding each event as soon as its blank
 * line arrives, however the bytes were split across network reads.
 *
 * Aborting `signal` cancels the body and the generator throws the signal's reason. Leaving the
 * loop early (`break`, or an error in the consumer) cancels the body too, which closes the
 * connection rather than leaving the server streaming into a socket nobody reads.
 */
export async function* readServerSentEvents(response: Response, signal?: AbortSignal): AsyncGenerator<ServerSentEvent> {
  signal?.throwIfAborted()
  if (!response.body) return
  const reader = response.body.getReader()
  const decoder = new TextDecoder()
  const queue: ServerSentEvent[] = []
  const parser = createParser({
    onEvent: ({ event, data }) => void queue.push(event === undefined ? { data } : { event, data }),
  })
  // fetch cancels its own body when its signal aborts, but a Response built elsewhere would not.
  const onAbort = () => void reader.cancel(signal?.reason).catch(() => {})
  signal?.addEventListener('abort', onAbort, { once: true })
  let finished = false
  let lastText = ''
  try {
    while (true) {
      let chunk: ReadableStreamReadResult<Uint8Array>
      try {
        chunk = await reader.read()
      } catch (error) {
        // undici errors the body with its own AbortError; the caller wants the signal's reason.
        signal?.throwIfAborted()
        throw error
      }
      signal?.throwIfAborted()
      if (chunk.done) {
        finished = true
        const rest = decoder.decode()
        parser.feed(rest)
        lastText = rest || lastText
        // Some servers end with `data: [DONE]\n` and no blank line, so the spec would drop the
        // last event. Dispatch it when its line is complete; a line cut off mid-way stays dropped.
        if (/[\r\n]$/.test(lastText)) parser.feed('\n')
      } else {
        const text = decoder.decode(chunk.value, { stream: true })
        parser.feed(text)
        lastText = text || lastText
      }
      while (queue.length > 0) {
        yield queue.shift()!
        signal?.throwIfAborted()
      }
      if (finished) return
    }
  } finally {
    signal?.removeEventListener('abort', onAbort)
    if (!finished) await reader.cancel().catch(() => {})
    reader.releaseLock()
  }
}
