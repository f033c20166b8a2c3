import type { Middleware } from './session/router.js'

/**
 * W3C trace context as MCP carries it: `traceparent`, `tracestate` and `baggage` in a request's
 * `_meta` (2026-07-28 reserves these keys; any revision passes them through). No tracing library
 * is involved: map it onto yours (OpenTelemetry's propagator reads and writes exactly these).
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/index#meta
 * @see https://www.w3.org/TR/trace-context/
 */
export interface TraceContext {
  traceparent?: string
  tracestate?: string
  baggage?: string
}

export const TRACE_META_KEYS = ['traceparent', 'tracestate', 'baggage'] as const

/** The trace context a request's `_meta` carries, or `undefined` if it carries none. */
export function traceContextOf(meta: Record<string, unknown> | undefined): TraceContext | undefined {
  if (!meta) return undefined
  let found: TraceContext | undefined
  for (const key of TRACE_META_KEYS) if (typeof meta[key] === 'string') (found ??= {})[key] = meta[key] as string
  return found
}

/**
 * Outbound middleware stamping every request with the caller's current trace context, so a
 * server handler (and every `input_required` retry of the same call) sees the same trace:
 *
 * @example
 * import { propagation, context } from '@opentelemetry/api'
 * client.use(propagateTraceContext(() => { const carrier = {}; propagation.inject(context.active(), carrier); return carrier }))
 */
export function propagateTraceContext(current: () => TraceContext | undefined): Middleware {
  return (call, next) => {
    if (call.direction === 'outbound') {
      const trace = current()
      if (trace) {
        const meta: Record<string, unknown> = { ...call.params._meta }
        for (const key of TRACE_META_KEYS) if (typeof trace[key] === 'string') meta[key] = trace[key]
        call.params = { ...call.params, _meta: meta }
      }
    }
    return next()
  }
}
