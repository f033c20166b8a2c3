import { ErrorCode, McpError, type EmptyResult } from '@plugboard/protocol'
import type { ServerSession } from '../server-session.js'
import type { Resources } from './resources.js'

/**
 * `resources/subscribe`: remembered per connection, so that `sendResourceUpdated()` reaches only
 * the clients that asked. A URI no resource or template answers to is -32002, like a read of it.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/server/resources#subscriptions
 */
export function subscribe(resources: Resources, session: ServerSession, uri: string): EmptyResult {
  if (!resources.exists(uri)) throw new McpError(ErrorCode.ResourceNotFound, 'Resource not found', { uri })
  session.subscribe(uri)
  return {}
}

/** `resources/unsubscribe`: forgetting a URI that was never subscribed is not an error. */
export function unsubscribe(session: ServerSession, uri: string): EmptyResult {
  session.unsubscribe(uri)
  return {}
}

/** Sends `notifications/resources/updated` to every connection subscribed to `uri`. */
export async function notifyUpdated(sessions: Iterable<ServerSession>, uri: string, report: (error: Error) => void): Promise<void> {
  const sends: Promise<void>[] = []
  for (const session of sessions) {
    if (session.subscriptions.has(uri)) sends.push(session.notify('notifications/resources/updated', { uri }).catch(report))
  }
  await Promise.all(sends)
}
