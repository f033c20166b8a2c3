import type { McpServer } from '@plugboard/server'
import { skills } from '@plugboard/skills'
import { PDF_PROCESSING, REFUNDS } from '@plugboard/skills/testing'

/**
 * Scenarios `sep-2640-skills-{enumeration,manifest,directory}`: the Skills extension declared with
 * `directoryRead`, serving the skills package's own test skills — one at the top level with
 * `references/` and `assets/` subdirectories (the directory scenario needs a child of type
 * `inode/directory`), one under an organisational prefix. They keep to every SHOULD the referee
 * counts as a failure when broken. Installed after the `test://` fixtures so that scenarios reading
 * "the first listed resource" still read one of those.
 * @see https://modelcontextprotocol.io/seps/2640-skills-extension
 */
export function registerSkillsFixtures(server: McpServer): void {
  server.extend(skills({ directoryRead: true, skills: [PDF_PROCESSING, REFUNDS] }))
}
