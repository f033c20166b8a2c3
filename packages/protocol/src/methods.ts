import type * as z from 'zod'
import * as S from './revisions/index.js'
import { SubscriptionsListenRequestParamsSchema } from './revisions/wire/2026-07-28.js'

/**
 * THE method table. Each entry, keyed by its wire name, says who may send it, which capability it
 * needs, its params/result schemas, and the revisions it exists in. Dispatch, capability checks,
 * "method not found" and `ParamsOf<'tools/call'>` all read this table.
 *
 * `capability` is a dotted path into a capabilities object:
 *  - for a request, the capability the *receiver* must have declared (`tools/call` → server `tools`);
 *  - for a notification, the capability the *sender* must have declared
 *    (`notifications/tools/list_changed` → server `tools.listChanged`).
 * `since` is the first revision with the method; `until` the first revision without it.
 */
export type Side = 'client' | 'server' | 'either'

export interface RequestEntry<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  readonly kind: 'request'
  readonly from: Side
  readonly capability?: string
  readonly params: P
  readonly result: R
  readonly since: string
  readonly until?: string
  /** 2026-07-28: the server may answer `input_required` (multi round-trip requests). */
  readonly inputRequired?: boolean
}

export interface NotificationEntry<P extends z.ZodType = z.ZodType> {
  readonly kind: 'notification'
  readonly from: Side
  readonly capability?: string
  readonly params: P
  readonly since: string
  readonly until?: string
}

type Meta = { from: Side; capability?: string; since?: string; until?: string; inputRequired?: boolean }
const FIRST = '2024-11-05'
const MODERN = '2026-07-28'

/** `subscriptions/listen` params as a caller passes them: the modern era stamps `_meta` on what we send. */
interface ListenParams {
  _meta?: S.rev20260728.RequestMeta | undefined
  notifications: S.SubscriptionFilter
  [key: string]: unknown
}
// Declared, not inferred, so the .d.ts names a type instead of spelling out the zod object.
const listenParams: z.ZodType<ListenParams, ListenParams> = SubscriptionsListenRequestParamsSchema.partial({ _meta: true })

function request<P extends z.ZodType, R extends z.ZodType>(meta: Meta & { params: P; result: R }): RequestEntry<P, R> {
  return { kind: 'request', since: FIRST, ...meta }
}
function notification<P extends z.ZodType>(meta: Meta & { params: P }): NotificationEntry<P> {
  return { kind: 'notification', since: FIRST, ...meta }
}

export const methods = {
  // lifecycle and utilities
  initialize: request({ from: 'client', params: S.InitializeRequestParamsSchema, result: S.InitializeResultSchema, until: '2026-07-28' }),
  ping: request({ from: 'either', params: S.RequestParamsSchema, result: S.EmptyResultSchema, until: '2026-07-28' }),
  'notifications/initialized': notification({ from: 'client', params: S.NotificationParamsSchema, until: '2026-07-28' }),
  'notifications/cancelled': notification({ from: 'either', params: S.CancelledNotificationParamsSchema }),
  'notifications/progress': notification({ from: 'either', params: S.ProgressNotificationParamsSchema }),
  // server features
  'tools/list': request({ from: 'client', capability: 'tools', params: S.PaginatedRequestParamsSchema, result: S.ListToolsResultSchema }),
  'tools/call': request({ from: 'client', capability: 'tools', inputRequired: true, params: S.CallToolRequestParamsSchema, result: S.CallToolResultSchema }),
  'notifications/tools/list_changed': notification({ from: 'server', capability: 'tools.listChanged', params: S.NotificationParamsSchema }),
  'resources/list': request({ from: 'client', capability: 'resources', params: S.PaginatedRequestParamsSchema, result: S.ListResourcesResultSchema }),
  'resources/templates/list': request({ from: 'client', capability: 'resources', params: S.PaginatedRequestParamsSchema, result: S.ListResourceTemplatesResultSchema }),
  'resources/read': request({ from: 'client', capability: 'resources', inputRequired: true, params: S.ReadResourceRequestParamsSchema, result: S.ReadResourceResultSchema }),
  'resources/subscribe': request({ from: 'client', capability: 'resources.subscribe', params: S.SubscribeRequestParamsSchema, result: S.EmptyResultSchema, until: '2026-07-28' }),
  'resources/unsubscribe': request({ from: 'client', capability: 'resources.subscribe', params: S.UnsubscribeRequestParamsSchema, result: S.EmptyResultSchema, until: '2026-07-28' }),
  'notifications/resources/updated': notification({ from: 'server', capability: 'resources.subscribe', params: S.ResourceUpdatedNotificationParamsSchema }),
  'notifications/resources/list_changed': notification({ from: 'server', capability: 'resources.listChanged', params: S.NotificationParamsSchema }),
  'prompts/list': request({ from: 'client', capability: 'prompts', params: S.PaginatedRequestParamsSchema, result: S.ListPromptsResultSchema }),
  'prompts/get': request({ from: 'client', capability: 'prompts', inputRequired: true, params: S.GetPromptRequestParamsSchema, result: S.GetPromptResultSchema }),
  'notifications/prompts/list_changed': notification({ from: 'server', capability: 'prompts.listChanged', params: S.NotificationParamsSchema }),
  // In every revision's schema; the `completions` capability that gates it only arrived in 2025-03-26,
  // so a 2024-11-05 server offering completion declares nothing (checked strictly, as the official SDK does).
  'completion/complete': request({ from: 'client', capability: 'completions', params: S.CompleteRequestParamsSchema, result: S.CompleteResultSchema }),
  'logging/setLevel': request({ from: 'client', capability: 'logging', params: S.SetLevelRequestParamsSchema, result: S.EmptyResultSchema, until: '2026-07-28' }),
  'notifications/message': notification({ from: 'server', capability: 'logging', params: S.LoggingMessageNotificationParamsSchema }),
  // client features, asked by the server. In 2026-07-28 these three are no longer JSON-RPC requests but
  // entries of an `input_required` result's `inputRequests` (same params and results), so no `until`.
  'sampling/createMessage': request({ from: 'server', capability: 'sampling', params: S.CreateMessageRequestParamsSchema, result: S.CreateMessageResultSchema }),
  'elicitation/create': request({ from: 'server', capability: 'elicitation', params: S.ElicitRequestParamsSchema, result: S.ElicitResultSchema, since: '2025-06-18' }),
  'notifications/elicitation/complete': notification({ from: 'server', params: S.ElicitationCompleteNotificationParamsSchema, since: '2025-11-25', until: '2026-07-28' }),
  'roots/list': request({ from: 'server', capability: 'roots', params: S.RequestParamsSchema, result: S.ListRootsResultSchema }),
  'notifications/roots/list_changed': notification({ from: 'client', capability: 'roots.listChanged', params: S.NotificationParamsSchema, until: '2026-07-28' }),
  // tasks (2025-11-25, experimental): the receiver of a task-augmented request runs it; either side
  // may be that receiver. 2026-07-28 moves tasks into the `io.modelcontextprotocol/tasks` extension.
  // A task-augmented request (`params.task`) is answered with a CreateTaskResult, not its usual result.
  'tasks/get': request({ from: 'either', capability: 'tasks', params: S.GetTaskRequestParamsSchema, result: S.GetTaskResultSchema, since: '2025-11-25', until: '2026-07-28' }),
  'tasks/result': request({ from: 'either', capability: 'tasks', params: S.GetTaskPayloadRequestParamsSchema, result: S.GetTaskPayloadResultSchema, since: '2025-11-25', until: '2026-07-28' }),
  'tasks/list': request({ from: 'either', capability: 'tasks.list', params: S.PaginatedRequestParamsSchema, result: S.ListTasksResultSchema, since: '2025-11-25', until: '2026-07-28' }),
  'tasks/cancel': request({ from: 'either', capability: 'tasks.cancel', params: S.CancelTaskRequestParamsSchema, result: S.CancelTaskResultSchema, since: '2025-11-25', until: '2026-07-28' }),
  'notifications/tasks/status': notification({ from: 'either', capability: 'tasks', params: S.TaskStatusNotificationParamsSchema, since: '2025-11-25', until: '2026-07-28' }),
  // modern era only (2026-07-28): discovery instead of the handshake, one listen stream instead of
  // resources/subscribe and the GET stream. Their schemas are that revision's, except that `_meta` is
  // optional here: the modern era stamps it on what we send and checks it on what we receive.
  'server/discover': request({ from: 'client', params: S.RequestParamsSchema, result: S.DiscoverResultSchema, since: MODERN }),
  'subscriptions/listen': request({ from: 'client', params: listenParams, result: S.SubscriptionsListenResultSchema, since: MODERN }),
  'notifications/subscriptions/acknowledged': notification({ from: 'server', params: S.SubscriptionsAcknowledgedNotificationParamsSchema, since: MODERN }),
} as const

export type Methods = typeof methods
export type MethodName = keyof Methods
// These read the `kind` tag and the `result` member, never `extends RequestEntry`: checking a
// concrete zod schema against `z.ZodType` cost ~100k type instantiations for this table.
export type RequestMethod = { [M in MethodName]: Methods[M] extends { kind: 'request' } ? M : never }[MethodName]
export type NotificationMethod = { [M in MethodName]: Methods[M] extends { kind: 'notification' } ? M : never }[MethodName]

/** The params a caller passes for method M (zod input type). */
export type ParamsOf<M extends MethodName> = z.input<Methods[M]['params']>
/** The result a caller receives for request M (zod output type). */
export type ResultOf<M extends RequestMethod> = Methods[M] extends { result: infer R extends z.core.SomeType } ? z.output<R> : never
/** The params a handler of M receives, after validation. */
export type HandlerParamsOf<M extends MethodName> = z.output<Methods[M]['params']>
/** What a handler of request M returns. */
export type HandlerResultOf<M extends RequestMethod> = Methods[M] extends { result: infer R extends z.core.SomeType } ? z.input<R> : never

/** Looks up a method's entry; `undefined` for a name the table does not know. */
export function methodEntry(method: string): RequestEntry | NotificationEntry | undefined {
  return Object.hasOwn(methods, method) ? (methods as unknown as Record<string, RequestEntry | NotificationEntry>)[method] : undefined
}

/** Whether a method exists in a protocol revision. */
export function existsIn(entry: { since: string; until?: string }, version: string | undefined): boolean {
  if (version === undefined) return true
  return version >= entry.since && (entry.until === undefined || version < entry.until)
}

const capabilityPaths = new Map<string, string[]>()

/** Whether a dotted capability path (`resources.subscribe`) is declared in a capabilities object. */
export function hasCapability(capabilities: Record<string, unknown> | undefined, path: string): boolean {
  let node: unknown = capabilities
  // Split once per path, not per call: this runs for every request a session sends or answers.
  let keys = capabilityPaths.get(path)
  if (!keys) capabilityPaths.set(path, (keys = path.split('.')))
  for (const key of keys) {
    if (typeof node !== 'object' || node === null) return false
    node = (node as Record<string, unknown>)[key]
    if (node === undefined || node === false || node === null) return false
  }
  return true
}
