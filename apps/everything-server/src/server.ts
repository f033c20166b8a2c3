import { McpServer } from '@plugboard/server'
import { registerApps } from './apps.js'
import { registerConformanceFixtures } from './conformance.js'
import { registerElicitationTools } from './elicitation.js'
import { registerLoggingTools } from './logging.js'
import { registerProgressTools } from './progress.js'
import { registerPrompts } from './prompts.js'
import { registerResources } from './resources.js'
import { registerRootsTools } from './roots.js'
import { registerSamplingTools } from './sampling.js'
import { registerTools } from './tools.js'

/** The `serverInfo.name` clients see. */
export const SERVER_NAME = 'plugboard-everything-server'
/** The `serverInfo.version` clients see. */
export const SERVER_VERSION = '0.0.0'

/** Options of {@link createEverythingServer}. */
export interface EverythingServerOptions {
  /**
   * Also register the fixtures the official conformance referee calls by name (`test_*` tools,
   * `test://` resources, `test_*` prompts; see `conformance.ts`). Off by default, so clients
   * and tests see only the everything-server's own features.
   */
  conformance?: boolean
}

/**
 * Builds a server that offers at least one of everything MCP has: tools of every content type,
 * progress, cancellation, logging, sampling, elicitation and roots requests, static and templated
 * resources with subscriptions and completion, prompts, and an MCP App (a counter view whose
 * button calls a tool back). Connect it to any transport.
 *
 * @example
 * const server = createEverythingServer()
 * await server.connect(new StdioServerTransport())
 */
export function createEverythingServer(options: EverythingServerOptions = {}): McpServer {
  const server = new McpServer(
    { name: SERVER_NAME, version: SERVER_VERSION, title: 'Plugboard everything-server', websiteUrl: 'https://github.com/plugboard/plugboard' },
    { instructions: 'A test server: every tool, resource and prompt exists to exercise one MCP feature.' },
  )
  registerTools(server)
  registerProgressTools(server)
  registerLoggingTools(server)
  registerSamplingTools(server)
  registerElicitationTools(server)
  registerRootsTools(server)
  registerResources(server)
  registerPrompts(server)
  registerApps(server)
  if (options.conformance) registerConformanceFixtures(server)
  return server
}

/** The server's type, for `Client<EverythingServer>` once the client infers tools from it. */
export type EverythingServer = ReturnType<typeof createEverythingServer>
