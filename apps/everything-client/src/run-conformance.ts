import { runAuth } from './conformance/auth.js'
import { SCENARIOS } from './conformance/scenarios.js'

/**
 * Runs the conformance referee's client scenario `scenario` against its server at `url` and
 * resolves with the exit code the referee expects: 0 when every step worked, 1 when one failed,
 * 2 for a scenario this client does not implement. Every `auth/*` scenario runs the same OAuth
 * client ({@link runAuth}); the referee's context (`MCP_CONFORMANCE_CONTEXT`) supplies credentials.
 */
export async function runConformanceScenario(scenario: string, url: string): Promise<number> {
  const run = scenario.startsWith('auth/') ? (u: URL) => runAuth(u) : SCENARIOS[scenario]
  if (!run) {
    process.stderr.write(`plugboard-everything-client: no conformance scenario ${JSON.stringify(scenario)}; known: ${Object.keys(SCENARIOS).join(', ')}\n`)
    return 2
  }
  try {
    await run(new URL(url))
    process.stderr.write(`plugboard-everything-client: ${scenario} done\n`)
    return 0
  } catch (error) {
    process.stderr.write(`plugboard-everything-client: ${scenario} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    return 1
  }
}
