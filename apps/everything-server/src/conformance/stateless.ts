import type { McpServer } from '@plugboard/server'
import { sampledText } from './sampled-text.js'

/**
 * The diagnostic hooks of scenario `server-stateless` (SEP-2575): a tool that needs a capability the
 * client may not have declared, one that elicits (its response stream must carry no server→client
 * request), one that logs (nothing may reach a request that set no log level), and two that change
 * the tool and prompt lists so `subscriptions/listen` streams have something to announce.
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/lifecycle
 */
export function registerStatelessFixtures(server: McpServer): void {
  // Needs sampling: a client that did not declare it must get MissingRequiredClientCapability (-32021,
  // `requiredCapabilities: { sampling: {} }`) on 2026-07-28; the ask itself is what finds out.
  server.registerTool(
    'test_missing_capability',
    { description: "Asks the client's LLM a question, so it needs the sampling capability (conformance: server-stateless)." },
    async (_args, ctx) => {
      const result = await ctx.sample({ messages: [{ role: 'user', content: { type: 'text', text: 'Reply with one word.' } }], maxTokens: 10 })
      return { content: [{ type: 'text', text: `LLM response: ${sampledText(result)}` }] }
    },
  )

  server.registerTool(
    'test_streaming_elicitation',
    { description: 'Asks the user a question mid-call; on 2026-07-28 that is an input_required result, never a request on the stream (conformance: server-stateless).' },
    async (_args, ctx) => {
      const result = await ctx.elicit({ message: 'Continue?', requestedSchema: { type: 'object', properties: { proceed: { type: 'boolean' } }, required: ['proceed'] } })
      return { content: [{ type: 'text', text: `Elicitation ${result.action}${result.action === 'accept' ? `: proceed=${String(result.content?.proceed)}` : ''}` }] }
    },
  )

  // Logs at every severity from debug up: a request that set no `io.modelcontextprotocol/logLevel`
  // must receive none of them.
  server.registerTool(
    'test_logging_tool',
    { description: 'Logs one message each at debug, info and error; a 2026-07-28 request that names no log level gets none (conformance: server-stateless).' },
    async (_args, ctx) => {
      await ctx.log.debug('test_logging_tool: debug')
      await ctx.log.info('test_logging_tool: info')
      await ctx.log.error('test_logging_tool: error')
      return { content: [{ type: 'text', text: 'Logged at debug, info and error' }] }
    },
  )

  // The list changes are real: each trigger shows or hides one entry, so `tools/list` (or
  // `prompts/list`) after it differs from before, and listeners are told so.
  const toggledTool = server.registerTool('test_toggled_tool', { description: 'Shown and hidden by test_trigger_tool_change (conformance: server-stateless).' }, () => ({
    content: [{ type: 'text', text: 'The toggled tool is enabled' }],
  }))
  server.registerTool(
    'test_trigger_tool_change',
    { description: 'Hides test_toggled_tool if it is listed, shows it if not: the tool list changes (conformance: server-stateless).' },
    () => {
      if (toggledTool.enabled) toggledTool.disable()
      else toggledTool.enable()
      return { content: [{ type: 'text', text: `test_toggled_tool is now ${toggledTool.enabled ? 'listed' : 'hidden'}` }] }
    },
  )

  const toggledPrompt = server.registerPrompt('test_toggled_prompt', { description: 'Shown and hidden by test_trigger_prompt_change (conformance: server-stateless).' }, () => ({
    messages: [{ role: 'user', content: { type: 'text', text: 'The toggled prompt is enabled' } }],
  }))
  server.registerTool(
    'test_trigger_prompt_change',
    { description: 'Hides test_toggled_prompt if it is listed, shows it if not: the prompt list changes (conformance: server-stateless).' },
    () => {
      if (toggledPrompt.enabled) toggledPrompt.disable()
      else toggledPrompt.enable()
      return { content: [{ type: 'text', text: `test_toggled_prompt is now ${toggledPrompt.enabled ? 'listed' : 'hidden'}` }] }
    },
  )
}
