import { createParser, type EventSourceMessage } from 'eventsource-parser'
import { responseTooLarge } from './http.js'

export type { EventSourceMessage }

export interface SseHandlers {
  /** Longest event buffered (characters); a bigger one ends the stream as an error. */
  maxEventSize: number
  onEvent(event: EventSourceMessage): void
  /** The server's `retry` field: how long to wait before reconnecting, in ms. */
  onRetry?(ms: number): void
}

/**
 * Reads a `text/event-stream` body chunk by chunk as it arrives (never buffering it whole) and
 * calls `onEvent` per event. Resolves when the body ends; rejects when it breaks.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export async function readEventStream(body: AsyncIterable<Uint8Array>, handlers: SseHandlers): Promise<void> {
  let failure: Error | undefined
  const parser = createParser({
    onEvent: handlers.onEvent,
    onRetry: handlers.onRetry,
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') failure = responseTooLarge(handlers.maxEventSize, 'SSE event')
    },
    maxBufferSize: handlers.maxEventSize,
  })
  const decoder = new TextDecoder()
  for await (const chunk of body) {
    parser.feed(decoder.decode(chunk, { stream: true }))
    if (failure) throw failure
  }
  // An event not closed by a blank line when the body ends is dropped, as the SSE standard says.
  parser.feed(decoder.decode())
}

/** Adds to a set that keeps only the most recent `cap` entries (dedupe without unbounded growth). */
export function remember<T>(set: Set<T>, value: T, cap = 1024): void {
  set.add(value)
  if (set.size > cap) set.delete(set.values().next().value as T)
}
