import type { ElicitResult } from '@plugboard/protocol'
import type { Client } from '@plugboard/client'
import { withClient } from './connect.js'

/**
 * `sep-2322-client-request-state` (multi round-trip requests): the referee's tools answer
 * `input_required` with an elicitation, with and without `requestState`. The client must fulfil
 * it and retry with a new id, echoing `requestState` untouched (and sending none when it got
 * none); a call made meanwhile must carry nothing of those rounds; a result without `resultType`
 * is complete.
 */
export async function runRequestState(url: URL): Promise<void> {
  let client!: Client
  let unrelated: Promise<unknown> | undefined
  const confirm = async (): Promise<ElicitResult> => {
    // An unrelated call while the first tool's rounds are under way.
    unrelated ??= call(client, 'test_mrtr_unrelated', 'unrelated-ok')
    await unrelated
    return { action: 'accept', content: { confirmed: true } }
  }
  await withClient(url, { elicitation: { form: confirm } }, async (connected) => {
    client = connected
    await call(client, 'test_mrtr_echo_state', 'echo-state-ok')
    await call(client, 'test_mrtr_no_state', 'no-state-ok')
    await call(client, 'test_mrtr_no_result_type', 'no-result-type-test-ok')
  })
}

async function call(client: Client, name: string, expected: string): Promise<void> {
  const result = await client.callTool({ name, arguments: {} })
  const text = result.content?.[0]?.type === 'text' ? result.content[0].text : undefined
  if (text !== expected) throw new Error(`${name} answered ${JSON.stringify(result.content)}, expected ${expected}`)
}
