// server.ts — a stdio server with a prompt whose arguments complete; client.ts starts it.
import { completable, McpServer } from '@plugboard/server'
import { StdioServerTransport } from '@plugboard/transport-stdio'
import * as z from 'zod'

const styles: Record<string, string[]> = { python: ['pep8', 'black'], typescript: ['prettier', 'standard'], go: ['gofmt'] }

const server = new McpServer({ name: 'reviews', version: '1.0.0' })

server.registerPrompt(
  'review-code',
  {
    title: 'Review code',
    description: 'Asks the model to review a piece of code',
    argsSchema: {
      // completable(schema, complete): the argument validates as the schema, and completes as the function says.
      language: completable(z.string().describe('Programming language'), (value) => Object.keys(styles).filter((name) => name.startsWith(value))),
      style: z.string().optional(),
      code: z.string(),
    },
    // Or per argument here; `context.arguments` holds what the user already chose (here the language).
    complete: { style: (value, context) => (styles[context.arguments?.language ?? ''] ?? []).filter((style) => style.startsWith(value)) },
  },
  ({ language, style, code }) => ({
    description: `Review of ${language} code`,
    messages: [{ role: 'user', content: { type: 'text', text: `Review this ${language} code${style ? ` against ${style}` : ''}:\n\n${code}` } }],
  }),
)

await server.connect(new StdioServerTransport())
