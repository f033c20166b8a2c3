/** Protocol revisions Plugboard speaks, oldest first. */
export const SUPPORTED_PROTOCOL_VERSIONS = ['2024-11-05', '2025-03-26', '2025-06-18', '2025-11-25'] as const
export type ProtocolVersion = (typeof SUPPORTED_PROTOCOL_VERSIONS)[number] | '2026-07-28'
/** Revisions of the modern era (no handshake, per-request `_meta`), newest first. */
export const MODERN_PROTOCOL_VERSIONS = ['2026-07-28'] as const
/** The newest revision a legacy (handshake) session negotiates. */
export const LATEST_PROTOCOL_VERSION = '2025-11-25' as const
/** What a server assumes when an HTTP request carries no `MCP-Protocol-Version` header. */
export const DEFAULT_NEGOTIATED_PROTOCOL_VERSION = '2025-03-26' as const

/** Revisions compare as dates: `'2025-06-18' >= '2025-03-26'`. */
export const isAtLeast = (version: string, than: string): boolean => version >= than

export * from './2025-11-25.js'

// Each revision's full schema set, under one namespace per revision (`rev20250618.CancelledNotificationParamsSchema`):
// the top level above is 2025-11-25's, which parses every legacy revision's messages.
export * as rev20241105 from './2024-11-05.js'
export * as rev20250326 from './2025-03-26.js'
export * as rev20250618 from './2025-06-18.js'
export * as rev20251125 from './2025-11-25.js'
export * as rev20260728 from './2026-07-28.js'

// What only the modern revision has, at the top level too (names that 2025-11-25 does not use).
export {
  PROTOCOL_VERSION_META_KEY,
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  LOG_LEVEL_META_KEY,
  SERVER_INFO_META_KEY,
  SUBSCRIPTION_ID_META_KEY,
  TASKS_EXTENSION_ID,
  ResultTypeSchema,
  CacheableResultSchema,
  DiscoverRequestSchema,
  DiscoverResultSchema,
  InputRequestSchema,
  InputRequestsSchema,
  InputResponseSchema,
  InputResponsesSchema,
  InputResponseRequestParamsSchema,
  InputRequiredResultSchema,
  SubscriptionFilterSchema,
  SubscriptionsListenRequestParamsSchema,
  SubscriptionsListenRequestSchema,
  SubscriptionsListenResultSchema,
  SubscriptionsAcknowledgedNotificationParamsSchema,
  SubscriptionsAcknowledgedNotificationSchema,
} from './2026-07-28.js'
export type {
  ResultType,
  CacheableResult,
  DiscoverRequest,
  DiscoverResult,
  InputRequest,
  InputRequests,
  InputResponse,
  InputResponses,
  InputResponseRequestParams,
  InputRequiredResult,
  SubscriptionFilter,
  SubscriptionsListenRequestParams,
  SubscriptionsListenRequest,
  SubscriptionsListenResult,
  SubscriptionsAcknowledgedNotificationParams,
  SubscriptionsAcknowledgedNotification,
} from './2026-07-28.js'
