/** Protocol revisions Plugboard speaks, oldest first. */
export const SUPPORTED_PROTOCOL_VERSIONS = ['2024-11-05', '2025-03-26', '2025-06-18', '2025-11-25'] as const
export type ProtocolVersion = (typeof SUPPORTED_PROTOCOL_VERSIONS)[number] | '2026-07-28'
/** The newest revision a legacy (handshake) session negotiates. */
export const LATEST_PROTOCOL_VERSION = '2025-11-25' as const
/** What a server assumes when an HTTP request carries no `MCP-Protocol-Version` header. */
export const DEFAULT_NEGOTIATED_PROTOCOL_VERSION = '2025-03-26' as const

/** Revisions compare as dates: `'2025-06-18' >= '2025-03-26'`. */
export const isAtLeast = (version: string, than: string): boolean => version >= than

export * from './2025-11-25.js'
