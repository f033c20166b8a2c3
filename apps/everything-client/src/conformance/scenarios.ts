import { runBasic, runToolsCall } from './basic.js'
import { runElicitationDefaults } from './elicitation.js'
import { runCustomHeaders, runInvalidToolHeaders, runStandardHeaders } from './headers.js'
import { runRefNoDeref, runSchemaPreservation } from './json-schema.js'
import { runRequestMetadata } from './metadata.js'
import { runRequestState } from './mrtr.js'
import { runSkillsNoPrefetch, runSkillsVerify } from './skills.js'
import { runSseRetry } from './sse-retry.js'

/** Drives one scenario against the referee's server at `url`; rejects if a step fails. */
export type ScenarioRunner = (url: URL) => Promise<void>

/**
 * The official conformance referee's client scenarios we answer, by the name it puts in
 * `MCP_CONFORMANCE_SCENARIO`. The `auth/*` scenarios are not listed: every one of them runs the
 * same OAuth client (`runAuth` in ./auth.ts).
 * @see https://github.com/modelcontextprotocol/conformance
 */
export const SCENARIOS: Readonly<Record<string, ScenarioRunner>> = {
  initialize: runBasic,
  tools_call: runToolsCall,
  'elicitation-sep1034-client-defaults': runElicitationDefaults,
  'sse-retry': runSseRetry,
  'request-metadata': runRequestMetadata,
  'sep-2322-client-request-state': runRequestState,
  'http-standard-headers': runStandardHeaders,
  'http-custom-headers': runCustomHeaders,
  'http-invalid-tool-headers': runInvalidToolHeaders,
  'json-schema-ref-no-deref': runRefNoDeref,
  'json-schema-2020-12-preservation': runSchemaPreservation,
  'sep-2640-client-no-prefetch': runSkillsNoPrefetch,
  'sep-2640-client-verify-digest': runSkillsVerify,
  'sep-2640-client-verify-size': runSkillsVerify,
  'sep-2640-client-verify-frontmatter': runSkillsVerify,
}
