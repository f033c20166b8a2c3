import * as z from 'zod'
import { completable, type McpServer } from '@plugboard/server'
import { TINY_PNG } from '../tiny-image.js'

const ARG1_SUGGESTIONS = ['test', 'testing', 'tested', 'value']

/** Scenarios `prompts-{list,get-simple,get-with-args,get-embedded-resource,get-with-image}` and `completion-complete`. */
export function registerPrompts(server: McpServer): void {
  server.registerPrompt('test_simple_prompt', { title: 'Simple test prompt', description: 'A prompt without arguments (conformance)' }, () => ({
    messages: [{ role: 'user', content: { type: 'text', text: 'This is a simple prompt for testing.' } }],
  }))

  server.registerPrompt(
    'test_prompt_with_arguments',
    {
      title: 'Prompt with arguments',
      description: 'A prompt with two required arguments; arg1 completes (conformance)',
      argsSchema: {
        arg1: completable(z.string().describe('First test argument'), (value) => ARG1_SUGGESTIONS.filter((s) => s.startsWith(value))),
        arg2: z.string().describe('Second test argument'),
      },
    },
    ({ arg1, arg2 }) => ({
      messages: [{ role: 'user', content: { type: 'text', text: `Prompt with arguments: arg1='${arg1}', arg2='${arg2}'` } }],
    }),
  )

  server.registerPrompt(
    'test_prompt_with_embedded_resource',
    {
      title: 'Prompt with an embedded resource',
      description: 'Embeds a text resource at the given URI (conformance)',
      argsSchema: { resourceUri: z.string().describe('URI of the resource to embed') },
    },
    ({ resourceUri }) => ({
      messages: [
        { role: 'user', content: { type: 'resource', resource: { uri: resourceUri, mimeType: 'text/plain', text: 'Embedded resource content for testing.' } } },
        { role: 'user', content: { type: 'text', text: 'Please process the embedded resource above.' } },
      ],
    }),
  )

  server.registerPrompt('test_prompt_with_image', { title: 'Prompt with an image', description: 'A prompt with an image (conformance)' }, () => ({
    messages: [
      { role: 'user', content: { type: 'image', data: TINY_PNG, mimeType: 'image/png' } },
      { role: 'user', content: { type: 'text', text: 'Please analyze the image above.' } },
    ],
  }))
}
