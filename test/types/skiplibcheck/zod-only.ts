// The baseline: zod's own .d.ts, checked the same way, which is not ours to budget.
import * as z from 'zod'

export const Echo = z.object({ text: z.string() })
export const echo = Echo.parse({ text: 'hi' })
