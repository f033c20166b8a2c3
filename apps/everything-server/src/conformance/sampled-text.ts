import type { CreateMessageResult } from '@plugboard/protocol'

/** The text a client's model answered: its (first) text block, or the content as JSON when it sent none. */
export function sampledText(result: CreateMessageResult): string {
  // Since 2025-11-25 `content` may be an array (a tool-using answer); before, one block.
  const content = Array.isArray(result.content) ? result.content.find((block) => block.type === 'text') : result.content
  return content?.type === 'text' ? content.text : JSON.stringify(result.content)
}
