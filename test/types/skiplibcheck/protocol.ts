// A proxy's module: what importing @plugboard/protocol costs the type checker.
import * as z from 'zod'
import { CallToolResultSchema, rev20260728, type CallToolResult, type ParamsOf, type ResultOf } from '@plugboard/protocol'

export const Echo = z.object({ text: z.string() })
export const result: CallToolResult = CallToolResultSchema.parse({ content: [{ type: 'text', text: Echo.parse({ text: 'hi' }).text }] })
export const modern: z.infer<typeof rev20260728.CallToolResultSchema> = rev20260728.CallToolResultSchema.parse(result)
export const params: ParamsOf<'tools/call'> = { name: 'echo', arguments: { text: 'hi' } }
export type ListResult = ResultOf<'tools/list'>
