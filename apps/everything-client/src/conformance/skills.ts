import { listSkills, loadSkill, SKILLS_EXTENSION_ID } from '@plugboard/skills/client'
import { withClient } from './connect.js'

// Opting in to the extension: declared, as the base protocol's negotiation expects of both sides.
const SKILLS_CLIENT = { capabilities: { extensions: { [SKILLS_EXTENSION_ID]: {} } } }

/**
 * `sep-2640-client-no-prefetch`: list the server's skills and read none of their files — a
 * skill's files are fetched when it is loaded, not on connection or listing.
 */
export async function runSkillsNoPrefetch(url: URL): Promise<void> {
  await withClient(url, SKILLS_CLIENT, async (client) => {
    const skills = await listSkills(client)
    if (skills.length === 0) throw new Error('skills/list returned no skills')
  })
}

/**
 * `sep-2640-client-verify-{digest,size,frontmatter}`: list, then load the first skill. The referee
 * serves a SKILL.md tampered in one way each (same length but another hash; extra bytes; a changed
 * description under a recomputed digest), so `loadSkill` refuses it with a `SkillVerificationError`
 * and this rejects, having read no supporting file. The referee allows that exit code.
 */
export async function runSkillsVerify(url: URL): Promise<void> {
  await withClient(url, SKILLS_CLIENT, async (client) => {
    const [entry] = await listSkills(client)
    if (!entry) throw new Error('skills/list returned no skills')
    await loadSkill(client, entry)
  })
}
