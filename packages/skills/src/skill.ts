/** The extension's identifier, the key of its settings under `capabilities.extensions`. */
export const SKILLS_EXTENSION_ID = 'io.modelcontextprotocol/skills'

/**
 * What hosts must support per skill and servers should stay within: 512 `resources` entries
 * (SKILL.md included) and 16 MiB of files in all.
 * @see https://modelcontextprotocol.io/seps/2640-skills-extension#specification
 */
export const SKILL_LIMITS = { resources: 512, totalSize: 16 * 1024 * 1024 } as const

/** A skill's SKILL.md frontmatter as JSON: every field its author wrote, `name` and `description` at least. */
export interface SkillFrontmatter {
  name: string
  description: string
  [field: string]: unknown
}

/** One file of a skill in its manifest: `digest` is `sha256:<hex>` and `size` the byte length of exactly what `resources/read` serves. */
export interface SkillResource {
  uri: string
  digest: string
  size: number
}

/**
 * A skill's manifest, as `skills/list` and `skills/get` carry it. `resources` lists every file
 * (SKILL.md included) or is `'dynamic'` when the content has no stable digests.
 */
export interface Skill {
  /** The URI of the skill's SKILL.md, e.g. `skill://pdf-processing/SKILL.md`. */
  uri: string
  frontmatter: SkillFrontmatter
  resources: SkillResource[] | 'dynamic'
}

/** The result of `skills/list` (paginated; a skill is never split across pages). */
export interface ListSkillsResult {
  skills: Skill[]
  nextCursor?: string
  ttlMs?: number
  cacheScope?: 'public' | 'private'
}

/** The result of `skills/get`. */
export interface GetSkillResult {
  skill: Skill
  ttlMs?: number
  cacheScope?: 'public' | 'private'
}

// Agent Skills naming rules: 1–64 of [a-z0-9-], no leading, trailing or doubled hyphen.
const SKILL_NAME = /^(?!.*--)[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/

/**
 * Whether `name` follows the Agent Skills naming rules (1–64 lowercase letters, digits and
 * hyphens; no leading, trailing or consecutive hyphens).
 * @see https://agentskills.io/specification
 */
export function isSkillName(name: string): boolean {
  return SKILL_NAME.test(name)
}
