import * as z from 'zod'
import type { McpServer } from '@plugboard/server'

/**
 * A tool that logs at several levels. Messages below the level the client set with
 * `logging/setLevel` are not sent, so a client sees the filter at work.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/server/utilities/logging
 */
export function registerLoggingTools(server: McpServer): void {
  server.registerTool(
    'log',
    {
      title: 'Log',
      description: 'Emits one log message at each of debug, info, warning and error.',
      inputSchema: z.object({ message: z.string().default('hello from the everything-server') }),
    },
    async ({ message }, ctx) => {
      await ctx.log.debug(`debug: ${message}`, 'everything')
      await ctx.log.info(`info: ${message}`, 'everything')
      await ctx.log.warning(`warning: ${message}`, 'everything')
      await ctx.log.error(`error: ${message}`, 'everything')
      return { content: [{ type: 'text', text: 'Logged at debug, info, warning and error' }] }
    },
  )
}
