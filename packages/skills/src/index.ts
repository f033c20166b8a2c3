/**
 * `@plugboard/skills`: the server side of the MCP Skills extension (SEP-2640) — serve Agent Skills
 * as `skill://` resources with `skills/list`, `skills/get` and `resources/directory/read`. The
 * client side (list, load, verify) is `@plugboard/skills/client`.
 * @see https://modelcontextprotocol.io/seps/2640-skills-extension
 */
export { skills, type SkillFiles, type SkillsOptions } from './skills.js'
export { skillsFromDirectory } from './skills-from-directory.js'
export { parseFrontmatter } from './frontmatter.js'
export { isSkillName, SKILL_LIMITS, SKILLS_EXTENSION_ID, type Skill, type SkillFrontmatter, type SkillResource, type ListSkillsResult, type GetSkillResult } from './skill.js'
