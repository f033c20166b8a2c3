import type { McpServer } from '@plugboard/server'
import { skills } from '@plugboard/skills'

/**
 * Scenarios `sep-2640-skills-{enumeration,manifest,directory}`: the Skills extension declared with
 * `directoryRead`, serving two skills — one at the top level with a `references/` subdirectory (the
 * directory scenario needs a child of type `inode/directory`), one under an organisational prefix.
 * The referee counts a SHOULD it finds broken as a failure, so both keep to every SHOULD: `skill://`
 * URIs, names unique and valid, no reserved `io.modelcontextprotocol/` metadata keys. Installed
 * after the `test://` fixtures so that scenarios reading "the first listed resource" still read one
 * of those.
 * @see https://modelcontextprotocol.io/seps/2640-skills-extension
 */
export function registerSkillsFixtures(server: McpServer): void {
  server.extend(
    skills({
      directoryRead: true,
      skills: [
        {
          path: 'pdf-processing',
          files: {
            'SKILL.md': [
              '---',
              'name: pdf-processing',
              'description: Extract text and tables from PDF files, fill forms, and merge documents',
              'license: Apache-2.0',
              'metadata:',
              '  version: "2.1.0"',
              '  released: 2024-01-01',
              '---',
              '',
              '# PDF processing',
              '',
              'To fill a form, follow [the forms guide](references/FORMS.md).',
              '',
            ].join('\n'),
            'references/FORMS.md': '# Filling PDF forms\n\nList the fields first, then fill them one by one.\n',
          },
        },
        {
          path: 'acme/billing/refunds',
          files: {
            'SKILL.md': '---\nname: refunds\ndescription: Issue a refund for an ACME invoice\n---\n\nCheck the invoice is paid, then refund it in full.\n',
          },
        },
      ],
    }),
  )
}
