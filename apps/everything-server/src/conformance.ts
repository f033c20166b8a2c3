import type { McpServer } from '@plugboard/server'
import { registerContentTools } from './conformance/content.js'
import { registerElicitationTools } from './conformance/elicitation.js'
import { registerHeaderTools } from './conformance/headers.js'
import { registerInteractiveTools } from './conformance/interactive.js'
import { registerInputRequiredFixtures } from './conformance/mrtr.js'
import { registerPrompts } from './conformance/prompts.js'
import { registerResources } from './conformance/resources.js'
import { registerStatelessFixtures } from './conformance/stateless.js'
import { registerSkillsFixtures } from './conformance-skills.js'
import { registerTaskFixtures } from './conformance-tasks.js'

export { CONFORMANCE_URIS } from './conformance/resources.js'

/**
 * The fixtures the official conformance referee (`@modelcontextprotocol/conformance`, its server
 * scenarios) calls by name: `test_*` tools, `test://` resources and `test_*` prompts, each
 * answering exactly as the scenario's "Server Implementation Requirements" ask, under the legacy
 * revisions and 2026-07-28 alike (one handler each; the era decides how it reaches the client).
 * They are registered only on request (`createEverythingServer({ conformance: true })`,
 * `--conformance`) and share nothing with the everything-server's own features, so either can
 * change without breaking the other. One file per area under `conformance/`.
 * @see https://github.com/modelcontextprotocol/conformance
 */
export function registerConformanceFixtures(server: McpServer): void {
  registerContentTools(server)
  registerInteractiveTools(server)
  registerElicitationTools(server)
  registerInputRequiredFixtures(server)
  registerStatelessFixtures(server)
  registerHeaderTools(server)
  registerResources(server)
  registerPrompts(server)
  registerSkillsFixtures(server)
  registerTaskFixtures(server)
}
