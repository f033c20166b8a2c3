import type { ServerManager } from '@plugboard/host'
import { SKILLS_EXTENSION_ID, listSkills, loadSkill, type Skill } from '@plugboard/skills/client'

/** A skill a server offers, as `/skills` lists it: from its manifest alone, no file read. */
export interface ServerSkill {
  server: string
  name: string
  description: string
  skill: Skill
}

/** A skill whose SKILL.md was loaded, verified, into the conversation's context (`/skills add`). */
export interface ContextSkill {
  server: string
  name: string
  /** Its SKILL.md's URI. */
  uri: string
  /** SKILL.md after its frontmatter: the instructions the model reads. */
  body: string
}

/**
 * The skills of every ready server that offers the Skills extension (SEP-2640), from `skills/list`
 * alone: no skill file is read. A server whose listing fails is in `errors`; the others still count.
 */
export async function listServerSkills(manager: ServerManager): Promise<{ skills: ServerSkill[]; errors: Array<{ server: string; error: Error }> }> {
  const errors: Array<{ server: string; error: Error }> = []
  const listed = await Promise.all(
    manager.names.map(async (server) => {
      const client = manager.client(server)
      if (client?.getServerExtension(SKILLS_EXTENSION_ID) === undefined) return []
      try {
        return (await listSkills(client)).map((skill) => ({ server, name: skill.frontmatter.name, description: skill.frontmatter.description, skill }))
      } catch (error) {
        errors.push({ server, error: error as Error })
        return []
      }
    }),
  )
  return { skills: listed.flat(), errors }
}

/**
 * Loads the skill `name` of `server` (its frontmatter name, or its path): lists the server's skills,
 * then reads SKILL.md and verifies it against the listed size, digest and frontmatter. Throws an
 * Error saying what is missing (server, readiness, extension, skill), or the `SkillVerificationError`
 * of a file that does not match its manifest.
 */
export async function loadServerSkill(manager: ServerManager, server: string, name: string): Promise<ContextSkill> {
  if (!manager.status(server)) throw new Error(`No server named "${server}"; servers: ${manager.names.join(', ') || 'none'}.`)
  const client = manager.client(server)
  if (!client) throw new Error(`Server "${server}" is not ready (${manager.status(server)!.state}).`)
  if (client.getServerExtension(SKILLS_EXTENSION_ID) === undefined) throw new Error(`Server "${server}" offers no skills (it does not declare the ${SKILLS_EXTENSION_ID} extension).`)
  const skills = await listSkills(client)
  const entry = skills.find((skill) => skill.frontmatter.name === name) ?? skills.find((skill) => skill.uri === `skill://${name}/SKILL.md`)
  if (!entry) throw new Error(`Server "${server}" has no skill "${name}"; it offers: ${skills.map((s) => s.frontmatter.name).join(', ') || 'none'}.`)
  const loaded = await loadSkill(client, entry)
  return { server, name: entry.frontmatter.name, uri: entry.uri, body: loaded.body }
}

/**
 * The system prompt with the skills in context after it, each under a heading naming it and its
 * server: where the model reads them on every turn.
 */
export function withSkills(system: string, skills: readonly ContextSkill[]): string {
  if (skills.length === 0) return system
  const sections = skills.map((skill) => `## Skill "${skill.name}" (from server "${skill.server}", ${skill.uri})\n\n${skill.body.trim()}`)
  return `${system}\n\nThe user added these skills to the conversation. Follow their instructions where they apply:\n\n${sections.join('\n\n')}`
}
