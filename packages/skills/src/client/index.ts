/**
 * `@plugboard/skills/client`: list a server's skills without fetching them, then load one — its
 * SKILL.md verified against the listed entry (size, SHA-256, frontmatter) — and read its files only
 * when needed and only as listed.
 * @see https://modelcontextprotocol.io/seps/2640-skills-extension#integrity-and-verification
 */
export {
  listSkills,
  getSkill,
  loadSkill,
  readSkillFile,
  SkillVerificationError,
  type SkillVerificationReason,
  type LoadedSkill,
  type SkillFile,
  type SkillRequestOptions,
  type LoadSkillOptions,
} from './skills.js'
export { SKILLS_EXTENSION_ID, type Skill, type SkillFrontmatter, type SkillResource } from '../skill.js'
