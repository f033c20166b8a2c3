import type { ElicitResult } from '@plugboard/protocol'
import type { McpServer } from '@plugboard/server'
import { sampledText } from './sampled-text.js'

/** A form asking for one field of one type: the only shape of question these scenarios put to the user. */
const oneField = <T extends 'string' | 'boolean'>(message: string, name: string, type: T) => ({
  message,
  requestedSchema: { type: 'object' as const, properties: { [name]: { type } }, required: [name] },
})

/** What the user answered in `field`, or what they did instead of answering. */
function answered(result: ElicitResult, field: string): string {
  return result.action === 'accept' ? String(result.content?.[field]) : `(${result.action})`
}

/**
 * The fixtures of the `input-required-result-*` scenarios (SEP-2322, multi round-trip requests).
 * Each asks the client through `ctx.elicit`, `ctx.sample` or `ctx.listRoots` like any handler: on a
 * 2026-07-28 request an unanswered ask ends the round in `input_required` and the retry runs the
 * handler again with the answers; on a legacy connection the same asks are server→client requests.
 * The handlers only ask and then answer, so running them again each round repeats nothing.
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/patterns/mrtr
 */
export function registerInputRequiredFixtures(server: McpServer): void {
  server.registerTool(
    'test_input_required_result_elicitation',
    { description: "Asks the user's name, then greets them (conformance: input-required-result-basic-elicitation and its error cases)." },
    async (_args, ctx) => {
      // The referee looks the request up by the key of the spec's example.
      const result = await ctx.elicit(oneField('What is your name?', 'name', 'string'), { inputKey: 'user_name' })
      return { content: [{ type: 'text', text: `Hello, ${answered(result, 'name')}!` }] }
    },
  )

  server.registerTool(
    'test_input_required_result_sampling',
    { description: "Asks the client's LLM for the capital of France (conformance: input-required-result-basic-sampling)." },
    async (_args, ctx) => {
      const result = await ctx.sample({ messages: [{ role: 'user', content: { type: 'text', text: 'What is the capital of France?' } }], maxTokens: 100 })
      return { content: [{ type: 'text', text: `LLM response: ${sampledText(result)}` }] }
    },
  )

  server.registerTool(
    'test_input_required_result_list_roots',
    { description: "Asks the client for its roots and lists them (conformance: input-required-result-basic-list-roots)." },
    async (_args, ctx) => {
      const { roots } = await ctx.listRoots()
      return { content: [{ type: 'text', text: `Client roots: ${roots.map((root) => `${root.uri}${root.name ? ` (${root.name})` : ''}`).join(', ') || '(none)'}` }] }
    },
  )

  // The runtime signs `requestState` and rejects a retry whose state does not verify, so reaching
  // the answer at all means the state came back intact: "state-ok" is what the scenario looks for.
  server.registerTool(
    'test_input_required_result_request_state',
    { description: 'Asks for a confirmation; answers "state-ok" once the retry brings the signed requestState back (conformance: input-required-result-request-state).' },
    async (_args, ctx) => {
      const result = await ctx.elicit(oneField('Please confirm', 'ok', 'boolean'))
      return { content: [{ type: 'text', text: `state-ok: confirmed=${answered(result, 'ok')}` }] }
    },
  )

  // Asked together, so the three land in one round: an elicitation, a sampling and a roots request.
  server.registerTool(
    'test_input_required_result_multiple_inputs',
    { description: "Asks the user's name, the LLM for a greeting and the client's roots at once (conformance: input-required-result-multiple-input-requests)." },
    async (_args, ctx) => {
      const [name, greeting, { roots }] = await Promise.all([
        ctx.elicit(oneField('What is your name?', 'name', 'string')),
        ctx.sample({ messages: [{ role: 'user', content: { type: 'text', text: 'Generate a greeting' } }], maxTokens: 50 }),
        ctx.listRoots(),
      ])
      return { content: [{ type: 'text', text: `${sampledText(greeting)} ${answered(name, 'name')} (${roots.length} root(s))` }] }
    },
  )

  // One after the other: the second question exists only once the first is answered, so each
  // round asks one thing and carries the earlier answers in an updated requestState.
  server.registerTool(
    'test_input_required_result_multi_round',
    { description: 'Asks a name, then a favourite colour, in two rounds (conformance: input-required-result-multi-round).' },
    async (_args, ctx) => {
      const name = await ctx.elicit(oneField('Step 1: What is your name?', 'name', 'string'))
      const color = await ctx.elicit(oneField('Step 2: What is your favorite color?', 'color', 'string'))
      return { content: [{ type: 'text', text: `${answered(name, 'name')} likes ${answered(color, 'color')}` }] }
    },
  )

  server.registerTool(
    'test_input_required_result_tampered_state',
    { description: 'Asks for a confirmation; a retry with altered requestState is refused (conformance: input-required-result-tampered-state).' },
    async (_args, ctx) => {
      const result = await ctx.elicit(oneField('Please confirm', 'ok', 'boolean'))
      return { content: [{ type: 'text', text: `Confirmed: ${answered(result, 'ok')}` }] }
    },
  )

  // "Servers MUST NOT send an inputRequests that the client has not declared support for": ask
  // only what this request's client declared (on 2026-07-28, its `_meta` clientCapabilities).
  server.registerTool(
    'test_input_required_result_capabilities',
    { description: 'Asks the user (elicitation) and the LLM (sampling), each only if the client declared it (conformance: input-required-result-capability-check).' },
    async (_args, ctx) => {
      const { elicitation, sampling } = ctx.client.capabilities
      const [name, sampled] = await Promise.all([
        elicitation ? ctx.elicit(oneField('What is your name?', 'name', 'string')) : undefined,
        sampling ? ctx.sample({ messages: [{ role: 'user', content: { type: 'text', text: 'Say hello' } }], maxTokens: 50 }) : undefined,
      ])
      const parts = [name ? `name: ${answered(name, 'name')}` : 'no elicitation declared', sampled ? `LLM: ${sampledText(sampled)}` : 'no sampling declared']
      return { content: [{ type: 'text', text: parts.join('; ') }] }
    },
  )

  server.registerPrompt(
    'test_input_required_result_prompt',
    { title: 'Prompt that asks for context', description: 'Asks the user what context to use before answering (conformance: input-required-result-non-tool-request).' },
    async (_args, ctx) => {
      const result = await ctx.elicit(oneField('What context should the prompt use?', 'context', 'string'))
      return { messages: [{ role: 'user', content: { type: 'text', text: `Answer with this context in mind: ${answered(result, 'context')}` } }] }
    },
  )
}
