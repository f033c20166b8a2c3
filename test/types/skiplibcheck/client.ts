// A host's module: what importing @plugboard/client costs the type checker.
import * as z from 'zod'
import { Client } from '@plugboard/client'

export const client = new Client({ name: 'fixture', version: '1.0.0' })
export const Echo = z.object({ text: z.string() })
export async function echo(text: string): Promise<string> {
  const result = await client.callTool({ name: 'echo', arguments: { text } })
  const first = result.content[0]
  return first?.type === 'text' ? Echo.parse({ text: first.text }).text : ''
}
